import { registerAs, type ConfigType } from '@nestjs/config';
import { ConfigError, EnvReader } from './env-reader.js';

export function readCookieConfig(env: Record<string, string | undefined>) {
  const read = new EnvReader(env);
  const config = {
    refreshPath: read.string('COOKIE_REFRESH_PATH', '/api'),
    sameSite: read.oneOf('COOKIE_SAMESITE', ['Strict', 'Lax', 'None'] as const, 'Strict'),
    domain: read.string('COOKIE_DOMAIN'),
    secure: read.bool('COOKIE_SECURE', true),
    bodyTokens: read.bool('COOKIE_BODY_TOKENS', false),
  };
  if (!/^\/[\x21-\x3a\x3c-\x7e]*$/.test(config.refreshPath)) {
    throw new ConfigError('COOKIE_REFRESH_PATH', `must be a path starting with "/", got "${config.refreshPath}"`);
  }
  // Browsers drop a SameSite=None cookie that is not Secure, so the session would silently never stick.
  if (config.sameSite === 'None' && !config.secure) {
    throw new ConfigError('COOKIE_SAMESITE', 'None requires COOKIE_SECURE=true');
  }
  return config;
}

export const cookieConfig = registerAs('cookie', () => readCookieConfig(process.env));
export type CookieConfig = ConfigType<typeof cookieConfig>;
