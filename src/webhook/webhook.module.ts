import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminKeyModule } from '../admin-key/admin-key.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { HOST_RESOLVER, systemHostResolver } from './host-resolver.js';
import { TokenEventListener } from './token-event.listener.js';
import { WebhookAttemptEntity } from './webhook-attempt.entity.js';
import { WebhookAuthGuard } from './webhook-auth.guard.js';
import { WebhookDeliveriesService } from './webhook-deliveries.service.js';
import { WebhookDeliveryEntity } from './webhook-delivery.entity.js';
import { WebhookDeliveryRepository } from './webhook-delivery.repository.js';
import { WebhookFanOut } from './webhook-fan-out.service.js';
import { WebhookOutboxSweeper } from './webhook-outbox.sweeper.js';
import { WebhookRetention } from './webhook-retention.js';
import { WebhookSubscriptionEntity } from './webhook-subscription.entity.js';
import { WebhookSubscriptionRepository } from './webhook-subscription.repository.js';
import { WebhookSubscriptionsService } from './webhook-subscriptions.service.js';
import { WebhookTargetPolicy } from './webhook-target.policy.js';
import { WebhookDispatcher } from './webhook.dispatcher.js';
import { WebhookSender } from './webhook.sender.js';
import { WebhookSigner } from './webhook.signer.js';
import { WebhooksController } from './webhooks.controller.js';

/**
 * Signed, durable delivery of token events to integrators. It knows only the event
 * contract and the outbox reader; the token core does not know it exists.
 */
@Module({
  imports: [TypeOrmModule.forFeature([WebhookSubscriptionEntity, WebhookDeliveryEntity, WebhookAttemptEntity]), ClientsModule, AdminKeyModule],
  controllers: [WebhooksController],
  providers: [
    WebhookAuthGuard,
    WebhookSubscriptionRepository,
    WebhookSubscriptionsService,
    WebhookDeliveriesService,
    WebhookDeliveryRepository,
    WebhookFanOut,
    WebhookOutboxSweeper,
    WebhookRetention,
    WebhookDispatcher,
    WebhookSender,
    WebhookSigner,
    WebhookTargetPolicy,
    { provide: HOST_RESOLVER, useValue: systemHostResolver },
    TokenEventListener,
  ],
  exports: [WebhookSubscriptionsService, WebhookDeliveriesService],
})
export class WebhookModule {}
