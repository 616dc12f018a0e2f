import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiClient, type ApiResponse, type RequestOptions } from './api-client.js';
import type { TestApp } from './test-app.js';

/** Admin resources a spec creates; deleted again when the spec closes its app. */
const CREATED = [
  { create: /^\/api\/admin\/clients$/, id: 'clientId', remove: (id: string) => `/api/admin/clients/${id}` },
  { create: /^\/api\/admin\/users$/, id: 'id', remove: (id: string) => `/api/admin/users/${id}` },
  { create: /^\/api\/webhooks$/, id: 'id', remove: (id: string) => `/api/webhooks/${id}` },
];

/** An ApiClient that remembers what it created through the admin API, to clean it up. */
class CleaningApiClient extends ApiClient {
  readonly created: string[] = [];

  override async request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const response = await super.request<T>(method, path, options);
    const kind = method === 'POST' && response.status === 201 ? CREATED.find((candidate) => candidate.create.test(path)) : undefined;
    const id = kind ? (response.body as Record<string, unknown> | undefined)?.[kind.id] : undefined;
    if (kind && typeof id === 'string') this.created.push(kind.remove(id));
    return response;
  }
}

/**
 * The e2e specs' TestApp against an already running deployment (E2E_BASE_URL with
 * E2E_ADMIN_API_KEY): black-box specs only, as nothing in the process can be reached.
 */
export async function remoteTestApp(baseUrl: string, adminKey: string, issuer?: string): Promise<TestApp> {
  const api = new CleaningApiClient(baseUrl.replace(/\/+$/, ''), adminKey);
  // E2E_ISSUER names the deployment's ISSUER; otherwise its metadata document says it.
  const published = issuer ?? (await api.get('/.well-known/oauth-authorization-server')).body?.issuer;
  if (typeof published !== 'string') throw new Error(`Cannot tell the issuer of ${api.baseUrl}: set E2E_ISSUER`);
  const unreachable = new Proxy({} as NestFastifyApplication, {
    get: () => {
      throw new Error('This spec needs the app in-process; it cannot run against E2E_BASE_URL');
    },
  });
  return {
    app: unreachable,
    baseUrl: api.baseUrl,
    issuer: published,
    adminKey,
    dataDir: '',
    env: {},
    api,
    close: async () => {
      // Newest first: users' sessions and clients' tokens go with them.
      for (const path of api.created.reverse()) await api.delete(path, { admin: true });
    },
  };
}
