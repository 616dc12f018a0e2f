import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { exportSPKI, importJWK, SignJWT, type JWK } from 'jose';
import { SigningKeyService } from '../src/auth/keys/signing-key.service.js';
import { Database } from '../src/database/database.js';
import { createClient, createUser, login, refreshAtTokenEndpoint, type ClientFixture, type LoginResult, type UserFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

interface BadRequest {
  name: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  admin?: boolean;
}

const JSON_TYPE = { 'content-type': 'application/json' };
const FORM_TYPE = { 'content-type': 'application/x-www-form-urlencoded' };
const MEGABYTE = 'A'.repeat(1024 * 1024);
const DEEP_JSON = `${'{"a":'.repeat(1500)}1${'}'.repeat(1500)}`;
const DEEP_ARRAY = `${'['.repeat(3000)}${']'.repeat(3000)}`;
const SQL = "' OR '1'='1'; DROP TABLE users; --";
const PATH = '../../../../etc/passwd';
const UNICODE = '\u202Eadmin\uD83D\uDE00\u0301\uFEFF';
const NUL = 'abc\u0000def';
const LONE_SURROGATE = '\uD800';
const UUID = '00000000-0000-4000-8000-000000000000';

const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Malformed bodies that every JSON endpoint must refuse with a 4xx. */
function genericJsonBodies(path: string, method = 'POST', admin = false, auth: Record<string, string> = {}): BadRequest[] {
  const at = (name: string, body: string | Buffer, headers: Record<string, string> = JSON_TYPE): BadRequest => ({
    name: `${method} ${path}: ${name}`,
    method,
    path,
    headers: { ...headers, ...auth },
    body,
    admin,
  });
  return [
    at('truncated JSON', '{"loginId": "a'),
    at('JSON with trailing garbage', '{"a":1} trailing'),
    at('empty JSON body', ''),
    at('JSON null', 'null'),
    at('JSON array', '[]'),
    at('JSON string', '"just a string"'),
    at('JSON number', '42'),
    at('deeply nested object', DEEP_JSON),
    at('deeply nested array', DEEP_ARRAY),
    at('__proto__ pollution', '{"__proto__":{"isAdmin":true}}'),
    at('constructor.prototype pollution', '{"constructor":{"prototype":{"isAdmin":true}}}'),
    at('1 MB JSON body', JSON.stringify({ name: MEGABYTE })),
    at('invalid UTF-8 bytes', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])),
    at('form body on a JSON endpoint', 'loginId=a&password=b', FORM_TYPE),
    at('text/plain body', '{"a":1}', { 'content-type': 'text/plain' }),
    at('XML body', '<a>1</a>', { 'content-type': 'application/xml' }),
    at('multipart body', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--', { 'content-type': 'multipart/form-data; boundary=x' }),
    at('no content type', '{"a":1}', {}),
  ];
}

/** Malformed bodies for the OAuth endpoints (form-urlencoded or JSON). */
function genericOAuthBodies(path: string): BadRequest[] {
  const at = (name: string, body: string | Buffer, headers: Record<string, string> = FORM_TYPE): BadRequest => ({ name: `POST ${path}: ${name}`, method: 'POST', path, headers, body });
  return [
    at('empty form', ''),
    at('1 MB form', `token=${MEGABYTE}&grant_type=refresh_token&refresh_token=${MEGABYTE}`),
    at('truncated JSON', '{"grant_type": "refresh', JSON_TYPE),
    at('JSON array', '[{"token":"x"}]', JSON_TYPE),
    at('JSON null', 'null', JSON_TYPE),
    at('deeply nested JSON', DEEP_JSON, JSON_TYPE),
    at('text/plain', 'token=x', { 'content-type': 'text/plain' }),
    at('XML', '<token>x</token>', { 'content-type': 'application/xml' }),
    at('no content type', 'token=x', {}),
    at('__proto__ in a form', '__proto__=x&token=y&grant_type=refresh_token'),
    at('NUL byte in a form', `token=${encodeURIComponent(NUL)}&refresh_token=${encodeURIComponent(NUL)}&grant_type=refresh_token&client_id=x`),
  ];
}

/** Exactly this many malformed requests are sent, each once (a case lost by a refactoring shows here). */
const EXPECTED_CASES = 529;

