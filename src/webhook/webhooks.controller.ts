import { Body, Controller, Delete, Get, Header, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBasicAuth, ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiUuidParams } from '../common/http/api-errors.js';
import { CreatedWebhookDto, DeliveryPageDto, RetriedDeliveryDto, RotatedWebhookSecretDto, TestDeliveryDto, WebhookPageDto, WebhookSubscriptionDto } from './dto/webhook-answers.dto.js';
import { WebhookAuthGuard, CurrentWebhookOwner } from './webhook-auth.guard.js';
import { PageQueryDto, paginate } from '../common/http/pagination.js';
import { CreateWebhookDto, UpdateWebhookDto } from './dto/webhook.dto.js';
import type { WebhookOwner } from './webhook-owner.js';
import { WebhookDeliveriesService } from './webhook-deliveries.service.js';
import { WebhookSubscriptionsService } from './webhook-subscriptions.service.js';

@ApiTags('webhooks')
@ApiBearerAuth('admin-key')
@ApiBasicAuth('client-basic')
@ApiErrors([401, 'No credentials, or wrong ones: the admin key, or an OAuth client by client_secret_basic'], 503)
@Controller('api/webhooks')
@UseGuards(WebhookAuthGuard)
export class WebhooksController {
  constructor(
    private readonly subscriptions: WebhookSubscriptionsService,
    private readonly deliveries: WebhookDeliveriesService,
  ) {}

  /** The signing secret is in the answer: no cache on the way may keep a copy. */
  @Post()
  @ApiOperation({
    summary: 'Subscribe a URL to events',
    description:
      'The admin key manages every subscription (and may filter one by `clientId`); an OAuth client manages and receives only its own events. The signing secret (`whsec_…`) is in this answer. The URL is refused if it points at a private, loopback or metadata address, or is not https in production.',
  })
  @ApiCreatedResponse({ type: CreatedWebhookDto })
  @ApiErrors([400, 'Malformed request, or a refused target URL'], 415)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  create(@CurrentWebhookOwner() owner: WebhookOwner, @Body() body: CreateWebhookDto) {
    return this.subscriptions.create(owner, body);
  }

  @Get()
  @ApiOperation({ summary: 'List subscriptions', description: 'The caller’s own (all of them for the admin key); keyset-paginated.' })
  @ApiOkResponse({ type: WebhookPageDto })
  @ApiErrors(400)
  list(@CurrentWebhookOwner() owner: WebhookOwner, @Query() query: PageQueryDto) {
    return paginate(query.limit, (take) => this.subscriptions.list(owner, take, query.cursor), (subscription) => subscription.id);
  }

  @Get(':id')
  @ApiUuidParams('id')
  @ApiOperation({ summary: 'Get one subscription', description: 'Another client’s subscription is a 404. The secret is not shown.' })
  @ApiOkResponse({ type: WebhookSubscriptionDto })
  @ApiErrors(400, 404)
  get(@CurrentWebhookOwner() owner: WebhookOwner, @Param('id', ParseUUIDPipe) id: string) {
    return this.subscriptions.get(owner, id);
  }

  @Patch(':id')
  @ApiUuidParams('id')
  @ApiOperation({ summary: 'Change a subscription', description: 'URL (checked again), events, enabled, description (null clears it).' })
  @ApiOkResponse({ type: WebhookSubscriptionDto })
  @ApiErrors(400, 404, 415)
  update(@CurrentWebhookOwner() owner: WebhookOwner, @Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateWebhookDto) {
    return this.subscriptions.update(owner, id, body);
  }

  @Delete(':id')
  @ApiUuidParams('id')
  @ApiOperation({ summary: 'Delete a subscription', description: 'Its deliveries go with it.' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(400, 404)
  @HttpCode(204)
  async delete(@CurrentWebhookOwner() owner: WebhookOwner, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.subscriptions.delete(owner, id);
  }

  @Post(':id/rotate-secret')
  @ApiUuidParams('id')
  @ApiOperation({ summary: 'Rotate the signing secret', description: 'The old secret keeps signing beside the new one (two signatures) for 24 hours.' })
  @ApiOkResponse({ type: RotatedWebhookSecretDto })
  @ApiErrors(400, 404)
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  rotateSecret(@CurrentWebhookOwner() owner: WebhookOwner, @Param('id', ParseUUIDPipe) id: string) {
    return this.subscriptions.rotateSecret(owner, id);
  }

  @Post(':id/test')
  @ApiUuidParams('id')
  @ApiOperation({ summary: 'Send a test event', description: 'Queues a `webhook.test` delivery to the subscription, signed like every other.' })
  @ApiAcceptedResponse({ type: TestDeliveryDto })
  @ApiErrors(400, 404)
  @HttpCode(202)
  test(@CurrentWebhookOwner() owner: WebhookOwner, @Param('id', ParseUUIDPipe) id: string) {
    return this.deliveries.sendTest(owner, id);
  }

  @Get(':id/deliveries')
  @ApiUuidParams('id')
  @ApiOperation({ summary: 'List deliveries', description: 'Newest first, each with every attempt: time, HTTP status, duration, error, next retry.' })
  @ApiOkResponse({ type: DeliveryPageDto })
  @ApiErrors(400, 404)
  listDeliveries(@CurrentWebhookOwner() owner: WebhookOwner, @Param('id', ParseUUIDPipe) id: string, @Query() query: PageQueryDto) {
    return this.deliveries.list(owner, id, query.limit ?? 50, query.cursor);
  }

  @Post(':id/deliveries/:deliveryId/retry')
  @ApiUuidParams('id', 'deliveryId')
  @ApiOperation({ summary: 'Retry a delivery by hand', description: 'Puts a failed (or pending) delivery back in the queue with a fresh attempt schedule.' })
  @ApiAcceptedResponse({ type: RetriedDeliveryDto })
  @ApiErrors(400, 404)
  @HttpCode(202)
  retry(
    @CurrentWebhookOwner() owner: WebhookOwner,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('deliveryId', ParseUUIDPipe) deliveryId: string,
  ) {
    return this.deliveries.retry(owner, id, deliveryId);
  }
}
