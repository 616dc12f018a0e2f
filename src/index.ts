// The public surface for host applications (README, "Use it in your Nest app"); the package's
// `.` entry. `./fastify`, `./testing` and `./migrations` are the other entries.
export { configureAuthHost } from './host-setup.js';
export { AccessTokenService, type AccessTokenClaims } from './auth/access-token.service.js';
export { AUTH_MODULE_OPTIONS, type AuthModuleAsyncOptions, type AuthModuleOptions } from './auth/auth-module.options.js';
export { AuthModule } from './auth/auth.module.js';
export { TokenEvents, type TokenEventMap, type TokenEventName } from './auth/events/token-events.js';
export { AccessTokenGuard, type AuthenticatedRequest } from './auth/guards/access-token.guard.js';
export { CurrentUser } from './auth/guards/current-user.decorator.js';
export { Roles } from './auth/guards/roles.decorator.js';
export { TokenRevocationService } from './auth/token-revocation.service.js';
export { TokenService, type IssuedTokens } from './auth/token.service.js';
export { ClientsService, type ClientRecord } from './clients/clients.service.js';
export { USER_STORE, type UserRecord, type UserStore } from './users/user-store.js';
export { WebhookModule } from './webhook/webhook.module.js';
export { AllExceptionsFilter } from './common/http/all-exceptions.filter.js';
