import { registerAs, type ConfigType } from '@nestjs/config';
import { EnvReader } from './env-reader.js';

export function readCookieConfig(env: Record<string, string | undefined>) {
  const read = new EnvReader(env);
  return {
    refreshPath: read.string('COOKIE_REFRESH_PATH', '/api'),
    sameSite: read.oneOf('COOKIE_SAMESITE', ['Strict', 'Lax', 'None'] as const, 'Strict'),
    domain: read.string('COOKIE_DOMAIN'),
    secure: read.bool('COOKIE_SECURE', true),
    bodyTokens: read.bool('COOKIE_BODY_TOKENS', false),
  };
}

export const cookieConfig = registerAs('cookie', () => readCookieConfig(process.env));
export type CookieConfig = ConfigType<typeof cookieConfig>;
