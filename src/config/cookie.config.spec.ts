import { ConfigError } from './env-reader.js';
import { readCookieConfig } from './cookie.config.js';

describe('readCookieConfig', () => {
  it('defaults to Secure, SameSite=Strict, refresh Path /api, host-only, no tokens in the body', () => {
    expect(readCookieConfig({})).toEqual({ refreshPath: '/api', sameSite: 'Strict', domain: undefined, secure: true, bodyTokens: false });
  });

  it('refuses SameSite=None without Secure, and a refresh path that is not a path', () => {
    expect(() => readCookieConfig({ COOKIE_SAMESITE: 'None', COOKIE_SECURE: 'false' })).toThrow(ConfigError);
    expect(() => readCookieConfig({ COOKIE_SAMESITE: 'None', COOKIE_SECURE: 'false' })).toThrow(/COOKIE_SAMESITE/);
    expect(() => readCookieConfig({ COOKIE_REFRESH_PATH: 'api' })).toThrow(/COOKIE_REFRESH_PATH/);
    expect(() => readCookieConfig({ COOKIE_REFRESH_PATH: '/api; Domain=evil' })).toThrow(/COOKIE_REFRESH_PATH/);
    expect(readCookieConfig({ COOKIE_SAMESITE: 'None' }).sameSite).toBe('None');
  });
});
