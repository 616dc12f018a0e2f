import { ApiProperty } from '@nestjs/swagger';

export class PortalLinkDto {
  @ApiProperty({ format: 'uri', description: 'One-time link into /portal; hand it to the integrator' })
  url: string;

  @ApiProperty({ format: 'date-time', description: '15 minutes from now' })
  expiresAt: string;
}

/** Who the portal session belongs to. */
export class PortalIdentityDto {
  @ApiProperty({ format: 'uuid' })
  clientId: string;

  @ApiProperty()
  clientName: string;

  @ApiProperty({ format: 'date-time', description: 'When the session ends' })
  expiresAt: string;
}

export class EventExampleDto {
  @ApiProperty()
  type: string;

  @ApiProperty({ format: 'date-time' })
  timestamp: string;

  @ApiProperty({ type: 'object', additionalProperties: true })
  data: Record<string, unknown>;
}

export class CatalogueEntryDto {
  @ApiProperty()
  type: string;

  @ApiProperty()
  description: string;

  @ApiProperty({ description: 'Whether a subscription may ask for it (the test event comes only on request)' })
  subscribable: boolean;

  @ApiProperty({ type: EventExampleDto, description: 'A body as it is sent' })
  example: EventExampleDto;
}

export class EventCatalogueDto {
  @ApiProperty({ type: [CatalogueEntryDto] })
  items: CatalogueEntryDto[];
}
