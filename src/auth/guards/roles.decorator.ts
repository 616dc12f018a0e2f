import { SetMetadata } from '@nestjs/common';

export const ROLES_KEY = 'auth:roles';

/** The roles AccessTokenGuard requires (any one of them) from the access token's `roles` claim. */
export const Roles = (...roles: string[]) => SetMetadata(ROLES_KEY, roles);
