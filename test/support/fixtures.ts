import { randomUUID } from 'node:crypto';
import type { ApiClient } from './api-client.js';

export interface ClientFixture {
  clientId: string;
  clientSecret?: string;
  audience: string;
  scopes: string[];
  public: boolean;
}

export interface UserFixture {
  id: string;
  loginId: string;
  password: string;
  roles: string[];
}

export interface LoginResult {
  token: string;
  refreshToken: string;
  refreshTokenId: string;
  expiresIn: number;
}

function expectStatus(status: number, expected: number, what: string, text: string): void {
  if (status !== expected) throw new Error(`${what}: expected ${expected}, got ${status}: ${text}`);
}

export async function createClient(
  api: ApiClient,
  input: { public?: boolean; audience?: string; scopes?: string[]; name?: string } = {},
): Promise<ClientFixture> {
  const response = await api.post('/api/admin/clients', {
    admin: true,
    json: { name: input.name ?? 'test client', audience: input.audience ?? 'lemonApp', public: input.public ?? true, ...(input.scopes ? { scopes: input.scopes } : {}) },
  });
  expectStatus(response.status, 201, 'create client', response.text);
  return response.body;
}

export async function createUser(api: ApiClient, input: { roles?: string[]; password?: string } = {}): Promise<UserFixture> {
  const loginId = `user-${randomUUID()}@example.com`;
  const password = input.password ?? 'correct horse battery staple';
  const response = await api.post('/api/admin/users', { admin: true, json: { loginId, password, ...(input.roles ? { roles: input.roles } : {}) } });
  expectStatus(response.status, 201, 'create user', response.text);
  return { ...response.body, password };
}

export async function login(api: ApiClient, user: UserFixture, client: ClientFixture, extra: Record<string, unknown> = {}): Promise<LoginResult> {
  const response = await api.post('/api/auth/login', {
    json: { loginId: user.loginId, password: user.password, clientId: client.clientId, ...(client.clientSecret ? { clientSecret: client.clientSecret } : {}), ...extra },
  });
  expectStatus(response.status, 200, 'login', response.text);
  return response.body;
}

/** A refresh at the OAuth token endpoint with client_secret_post (or client_id alone). */
export function refreshAtTokenEndpoint(api: ApiClient, client: ClientFixture, refreshToken: string, extra: Record<string, string> = {}) {
  return api.post('/oauth/token', {
    form: {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: client.clientId,
      ...(client.clientSecret ? { client_secret: client.clientSecret } : {}),
      ...extra,
    },
  });
}
