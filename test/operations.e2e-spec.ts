import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { createClient, createUser, login, refreshAtTokenEndpoint } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { answer, WebhookReceiver } from './support/webhook-receiver.js';

/** Every route the app registered, from the controllers' own metadata, as OpenAPI paths. */
function registeredRoutes(t: TestApp): string[] {
  const routes: string[] = [];
  const join = (...parts: (string | string[] | undefined)[]) =>
    '/' +
    parts
      .flatMap((part) => (Array.isArray(part) ? part[0] : part) ?? '')
      .join('/')
      .split('/')
      .filter(Boolean)
      .join('/');
  for (const module of t.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as Function | undefined;
      if (!type) continue;
      const prefix = Reflect.getMetadata(PATH_METADATA, type) as string | string[] | undefined;
      for (const name of Object.getOwnPropertyNames(type.prototype)) {
        const handler = type.prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (path === undefined || method === undefined) continue;
        routes.push(`${RequestMethod[method].toLowerCase()} ${join(prefix, path).replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
      }
    }
  }
  return routes;
}

function metricValue(text: string, series: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : NaN;
}

describe('operations: health, metrics and OpenAPI', () => {
  let t: TestApp;
  const metricsToken = 'metrics-token-for-the-operations-test';

  beforeAll(async () => {
    t = await startTestApp({
      env: { METRICS_TOKEN: metricsToken, REFRESH_REUSE_GRACE_SECONDS: '10', WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', WEBHOOK_RETRY_SCHEDULE: '0,1' },
    });
  });
  afterAll(() => t.close());

  it('answers liveness and readiness, with a database check', async () => {
    const live = await t.api.get('/health/live');
    expect(live.status).toBe(200);
    expect(live.body.status).toBe('ok');
    for (const path of ['/health', '/health/ready']) {
      const ready = await t.api.get(path);
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
    }
  });

  it('protects /metrics with METRICS_TOKEN', async () => {
    expect((await t.api.get('/metrics')).status).toBe(401);
    expect((await t.api.get('/metrics', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const scraped = await t.api.get('/metrics', { headers: { authorization: `Bearer ${metricsToken}` } });
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toMatch(/^text\/plain/);
    for (const name of ['refresh_total', 'refresh_reuse_detections_total', 'refresh_grace_replays_total', 'webhook_attempts_total', 'webhook_delivery_latency_seconds', 'webhook_pending_deliveries']) {
      expect(scraped.text).toContain(`# TYPE ${name}`);
    }
  });

  it('counts refresh outcomes: success, grace replay, reuse and invalid', async () => {
    const scrape = async () => (await t.api.get('/metrics', { headers: { authorization: `Bearer ${metricsToken}` } })).text;
    const before = await scrape();
    const client = await createClient(t.api, { public: true });
    const user = await createUser(t.api);
    const { refreshToken } = await login(t.api, user, client);
    const first = await refreshAtTokenEndpoint(t.api, client, refreshToken);
    expect(first.status).toBe(200);
    const replay = await refreshAtTokenEndpoint(t.api, client, refreshToken);
    expect(replay.status).toBe(200);
    expect(replay.body.refresh_token).toBe(first.body.refresh_token);
    const second = await refreshAtTokenEndpoint(t.api, client, first.body.refresh_token);
    expect(second.status).toBe(200);
    // The first token's successor is used: presenting it again is reuse.
    expect((await refreshAtTokenEndpoint(t.api, client, refreshToken)).status).toBe(400);
    expect((await refreshAtTokenEndpoint(t.api, client, 'not-a-token')).status).toBe(400);
    const after = await scrape();
    const delta = (series: string) => metricValue(after, series) - metricValue(before, series);
    expect(delta('refresh_total{outcome="success"}')).toBe(2);
    expect(delta('refresh_total{outcome="replay"}')).toBe(1);
    expect(delta('refresh_total{outcome="reuse"}')).toBe(1);
    expect(delta('refresh_total{outcome="invalid"}')).toBe(1);
    expect(delta('refresh_grace_replays_total')).toBe(1);
    expect(delta('refresh_reuse_detections_total')).toBe(1);
  });

  it('counts webhook attempts by outcome, the delivery latency and pending deliveries', async () => {
    const scrape = async () => (await t.api.get('/metrics', { headers: { authorization: `Bearer ${metricsToken}` } })).text;
    const receiver = await WebhookReceiver.start();
    try {
      const subscription = await t.api.post('/api/webhooks', { admin: true, json: { url: receiver.url, events: ['token.refreshed'] } });
      expect(subscription.status).toBe(201);
      const before = await scrape();
      receiver.answerWith(answer(500));
      const client = await createClient(t.api, { public: true });
      const { refreshToken } = await login(t.api, await createUser(t.api), client);
      expect((await refreshAtTokenEndpoint(t.api, client, refreshToken)).status).toBe(200);
      await receiver.waitFor(2);
      // The second attempt's outcome is recorded just after the receiver answers it.
      let after = await scrape();
      const delta = (series: string) => (metricValue(after, series) || 0) - (metricValue(before, series) || 0);
      for (let i = 0; i < 100 && delta('webhook_attempts_total{outcome="success"}') < 1; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        after = await scrape();
      }
      expect(delta('webhook_attempts_total{outcome="http_error"}')).toBe(1);
      expect(delta('webhook_attempts_total{outcome="success"}')).toBe(1);
      expect(delta('webhook_delivery_latency_seconds_count')).toBe(1);
      expect(metricValue(after, 'webhook_pending_deliveries')).toBe(0);
    } finally {
      await receiver.close();
    }
  });

  it('describes every registered route in /docs-json, and serves /docs', async () => {
    const docs = await t.api.get('/docs-json');
    expect(docs.status).toBe(200);
    expect(docs.body.openapi).toMatch(/^3\./);
    const documented = new Set<string>();
    for (const [path, item] of Object.entries(docs.body.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(item)) documented.add(`${method} ${path}`);
    }
    const routes = registeredRoutes(t);
    expect(routes.length).toBeGreaterThan(10);
    expect(routes.filter((route) => !documented.has(route))).toEqual([]);
    expect(routes).toEqual(expect.arrayContaining(['post /oauth/token', 'get /health', 'get /metrics']));

    const html = await t.api.get('/docs');
    expect(html.status).toBe(200);
    expect(html.text).toContain('swagger');
  });

  it('documents request bodies, errors, a summary and a description of every operation', async () => {
    const { body } = await t.api.get('/docs-json');
    const schemaOf = (schema: { $ref?: string }) => (schema.$ref ? body.components.schemas[schema.$ref.split('/').pop()!] : schema);
    const token = body.paths['/oauth/token'].post;
    expect(schemaOf(token.requestBody.content['application/x-www-form-urlencoded'].schema).required).toEqual(['grant_type', 'refresh_token']);
    expect(schemaOf(token.requestBody.content['application/json'].schema).required).toEqual(['grant_type', 'refresh_token']);
    expect(token.responses['400'].content['application/json'].schema.$ref).toBe('#/components/schemas/OAuthError');
    const login = body.paths['/api/auth/login'].post;
    const loginSchema = body.components.schemas[login.requestBody.content['application/json'].schema.$ref.split('/').pop()];
    expect(loginSchema.required).toEqual(expect.arrayContaining(['loginId', 'password', 'clientId']));
    expect(loginSchema.properties.cookies.type).toBe('boolean');
    expect(login.responses['401']).toBeDefined();
    expect(schemaOf(token.responses['200'].content['application/json'].schema).required).toContain('refresh_token');
    const list = body.paths['/api/admin/clients'].get;
    expect(list.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'limit', in: 'query', required: false, schema: expect.objectContaining({ type: 'integer', maximum: 200 }) }),
        expect.objectContaining({ name: 'cursor', in: 'query', required: false }),
      ]),
    );
    type Operation = { summary?: string; description?: string; responses: Record<string, unknown> };
    for (const item of Object.values(body.paths as Record<string, Record<string, Operation>>)) {
      for (const operation of Object.values(item)) {
        expect(operation.responses['500']).toBeDefined();
        expect(operation.summary).toEqual(expect.any(String));
        expect(operation.description).toEqual(expect.any(String));
      }
    }
  });

  it('answers 503 on readiness, naming the database, when the database is gone; liveness stays 200', async () => {
    const broken = await startTestApp();
    try {
      await broken.app.get(DataSource).destroy();
      const ready = await broken.api.get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ status: 'error', error: { database: { status: 'down' } } });
      expect((await broken.api.get('/health')).status).toBe(503);
      expect((await broken.api.get('/health/live')).status).toBe(200);
    } finally {
      await broken.close();
    }
  });
});
