import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';

const INDICATORS: ApiPropertyOptions = {
  type: 'object',
  description: 'By indicator (database, writes, rateLimit): `{status: "up" | "down" | "degraded", …}`',
  additionalProperties: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['up', 'degraded', 'down'] } }, additionalProperties: true },
};

/** The @nestjs/terminus answer. */
export class HealthCheckDto {
  @ApiProperty({ enum: ['ok', 'degraded', 'error', 'shutting_down'] })
  status: string;

  @ApiPropertyOptional(INDICATORS)
  info?: Record<string, unknown>;

  @ApiPropertyOptional(INDICATORS)
  error?: Record<string, unknown>;

  @ApiProperty(INDICATORS)
  details: Record<string, unknown>;
}
