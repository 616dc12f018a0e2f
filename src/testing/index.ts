// The package's `./testing` entry: for host teams' test suites (README, "Testing kit").
export { startAuthTestingApp, type AuthTestingApp, type AuthTestingOptions, type MintOptions } from './auth-testing-app.js';
export { ControllableClock } from './controllable-clock.js';
export { verifyWebhook, WebhookSignatureReceiver, type VerifiedWebhook } from './webhook-signature-receiver.js';