describe(`Bad input: ${EXPECTED_CASES} malformed requests over every route, every one a 4xx JSON error with a message`, () => {
  let t: TestApp;
  let confidential: ClientFixture;
  let publicClient: ClientFixture;
  let user: UserFixture;
  let known: LoginResult;
  let confidentialSession: LoginResult;
  let subscriptionId: string;
  let sent = 0;
  let counts: Record<string, number>;
  const cases: BadRequest[] = [];
  const inactive: Array<{ name: string; token: string }> = [];

  async function tableCounts(): Promise<Record<string, number>> {
    const db = t.app.get(Database);
    const result: Record<string, number> = {};
    for (const table of ['users', 'clients', 'refresh_token_families', 'refresh_tokens', 'signing_keys']) {
      const [row] = await db.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${table}`);
      result[table] = db.num(row!.n);
    }
    const [revoked] = await db.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM refresh_token_families WHERE revoked_at IS NOT NULL');
    result.revoked = db.num(revoked!.n);
    return result;
  }

  beforeAll(async () => {
    // 127.0.0.1:9 (discard) as the one subscription's target: nothing in this spec delivers to it.
    t = await startTestApp({ env: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' } });
    confidential = await createClient(t.api, { public: false });
    publicClient = await createClient(t.api, { public: true });
    user = await createUser(t.api);
    known = await login(t.api, user, publicClient);
    confidentialSession = await login(t.api, user, confidential);
    const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
    const goodBasic = basic(confidential.clientId, confidential.clientSecret!);
    const subscription = await t.api.post('/api/webhooks', { headers: { authorization: goodBasic }, json: { url: 'http://127.0.0.1:9/hook', events: ['token.reuse_detected'] } });
    expect(subscription.status).toBe(201);
    subscriptionId = subscription.body.id;

    // Forged and misused JWTs, built against the server's real key id and public key.
    const jwks = (await t.api.get('/.well-known/jwks.json')).body.keys as JWK[];
    const realKid = jwks[0]!.kid!;
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: t.issuer, sub: user.id, aud: 'lemonApp', iat: now, exp: now + 600, jti: UUID, client_id: confidential.clientId, scope: ['openid'], roles: ['admin'], sid: known.refreshTokenId };
    const publicPem = await exportSPKI((await importJWK(jwks[0]!, 'RS256', { extractable: true })) as CryptoKey);
    const foreign = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ours = t.app.get(SigningKeyService).signingKey();
    const forged: Record<string, string> = {
      'alg none': `${b64url({ alg: 'none', typ: 'JWT', kid: realKid })}.${b64url(claims)}.`,
      'alg none without kid': `${b64url({ alg: 'none' })}.${b64url(claims)}.`,
      'HS256 signed with the public key': await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: realKid }).sign(new TextEncoder().encode(publicPem)),
      'foreign RSA key under our kid': await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: realKid }).sign(createPrivateKey(foreign.privateKey.export({ format: 'pem', type: 'pkcs8' }))),
      'foreign RSA key, foreign kid': await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'evil' }).sign(foreign.privateKey),
      'token from another issuer (our key)': await new SignJWT({ ...claims, iss: 'https://evil.example' }).setProtectedHeader({ alg: ours.alg, kid: ours.kid }).sign(ours.privateKey),
      'expired token (our key)': await new SignJWT({ ...claims, iat: now - 7200, exp: now - 3600 }).setProtectedHeader({ alg: ours.alg, kid: ours.kid }).sign(ours.privateKey),
      'not-yet-valid token (our key)': await new SignJWT({ ...claims, nbf: now + 3600 }).setProtectedHeader({ alg: ours.alg, kid: ours.kid }).sign(ours.privateKey),
      'tampered payload': `${known.token.split('.')[0]}.${b64url({ ...claims, roles: ['admin'] })}.${known.token.split('.')[2]}`,
      'kid path traversal': `${b64url({ alg: 'RS256', kid: PATH })}.${b64url(claims)}.c2ln`,
      'kid SQL injection': `${b64url({ alg: 'RS256', kid: SQL })}.${b64url(claims)}.c2ln`,
      'jku header pointing elsewhere': await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'x', jku: 'http://127.0.0.1:1/jwks' }).sign(foreign.privateKey),
      'header that is not JSON': `${Buffer.from('not json').toString('base64url')}.${b64url(claims)}.c2ln`,
      'four segments': `${known.token}.extra`,
    };
    for (const [name, token] of Object.entries(forged)) {
      inactive.push({ name, token });
      cases.push({ name: `/oauth/token refresh_token = JWT ${name}`, method: 'POST', path: '/oauth/token', headers: FORM_TYPE, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token, client_id: publicClient.clientId }).toString() });
      cases.push({ name: `admin API with Bearer JWT ${name}`, method: 'GET', path: '/api/admin/clients', headers: { authorization: `Bearer ${token}` } });
      cases.push({ name: `introspect authenticated by Bearer JWT ${name}`, method: 'POST', path: '/oauth/introspect', headers: { ...FORM_TYPE, authorization: `Bearer ${token}` }, body: `token=${encodeURIComponent(known.refreshToken)}` });
      cases.push({ name: `/api/me with Bearer JWT ${name}`, method: 'GET', path: '/api/me', headers: { authorization: `Bearer ${token}` } });
      cases.push({ name: `/api/auth/refresh with JWT ${name} as refreshToken`, method: 'POST', path: '/api/auth/refresh', headers: JSON_TYPE, body: JSON.stringify({ refreshToken: token }) });
    }

    // Login.
    cases.push(...genericJsonBodies('/api/auth/login'));
    const loginBody = { loginId: user.loginId, password: user.password, clientId: publicClient.clientId };
    const loginCase = (name: string, body: unknown, headers: Record<string, string> = JSON_TYPE): BadRequest => ({ name: `login: ${name}`, method: 'POST', path: '/api/auth/login', headers, body: JSON.stringify(body) });
    cases.push(
      loginCase('missing everything', {}),
      loginCase('missing password', { loginId: user.loginId, clientId: publicClient.clientId }),
      loginCase('missing clientId', { loginId: user.loginId, password: user.password }),
      loginCase('array loginId', { ...loginBody, loginId: [user.loginId] }),
      loginCase('object password', { ...loginBody, password: { $ne: '' } }),
      loginCase('number password', { ...loginBody, password: 12345678 }),
      loginCase('boolean clientId', { ...loginBody, clientId: true }),
      loginCase('null loginId', { ...loginBody, loginId: null }),
      loginCase('string cookies flag', { ...loginBody, cookies: 'yes' }),
      loginCase('unknown field', { ...loginBody, isAdmin: true }),
      loginCase('SQL in loginId', { ...loginBody, loginId: SQL }),
      loginCase('SQL in password', { ...loginBody, password: SQL }),
      loginCase('SQL in clientId', { ...loginBody, clientId: SQL }),
      loginCase('path in clientId', { ...loginBody, clientId: PATH }),
      loginCase('unicode loginId', { ...loginBody, loginId: UNICODE }),
      loginCase('lone surrogate in password', { ...loginBody, password: LONE_SURROGATE }),
      loginCase('NUL byte in loginId', { ...loginBody, loginId: `${user.loginId}${NUL}` }),
      loginCase('NUL byte in clientId', { ...loginBody, clientId: NUL }),
      loginCase('overlong loginId', { ...loginBody, loginId: 'a'.repeat(10_000) }),
      loginCase('overlong password', { ...loginBody, password: 'p'.repeat(12_000) }),
      loginCase('wrong password', { ...loginBody, password: 'definitely wrong' }),
      loginCase('unknown client', { ...loginBody, clientId: UUID }),
      loginCase('confidential client without secret', { ...loginBody, clientId: confidential.clientId }),
      loginCase('public client with a secret', { ...loginBody, clientSecret: 'should not be here' }),
      loginCase('scope not allowed', { ...loginBody, scope: 'admin' }),
      loginCase('scope with quotes', { ...loginBody, scope: '"openid"' }),
      loginCase('array scope', { ...loginBody, scope: ['openid'] }),
      loginCase('cookies for a confidential client', { ...loginBody, clientId: confidential.clientId, clientSecret: confidential.clientSecret, cookies: 'true' }),
      loginCase('Basic for another client', { ...loginBody, clientId: confidential.clientId }, { ...JSON_TYPE, authorization: basic(publicClient.clientId, 'x') }),
      loginCase('malformed Basic', { ...loginBody, clientId: confidential.clientId }, { ...JSON_TYPE, authorization: 'Basic !!!not-base64!!!' }),
      { name: 'login: GET', method: 'GET', path: '/api/auth/login' },
      { name: 'login: PUT', method: 'PUT', path: '/api/auth/login', headers: JSON_TYPE, body: JSON.stringify(loginBody) },
    );

    // Token endpoint.
    cases.push(...genericOAuthBodies('/oauth/token'));
    const token = (name: string, params: Record<string, string | string[]>, headers: Record<string, string> = FORM_TYPE): BadRequest => {
      const search = new URLSearchParams();
      for (const [key, value] of Object.entries(params)) for (const item of [value ?? []].flat()) search.append(key, item);
      return { name: `/oauth/token: ${name}`, method: 'POST', path: '/oauth/token', headers, body: search.toString() };
    };
    const grant = { grant_type: 'refresh_token', client_id: publicClient.clientId };
    cases.push(
      token('no grant_type', { refresh_token: 'x', client_id: publicClient.clientId }),
      token('grant_type password', { ...grant, grant_type: 'password', username: user.loginId, password: user.password }),
      token('grant_type authorization_code', { ...grant, grant_type: 'authorization_code', code: 'x' }),
      token('grant_type client_credentials', { ...grant, grant_type: 'client_credentials' }),
      token('repeated grant_type', { ...grant, grant_type: ['refresh_token', 'refresh_token'], refresh_token: 'x' }),
      token('repeated refresh_token', { ...grant, refresh_token: [known.refreshToken, known.refreshToken] }),
      token('repeated client_id', { ...grant, client_id: [publicClient.clientId, confidential.clientId], refresh_token: known.refreshToken }),
      token('missing refresh_token', grant),
      token('unknown refresh_token', { ...grant, refresh_token: 'no-such-token' }),
      token('SQL refresh_token', { ...grant, refresh_token: SQL }),
      token('path refresh_token', { ...grant, refresh_token: PATH }),
      token('unicode refresh_token', { ...grant, refresh_token: UNICODE }),
      token('overlong refresh_token', { ...grant, refresh_token: 'r'.repeat(8000) }),
      token('known token, wider scope', { ...grant, refresh_token: known.refreshToken, scope: 'openid admin' }),
      token('known token, malformed scope', { ...grant, refresh_token: known.refreshToken, scope: 'openid  "profile"' }),
      token('known token, another client', { grant_type: 'refresh_token', refresh_token: known.refreshToken, client_id: confidential.clientId, client_secret: confidential.clientSecret! }),
      token('known token, unknown client', { ...grant, refresh_token: known.refreshToken, client_id: UUID }),
      token('known token, SQL client_id', { ...grant, refresh_token: known.refreshToken, client_id: SQL }),
      token('no client at all', { grant_type: 'refresh_token', refresh_token: known.refreshToken }),
      token('confidential client, wrong secret', { ...grant, client_id: confidential.clientId, client_secret: 'wrong', refresh_token: 'x' }),
      token('public client with a secret', { ...grant, client_secret: 'x', refresh_token: known.refreshToken }),
      token('Basic and client_secret together', { ...grant, client_id: confidential.clientId, client_secret: confidential.clientSecret!, refresh_token: 'x' }, { ...FORM_TYPE, authorization: goodBasic }),
      token('Basic for one client, client_id of another', { ...grant, refresh_token: 'x' }, { ...FORM_TYPE, authorization: goodBasic }),
      token('Basic without a colon', { grant_type: 'refresh_token', refresh_token: 'x' }, { ...FORM_TYPE, authorization: `Basic ${Buffer.from('nocolon').toString('base64')}` }),
      token('Basic with bad percent-encoding', { grant_type: 'refresh_token', refresh_token: 'x' }, { ...FORM_TYPE, authorization: `Basic ${Buffer.from('%E0%A4%A:secret').toString('base64')}` }),
      token('Basic with a NUL byte', { grant_type: 'refresh_token', refresh_token: 'x' }, { ...FORM_TYPE, authorization: `Basic ${Buffer.from(`${confidential.clientId}%00:x`).toString('base64')}` }),
      token('Basic, wrong secret', { grant_type: 'refresh_token', refresh_token: 'x' }, { ...FORM_TYPE, authorization: basic(confidential.clientId, 'wrong') }),
      { name: '/oauth/token: JSON with array refresh_token', method: 'POST', path: '/oauth/token', headers: JSON_TYPE, body: JSON.stringify({ ...grant, refresh_token: [known.refreshToken] }) },
      { name: '/oauth/token: JSON with object refresh_token', method: 'POST', path: '/oauth/token', headers: JSON_TYPE, body: JSON.stringify({ ...grant, refresh_token: { $gt: '' } }) },
      { name: '/oauth/token: JSON with number grant_type', method: 'POST', path: '/oauth/token', headers: JSON_TYPE, body: JSON.stringify({ ...grant, grant_type: 1, refresh_token: 'x' }) },
      { name: '/oauth/token: GET', method: 'GET', path: `/oauth/token?grant_type=refresh_token&refresh_token=${known.refreshToken}` },
    );

    // Revocation and introspection: only requests that must fail (unknown tokens answer 200 by RFC).
    for (const path of ['/oauth/revoke', '/oauth/introspect']) {
      cases.push(...genericOAuthBodies(path));
      const auth = path === '/oauth/revoke' ? { client_id: publicClient.clientId } : {};
      const headers = path === '/oauth/revoke' ? FORM_TYPE : { ...FORM_TYPE, authorization: goodBasic };
      const form = (params: Record<string, string | string[] | undefined>) => {
        const search = new URLSearchParams();
        for (const [key, value] of Object.entries(params)) for (const item of [value ?? []].flat()) search.append(key, item);
        return search.toString();
      };
      cases.push(
        { name: `${path}: missing token`, method: 'POST', path, headers, body: form({ ...auth }) },
        { name: `${path}: empty token`, method: 'POST', path, headers, body: form({ ...auth, token: '' }) },
        { name: `${path}: repeated token`, method: 'POST', path, headers, body: form({ ...auth, token: [known.refreshToken, 'x'] }) },
        { name: `${path}: repeated hint`, method: 'POST', path, headers, body: form({ ...auth, token: 'x', token_type_hint: ['access_token', 'refresh_token'] }) },
        { name: `${path}: no client authentication`, method: 'POST', path, headers: FORM_TYPE, body: form({ token: known.refreshToken }) },
        { name: `${path}: unknown client`, method: 'POST', path, headers: FORM_TYPE, body: form({ token: known.refreshToken, client_id: UUID }) },
        { name: `${path}: SQL client_id`, method: 'POST', path, headers: FORM_TYPE, body: form({ token: known.refreshToken, client_id: SQL }) },
        { name: `${path}: wrong secret`, method: 'POST', path, headers: FORM_TYPE, body: form({ token: known.refreshToken, client_id: confidential.clientId, client_secret: 'nope' }) },
        { name: `${path}: wrong admin key`, method: 'POST', path, headers: { ...FORM_TYPE, authorization: 'Bearer not-the-admin-key-not-the-admin-key' }, body: form({ token: known.refreshToken }) },
        { name: `${path}: JSON array token`, method: 'POST', path, headers: path === '/oauth/revoke' ? JSON_TYPE : { ...JSON_TYPE, authorization: goodBasic }, body: JSON.stringify({ ...auth, token: [known.refreshToken] }) },
        { name: `${path}: JSON object token`, method: 'POST', path, headers: path === '/oauth/revoke' ? JSON_TYPE : { ...JSON_TYPE, authorization: goodBasic }, body: JSON.stringify({ ...auth, token: { $ne: null } }) },
        { name: `${path}: GET`, method: 'GET', path: `${path}?token=${known.refreshToken}` },
      );
    }
    cases.push({ name: '/oauth/introspect: public client', method: 'POST', path: '/oauth/introspect', headers: FORM_TYPE, body: `token=${known.refreshToken}&client_id=${publicClient.clientId}` });

    // Admin API.
    cases.push(...genericJsonBodies('/api/admin/clients', 'POST', true), ...genericJsonBodies('/api/admin/users', 'POST', true));
    const admin = (name: string, method: string, path: string, body?: unknown, headers: Record<string, string> = JSON_TYPE): BadRequest => ({
      name: `admin: ${name}`,
      method,
      path,
      headers: body === undefined ? {} : headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      admin: true,
    });
    const client = `/api/admin/clients/${confidential.clientId}`;
    cases.push(
      { name: 'admin: no key', method: 'GET', path: '/api/admin/clients' },
      { name: 'admin: Basic instead of Bearer', method: 'GET', path: '/api/admin/clients', headers: { authorization: goodBasic } },
      { name: 'admin: key with a NUL byte', method: 'GET', path: '/api/admin/users', headers: { authorization: `Bearer ${t.adminKey}%00` } },
      { name: 'admin: empty Bearer', method: 'GET', path: '/api/admin/users', headers: { authorization: 'Bearer ' } },
      { name: 'admin: key of another server', method: 'POST', path: '/api/admin/keys/rotate', headers: { authorization: 'Bearer 0123456789abcdef0123456789abcdef' } },
      { name: 'admin: client secret as the admin key', method: 'DELETE', path: client, headers: { authorization: `Bearer ${confidential.clientSecret}` } },
      admin('create client without name', 'POST', '/api/admin/clients', { audience: 'x' }),
      admin('create client with array name', 'POST', '/api/admin/clients', { name: ['x'], audience: 'x' }),
      admin('create client with object audience', 'POST', '/api/admin/clients', { name: 'x', audience: { a: 1 } }),
      admin('create client with string public flag', 'POST', '/api/admin/clients', { name: 'x', audience: 'x', public: 'true' }),
      admin('create client with scope containing a space', 'POST', '/api/admin/clients', { name: 'x', audience: 'x', scopes: ['openid profile'] }),
      admin('create client with scopes as a string', 'POST', '/api/admin/clients', { name: 'x', audience: 'x', scopes: 'openid' }),
      admin('create client with NUL in name', 'POST', '/api/admin/clients', { name: NUL, audience: 'x' }),
      admin('create client with unknown field', 'POST', '/api/admin/clients', { name: 'x', audience: 'x', clientSecret: 'chosen' }),
      admin('create client with a 300-character name', 'POST', '/api/admin/clients', { name: 'n'.repeat(300), audience: 'x' }),
      admin('create client with 60 scopes', 'POST', '/api/admin/clients', { name: 'x', audience: 'x', scopes: Array.from({ length: 60 }, (_, i) => `s${i}`) }),
      admin('get client by SQL id', 'GET', `/api/admin/clients/${encodeURIComponent(SQL)}`),
      admin('get client by path', 'GET', `/api/admin/clients/${encodeURIComponent(PATH)}`),
      admin('get client by NUL id', 'GET', '/api/admin/clients/%00'),
      admin('get unknown client', 'GET', `/api/admin/clients/${UUID}`),
      admin('list clients with negative limit', 'GET', '/api/admin/clients?limit=-1'),
      admin('list clients with huge limit', 'GET', '/api/admin/clients?limit=100000'),
      admin('list clients with text limit', 'GET', '/api/admin/clients?limit=ten'),
      admin('list clients with repeated limit', 'GET', '/api/admin/clients?limit=1&limit=2'),
      admin('list clients with overlong cursor', 'GET', `/api/admin/clients?cursor=${'c'.repeat(100)}`),
      admin('list clients with NUL cursor', 'GET', '/api/admin/clients?cursor=a%00b'),
      admin('list clients with unknown query', 'GET', '/api/admin/clients?admin=true'),
      admin('patch client with unknown field', 'PATCH', client, { public: true }),
      admin('patch client with empty name', 'PATCH', client, { name: '' }),
      admin('patch client with array audience', 'PATCH', client, { audience: ['a'] }),
      admin('patch unknown client', 'PATCH', `/api/admin/clients/${UUID}`, { name: 'x' }),
      admin('patch client with form body', 'PATCH', client, { name: 'x' }, FORM_TYPE),
      admin('rotate secret of a public client', 'POST', `/api/admin/clients/${publicClient.clientId}/rotate-secret`),
      admin('rotate secret of an unknown client', 'POST', `/api/admin/clients/${UUID}/rotate-secret`),
      admin('delete unknown client', 'DELETE', `/api/admin/clients/${UUID}`),
      admin('delete client by SQL id', 'DELETE', `/api/admin/clients/${encodeURIComponent(SQL)}`),
      admin('create user with short password', 'POST', '/api/admin/users', { loginId: 'a@example.com', password: 'short' }),
      admin('create user with array loginId', 'POST', '/api/admin/users', { loginId: ['a'], password: 'long enough password' }),
      admin('create user with roles as a string', 'POST', '/api/admin/users', { loginId: 'b@example.com', password: 'long enough password', roles: 'admin' }),
      admin('create user with object roles', 'POST', '/api/admin/users', { loginId: 'c@example.com', password: 'long enough password', roles: [{ admin: true }] }),
      admin('create user with an id', 'POST', '/api/admin/users', { id: UUID, loginId: 'd@example.com', password: 'long enough password' }),
      admin('create user with NUL in the password', 'POST', '/api/admin/users', { loginId: 'e@example.com', password: `long enough ${NUL}` }),
      admin('create a duplicate user', 'POST', '/api/admin/users', { loginId: user.loginId, password: 'long enough password' }),
      admin('patch user with string disabled', 'PATCH', `/api/admin/users/${user.id}`, { disabled: 'yes' }),
      admin('patch user with short password', 'PATCH', `/api/admin/users/${user.id}`, { password: 'short' }),
      admin('patch user with unknown field', 'PATCH', `/api/admin/users/${user.id}`, { loginId: 'taken@example.com' }),
      admin('patch user with deep roles', 'PATCH', `/api/admin/users/${user.id}`, JSON.parse(`{"roles":${DEEP_ARRAY.slice(0, 200)}${DEEP_ARRAY.slice(-200)}}`)),
      admin('patch unknown user', 'PATCH', `/api/admin/users/${UUID}`, { roles: [] }),
      admin('get user by path', 'GET', `/api/admin/users/${encodeURIComponent(PATH)}`),
      admin('delete unknown user', 'DELETE', `/api/admin/users/${UUID}`),
      admin('sessions of an unknown user', 'GET', `/api/admin/users/${UUID}/sessions`),
      admin('sessions with a SQL user id', 'GET', `/api/admin/users/${encodeURIComponent(SQL)}/sessions`),
      admin('revoke a session with a bad family id', 'DELETE', `/api/admin/users/${user.id}/sessions/${encodeURIComponent(PATH)}`),
      admin('revoke an unknown session', 'DELETE', `/api/admin/users/${user.id}/sessions/${UUID}`),
      admin("revoke another user's session", 'DELETE', `/api/admin/users/${UUID}/sessions/${known.refreshTokenId}`),
      admin('revoke all sessions of an unknown user', 'DELETE', `/api/admin/users/${UUID}/sessions`),
      admin('rotate keys with a form body', 'POST', '/api/admin/keys/rotate', { a: 1 }, FORM_TYPE),
      admin('rotate keys with GET', 'GET', '/api/admin/keys/rotate'),
      { name: '.well-known: POST jwks', method: 'POST', path: '/.well-known/jwks.json', headers: JSON_TYPE, body: '{}' },
      { name: '.well-known: DELETE metadata', method: 'DELETE', path: '/.well-known/oauth-authorization-server' },
      { name: '.well-known: encoded traversal', method: 'GET', path: '/.well-known/%2e%2e/api/admin/clients' },
      { name: '.well-known: openid-configuration does not exist', method: 'GET', path: '/.well-known/openid-configuration' },
      { name: '.well-known: NUL in path', method: 'GET', path: '/.well-known/jwks.json%00' },
    );
    // The cookie-or-body refresh routes and logout (public clients).
    for (const path of ['/api/auth/refresh', '/api/jwt/refresh']) {
      cases.push(...genericJsonBodies(path));
      const json = (name: string, body: unknown, headers: Record<string, string> = JSON_TYPE): BadRequest => ({ name: `${path}: ${name}`, method: 'POST', path, headers, body: JSON.stringify(body) });
      const cookie = (name: string, value: string, headers: Record<string, string> = {}): BadRequest => ({ name: `${path}: ${name}`, method: 'POST', path, headers: { cookie: value, ...headers } });
      cases.push(
        json('no token at all', {}),
        json('number refreshToken', { refreshToken: 12345 }),
        json('array refreshToken', { refreshToken: [known.refreshToken] }),
        json('object refreshToken', { refreshToken: { $ne: null } }),
        json('null refreshToken', { refreshToken: null }),
        json('boolean token', { token: true }),
        json('unknown field', { refreshToken: known.refreshToken, clientId: publicClient.clientId }),
        json('overlong refreshToken', { refreshToken: 'r'.repeat(9000) }),
        json('empty refreshToken', { refreshToken: '' }),
        json('unknown refreshToken', { refreshToken: 'no-such-token' }),
        json('SQL refreshToken', { refreshToken: SQL }),
        json('path refreshToken', { refreshToken: PATH }),
        json('unicode refreshToken', { refreshToken: UNICODE }),
        json('NUL in refreshToken', { refreshToken: `${known.refreshToken}${NUL}` }),
        json('lone surrogate refreshToken', { refreshToken: LONE_SURROGATE }),
        json("a confidential client's token", { refreshToken: confidentialSession.refreshToken }),
        json('the access token as refreshToken', { refreshToken: known.token }),
        cookie('unknown refresh_token cookie', 'refresh_token=no-such-token'),
        cookie('empty refresh_token cookie', 'refresh_token='),
        cookie('malformed cookie header', 'refresh_token=%E0%A4%A; ;;=; ='),
        cookie('overlong refresh_token cookie', `refresh_token=${'c'.repeat(9000)}`),
        cookie('known cookie from a foreign Origin', `refresh_token=${known.refreshToken}`, { origin: 'https://evil.example' }),
        cookie('known cookie from Origin null', `refresh_token=${known.refreshToken}`, { origin: 'null' }),
        cookie('known cookie from a malformed Origin', `refresh_token=${known.refreshToken}`, { origin: 'not a url' }),
        cookie('known cookie, cross-site fetch', `refresh_token=${known.refreshToken}`, { 'sec-fetch-site': 'cross-site' }),
        { name: `${path}: GET`, method: 'GET', path },
        { name: `${path}: PUT`, method: 'PUT', path, headers: JSON_TYPE, body: JSON.stringify({ refreshToken: known.refreshToken }) },
      );
    }
    const logout = (name: string, body: unknown, headers: Record<string, string> = JSON_TYPE): BadRequest => ({ name: `/api/auth/logout: ${name}`, method: 'POST', path: '/api/auth/logout', headers, body: JSON.stringify(body) });
    cases.push(
      // An empty body or JSON null is "no token": logout answers 200 for that (SPEC §3).
      ...genericJsonBodies('/api/auth/logout').filter((item) => !/: (empty JSON body|JSON null)$/.test(item.name)),
      logout('number refreshToken', { refreshToken: 1 }),
      logout('array refreshToken', { refreshToken: [known.refreshToken] }),
      logout('object token', { token: { $gt: '' } }),
      logout('string global', { refreshToken: 'x', global: 'true' }),
      logout('number global', { refreshToken: 'x', global: 1 }),
      logout('unknown field', { refreshToken: 'x', everything: true }),
      logout('overlong refreshToken', { refreshToken: 'r'.repeat(9000) }),
      { name: '/api/auth/logout: known cookie from a foreign Origin', method: 'POST', path: '/api/auth/logout', headers: { cookie: `refresh_token=${known.refreshToken}`, origin: 'https://evil.example' } },
      { name: '/api/auth/logout: GET', method: 'GET', path: '/api/auth/logout' },
    );

    // The example protected route.
    const me = (name: string, authorization?: string, method = 'GET'): BadRequest => ({ name: `/api/me: ${name}`, method, path: '/api/me', headers: authorization === undefined ? {} : { authorization } });
    cases.push(
      me('no Authorization'),
      me('empty Bearer', 'Bearer '),
      me('Basic credentials', goodBasic),
      me('the admin key', `Bearer ${t.adminKey}`),
      me('a refresh token', `Bearer ${known.refreshToken}`),
      me('garbage', 'Bearer not.a.jwt'),
      me('two tokens', `Bearer ${known.token} ${known.token}`),
      me('lower-case scheme only', 'bearer'),
      me('NUL in the token', `Bearer ${known.token}%00`),
      me('an overlong token', `Bearer ${'a'.repeat(9000)}`),
      me('POST', `Bearer ${known.token}`, 'POST'),
      me('DELETE', `Bearer ${known.token}`, 'DELETE'),
    );

    // Webhook subscriptions, as the integrator (client_secret_basic) and as the admin.
    const integrator = { authorization: goodBasic };
    const hook = `/api/webhooks/${subscriptionId}`;
    const webhook = (name: string, method: string, path: string, body?: unknown, headers: Record<string, string> = integrator): BadRequest => ({
      name: `webhooks: ${name}`,
      method,
      path,
      headers: body === undefined ? headers : { ...JSON_TYPE, ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    cases.push(
      ...genericJsonBodies('/api/webhooks', 'POST', false, integrator),
      // JSON null is taken as an empty PATCH (nothing changed, 200).
      ...genericJsonBodies(hook, 'PATCH', false, integrator).filter((item) => !item.name.endsWith(': JSON null')),
      webhook('create without credentials', 'POST', '/api/webhooks', { url: 'http://127.0.0.1:9/' }, {}),
      webhook('create with a wrong secret', 'POST', '/api/webhooks', { url: 'http://127.0.0.1:9/' }, { authorization: basic(confidential.clientId, 'wrong') }),
      webhook('create as the public client', 'POST', '/api/webhooks', { url: 'http://127.0.0.1:9/' }, { authorization: basic(publicClient.clientId, '') }),
      webhook('create with a malformed Basic', 'POST', '/api/webhooks', { url: 'http://127.0.0.1:9/' }, { authorization: 'Basic %%%' }),
      webhook('create with a garbage Bearer', 'POST', '/api/webhooks', { url: 'http://127.0.0.1:9/' }, { authorization: 'Bearer nope' }),
      webhook('create with a number url', 'POST', '/api/webhooks', { url: 1 }),
      webhook('create with an array url', 'POST', '/api/webhooks', { url: ['http://127.0.0.1:9/'] }),
      webhook('create with events as a string', 'POST', '/api/webhooks', { url: 'http://127.0.0.1:9/', events: 'token.refreshed' }),
      webhook('create with an unknown event', 'POST', '/api/webhooks', { url: 'http://127.0.0.1:9/', events: ['token.stolen'] }),
      webhook('create with a number event', 'POST', '/api/webhooks', { url: 'http://127.0.0.1:9/', events: [1] }),
      webhook('create with an object description', 'POST', '/api/webhooks', { url: 'http://127.0.0.1:9/', description: { a: 1 } }),
      webhook('create with a 600-character description', 'POST', '/api/webhooks', { url: 'http://127.0.0.1:9/', description: 'd'.repeat(600) }),
      webhook('create with a clientId as the integrator', 'POST', '/api/webhooks', { url: 'http://127.0.0.1:9/', clientId: publicClient.clientId }),
      webhook('create with an unknown field', 'POST', '/api/webhooks', { url: 'http://127.0.0.1:9/', secret: 'whsec_chosen' }),
      webhook('create with a private target', 'POST', '/api/webhooks', { url: 'http://10.0.0.1/' }),
      webhook('create with a metadata target', 'POST', '/api/webhooks', { url: 'http://169.254.169.254/latest/meta-data/' }),
      webhook('create with an octal loopback target', 'POST', '/api/webhooks', { url: 'http://0177.0.0.2/' }),
      webhook('create with an ftp url', 'POST', '/api/webhooks', { url: 'ftp://example.com/' }),
      webhook('create with a fragment', 'POST', '/api/webhooks', { url: 'http://127.0.0.1:9/#x' }),
      webhook('create with a 3000-character url', 'POST', '/api/webhooks', { url: `http://127.0.0.1:9/${'u'.repeat(3000)}` }),
      webhook('create with a relative url', 'POST', '/api/webhooks', { url: '/hook' }),
      webhook('admin create with an unknown clientId', 'POST', '/api/webhooks', { url: 'http://127.0.0.1:9/', clientId: UUID }, { authorization: `Bearer ${t.adminKey}` }),
      webhook('admin create with a SQL clientId', 'POST', '/api/webhooks', { url: 'http://127.0.0.1:9/', clientId: SQL }, { authorization: `Bearer ${t.adminKey}` }),
      webhook('list without credentials', 'GET', '/api/webhooks', undefined, {}),
      webhook('list with limit 0', 'GET', '/api/webhooks?limit=0'),
      webhook('list with a text limit', 'GET', '/api/webhooks?limit=ten'),
      webhook('list with an unknown query', 'GET', '/api/webhooks?owner=all'),
      webhook('get by a SQL id', 'GET', `/api/webhooks/${encodeURIComponent(SQL)}`),
      webhook('get by a path', 'GET', `/api/webhooks/${encodeURIComponent(PATH)}`),
      webhook('get an unknown id', 'GET', `/api/webhooks/${UUID}`),
      webhook('get without credentials', 'GET', hook, undefined, {}),
      webhook('patch with a string enabled', 'PATCH', hook, { enabled: 'yes' }),
      webhook('patch with a number url', 'PATCH', hook, { url: 5 }),
      webhook('patch with a private url', 'PATCH', hook, { url: 'http://192.168.1.10/' }),
      webhook('patch with an unknown event', 'PATCH', hook, { events: ['token.nope'] }),
      webhook('patch with a clientId', 'PATCH', hook, { clientId: publicClient.clientId }),
      webhook('patch with an unknown field', 'PATCH', hook, { secret: 'x' }),
      webhook('patch an unknown id', 'PATCH', `/api/webhooks/${UUID}`, { enabled: false }),
      webhook('patch a malformed id', 'PATCH', '/api/webhooks/not-a-uuid', { enabled: false }),
      webhook('delete an unknown id', 'DELETE', `/api/webhooks/${UUID}`),
      webhook('delete a malformed id', 'DELETE', '/api/webhooks/not-a-uuid'),
      webhook('delete without credentials', 'DELETE', hook, undefined, {}),
      webhook('rotate the secret of an unknown id', 'POST', `/api/webhooks/${UUID}/rotate-secret`),
      webhook('rotate the secret of a malformed id', 'POST', '/api/webhooks/x/rotate-secret'),
      webhook('test an unknown id', 'POST', `/api/webhooks/${UUID}/test`),
      webhook('test without credentials', 'POST', `${hook}/test`, undefined, {}),
      webhook('deliveries of an unknown id', 'GET', `/api/webhooks/${UUID}/deliveries`),
      webhook('deliveries with limit 0', 'GET', `${hook}/deliveries?limit=0`),
      webhook('deliveries with a NUL cursor', 'GET', `${hook}/deliveries?cursor=a%00b`),
      webhook('retry an unknown delivery', 'POST', `${hook}/deliveries/${UUID}/retry`),
      webhook('retry a malformed delivery id', 'POST', `${hook}/deliveries/${encodeURIComponent(SQL)}/retry`),
      webhook('PUT a subscription', 'PUT', hook, { url: 'http://127.0.0.1:9/' }),
      webhook('DELETE the collection', 'DELETE', '/api/webhooks'),
    );

    // Unknown routes and verbs around OAuth, health and metrics.
    cases.push(
      { name: '/oauth/authorize does not exist', method: 'GET', path: '/oauth/authorize?response_type=code&client_id=x' },
      { name: '/oauth/token: PUT', method: 'PUT', path: '/oauth/token', headers: FORM_TYPE, body: 'grant_type=refresh_token' },
      { name: '/oauth/userinfo does not exist', method: 'GET', path: '/oauth/userinfo' },
      { name: '/oauth/: encoded traversal', method: 'POST', path: '/oauth/%2e%2e/api/admin/clients', headers: FORM_TYPE, body: 'a=b' },
      { name: '/health: POST', method: 'POST', path: '/health', headers: JSON_TYPE, body: '{}' },
      { name: '/metrics: DELETE', method: 'DELETE', path: '/metrics' },
    );
    counts = await tableCounts();
  }, 60_000);
  afterAll(() => t.close());

  it(`has exactly ${EXPECTED_CASES} distinct cases`, () => {
    expect(cases.length).toBe(EXPECTED_CASES);
    expect(new Set(cases.map((item) => item.name)).size).toBe(cases.length);
  });

  it('answers every malformed request with a 4xx JSON error and a clear message, never a 500, and keeps serving', async () => {
    const failures: string[] = [];
    for (const item of cases) {
      const headers = { ...item.headers, ...(item.admin ? { authorization: `Bearer ${t.adminKey}` } : {}) };
      const response = await fetch(`${t.baseUrl}${item.path}`, { method: item.method, headers, body: item.body as BodyInit | undefined });
      sent++;
      const text = await response.text();
      let body: { error?: unknown; message?: unknown; error_description?: unknown } | undefined;
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        body = undefined;
      }
      const message = body?.message ?? body?.error_description;
      if (response.status < 400 || response.status >= 500 || typeof body?.error !== 'string' || typeof message !== 'string' || message.length < 10) {
        failures.push(`${item.name} → ${response.status} ${text.slice(0, 200)}`);
      }
      if (text.includes(' at ') && text.includes('.ts:')) failures.push(`${item.name} leaks a stack trace`);
    }
    expect(failures).toEqual([]);
    expect(sent).toBe(EXPECTED_CASES);
    expect((await t.api.get('/health')).status).toBe(200);
  }, 180_000);

  it('introspects every forged, foreign, expired or not-yet-valid JWT as inactive', async () => {
    for (const { name, token } of inactive) {
      const response = await t.api.post('/oauth/introspect', { admin: true, form: { token } });
      expect([name, response.status, response.body]).toEqual([name, 200, { active: false }]);
    }
  });

  it('changed no data, and the server still logs in and refreshes normally', async () => {
    expect(await tableCounts()).toEqual(counts);
    const refreshed = await refreshAtTokenEndpoint(t.api, publicClient, known.refreshToken);
    expect(refreshed.status).toBe(200);
    expect((await refreshAtTokenEndpoint(t.api, publicClient, refreshed.body.refresh_token)).status).toBe(200);
    expect((await login(t.api, user, confidential)).refreshToken).toEqual(expect.any(String));
    expect((await t.api.get('/api/admin/clients', { admin: true })).body.items).toHaveLength(2);
  });
});
