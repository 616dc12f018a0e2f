import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import { PageQueryDto, paginate } from '../common/http/pagination.js';
import { UpdateWebhookDto } from '../webhook/dto/webhook.dto.js';
import type { WebhookOwner } from '../webhook/webhook-owner.js';
import { WebhookDeliveriesService } from '../webhook/webhook-deliveries.service.js';
import { WebhookSubscriptionsService } from '../webhook/webhook-subscriptions.service.js';
import { PortalCreateEndpointDto, PortalDeliveriesQueryDto } from './dto/portal.dto.js';
import { EVENT_CATALOGUE } from './event-catalogue.js';
import { NoStoreInterceptor } from './no-store.interceptor.js';
import { PortalOwner, PortalSessionGuard } from './portal-session.guard.js';

/**
 * The portal's JSON API: the webhooks API's own services, with the session's client as the
 * owner, so another client's endpoint is a 404 here exactly as it is there.
 */
@Controller('portal/api')
@UseGuards(PortalSessionGuard)
@UseInterceptors(NoStoreInterceptor)
export class PortalWebhooksController {
  constructor(
    private readonly subscriptions: WebhookSubscriptionsService,
    private readonly deliveries: WebhookDeliveriesService,
  ) {}

  @Get('events')
  catalogue() {
    return { items: EVENT_CATALOGUE };
  }

  @Get('endpoints')
  list(@PortalOwner() owner: WebhookOwner, @Query() query: PageQueryDto) {
    return paginate(query.limit ?? 200, (take) => this.subscriptions.list(owner, take, query.cursor), (subscription) => subscription.id);
  }

  @Post('endpoints')
  create(@PortalOwner() owner: WebhookOwner, @Body() body: PortalCreateEndpointDto) {
    return this.subscriptions.create(owner, body);
  }

  @Get('endpoints/:id')
  get(@PortalOwner() owner: WebhookOwner, @Param('id', ParseUUIDPipe) id: string) {
    return this.subscriptions.get(owner, id);
  }

  @Patch('endpoints/:id')
  update(@PortalOwner() owner: WebhookOwner, @Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateWebhookDto) {
    return this.subscriptions.update(owner, id, body);
  }

  @Delete('endpoints/:id')
  @HttpCode(204)
  async delete(@PortalOwner() owner: WebhookOwner, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.subscriptions.delete(owner, id);
  }

  @Post('endpoints/:id/rotate-secret')
  @HttpCode(200)
  rotateSecret(@PortalOwner() owner: WebhookOwner, @Param('id', ParseUUIDPipe) id: string) {
    return this.subscriptions.rotateSecret(owner, id);
  }

  @Post('endpoints/:id/test')
  @HttpCode(202)
  test(@PortalOwner() owner: WebhookOwner, @Param('id', ParseUUIDPipe) id: string) {
    return this.deliveries.sendTest(owner, id);
  }

  @Get('endpoints/:id/deliveries')
  listDeliveries(@PortalOwner() owner: WebhookOwner, @Param('id', ParseUUIDPipe) id: string, @Query() query: PortalDeliveriesQueryDto) {
    return this.deliveries.list(owner, id, query.limit ?? 50, query.cursor, { status: query.status, eventType: query.eventType });
  }

  @Get('endpoints/:id/deliveries/:deliveryId')
  getDelivery(@PortalOwner() owner: WebhookOwner, @Param('id', ParseUUIDPipe) id: string, @Param('deliveryId', ParseUUIDPipe) deliveryId: string) {
    return this.deliveries.get(owner, id, deliveryId);
  }

  @Post('endpoints/:id/deliveries/:deliveryId/resend')
  @HttpCode(202)
  resend(@PortalOwner() owner: WebhookOwner, @Param('id', ParseUUIDPipe) id: string, @Param('deliveryId', ParseUUIDPipe) deliveryId: string) {
    return this.deliveries.retry(owner, id, deliveryId);
  }

  @Get('endpoints/:id/stats')
  stats(@PortalOwner() owner: WebhookOwner, @Param('id', ParseUUIDPipe) id: string) {
    return this.deliveries.hourlyStats(owner, id);
  }
}
