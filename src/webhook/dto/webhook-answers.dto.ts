import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '../../common/http/page.dto.js';
import { SUBSCRIBABLE_EVENTS, WEBHOOK_TEST_EVENT } from '../webhook-events.js';

export class WebhookSubscriptionDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uri' })
  url: string;

  @ApiProperty({ enum: [...SUBSCRIBABLE_EVENTS], isArray: true })
  events: string[];

  @ApiProperty()
  enabled: boolean;

  @ApiProperty({ type: String, nullable: true })
  description: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: "The owning (or, for the admin's, filtered) client; null for all clients" })
  clientId: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class CreatedWebhookDto extends WebhookSubscriptionDto {
  @ApiProperty({ description: '`whsec_` + base64; shown here and at a rotation only' })
  secret: string;
}

export class RotatedWebhookSecretDto extends CreatedWebhookDto {
  @ApiProperty({ format: 'date-time', description: 'Until then the previous secret signs beside the new one' })
  previousSecretExpiresAt: string;
}

export class WebhookPageDto extends PageOf(WebhookSubscriptionDto, 'WebhookPageDto') {}

export class DeliveryAttemptDto {
  @ApiProperty({ type: 'integer', description: '1 for the first attempt' })
  attempt: number;

  @ApiProperty({ format: 'date-time' })
  at: string;

  @ApiProperty({ type: 'integer', nullable: true, description: 'null when no HTTP answer came' })
  statusCode: number | null;

  @ApiProperty({ type: 'integer' })
  durationMs: number;

  @ApiProperty({ type: String, nullable: true })
  error: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The start of the receiver’s answer' })
  responseBody: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  nextRetryAt: string | null;
}

export class DeliveryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid', description: 'The `webhook-id`, the same on every attempt' })
  eventId: string;

  @ApiProperty({ enum: [...SUBSCRIBABLE_EVENTS, WEBHOOK_TEST_EVENT] })
  eventType: string;

  @ApiProperty({ enum: ['pending', 'succeeded', 'failed'] })
  status: string;

  @ApiProperty({ type: 'integer' })
  attempts: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  nextAttemptAt: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  completedAt: string | null;

  @ApiProperty({ type: [DeliveryAttemptDto] })
  attemptLog: DeliveryAttemptDto[];
}

export class DeliveryPageDto extends PageOf(DeliveryDto, 'DeliveryPageDto') {}

export class SentAttemptDto extends DeliveryAttemptDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    nullable: true,
    description: 'The request headers as sent; null when nothing was sent (the URL was refused)',
  })
  requestHeaders: Record<string, string> | null;
}

/** One delivery with the body as sent and every attempt with its request headers. */
export class DeliveryDetailDto extends DeliveryDto {
  @ApiProperty({ type: [SentAttemptDto] })
  declare attemptLog: SentAttemptDto[];

  @ApiProperty({ description: 'The request body exactly as sent: JSON `{type, timestamp, data}` with ids only, never a token or secret' })
  body: string;
}

export class TestDeliveryDto {
  @ApiProperty({ format: 'uuid' })
  deliveryId: string;

  @ApiProperty({ format: 'uuid' })
  eventId: string;
}

export class RetriedDeliveryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ['pending'] })
  status: 'pending';
}

export class HourlyStatsDto {
  @ApiProperty({ format: 'date-time', description: 'Start of the hour' })
  hour: string;

  @ApiProperty({ type: 'integer', description: 'Attempts answered 2xx' })
  succeeded: number;

  @ApiProperty({ type: 'integer' })
  failed: number;

  @ApiProperty({ type: 'number', nullable: true })
  p50Ms: number | null;

  @ApiProperty({ type: 'number', nullable: true })
  p99Ms: number | null;
}

export class DeliveryStatsDto {
  @ApiProperty({ format: 'date-time' })
  from: string;

  @ApiProperty({ format: 'date-time' })
  to: string;

  @ApiProperty({ type: [HourlyStatsDto], description: 'The last 24 clock hours, the current one included' })
  hours: HourlyStatsDto[];
}

