import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCookieAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiUuidParams } from '../common/http/api-errors.js';
import { CreatedWebhookDto, DeliveryDetailDto, DeliveryPageDto, DeliveryStatsDto, RetriedDeliveryDto, RotatedWebhookSecretDto, TestDeliveryDto, WebhookPageDto, WebhookSubscriptionDto } from '../webhook/dto/webhook-answers.dto.js';
import { EventCatalogueDto } from './dto/portal-answers.dto.js';
import { PageQueryDto, paginate } from '../common/http/pagination.js';
import { UpdateWebhookDto } from '../webhook/dto/webhook.dto.js';
import type { WebhookOwner } from '../webhook/webhook-owner.js';
import { WebhookDeliveriesService } from '../webhook/webhook-deliveries.service.js';
import { WebhookSubscriptionsService } from '../webhook/webhook-subscriptions.service.js';
import { PortalCreateEndpointDto, PortalDeliveriesQueryDto } from './dto/portal.dto.js';
import { EVENT_CATALOGUE } from './event-catalogue.js';
import { NoStoreApi } from '../common/http/all-exceptions.filter.js';
import { PortalOwner, PortalSessionGuard } from './portal-session.guard.js';

/**
 * The portal's JSON API: the webhooks API's own services, with the session's client as the
 * owner, so another client's endpoint is a 404 here exactly as it is there.
 */
@ApiTags('portal')
@ApiCookieAuth('portal-session')
@ApiErrors([401, 'No live portal session'], [403, 'Cross-site request refused (Origin check)'], 503)
@Controller('portal/api')
@UseGuards(PortalSessionGuard)
@NoStoreApi()
export class PortalWebhooksController {
  constructor(
    private readonly subscriptions: WebhookSubscriptionsService,
    private readonly deliveries: WebhookDeliveriesService,
  ) {}

  @Get('events')
  @ApiOperation({ summary: 'The event catalogue', description: 'Every event a receiver may get, with an example body as it is sent.' })
  @ApiOkResponse({ type: EventCatalogueDto })
  catalogue() {
    return { items: EVENT_CATALOGUE };
  }

  @Get('endpoints')
  @ApiOperation({ summary: 'List the client’s endpoints', description: 'The webhook subscriptions of the session’s client; keyset-paginated.' })
  @ApiOkResponse({ type: WebhookPageDto })
  @ApiErrors(400)
  list(@PortalOwner() owner: WebhookOwner, @Query() query: PageQueryDto) {
    return paginate(query.limit ?? 200, (take) => this.subscriptions.list(owner, take, query.cursor), (subscription) => subscription.id);
  }

  @Post('endpoints')
  @ApiOperation({ summary: 'Add an endpoint', description: 'A subscription owned by the session’s client; the signing secret is in this answer.' })
  @ApiCreatedResponse({ type: CreatedWebhookDto })
  @ApiErrors([400, 'Malformed request, or a refused target URL'], 415)
  create(@PortalOwner() owner: WebhookOwner, @Body() body: PortalCreateEndpointDto) {
    return this.subscriptions.create(owner, body);
  }

  @Get('endpoints/:id')
  @ApiUuidParams('id')
  @ApiOperation({ summary: 'Get one endpoint', description: 'Another client’s endpoint is a 404.' })
  @ApiOkResponse({ type: WebhookSubscriptionDto })
  @ApiErrors(400, 404)
  get(@PortalOwner() owner: WebhookOwner, @Param('id', ParseUUIDPipe) id: string) {
    return this.subscriptions.get(owner, id);
  }

  @Patch('endpoints/:id')
  @ApiUuidParams('id')
  @ApiOperation({ summary: 'Change an endpoint', description: 'URL (checked again), events, enabled, description (null clears it).' })
  @ApiOkResponse({ type: WebhookSubscriptionDto })
  @ApiErrors(400, 404, 415)
  update(@PortalOwner() owner: WebhookOwner, @Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateWebhookDto) {
    return this.subscriptions.update(owner, id, body);
  }

