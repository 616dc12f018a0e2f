// Sets a fresh server up through its admin API (clients, users) and logs in to get one
// refresh token per benchmark chain.
import { randomUUID } from 'node:crypto';

export async function http(baseUrl, path, { method = 'POST', json, adminKey, headers = {} } = {}) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(adminKey ? { authorization: `Bearer ${adminKey}` } : {}),
      ...headers,
    },
    body: json !== undefined ? JSON.stringify(json) : undefined,
  });
  const text = await response.text();
  let body;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: response.status, body, text };
}

function expectStatus(response, status, what) {
  if (response.status !== status) throw new Error(`${what}: expected ${status}, got ${response.status}: ${response.text.slice(0, 300)}`);
  return response.body;
}

/** A confidential client (form mode, client_secret_post), a public one (body mode) and a few users. */
export async function provision(server, { users = 4 } = {}) {
  const { baseUrl, adminKey } = server;
  const confidential = expectStatus(
    await http(baseUrl, '/api/admin/clients', { adminKey, json: { name: 'bench confidential', audience: 'lemonApp', public: false } }),
    201,
    'create confidential client',
  );
  const publicClient = expectStatus(
    await http(baseUrl, '/api/admin/clients', { adminKey, json: { name: 'bench public', audience: 'lemonApp', public: true } }),
    201,
    'create public client',
  );
  const created = [];
  for (let i = 0; i < users; i++) {
    const loginId = `bench-${i}-${randomUUID()}@example.com`;
    const password = `bench password ${randomUUID()}`;
    const user = expectStatus(await http(baseUrl, '/api/admin/users', { adminKey, json: { loginId, password } }), 201, 'create user');
    created.push({ ...user, loginId, password });
  }
  return { confidential, public: publicClient, users: created };
}

/**
 * `count` fresh refresh tokens for `client`, users taken in turn. Logins hash a password
 * (scrypt: 32 MiB each), so they run one at a time: in parallel they, not the refreshes,
 * would set the server's peak memory.
 */
export async function loginTokens(server, fixture, client, count) {
  const tokens = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const user = fixture.users[index % fixture.users.length];
      const body = expectStatus(
        await http(server.baseUrl, '/api/auth/login', {
          json: {
            loginId: user.loginId,
            password: user.password,
            clientId: client.clientId,
            ...(client.clientSecret ? { clientSecret: client.clientSecret } : {}),
          },
        }),
        200,
        'login',
      );
      tokens[index] = body.refreshToken;
    }
  };
  await worker();
  return tokens;
}

/** Whether a route exists: anything but 404 (an empty body gets a 400 or 401 from a live route). */
export async function routeExists(baseUrl, path, adminKey) {
  const response = await http(baseUrl, path, { json: {}, adminKey });
  return response.status !== 404;
}
