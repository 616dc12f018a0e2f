import type { ExecutionContext } from '@nestjs/common';
import type { AppConfig } from '../../config/app.config.js';
import { BodyCredentialsGuard } from './body-credentials.guard.js';
import { CookieCredentialsGuard } from './cookie-credentials.guard.js';
import { OriginPolicy } from './origin-policy.js';
import type { CredentialsRequest } from './refresh-credentials.js';

function contextFor(request: Partial<CredentialsRequest>): { context: ExecutionContext; request: CredentialsRequest } {
  const full = { headers: {}, protocol: 'http', ...request } as CredentialsRequest;
  return { request: full, context: { switchToHttp: () => ({ getRequest: () => full }) } as unknown as ExecutionContext };
}

const cookieGuard = new CookieCredentialsGuard(new OriginPolicy({ issuer: 'http://localhost:3030', corsOrigins: [] as string[] } as AppConfig));
const bodyGuard = new BodyCredentialsGuard();

function run(request: Partial<CredentialsRequest>) {
  const { context, request: full } = contextFor(request);
  cookieGuard.canActivate(context);
  bodyGuard.canActivate(context);
  return full.refreshCredentials;
}

describe('the cookie and body credential guards', () => {
  it('take the cookies, and the cookie wins over the body', () => {
    expect(run({ cookies: { refresh_token: 'r1', access_token: 'a1' }, body: { refreshToken: 'r2', token: 'a2' } })).toEqual({ source: 'cookie', refreshToken: 'r1', accessToken: 'a1' });
  });

  it('take the body when there is no refresh cookie', () => {
    expect(run({ cookies: { access_token: 'a1' }, body: { refreshToken: 'r2' } })).toEqual({ source: 'body', refreshToken: 'r2' });
    expect(run({ body: { refreshToken: 'r2', token: 'a2' } })).toEqual({ source: 'body', refreshToken: 'r2', accessToken: 'a2' });
  });

  it('find nothing without a refresh token, and refuse malformed bodies', () => {
    expect(run({})).toBeUndefined();
    expect(run({ body: { token: 'a2' } })).toBeUndefined();
    expect(() => run({ body: { refreshToken: 42 } })).toThrow(/refreshToken/);
    expect(() => run({ body: { refreshToken: 'x'.repeat(9000) } })).toThrow(/refreshToken/);
    expect(() => run({ body: 'refreshToken' })).toThrow(/JSON object/);
  });
});
