import { registerAs, type ConfigType } from '@nestjs/config';
import { readAppConfig } from './app.config.js';
import { EnvReader } from './env-reader.js';

export function readPortalConfig(env: Record<string, string | undefined>) {
  const read = new EnvReader(env);
  return {
    /** Seconds a one-time portal link stays valid. */
    linkTtlSeconds: read.int('PORTAL_LINK_TTL', 900, { min: 1, max: 7 * 24 * 3600 }),
    /** Seconds a portal session lasts. */
    sessionTtlSeconds: read.int('PORTAL_SESSION_TTL', 3600, { min: 1, max: 24 * 3600 }),
    /** Where the links point: the portal page of this server as the integrators reach it. */
    baseUrl: read.url('PORTAL_BASE_URL', readAppConfig(env).issuer),
  };
}

export const portalConfig = registerAs('portal', () => readPortalConfig(process.env));
export type PortalConfig = ConfigType<typeof portalConfig>;
