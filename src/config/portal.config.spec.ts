import { ConfigError } from './env-reader.js';
import { readPortalConfig } from './portal.config.js';

describe('readPortalConfig', () => {
  it('defaults to 15-minute links, one-hour sessions, links on the issuer', () => {
    expect(readPortalConfig({})).toEqual({ linkTtlSeconds: 900, sessionTtlSeconds: 3600, baseUrl: 'http://localhost:3030' });
    expect(readPortalConfig({ PORT: '3130' }).baseUrl).toBe('http://localhost:3130');
    expect(readPortalConfig({ ISSUER: 'https://auth.example.com/' }).baseUrl).toBe('https://auth.example.com');
    expect(readPortalConfig({ ISSUER: 'https://auth.example.com', PORTAL_BASE_URL: 'https://portal.example.com' }).baseUrl).toBe('https://portal.example.com');
  });

  it('names the variable of a bad value', () => {
    for (const [name, value] of [
      ['PORTAL_LINK_TTL', '0'],
      ['PORTAL_LINK_TTL', '15m'],
      ['PORTAL_SESSION_TTL', '-1'],
      ['PORTAL_SESSION_TTL', '86401'],
      ['PORTAL_BASE_URL', 'javascript:alert(1)'],
    ]) {
      expect(() => readPortalConfig({ [name!]: value })).toThrow(ConfigError);
      expect(() => readPortalConfig({ [name!]: value })).toThrow(new RegExp(`^${name}`));
    }
  });
});
