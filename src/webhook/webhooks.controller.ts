import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { WebhookAuthGuard, CurrentWebhookOwner } from './webhook-auth.guard.js';
import { CreateWebhookDto, UpdateWebhookDto, WebhookPageQueryDto } from './dto/webhook.dto.js';
import type { WebhookOwner } from './webhook-owner.js';
import { WebhookDeliveriesService } from './webhook-deliveries.service.js';
import { WebhookSubscriptionsService } from './webhook-subscriptions.service.js';

@Controller('api/webhooks')
@UseGuards(WebhookAuthGuard)
export class WebhooksController {
  constructor(
    private readonly subscriptions: WebhookSubscriptionsService,
    private readonly deliveries: WebhookDeliveriesService,
  ) {}

  @Post()
  create(@CurrentWebhookOwner() owner: WebhookOwner, @Body() body: CreateWebhookDto) {
    return this.subscriptions.create(owner, body);
  }

  @Get()
  async list(@CurrentWebhookOwner() owner: WebhookOwner, @Query() query: WebhookPageQueryDto) {
    const limit = query.limit ?? 50;
    const rows = await this.subscriptions.list(owner, limit + 1, query.cursor);
    const items = rows.slice(0, limit);
    return rows.length > limit ? { items, nextCursor: items[items.length - 1]!.id } : { items };
  }

  @Get(':id')
  get(@CurrentWebhookOwner() owner: WebhookOwner, @Param('id', ParseUUIDPipe) id: string) {
    return this.subscriptions.get(owner, id);
  }

  @Patch(':id')
  update(@CurrentWebhookOwner() owner: WebhookOwner, @Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateWebhookDto) {
    return this.subscriptions.update(owner, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@CurrentWebhookOwner() owner: WebhookOwner, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.subscriptions.delete(owner, id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  rotateSecret(@CurrentWebhookOwner() owner: WebhookOwner, @Param('id', ParseUUIDPipe) id: string) {
    return this.subscriptions.rotateSecret(owner, id);
  }

  @Post(':id/test')
  @HttpCode(202)
  test(@CurrentWebhookOwner() owner: WebhookOwner, @Param('id', ParseUUIDPipe) id: string) {
    return this.deliveries.sendTest(owner, id);
  }

  @Get(':id/deliveries')
  listDeliveries(@CurrentWebhookOwner() owner: WebhookOwner, @Param('id', ParseUUIDPipe) id: string, @Query() query: WebhookPageQueryDto) {
    return this.deliveries.list(owner, id, query.limit ?? 50, query.cursor);
  }

  @Post(':id/deliveries/:deliveryId/retry')
  @HttpCode(202)
  retry(
    @CurrentWebhookOwner() owner: WebhookOwner,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('deliveryId', ParseUUIDPipe) deliveryId: string,
  ) {
    return this.deliveries.retry(owner, id, deliveryId);
  }
}
