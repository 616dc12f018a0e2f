import { jest } from '@jest/globals';
import type { ApiResponse } from './support/api-client.js';
import { parseSetCookies } from './support/cookie-jar.js';
import { createClient, createUser, login, type ClientFixture, type UserFixture } from './support/fixtures.js';
import { validate, type OpenApiDocument, type Schema } from './support/openapi-schema.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

jest.setTimeout(60_000);

/**
 * Every documented operation is called once, for real, with a fixture flow (clients, a user,
 * logins, refreshes, webhooks, a portal session), and its answer is checked against the
 * success schema that /docs-json declares for it. The document is built by @nestjs/swagger
 * from the controllers' decorators, so a DTO that drifts from what the code returns fails here.
 * @nestjs/swagger loads under Jest, so the app runs in-process; nothing here needs the built
 * server. Not black-box: it rotates and revokes signing keys.
 */
describe('OpenAPI: real answers match the documented success schemas', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let document: OpenApiDocument;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    t = await startTestApp({ env: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', WEBHOOK_RETRY_SCHEDULE: '0,1' } });
    document = (await t.api.get('/docs-json')).body;
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  /** The answer against the schema of its status; a status the document does not list is an error too. */
  function check(key: string, response: ApiResponse, expected: 'success' | 'error' = 'success'): string[] {
    const [method, path] = key.split(' ') as [string, string];
    const declared = document.paths[path]?.[method]?.responses;
    if (!declared) return [`${key}: not documented`];
    const listed = Object.keys(declared).filter((status) => status.startsWith('2') === (expected === 'success'));
    if (!listed.includes(String(response.status))) return [`${key}: answered ${response.status} (${response.text.slice(0, 200)}), documented ${listed.join(', ')}`];
    const content = declared[String(response.status)]!.content;
    if (!content) return response.text === '' ? [] : [`${key}: documented without a body, answered ${response.text.slice(0, 100)}`];
    const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
    const media = content[type] ?? (type === 'application/json' ? undefined : content['*/*']);
    if (!media) return [`${key}: answered ${type}, documented ${Object.keys(content).join(', ')}`];
    const body = type === 'application/json' ? response.body : response.text;
    return validate(document, media.schema as Schema, body).map((error) => `${key}: ${error}`);
  }

  it('the validator catches what it is meant to catch', () => {
    const doc: OpenApiDocument = {
      paths: {},
      components: {
        schemas: {
          Thing: {
            type: 'object',
            required: ['id', 'kind'],
            properties: {
              id: { type: 'string', format: 'uuid' },
              kind: { type: 'string', enum: ['a', 'b'] },
              count: { type: 'integer' },
              note: { type: 'string', nullable: true },
              tags: { type: 'array', items: { type: 'string' } },
            },
          },
        },
      },
    };
    const thing = { $ref: '#/components/schemas/Thing' };
    const good = { id: '3c59dc04-8a2e-4a0c-9f5b-0d3b0e7c9a10', kind: 'a', count: 2, note: null, tags: ['x'] };
    expect(validate(doc, thing, good)).toEqual([]);
    expect(validate(doc, thing, { ...good, id: 'nope' })).toEqual(['$.id: not a uuid: "nope"']);
    expect(validate(doc, thing, { kind: 'a' })).toEqual(['$: missing required property id']);
    expect(validate(doc, thing, { ...good, kind: 'c' })).toEqual(['$.kind: "c" is not one of ["a","b"]']);
    expect(validate(doc, thing, { ...good, count: 1.5 })).toEqual(['$.count: expected an integer, got 1.5']);
    expect(validate(doc, thing, { ...good, tags: [1] })).toEqual(['$.tags[0]: expected string, got number']);
    expect(validate(doc, thing, { ...good, secret: 'x' })).toEqual(['$: property secret is not in the schema']);
    expect(validate(doc, { type: 'string' }, null)).toEqual(['$: null, and the schema is not nullable']);
    expect(validate(doc, { anyOf: [{ type: 'string' }, thing] }, 3)).toEqual(['$: matches 0 of the 2 anyOf alternatives (#1: $: expected string, got number | #2: $: expected object, got number)']);
    expect(validate(doc, { oneOf: [{ type: 'string' }, { type: 'string', format: 'uuid' }] }, good.id)).toEqual(['$: matches 2 of the 2 oneOf alternatives']);
  });

  it('answers every documented operation as its success schema says', async () => {
    const admin = { admin: true } as const;
    const publicClient: ClientFixture = await createClient(t.api, { public: true });
    const confidential: ClientFixture = await createClient(t.api, { public: false });
    const user: UserFixture = await createUser(t.api, { roles: ['user'] });
    const bodyPair = await login(t.api, user, publicClient);
    const confidentialPair = await login(t.api, user, confidential);
    const basic = `Basic ${Buffer.from(`${confidential.clientId}:${confidential.clientSecret}`).toString('base64')}`;
    const oldKid: string = (await t.api.get('/.well-known/jwks.json')).body.keys[0].kid;

    const state: Record<string, string> = {};
    const remember = (name: string, response: ApiResponse, value: (body: any) => string) => {
      if (response.status < 300) state[name] = value(response.body);
      return response;
    };
    const cookieFrom = (response: ApiResponse, name: string) => {
      const cookie = parseSetCookies(response.headers).find((set) => set.name === name);
      if (!cookie) throw new Error(`no ${name} cookie in ${response.status} ${response.text}`);
      return `${name}=${cookie.value}`;
    };
    const portal = () => ({ headers: { cookie: state.portalCookie! } });
    /** The test delivery once its first attempt is recorded, so its attempt log is not empty. */
    const attempted = async (list: () => Promise<ApiResponse>, deliveryId: string) => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const response = await list();
        const delivery = response.body?.items?.find((item: { id: string }) => item.id === deliveryId);
        if (delivery?.attemptLog?.length > 0) return response;
        if (Date.now() > deadline) throw new Error(`delivery ${deliveryId} has no attempt yet: ${response.text}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };

    // In order: later calls use what earlier ones created; deletions come last.
    const calls: [string, () => Promise<ApiResponse>][] = [
      ['get /health', () => t.api.get('/health')],
      ['get /health/ready', () => t.api.get('/health/ready')],
      ['get /health/live', () => t.api.get('/health/live')],
      ['get /metrics', () => t.api.get('/metrics')],
      ['get /.well-known/jwks.json', () => t.api.get('/.well-known/jwks.json')],
      ['get /.well-known/oauth-authorization-server', () => t.api.get('/.well-known/oauth-authorization-server')],
      ['get /demo', () => t.api.get('/demo')],
      ['get /demo/app.js', () => t.api.get('/demo/app.js')],
      ['get /portal', () => t.api.get('/portal')],
      ['get /portal/{file}', () => t.api.get('/portal/app.js')],

      ['post /api/admin/clients', async () => remember('clientId', await t.api.post('/api/admin/clients', { ...admin, json: { name: 'docs', audience: 'docsApp' } }), (b) => b.clientId)],
      ['get /api/admin/clients', () => t.api.get('/api/admin/clients?limit=1', admin)],
      ['get /api/admin/clients/{id}', () => t.api.get(`/api/admin/clients/${state.clientId}`, admin)],
      ['patch /api/admin/clients/{id}', () => t.api.patch(`/api/admin/clients/${state.clientId}`, { ...admin, json: { name: 'docs, renamed' } })],
      ['post /api/admin/clients/{id}/rotate-secret', () => t.api.post(`/api/admin/clients/${state.clientId}/rotate-secret`, admin)],
      ['post /api/admin/users', async () => remember('userId', await t.api.post('/api/admin/users', { ...admin, json: { loginId: `docs-${Date.now()}@example.com`, password: 'a long enough password' } }), (b) => b.id)],
      ['get /api/admin/users', () => t.api.get('/api/admin/users?limit=1', admin)],
      ['get /api/admin/users/{id}', () => t.api.get(`/api/admin/users/${user.id}`, admin)],
      ['patch /api/admin/users/{id}', () => t.api.patch(`/api/admin/users/${state.userId}`, { ...admin, json: { roles: ['user', 'admin'] } })],

      ['post /api/auth/login', async () => {
        const response = await t.api.post('/api/auth/login', { json: { loginId: user.loginId, password: user.password, clientId: publicClient.clientId, cookies: true } });
        state.refreshCookie = cookieFrom(response, 'refresh_token');
        return response;
      }],
      ['post /api/jwt/refresh', () => t.api.post('/api/jwt/refresh', { headers: { cookie: state.refreshCookie! } })],
      ['post /api/auth/refresh', async () => remember('bodyRefresh', await t.api.post('/api/auth/refresh', { json: { refreshToken: bodyPair.refreshToken } }), (b) => b.refreshToken)],
      ['get /api/me', () => t.api.get('/api/me', { headers: { authorization: `Bearer ${bodyPair.token}` } })],
      ['post /oauth/token', async () =>
        remember('oauthRefresh', await t.api.post('/oauth/token', { headers: { authorization: basic }, form: { grant_type: 'refresh_token', refresh_token: confidentialPair.refreshToken } }), (b) => b.refresh_token)],
      ['post /oauth/introspect', () => t.api.post('/oauth/introspect', { headers: { authorization: basic }, form: { token: state.oauthRefresh! } })],
      ['post /oauth/revoke', () => t.api.post('/oauth/revoke', { headers: { authorization: basic }, form: { token: state.oauthRefresh! } })],
      ['get /api/admin/users/{id}/sessions', () => t.api.get(`/api/admin/users/${user.id}/sessions`, admin)],
      ['post /api/auth/logout', () => t.api.post('/api/auth/logout', { json: { refreshToken: state.bodyRefresh! } })],
      ['delete /api/admin/users/{id}/sessions/{familyId}', async () => {
        const sessions = await t.api.get(`/api/admin/users/${user.id}/sessions`, admin);
        return t.api.delete(`/api/admin/users/${user.id}/sessions/${sessions.body.items[0].id}`, admin);
      }],
      ['delete /api/admin/users/{id}/sessions', () => t.api.delete(`/api/admin/users/${user.id}/sessions`, admin)],

      ['post /api/webhooks', async () => remember('webhookId', await t.api.post('/api/webhooks', { ...admin, json: { url: receiver.url, description: 'docs' } }), (b) => b.id)],
      ['get /api/webhooks', () => t.api.get('/api/webhooks', admin)],
      ['get /api/webhooks/{id}', () => t.api.get(`/api/webhooks/${state.webhookId}`, admin)],
      ['patch /api/webhooks/{id}', () => t.api.patch(`/api/webhooks/${state.webhookId}`, { ...admin, json: { description: null } })],
      ['post /api/webhooks/{id}/rotate-secret', () => t.api.post(`/api/webhooks/${state.webhookId}/rotate-secret`, admin)],
      ['post /api/webhooks/{id}/test', async () => remember('deliveryId', await t.api.post(`/api/webhooks/${state.webhookId}/test`, admin), (b) => b.deliveryId)],
      ['get /api/webhooks/{id}/deliveries', () => attempted(() => t.api.get(`/api/webhooks/${state.webhookId}/deliveries`, admin), state.deliveryId!)],
      ['post /api/webhooks/{id}/deliveries/{deliveryId}/retry', () => t.api.post(`/api/webhooks/${state.webhookId}/deliveries/${state.deliveryId}/retry`, admin)],

      ['post /api/admin/clients/{clientId}/portal-links', async () =>
        remember('portalToken', await t.api.post(`/api/admin/clients/${confidential.clientId}/portal-links`, admin), (b) => new URL(b.url).hash.replace(/^#token=/, ''))],
      ['post /portal/api/session', async () => {
        const response = await t.api.post('/portal/api/session', { json: { token: state.portalToken! } });
        state.portalCookie = cookieFrom(response, 'portal_session');
        return response;
      }],
      ['get /portal/api/session', () => t.api.get('/portal/api/session', portal())],
      ['get /portal/api/events', () => t.api.get('/portal/api/events', portal())],
      ['post /portal/api/endpoints', async () =>
        remember('endpointId', await t.api.post('/portal/api/endpoints', { ...portal(), json: { url: receiver.url, events: ['token.refreshed'] } }), (b) => b.id)],
      ['get /portal/api/endpoints', () => t.api.get('/portal/api/endpoints', portal())],
      ['get /portal/api/endpoints/{id}', () => t.api.get(`/portal/api/endpoints/${state.endpointId}`, portal())],
      ['patch /portal/api/endpoints/{id}', () => t.api.patch(`/portal/api/endpoints/${state.endpointId}`, { ...portal(), json: { enabled: true, description: 'portal' } })],
      ['post /portal/api/endpoints/{id}/rotate-secret', () => t.api.post(`/portal/api/endpoints/${state.endpointId}/rotate-secret`, portal())],
      ['post /portal/api/endpoints/{id}/test', async () => remember('portalDeliveryId', await t.api.post(`/portal/api/endpoints/${state.endpointId}/test`, portal()), (b) => b.deliveryId)],
      ['get /portal/api/endpoints/{id}/deliveries', () => attempted(() => t.api.get(`/portal/api/endpoints/${state.endpointId}/deliveries`, portal()), state.portalDeliveryId!)],
      ['get /portal/api/endpoints/{id}/deliveries/{deliveryId}', () => t.api.get(`/portal/api/endpoints/${state.endpointId}/deliveries/${state.portalDeliveryId}`, portal())],
      ['post /portal/api/endpoints/{id}/deliveries/{deliveryId}/resend', () => t.api.post(`/portal/api/endpoints/${state.endpointId}/deliveries/${state.portalDeliveryId}/resend`, portal())],
      ['get /portal/api/endpoints/{id}/stats', () => t.api.get(`/portal/api/endpoints/${state.endpointId}/stats`, portal())],
      ['delete /portal/api/endpoints/{id}', () => t.api.delete(`/portal/api/endpoints/${state.endpointId}`, portal())],
      ['post /portal/api/logout', () => t.api.post('/portal/api/logout', portal())],

      ['delete /api/webhooks/{id}', () => t.api.delete(`/api/webhooks/${state.webhookId}`, admin)],
      ['post /api/admin/keys/rotate', () => t.api.post('/api/admin/keys/rotate', admin)],
      ['post /api/admin/keys/{kid}/revoke', () => t.api.post(`/api/admin/keys/${oldKid}/revoke`, admin)],
      ['delete /api/admin/users/{id}', () => t.api.delete(`/api/admin/users/${state.userId}`, admin)],
      ['delete /api/admin/clients/{id}', () => t.api.delete(`/api/admin/clients/${state.clientId}`, admin)],
    ];

    const documented = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`));
    const called = calls.map(([key]) => key);
    expect(documented.filter((key) => !called.includes(key))).toEqual([]);
    expect(called.filter((key) => !documented.includes(key))).toEqual([]);

    const problems: string[] = [];
    for (const [key, call] of calls) problems.push(...check(key, await call()));
    expect(problems).toEqual([]);
  });

  it('declares every error answer as Error or, on /oauth/*, OAuthError', () => {
    const wrong: string[] = [];
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          if (status.startsWith('2') || path.startsWith('/health')) continue;
          const expected = path.startsWith('/oauth/') ? '#/components/schemas/OAuthError' : '#/components/schemas/Error';
          const ref = response.content?.['application/json']?.schema.$ref;
          if (ref !== expected) wrong.push(`${method} ${path} ${status}: ${ref ?? 'no JSON schema'}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('answers errors with a status the operation declares, in the declared shape', async () => {
    const client = await createClient(t.api, { public: false });
    const unknown = '3c59dc04-8a2e-4a0c-9f5b-0d3b0e7c9a10';
    const wrongBasic = `Basic ${Buffer.from(`${client.clientId}:wrong`).toString('base64')}`;
    const errors: [string, () => Promise<ApiResponse>][] = [
      ['get /api/admin/clients', () => t.api.get('/api/admin/clients')],
      ['get /api/admin/clients/{id}', () => t.api.get('/api/admin/clients/not-a-uuid', { admin: true })],
      ['get /api/admin/users/{id}', () => t.api.get(`/api/admin/users/${unknown}`, { admin: true })],
      ['post /api/admin/users', () => t.api.post('/api/admin/users', { admin: true, json: { loginId: 'x', password: 'short' } })],
      ['post /api/admin/keys/{kid}/revoke', () => t.api.post('/api/admin/keys/no-such-kid/revoke', { admin: true })],
      ['post /api/auth/login', () => t.api.post('/api/auth/login', { json: { loginId: 'nobody@example.com', password: 'wrong password', clientId: client.clientId } })],
      ['post /api/auth/refresh', () => t.api.post('/api/auth/refresh', { json: { refreshToken: 'not-a-token-we-issued' } })],
      ['post /api/jwt/refresh', () => t.api.post('/api/jwt/refresh', { json: {} })],
      ['get /api/me', () => t.api.get('/api/me', { headers: { authorization: 'Bearer not.a.jwt' } })],
      ['post /oauth/token', () => t.api.post('/oauth/token', { form: { grant_type: 'password', client_id: client.clientId } })],
      ['post /oauth/token', () => t.api.post('/oauth/token', { headers: { authorization: wrongBasic }, form: { grant_type: 'refresh_token', refresh_token: 'x' } })],
      ['post /oauth/introspect', () => t.api.post('/oauth/introspect', { form: { token: 'x' } })],
      ['post /oauth/revoke', () => t.api.post('/oauth/revoke', { headers: { authorization: wrongBasic }, form: { token: 'x' } })],
      ['get /api/webhooks', () => t.api.get('/api/webhooks')],
      ['get /api/webhooks/{id}', () => t.api.get(`/api/webhooks/${unknown}`, { admin: true })],
      ['post /api/webhooks', () => t.api.post('/api/webhooks', { admin: true, json: { url: 'http://169.254.169.254/latest' } })],
      ['get /portal/api/session', () => t.api.get('/portal/api/session')],
      ['post /portal/api/session', () => t.api.post('/portal/api/session', { json: { token: 'A'.repeat(43) } })],
      ['get /portal/api/endpoints', () => t.api.get('/portal/api/endpoints')],
      ['get /portal/{file}', () => t.api.get('/portal/constructor')],
      ['post /api/admin/clients/{clientId}/portal-links', () => t.api.post(`/api/admin/clients/${unknown}/portal-links`, { admin: true })],
    ];
    const problems: string[] = [];
    for (const [key, call] of errors) problems.push(...check(key, await call(), 'error'));
    expect(problems).toEqual([]);
  });
});
