// A host application that uses refresh-token-service the way a team would after
// `npm install`: only the published entries (`refresh-token-service`, `/testing`), compiled
// with tsc. Run as `node dist/main.js express` or `node dist/main.js fastify`; exits non-zero
// on the first broken expectation. scripts/consumer-test.sh packs, installs and runs it.
import 'reflect-metadata';
import { Controller, Get, Injectable, Module, UseGuards } from '@nestjs/common';
import { AccessTokenGuard, AuthModule, CurrentUser, Roles, WebhookModule, type AccessTokenClaims, type UserRecord, type UserStore } from 'refresh-token-service';
import { startAuthTestingApp, WebhookSignatureReceiver } from 'refresh-token-service/testing';

@Injectable()
class TeamUserStore implements UserStore {
  private readonly users = [
    { id: 'u-ada', loginId: 'ada@example.com', password: 'ada password', roles: ['user', 'auditor'] },
    { id: 'u-bea', loginId: 'bea@example.com', password: 'bea password', roles: ['user'] },
  ];

  async findById(id: string): Promise<UserRecord | null> {
    const user = this.users.find((candidate) => candidate.id === id);
    return user ? { id: user.id, loginId: user.loginId, roles: user.roles, disabled: false } : null;
  }

  async verifyCredentials(loginId: string, password: string): Promise<UserRecord | null> {
    const user = this.users.find((candidate) => candidate.loginId === loginId && candidate.password === password);
    return user ? { id: user.id, loginId: user.loginId, roles: user.roles, disabled: false } : null;
  }
}

@Controller('ledger')
@UseGuards(AccessTokenGuard)
class LedgerController {
  @Get('audit')
  @Roles('auditor')
  audit(@CurrentUser() user: AccessTokenClaims) {
    return { auditor: user.sub };
  }
}

@Module({
  imports: [AuthModule.forRootAsync({ useFactory: () => ({ audience: 'ledgerApp' }), userStore: TeamUserStore, routePrefix: 'auth' }), WebhookModule],
  controllers: [LedgerController],
})
class ConsumerModule {}

function expect(condition: unknown, what: string): void {
  if (!condition) throw new Error(`Expected ${what}`);
  process.stdout.write(`  ok  ${what}\n`);
}

async function call(baseUrl: string, method: string, path: string, init: { json?: unknown; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(init.json === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

async function main(adapter: 'express' | 'fastify'): Promise<void> {
  process.stdout.write(`consumer test on @nestjs/platform-${adapter}\n`);
  const receiver = await WebhookSignatureReceiver.start();
  const kit = await startAuthTestingApp({ module: ConsumerModule, adapter, env: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' } });
  try {
    const { baseUrl, adminKey } = kit;
    const subscription = await call(baseUrl, 'POST', '/api/webhooks', { json: { url: receiver.url, events: ['token.refreshed'] }, headers: { authorization: `Bearer ${adminKey}` } });
    expect(subscription.status === 201, 'a webhook subscription is created (201)');
    receiver.setSecret(subscription.body.secret);

    const client = await kit.createClient({ name: 'ledger web', audience: 'ledgerApp', public: true });
    const login = await call(baseUrl, 'POST', '/auth/api/auth/login', { json: { loginId: 'bea@example.com', password: 'bea password', clientId: client.clientId } });
    expect(login.status === 200 && typeof login.body.refreshToken === 'string', 'login answers 200 with a token pair');

    const body = await call(baseUrl, 'POST', '/auth/api/auth/refresh', { json: { refreshToken: login.body.refreshToken } });
    expect(body.status === 200 && body.body.refreshToken !== login.body.refreshToken, 'body-mode refresh rotates the refresh token');
    expect(body.headers.get('cache-control') === 'no-store', 'refresh answers carry no-store');

    const cookieLogin = await call(baseUrl, 'POST', '/auth/api/auth/login', { json: { loginId: 'bea@example.com', password: 'bea password', clientId: client.clientId, cookies: true } });
    const cookies = cookieLogin.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
    expect(cookieLogin.status === 200 && /refresh_token=/.test(cookies), 'cookie-mode login sets the cookies');
    const cookie = await call(baseUrl, 'POST', '/auth/api/auth/refresh', { headers: { cookie: cookies } });
    expect(cookie.status === 200 && cookie.body.refreshToken === undefined && cookie.headers.getSetCookie().length === 2, 'cookie-mode refresh answers 200 and sets both cookies again');

    expect((await call(baseUrl, 'GET', '/ledger/audit')).status === 401, 'the host route answers 401 without a token');
    expect((await call(baseUrl, 'GET', '/ledger/audit', { headers: { authorization: `Bearer ${body.body.token}` } })).status === 403, 'the host route answers 403 without the role');
    const ada = await call(baseUrl, 'POST', '/auth/api/auth/login', { json: { loginId: 'ada@example.com', password: 'ada password', clientId: client.clientId } });
    const audit = await call(baseUrl, 'GET', '/ledger/audit', { headers: { authorization: `Bearer ${ada.body.token}` } });
    expect(audit.status === 200 && audit.body.auditor === 'u-ada', 'the host route answers 200 with the role');
    const minted = await kit.mintAccessToken({ sub: 'u-minted', roles: ['auditor'], audience: 'ledgerApp' });
    expect((await call(baseUrl, 'GET', '/ledger/audit', { headers: { authorization: `Bearer ${minted}` } })).body?.auditor === 'u-minted', 'a token minted by the testing kit passes the guard');

    const webhook = await receiver.waitFor('token.refreshed');
    expect(webhook.body.data.userId === 'u-bea' && webhook.body.data.clientId === client.clientId, 'a signed token.refreshed webhook arrives and verifies');

    const invalid = await call(baseUrl, 'POST', '/auth/oauth/token', { json: { grant_type: 'refresh_token', refresh_token: 'unknown', client_id: client.clientId } });
    expect(invalid.status === 400 && invalid.body.error === 'invalid_grant' && typeof invalid.body.error_description === 'string', 'the prefixed token endpoint answers RFC 6749 errors');
  } finally {
    await kit.close();
    await receiver.close();
  }
}

const adapter = process.argv[2];
if (adapter !== 'express' && adapter !== 'fastify') {
  process.stderr.write('usage: node dist/main.js express|fastify\n');
  process.exit(2);
}
main(adapter).then(
  () => process.stdout.write(`consumer test on ${adapter}: passed\n`),
  (error: unknown) => {
    process.stderr.write(`consumer test on ${adapter}: FAILED: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
