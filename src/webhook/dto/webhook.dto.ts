import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { SUBSCRIBABLE_EVENTS } from '../webhook-events.js';
import { MAX_WEBHOOK_URL_LENGTH } from '../webhook-target.policy.js';

const EVENTS_MESSAGE = `each event must be one of ${SUBSCRIBABLE_EVENTS.join(', ')}`;

export class CreateWebhookDto {
  @IsString()
  @MaxLength(MAX_WEBHOOK_URL_LENGTH)
  url: string;

  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SUBSCRIBABLE_EVENTS.length)
  @IsIn(SUBSCRIBABLE_EVENTS, { each: true, message: EVENTS_MESSAGE })
  events?: string[];

  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @IsOptional()
  @IsUUID()
  clientId?: string;
}

export class UpdateWebhookDto {
  @IsOptional()
  @IsString()
  @MaxLength(MAX_WEBHOOK_URL_LENGTH)
  url?: string;

  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SUBSCRIBABLE_EVENTS.length)
  @IsIn(SUBSCRIBABLE_EVENTS, { each: true, message: EVENTS_MESSAGE })
  events?: string[];

  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ValidateIf((_, value) => value !== null)
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string | null;
}

export class WebhookPageQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}
