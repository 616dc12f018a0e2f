import type { InjectionToken, ModuleMetadata, OptionalFactoryDependency, Type } from '@nestjs/common';
import type { UserStore } from '../users/user-store.js';

/** What a host application may set when it imports AuthModule.forRootAsync(). */
export interface AuthModuleOptions {
  /**
   * The audience (`aud`) AccessTokenGuard accepts. Without it, a token's `aud` must be the
   * configured audience of the client named in its `client_id`.
   */
  audience?: string;
}

export interface AuthModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  useFactory: (...args: any[]) => AuthModuleOptions | Promise<AuthModuleOptions>;
  inject?: (InjectionToken | OptionalFactoryDependency)[];
  /** The host's own user store, bound to USER_STORE in place of the built-in one. */
  userStore?: Type<UserStore>;
  /**
   * A prefix for the module's routes (login, refresh, logout, token endpoint, /api/me…);
   * given here, not by the factory, because Nest maps routes before factories run.
   */
  routePrefix?: string;
}

export const AUTH_MODULE_OPTIONS = Symbol('AUTH_MODULE_OPTIONS');

/** The routePrefix given to AuthModule.forRootAsync(), for the metadata's endpoint URLs. */
export const AUTH_ROUTE_PREFIX = Symbol('AUTH_ROUTE_PREFIX');