  @Delete('endpoints/:id')
  @ApiUuidParams('id')
  @ApiOperation({ summary: 'Delete an endpoint', description: 'Its deliveries go with it.' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(400, 404)
  @HttpCode(204)
  async delete(@PortalOwner() owner: WebhookOwner, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.subscriptions.delete(owner, id);
  }

  @Post('endpoints/:id/rotate-secret')
  @ApiUuidParams('id')
  @ApiOperation({ summary: 'Rotate an endpoint’s secret', description: 'The old secret keeps signing beside the new one for 24 hours.' })
  @ApiOkResponse({ type: RotatedWebhookSecretDto })
  @ApiErrors(400, 404)
  @HttpCode(200)
  rotateSecret(@PortalOwner() owner: WebhookOwner, @Param('id', ParseUUIDPipe) id: string) {
    return this.subscriptions.rotateSecret(owner, id);
  }

  @Post('endpoints/:id/test')
  @ApiUuidParams('id')
  @ApiOperation({ summary: 'Send a test event', description: 'Queues a `webhook.test` delivery to the endpoint.' })
  @ApiAcceptedResponse({ type: TestDeliveryDto })
  @ApiErrors(400, 404)
  @HttpCode(202)
  test(@PortalOwner() owner: WebhookOwner, @Param('id', ParseUUIDPipe) id: string) {
    return this.deliveries.sendTest(owner, id);
  }

  @Get('endpoints/:id/deliveries')
  @ApiUuidParams('id')
  @ApiOperation({ summary: 'List deliveries', description: 'Newest first, filtered by status or event type, each with its attempts.' })
  @ApiOkResponse({ type: DeliveryPageDto })
  @ApiErrors(400, 404)
  listDeliveries(@PortalOwner() owner: WebhookOwner, @Param('id', ParseUUIDPipe) id: string, @Query() query: PortalDeliveriesQueryDto) {
    return this.deliveries.list(owner, id, query.limit ?? 50, query.cursor, { status: query.status, eventType: query.eventType });
  }

  @Get('endpoints/:id/deliveries/:deliveryId')
  @ApiUuidParams('id', 'deliveryId')
  @ApiOperation({ summary: 'One delivery in full', description: 'The body as sent and every attempt with the request headers as sent.' })
  @ApiOkResponse({ type: DeliveryDetailDto })
  @ApiErrors(400, 404)
  getDelivery(@PortalOwner() owner: WebhookOwner, @Param('id', ParseUUIDPipe) id: string, @Param('deliveryId', ParseUUIDPipe) deliveryId: string) {
    return this.deliveries.get(owner, id, deliveryId);
  }

  @Post('endpoints/:id/deliveries/:deliveryId/resend')
  @ApiUuidParams('id', 'deliveryId')
  @ApiOperation({ summary: 'Resend a delivery', description: 'Puts the delivery back in the queue with a fresh attempt schedule.' })
  @ApiAcceptedResponse({ type: RetriedDeliveryDto })
  @ApiErrors(400, 404)
  @HttpCode(202)
  resend(@PortalOwner() owner: WebhookOwner, @Param('id', ParseUUIDPipe) id: string, @Param('deliveryId', ParseUUIDPipe) deliveryId: string) {
    return this.deliveries.retry(owner, id, deliveryId);
  }

  @Get('endpoints/:id/stats')
  @ApiUuidParams('id')
  @ApiOperation({ summary: 'Attempts per hour, last 24 hours', description: 'Succeeded and failed attempts and latency percentiles per clock hour, empty hours as zeros; feeds the portal’s chart.' })
  @ApiOkResponse({ type: DeliveryStatsDto })
  @ApiErrors(400, 404)
  stats(@PortalOwner() owner: WebhookOwner, @Param('id', ParseUUIDPipe) id: string) {
    return this.deliveries.hourlyStats(owner, id);
  }
}
