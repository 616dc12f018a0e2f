import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { sha256 } from '../src/common/crypto/hashing.js';
import { Database } from '../src/database/database.js';
import { parseSetCookies } from './support/cookie-jar.js';
import { createClient, type ClientFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { answer, WebhookReceiver } from './support/webhook-receiver.js';

jest.setTimeout(60_000);

const HOUR = 3_600_000;

async function portalLink(t: TestApp, clientId: string): Promise<{ url: string; expiresAt: string; token: string }> {
  const response = await t.api.post(`/api/admin/clients/${clientId}/portal-links`, { admin: true });
  if (response.status !== 201) throw new Error(`portal link: ${response.status} ${response.text}`);
  return { ...response.body, token: new URL(response.body.url).hash.replace(/^#token=/, '') };
}

/** A portal session for the client (by a one-time link); returns the Cookie header to send. */
async function portalSession(t: TestApp, clientId: string): Promise<string> {
  const { token } = await portalLink(t, clientId);
  const response = await t.api.post('/portal/api/session', { json: { token } });
  if (response.status !== 200) throw new Error(`portal session: ${response.status} ${response.text}`);
  const cookie = parseSetCookies(response.headers).find((set) => set.name === 'portal_session')!;
  return `portal_session=${cookie.value}`;
}

/** The delivery once its attempt is recorded (the receiver has it already; the dispatcher commits right after). */
async function settled(t: TestApp, cookie: string, endpointId: string, deliveryId: string) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const log = await t.api.get(`/portal/api/endpoints/${endpointId}/deliveries`, { headers: { cookie } });
    const delivery = log.body.items.find((item: { id: string }) => item.id === deliveryId);
    if (delivery && delivery.status !== 'pending') return delivery;
    if (Date.now() > deadline) throw new Error(`delivery ${deliveryId} still pending`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Integrator portal API', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let confidential: ClientFixture;
  let other: ClientFixture;

  beforeAll(async () => {
    t = await startTestApp({ env: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', WEBHOOK_RETRY_SCHEDULE: '0', WEBHOOK_POLL_MS: '100' } });
    receiver = await WebhookReceiver.start();
    confidential = await createClient(t.api, { public: false, name: 'Acme billing' });
    other = await createClient(t.api, { public: false, name: 'Other integrator' });
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  const as = (cookie: string, extra: Record<string, string> = {}) => ({ headers: { cookie, ...extra } });

  describe('portal links', () => {
    it('need the admin key', async () => {
      expect((await t.api.post(`/api/admin/clients/${confidential.clientId}/portal-links`)).status).toBe(401);
    });

    it('name an existing client', async () => {
      const response = await t.api.post(`/api/admin/clients/${randomUUID()}/portal-links`, { admin: true });
      expect(response.status).toBe(404);
    });

    it('are one-time URLs into /portal with a 256-bit token in the fragment, valid 15 minutes, stored as a hash only', async () => {
      const before = Date.now();
      const response = await t.api.post(`/api/admin/clients/${confidential.clientId}/portal-links`, { admin: true });
      const after = Date.now();
      expect(response.status).toBe(201);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const url = new URL(response.body.url);
      expect(`${url.origin}${url.pathname}`).toBe('http://localhost:3030/portal');
      expect(url.hash).toMatch(/^#token=[A-Za-z0-9_-]{43}$/);
      const expiresAt = Date.parse(response.body.expiresAt);
      expect(expiresAt).toBeGreaterThanOrEqual(before + 900_000);
      expect(expiresAt).toBeLessThanOrEqual(after + 900_000);
      const token = url.hash.slice('#token='.length);
      const rows = await t.app.get(Database).query('SELECT * FROM portal_links WHERE client_id = ?', [confidential.clientId]);
      expect(rows.map((row) => row.token_hash)).toContain(sha256(token));
      expect(JSON.stringify(rows)).not.toContain(token);
    });
  });

  describe('the session exchange', () => {
    it('turns a link into an HttpOnly SameSite=Strict cookie on /portal for one hour, stored as a hash', async () => {
      const { token } = await portalLink(t, confidential.clientId);
      const response = await t.api.post('/portal/api/session', { json: { token } });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.body).toMatchObject({ clientId: confidential.clientId, clientName: 'Acme billing' });
      const [cookie] = parseSetCookies(response.headers);
      expect(cookie).toMatchObject({ name: 'portal_session', attributes: { path: '/portal', httponly: true, samesite: 'Strict', 'max-age': '3600' } });
      expect(cookie!.attributes.secure).toBeUndefined(); // COOKIE_SECURE=false in the tests
      expect(cookie!.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(JSON.stringify(response.body)).not.toContain(cookie!.value);
      const stored = await t.app.get(Database).query('SELECT token_hash FROM portal_sessions WHERE token_hash = ?', [sha256(cookie!.value)]);
      expect(stored).toHaveLength(1);

      const me = await t.api.get('/portal/api/session', as(`portal_session=${cookie!.value}`));
      expect(me.status).toBe(200);
      expect(me.body.clientId).toBe(confidential.clientId);
    });

    it('opens a link once: the second use is a 401 that says why', async () => {
      const { token } = await portalLink(t, confidential.clientId);
      expect((await t.api.post('/portal/api/session', { json: { token } })).status).toBe(200);
      const again = await t.api.post('/portal/api/session', { json: { token } });
      expect(again.status).toBe(401);
      expect(again.body.message).toMatch(/already been used or has expired/);
      expect(again.headers.get('set-cookie')).toBeNull();
    });

    it('refuses an unknown or malformed token', async () => {
      expect((await t.api.post('/portal/api/session', { json: { token: 'A'.repeat(43) } })).status).toBe(401);
      expect((await t.api.post('/portal/api/session', { json: { token: 'short' } })).status).toBe(400);
      expect((await t.api.post('/portal/api/session', { json: { token: 42 } })).status).toBe(400);
      expect((await t.api.post('/portal/api/session', { json: {} })).status).toBe(400);
    });

    it('logs out: the cookie is cleared and the session opens nothing any more', async () => {
      const cookie = await portalSession(t, confidential.clientId);
      const out = await t.api.post('/portal/api/logout', as(cookie));
      expect(out.status).toBe(204);
      expect(parseSetCookies(out.headers)[0]).toMatchObject({ name: 'portal_session', value: '', attributes: { 'max-age': '0', path: '/portal' } });
      expect((await t.api.get('/portal/api/endpoints', as(cookie))).status).toBe(401);
    });

    it('without a session the JSON API is a 401, not cached either', async () => {
      const refused = await t.api.get('/portal/api/endpoints');
      expect(refused.status).toBe(401);
      expect(refused.headers.get('cache-control')).toBe('no-store');
      expect((await t.api.get('/portal/api/endpoints', as('portal_session=' + 'x'.repeat(43)))).status).toBe(401);
    });
  });

  describe('sign-in with a client secret', () => {
    it('lets a confidential client in with its secret', async () => {
      const response = await t.api.post('/portal/api/session', { json: { clientId: confidential.clientId, clientSecret: confidential.clientSecret } });
      expect(response.status).toBe(200);
      expect(parseSetCookies(response.headers)[0]!.name).toBe('portal_session');
    });

    it('refuses a wrong secret with 401', async () => {
      const response = await t.api.post('/portal/api/session', { json: { clientId: confidential.clientId, clientSecret: 'not-the-secret' } });
      expect(response.status).toBe(401);
      expect(response.headers.get('set-cookie')).toBeNull();
    });

    it('ends every portal session of the client when its secret is rotated, another client’s included in none of it', async () => {
      const rotating = await createClient(t.api, { public: false, name: 'Rotating secret' });
      const signedIn = await t.api.post('/portal/api/session', { json: { clientId: rotating.clientId, clientSecret: rotating.clientSecret } });
      const bySecret = `portal_session=${parseSetCookies(signedIn.headers)[0]!.value}`;
      const byLink = await portalSession(t, rotating.clientId);
      const bystander = await portalSession(t, other.clientId);
      for (const cookie of [bySecret, byLink, bystander]) expect((await t.api.get('/portal/api/endpoints', as(cookie))).status).toBe(200);

      const rotated = await t.api.post(`/api/admin/clients/${rotating.clientId}/rotate-secret`, { admin: true });
      expect(rotated.status).toBe(200);

      for (const cookie of [bySecret, byLink]) expect((await t.api.get('/portal/api/endpoints', as(cookie))).status).toBe(401);
      expect((await t.api.get('/portal/api/endpoints', as(bystander))).status).toBe(200);
      // The new secret signs in again.
      const again = await t.api.post('/portal/api/session', { json: { clientId: rotating.clientId, clientSecret: rotated.body.clientSecret } });
      expect(again.status).toBe(200);
    });

    it('refuses public clients, with or without a secret', async () => {
      const publicClient = await createClient(t.api, { public: true });
      for (const clientSecret of ['', 'anything']) {
        const response = await t.api.post('/portal/api/session', { json: { clientId: publicClient.clientId, clientSecret } });
        expect(response.status).toBe(403);
        expect(response.body.message).toMatch(/Public clients cannot sign in/);
        expect(response.headers.get('set-cookie')).toBeNull();
      }
    });
  });

  describe('origin checks, as for cookie-mode refresh', () => {
    it('refuses a foreign Origin, Origin: null and a cross-site fetch without Origin', async () => {
      const cookie = await portalSession(t, confidential.clientId);
      const refused: Array<Record<string, string>> = [{ origin: 'https://evil.example' }, { origin: 'null' }, { 'sec-fetch-site': 'cross-site' }];
      for (const headers of refused) {
        expect((await t.api.get('/portal/api/endpoints', as(cookie, headers))).status).toBe(403);
        const { token } = await portalLink(t, confidential.clientId);
        const signIn = await t.api.post('/portal/api/session', { json: { token }, headers });
        expect(signIn.status).toBe(403);
        expect(signIn.headers.get('set-cookie')).toBeNull();
        // The refused exchange did not use the link up.
        expect((await t.api.post('/portal/api/session', { json: { token } })).status).toBe(200);
      }
    });

    it('accepts the page’s own origin', async () => {
      const cookie = await portalSession(t, confidential.clientId);
      expect((await t.api.get('/portal/api/endpoints', as(cookie, { origin: t.baseUrl, 'sec-fetch-site': 'same-origin' }))).status).toBe(200);
    });
  });

  describe('endpoints and deliveries, scoped to the session’s client', () => {
    let mine: string;
    let theirs: string;
    let endpointId: string;

    beforeAll(async () => {
      mine = await portalSession(t, confidential.clientId);
      theirs = await portalSession(t, other.clientId);
    });

    it('adds an endpoint, shows its secret once (no-store), and it is the client’s own in the webhooks API too', async () => {
      const created = await t.api.post('/portal/api/endpoints', { ...as(mine), json: { url: receiver.url, events: ['token.refreshed'], description: '<b>billing</b>' } });
      expect(created.status).toBe(201);
      expect(created.headers.get('cache-control')).toBe('no-store');
      expect(created.body.secret).toMatch(/^whsec_/);
      expect(created.body).toMatchObject({ url: receiver.url, description: '<b>billing</b>', clientId: confidential.clientId, enabled: true });
      endpointId = created.body.id;
      const listed = await t.api.get('/portal/api/endpoints', as(mine));
      expect(listed.body.items.map((item: { id: string }) => item.id)).toEqual([endpointId]);
      expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
      const basic = `Basic ${Buffer.from(`${confidential.clientId}:${confidential.clientSecret}`).toString('base64')}`;
      expect((await t.api.get(`/api/webhooks/${endpointId}`, { headers: { authorization: basic } })).status).toBe(200);
    });

    it('refuses a private address with the reason in words', async () => {
      const refused = await t.api.post('/portal/api/endpoints', { ...as(mine), json: { url: 'http://10.0.0.7/hook' } });
      expect(refused.status).toBe(400);
      expect(refused.body.message).toMatch(/^Webhook URL refused: 10\.0\.0\.7 is .+/);
      const clientIdField = await t.api.post('/portal/api/endpoints', { ...as(mine), json: { url: receiver.url, clientId: other.clientId } });
      expect(clientIdField.status).toBe(400);
    });

    it('edits, disables and enables; rotating shows the new secret once', async () => {
      const edited = await t.api.patch(`/portal/api/endpoints/${endpointId}`, { ...as(mine), json: { description: 'billing', enabled: false } });
      expect(edited.body).toMatchObject({ description: 'billing', enabled: false });
      expect((await t.api.patch(`/portal/api/endpoints/${endpointId}`, { ...as(mine), json: { enabled: true } })).body.enabled).toBe(true);
      const rotated = await t.api.post(`/portal/api/endpoints/${endpointId}/rotate-secret`, as(mine));
      expect(rotated.status).toBe(200);
      expect(rotated.headers.get('cache-control')).toBe('no-store');
      expect(rotated.body.secret).toMatch(/^whsec_/);
    });

    it('sends a test event; the log has the body as sent, the headers as sent (signature included) and the answer', async () => {
      receiver.answerWith(answer(200, { 'content-type': 'text/plain' }, 'thanks from the receiver'));
      const sent = await t.api.post(`/portal/api/endpoints/${endpointId}/test`, as(mine));
      expect(sent.status).toBe(202);
      const [request] = await receiver.waitFor(1, 15_000, (r) => r.body?.type === 'webhook.test');
      const delivery = await settled(t, mine, endpointId, sent.body.deliveryId);
      expect(delivery).toMatchObject({ status: 'succeeded', eventType: 'webhook.test' });
      const detail = await t.api.get(`/portal/api/endpoints/${endpointId}/deliveries/${sent.body.deliveryId}`, as(mine));
      expect(detail.status).toBe(200);
      expect(detail.body.body).toBe(request!.rawBody);
      const [attempt] = detail.body.attemptLog;
      expect(attempt).toMatchObject({ statusCode: 200, responseBody: 'thanks from the receiver', error: null });
      expect(attempt.requestHeaders).toMatchObject({
        'webhook-id': request!.headers['webhook-id'],
        'webhook-timestamp': request!.headers['webhook-timestamp'],
        'webhook-signature': request!.headers['webhook-signature'],
        'content-type': 'application/json',
      });

      const filtered = await t.api.get(`/portal/api/endpoints/${endpointId}/deliveries?status=failed`, as(mine));
      expect(filtered.body.items).toEqual([]);
      const byType = await t.api.get(`/portal/api/endpoints/${endpointId}/deliveries?eventType=webhook.test&status=succeeded`, as(mine));
      expect(byType.body.items.map((item: { id: string }) => item.id)).toEqual([sent.body.deliveryId]);
      expect((await t.api.get(`/portal/api/endpoints/${endpointId}/deliveries?status=lost`, as(mine))).status).toBe(400);
      expect((await t.api.get(`/portal/api/endpoints/${endpointId}/deliveries?eventType=token.nope`, as(mine))).status).toBe(400);
    });

    it('shows another client’s session none of it: 404 for every route of the endpoint', async () => {
      expect((await t.api.get('/portal/api/endpoints', as(theirs))).body.items).toEqual([]);
      const log = await t.api.get(`/portal/api/endpoints/${endpointId}/deliveries`, as(mine));
      const deliveryId = log.body.items[0].id;
      for (const [method, path] of [
        ['GET', `/portal/api/endpoints/${endpointId}`],
        ['PATCH', `/portal/api/endpoints/${endpointId}`],
        ['DELETE', `/portal/api/endpoints/${endpointId}`],
        ['POST', `/portal/api/endpoints/${endpointId}/rotate-secret`],
        ['POST', `/portal/api/endpoints/${endpointId}/test`],
        ['GET', `/portal/api/endpoints/${endpointId}/deliveries`],
        ['GET', `/portal/api/endpoints/${endpointId}/deliveries/${deliveryId}`],
        ['POST', `/portal/api/endpoints/${endpointId}/deliveries/${deliveryId}/resend`],
        ['GET', `/portal/api/endpoints/${endpointId}/stats`],
      ] as const) {
        const response = await t.api.request(method, path, { ...as(theirs), ...(method === 'PATCH' ? { json: { enabled: false } } : {}) });
        expect([method, path, response.status]).toEqual([method, path, 404]);
        expect(response.text).not.toContain(receiver.url);
      }
      expect((await t.api.get(`/portal/api/endpoints/${endpointId}`, as(mine))).body.enabled).toBe(true);
    });

    it('lists the event catalogue with an example payload per event', async () => {
      const catalogue = await t.api.get('/portal/api/events', as(mine));
      expect(catalogue.body.items.map((item: { type: string }) => item.type)).toEqual(['token.issued', 'token.refreshed', 'token.reuse_detected', 'token.revoked', 'webhook.test']);
      for (const item of catalogue.body.items) expect(item.example.type).toBe(item.type);
    });

    it('deletes the endpoint', async () => {
      expect((await t.api.delete(`/portal/api/endpoints/${endpointId}`, as(mine))).status).toBe(204);
      expect((await t.api.get(`/portal/api/endpoints/${endpointId}`, as(mine))).status).toBe(404);
    });
  });

  describe('the 24-hour stats, computed in SQL', () => {
    it('counts attempts per hour by outcome and gives nearest-rank p50 and p99 of their durations', async () => {
      const cookie = await portalSession(t, confidential.clientId);
      const created = await t.api.post('/portal/api/endpoints', { ...as(cookie), json: { url: receiver.url } });
      const subscriptionId = created.body.id as string;
      const db = t.app.get(Database);
      const thisHour = Math.floor(Date.now() / HOUR) * HOUR;
      const attempts: Array<[at: number, status: number | null, duration: number]> = [
        // This hour: 100 attempts, durations 1..100 ms (shuffled), every tenth a failure.
        ...Array.from({ length: 100 }, (_, i) => [thisHour, (i + 1) % 10 === 0 ? 500 : 200, ((i * 37) % 100) + 1] as [number, number, number]),
        // An hour earlier: three, one without any answer.
        [thisHour - HOUR, 204, 30],
        [thisHour - HOUR + 59 * 60_000, null, 10],
        [thisHour - HOUR + 1, 200, 20],
        // 24 hours ago: outside the window.
        [thisHour - 24 * HOUR, 200, 5000],
      ];
      await db.transaction(async (tx) => {
        for (const [at, status, duration] of attempts) {
          const deliveryId = randomUUID();
          await tx.execute(
            `INSERT INTO webhook_deliveries (id, subscription_id, event_id, event_type, payload, occurred_at, status, attempts, created_at)
             VALUES (?, ?, ?, 'token.refreshed', '{}', ?, ?, 1, ?)`,
            [deliveryId, subscriptionId, randomUUID(), at, status !== null && status < 300 ? 'succeeded' : 'failed', at],
          );
          await tx.execute(
            `INSERT INTO webhook_attempts (id, delivery_id, attempt, attempted_at, status_code, duration_ms) VALUES (?, ?, 1, ?, ?, ?)`,
            [randomUUID(), deliveryId, at, status, duration],
          );
        }
      });

      const stats = await t.api.get(`/portal/api/endpoints/${subscriptionId}/stats`, as(cookie));
      expect(stats.status).toBe(200);
      expect(stats.body.hours).toHaveLength(24);
      const hour = (at: number) => stats.body.hours.find((row: { hour: string }) => row.hour === new Date(at).toISOString());
      expect(hour(thisHour)).toEqual({ hour: new Date(thisHour).toISOString(), succeeded: 90, failed: 10, p50Ms: 50, p99Ms: 99 });
      expect(hour(thisHour - HOUR)).toEqual({ hour: new Date(thisHour - HOUR).toISOString(), succeeded: 2, failed: 1, p50Ms: 20, p99Ms: 30 });
      expect(hour(thisHour - 24 * HOUR)).toBeUndefined();
      const total = stats.body.hours.reduce((sum: number, row: { succeeded: number; failed: number }) => sum + row.succeeded + row.failed, 0);
      expect(total).toBe(103);
      expect(stats.body.hours.filter((row: { p50Ms: number | null }) => row.p50Ms !== null)).toHaveLength(2);
    });
  });

  describe('the page’s static files', () => {
    it('serve the page with a strict Content-Security-Policy', async () => {
      const page = await t.api.get('/portal');
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const csp = page.headers.get('content-security-policy')!;
      for (const directive of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"]) {
        expect(csp.split(/;\s*/)).toContain(directive);
      }
      expect(csp).not.toContain('unsafe-inline');
      expect(page.text).not.toMatch(/<script>(?!<)/);
      expect(page.text).not.toMatch(/\sstyle=/);
      expect(page.text).not.toMatch(/(?:src|href)="(?!\/|#)/);
    });

    it('serve the listed files, Chart.js from its npm package among them', async () => {
      const script = await t.api.get('/portal/app.js');
      expect(script.status).toBe(200);
      expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
      const chart = await t.api.get('/portal/chart.umd.min.js');
      expect(chart.status).toBe(200);
      expect(chart.text).toMatch(/Chart\.js v4\./);
      expect((await t.api.get('/portal/portal.css')).headers.get('content-type')).toMatch(/^text\/css/);
    });

    it('answer 404 for anything else, object-prototype names and traversal included', async () => {
      for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', '..%2Fportal.module.ts', '..%2F..%2Fpackage.json', 'portal.module.js', 'index.html.bak']) {
        const response = await t.api.get(`/portal/${name}`);
        expect([name, response.status]).toEqual([name, 404]);
      }
    });
  });
});

describe('Integrator portal link lifetimes', () => {
  let t: TestApp;
  let client: ClientFixture;

  beforeAll(async () => {
    t = await startTestApp({ env: { PORTAL_LINK_TTL: '1', PORTAL_SESSION_TTL: '2', COOKIE_SECURE: undefined } });
    client = await createClient(t.api, { public: false });
  });
  afterAll(() => t?.close());

  const until = (iso: string) => new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(iso) - Date.now() + 20)));

  it('an expired link is a 401 that says why', async () => {
    const { token, expiresAt } = await portalLink(t, client.clientId);
    await until(expiresAt);
    const response = await t.api.post('/portal/api/session', { json: { token } });
    expect(response.status).toBe(401);
    expect(response.body.message).toMatch(/already been used or has expired/);
  });

  it('a session ends after PORTAL_SESSION_TTL, and its cookie is Secure by default', async () => {
    const { token } = await portalLink(t, client.clientId);
    const response = await t.api.post('/portal/api/session', { json: { token } });
    expect(response.status).toBe(200);
    const [cookie] = parseSetCookies(response.headers);
    expect(cookie!.attributes).toMatchObject({ secure: true, 'max-age': '2' });
    const cookieHeader = `portal_session=${cookie!.value}`;
    expect((await t.api.get('/portal/api/endpoints', { headers: { cookie: cookieHeader } })).status).toBe(200);
    await until(response.body.expiresAt);
    const ended = await t.api.get('/portal/api/endpoints', { headers: { cookie: cookieHeader } });
    expect(ended.status).toBe(401);
    expect(ended.body.message).toMatch(/session has ended/);
  });
});

describe('Integrator portal sign-in rate limit', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT: 'on', RATE_LIMIT_LOGIN_PER_IP: '3' } });
  });
  afterAll(() => t?.close());

  it('counts sign-in attempts per IP like logins: the fourth in a window is a 429 with Retry-After', async () => {
    const client = await createClient(t.api, { public: false });
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 4; i++) {
      last = await t.api.post('/portal/api/session', { json: { clientId: client.clientId, clientSecret: 'guess' } });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
