import { Body, Controller, Delete, Get, Header, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { WebhookAuthGuard, CurrentWebhookOwner } from './webhook-auth.guard.js';
import { PageQueryDto, paginate } from '../common/http/pagination.js';
import { CreateWebhookDto, UpdateWebhookDto } from './dto/webhook.dto.js';
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

  /** The signing secret is in the answer: no cache on the way may keep a copy. */
  @Post()
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  create(@CurrentWebhookOwner() owner: WebhookOwner, @Body() body: CreateWebhookDto) {
    return this.subscriptions.create(owner, body);
  }

  @Get()
  list(@CurrentWebhookOwner() owner: WebhookOwner, @Query() query: PageQueryDto) {
    return paginate(query.limit, (take) => this.subscriptions.list(owner, take, query.cursor), (subscription) => subscription.id);
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
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  rotateSecret(@CurrentWebhookOwner() owner: WebhookOwner, @Param('id', ParseUUIDPipe) id: string) {
    return this.subscriptions.rotateSecret(owner, id);
  }

  @Post(':id/test')
  @HttpCode(202)
  test(@CurrentWebhookOwner() owner: WebhookOwner, @Param('id', ParseUUIDPipe) id: string) {
    return this.deliveries.sendTest(owner, id);
  }

  @Get(':id/deliveries')
  listDeliveries(@CurrentWebhookOwner() owner: WebhookOwner, @Param('id', ParseUUIDPipe) id: string, @Query() query: PageQueryDto) {
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
