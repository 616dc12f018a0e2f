import { ConfigError } from './env-reader.js';
import { validateEnvironment } from './index.js';
import { readRateLimitConfig } from './rate-limit.config.js';

describe('rate-limit configuration', () => {
  it('defaults to the limits of SPEC §5', () => {
    expect(readRateLimitConfig({})).toEqual({
      enabled: true,
      windowSeconds: 60,
      loginPerAccount: 10,
      loginPerIp: 100,
      loginLockoutSeconds: 300,
      refreshPerIp: 600,
      refreshPerClient: 600,
    });
  });

  it('reads on/off and every limit', () => {
    const config = readRateLimitConfig({ RATE_LIMIT: 'off', RATE_LIMIT_WINDOW: '2', RATE_LIMIT_LOGIN_PER_ACCOUNT: '3', RATE_LIMIT_REFRESH_PER_CLIENT: '7' });
    expect(config).toMatchObject({ enabled: false, windowSeconds: 2, loginPerAccount: 3, refreshPerClient: 7 });
  });

  it.each([
    ['RATE_LIMIT', 'sometimes'],
    ['RATE_LIMIT_WINDOW', '0'],
    ['RATE_LIMIT_LOGIN_PER_IP', 'ten'],
    ['RATE_LIMIT_REFRESH_PER_IP', '-5'],
  ])('stops the start on a bad %s, naming it', (variable, value) => {
    expect(() => validateEnvironment({ [variable]: value })).toThrow(ConfigError);
    expect(() => validateEnvironment({ [variable]: value })).toThrow(new RegExp(`^${variable} `));
  });
});
