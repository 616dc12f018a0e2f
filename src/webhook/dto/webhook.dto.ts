import { ApiProperty, ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUUID, MaxLength, ValidateIf } from 'class-validator';
import { SUBSCRIBABLE_EVENTS } from '../webhook-events.js';
import { MAX_WEBHOOK_URL_LENGTH } from '../webhook-target.policy.js';

const EVENTS_MESSAGE = `each event must be one of ${SUBSCRIBABLE_EVENTS.join(', ')}`;

export class CreateWebhookDto {
  @ApiProperty({ format: 'uri', maxLength: MAX_WEBHOOK_URL_LENGTH, description: 'https only in production' })
  @IsString()
  @MaxLength(MAX_WEBHOOK_URL_LENGTH)
  url: string;

  @ApiPropertyOptional({ enum: [...SUBSCRIBABLE_EVENTS], isArray: true, minItems: 1, default: ['token.refreshed'] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SUBSCRIBABLE_EVENTS.length)
  @IsIn(SUBSCRIBABLE_EVENTS, { each: true, message: EVENTS_MESSAGE })
  events?: string[];

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Admin key only: receive only this client\'s events' })
  @IsOptional()
  @IsUUID()
  clientId?: string;
}

/** `url` and `events` as at creation; `enabled`; a `description` that null clears. The owner never changes. */
export class UpdateWebhookDto extends PartialType(PickType(CreateWebhookDto, ['url', 'events'] as const)) {
  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ type: String, maxLength: 500, nullable: true, description: 'null clears it' })
  @ValidateIf((_, value) => value !== null)
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string | null;
}
