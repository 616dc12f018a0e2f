import { ConfigError } from './env-reader.js';
import { readAuthConfig } from './auth.config.js';

const PRODUCTION = { NODE_ENV: 'production', KEY_ENCRYPTION_KEY: 'k'.repeat(32) };

describe('readAuthConfig lifetimes', () => {
  it.each(['REFRESH_TOKEN_TTL', 'REFRESH_TOKEN_IDLE_TTL'])('accepts %s down to 1 second outside production (QA expiry tests)', (variable) => {
    const key = variable === 'REFRESH_TOKEN_TTL' ? 'refreshTokenTtl' : 'refreshTokenIdleTtl';
    expect(readAuthConfig({ [variable]: '1' })[key]).toBe(1);
    expect(readAuthConfig({ NODE_ENV: 'test', [variable]: '2' })[key]).toBe(2);
    expect(() => readAuthConfig({ [variable]: '0' })).toThrow(new RegExp(`^${variable} must be between 1 and`));
  });

  it.each(['REFRESH_TOKEN_TTL', 'REFRESH_TOKEN_IDLE_TTL'])('keeps the 60-second floor for %s in production, with its message', (variable) => {
    expect(() => readAuthConfig({ ...PRODUCTION, [variable]: '59' })).toThrow(ConfigError);
    expect(() => readAuthConfig({ ...PRODUCTION, [variable]: '59' })).toThrow(new RegExp(`^${variable} must be between 60 and \\d+, got 59$`));
    expect(() => readAuthConfig({ ...PRODUCTION, [variable]: '1' })).toThrow(new RegExp(`^${variable} must be between 60 and`));
    expect(() => readAuthConfig({ ...PRODUCTION, [variable]: '60' })).not.toThrow();
  });
});
