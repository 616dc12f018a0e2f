/** Who is calling the webhooks API: the admin (every subscription) or one OAuth client (its own). */
export type WebhookOwner = { kind: 'admin' } | { kind: 'client'; clientId: string };
