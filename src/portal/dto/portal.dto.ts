import { ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/http/pagination.js';
import { CreateWebhookDto } from '../../webhook/dto/webhook.dto.js';
import { SUBSCRIBABLE_EVENTS, WEBHOOK_TEST_EVENT } from '../../webhook/webhook-events.js';

/** Either a portal link's token, or a confidential client's id and secret. */
export class PortalSignInDto {
  @ApiPropertyOptional({ pattern: '^[A-Za-z0-9_-]{43}$', description: 'The token of a one-time portal link' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'token is not a portal link token' })
  token?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'A confidential client signing in with its secret' })
  @IsOptional()
  @IsUUID()
  clientId?: string;

  @ApiPropertyOptional({ maxLength: 256 })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  clientSecret?: string;
}

/** An endpoint belongs to the session's client; it cannot name another. */
export class PortalCreateEndpointDto extends OmitType(CreateWebhookDto, ['clientId'] as const) {}

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export const DELIVERED_EVENT_TYPES = [...SUBSCRIBABLE_EVENTS, WEBHOOK_TEST_EVENT];

export class PortalDeliveriesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES, { message: `status must be one of ${DELIVERY_STATUSES.join(', ')}` })
  status?: (typeof DELIVERY_STATUSES)[number];

  @ApiPropertyOptional({ enum: DELIVERED_EVENT_TYPES })
  @IsOptional()
  @IsIn(DELIVERED_EVENT_TYPES, { message: `eventType must be one of ${DELIVERED_EVENT_TYPES.join(', ')}` })
  eventType?: string;
}
