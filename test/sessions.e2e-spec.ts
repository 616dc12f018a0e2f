import { EventEmitter2 } from '@nestjs/event-emitter';
import { Database } from '../src/database/database.js';
import { createClient, createUser, login, refreshAtTokenEndpoint, type ClientFixture, type UserFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

interface RevokedEvent {
  familyId: string;
  userId: string;
  clientId: string;
  reason: string;
}

describe('Sessions in the admin API, and changes that end sessions', () => {
  let t: TestApp;
  let client: ClientFixture;
  const emitted: RevokedEvent[] = [];

  /** The token.revoked events committed to the outbox for these families. */
  async function outboxRevocations(familyIds: string[]): Promise<RevokedEvent[]> {
    const rows = await t.app.get(Database).query<{ payload: string }>("SELECT payload FROM outbox_events WHERE type = 'token.revoked'");
    return rows.map((row) => JSON.parse(row.payload) as RevokedEvent).filter((event) => familyIds.includes(event.familyId));
  }

  async function emittedFor(familyIds: string[], count: number): Promise<RevokedEvent[]> {
    for (let i = 0; i < 50; i++) {
      const found = emitted.filter((event) => familyIds.includes(event.familyId));
      if (found.length >= count) return found;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return emitted.filter((event) => familyIds.includes(event.familyId));
  }

  const sessions = (user: UserFixture) => t.api.get(`/api/admin/users/${user.id}/sessions`, { admin: true });

  beforeAll(async () => {
    t = await startTestApp();
    client = await createClient(t.api, { public: true });
    t.app.get(EventEmitter2).on('token.revoked', (event: { data: RevokedEvent }) => emitted.push(event.data));
  });
  afterAll(() => t.close());

  it('lists live families with created, last used, client, IP and user agent', async () => {
    const user = await createUser(t.api);
    const phone = await t.api.post('/api/auth/login', {
      json: { loginId: user.loginId, password: user.password, clientId: client.clientId },
      headers: { 'user-agent': 'PhoneApp/1.0' },
    });
    const laptop = await login(t.api, user, client);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const refreshed = await t.api.post('/oauth/token', {
      form: { grant_type: 'refresh_token', refresh_token: phone.body.refreshToken, client_id: client.clientId },
      headers: { 'user-agent': 'PhoneApp/1.1' },
    });
    expect(refreshed.status).toBe(200);

    const response = await sessions(user);
    expect(response.status).toBe(200);
    expect(response.body.items).toHaveLength(2);
    const phoneSession = response.body.items.find((item: { id: string }) => item.id === phone.body.refreshTokenId);
    expect(phoneSession).toMatchObject({ clientId: client.clientId, ip: '127.0.0.1', userAgent: 'PhoneApp/1.1', rotation: 1 });
    expect(Date.parse(phoneSession.lastUsedAt)).toBeGreaterThan(Date.parse(phoneSession.createdAt));
    expect(Date.parse(phoneSession.expiresAt)).toBeGreaterThan(Date.now());
    const laptopSession = response.body.items.find((item: { id: string }) => item.id === laptop.refreshTokenId);
    expect(laptopSession).toMatchObject({ rotation: 0, createdAt: laptopSession.lastUsedAt });
    expect(JSON.stringify(response.body)).not.toContain(laptop.refreshToken);
  });

  it('revokes one session, emitting token.revoked, and leaves the others alive', async () => {
    const user = await createUser(t.api);
    const one = await login(t.api, user, client);
    const two = await login(t.api, user, client);
    const response = await t.api.delete(`/api/admin/users/${user.id}/sessions/${one.refreshTokenId}`, { admin: true });
    expect(response.status).toBe(204);
    expect((await refreshAtTokenEndpoint(t.api, client, one.refreshToken)).body.error).toBe('invalid_grant');
    expect((await refreshAtTokenEndpoint(t.api, client, two.refreshToken)).status).toBe(200);
    expect((await sessions(user)).body.items.map((item: { id: string }) => item.id)).toEqual([two.refreshTokenId]);
    expect(await outboxRevocations([one.refreshTokenId])).toEqual([expect.objectContaining({ reason: 'admin_revoked', userId: user.id })]);
    expect(await emittedFor([one.refreshTokenId], 1)).toHaveLength(1);
    // Already revoked, unknown, or another user's session: 404.
    expect((await t.api.delete(`/api/admin/users/${user.id}/sessions/${one.refreshTokenId}`, { admin: true })).status).toBe(404);
    const stranger = await createUser(t.api);
    expect((await t.api.delete(`/api/admin/users/${stranger.id}/sessions/${two.refreshTokenId}`, { admin: true })).status).toBe(404);
    expect((await refreshAtTokenEndpoint(t.api, client, (await login(t.api, user, client)).refreshToken)).status).toBe(200);
  });

  it('revokes all sessions of a user and no one else', async () => {
    const user = await createUser(t.api);
    const other = await createUser(t.api);
    const pairs = [await login(t.api, user, client), await login(t.api, user, client), await login(t.api, user, client)];
    const others = await login(t.api, other, client);
    expect((await t.api.delete(`/api/admin/users/${user.id}/sessions`, { admin: true })).status).toBe(204);
    expect((await sessions(user)).body.items).toEqual([]);
    for (const pair of pairs) expect((await refreshAtTokenEndpoint(t.api, client, pair.refreshToken)).status).toBe(400);
    expect((await refreshAtTokenEndpoint(t.api, client, others.refreshToken)).status).toBe(200);
    expect(await outboxRevocations(pairs.map((pair) => pair.refreshTokenId))).toHaveLength(3);
    expect(await emittedFor(pairs.map((pair) => pair.refreshTokenId), 3)).toHaveLength(3);
  });

  it('needs the admin key and a real user', async () => {
    const user = await createUser(t.api);
    expect((await t.api.get(`/api/admin/users/${user.id}/sessions`)).status).toBe(401);
    expect((await t.api.get(`/api/admin/users/${user.id}/sessions`, { headers: { authorization: 'Bearer wrong-key-wrong-key-wrong-key-wrong' } })).status).toBe(401);
    expect((await t.api.get('/api/admin/users/00000000-0000-4000-8000-000000000000/sessions', { admin: true })).status).toBe(404);
    expect((await t.api.get('/api/admin/users/not-a-uuid/sessions', { admin: true })).status).toBe(400);
  });

  it.each([
    ['disabling the user', 'user_disabled', (t: TestApp, user: UserFixture) => t.api.patch(`/api/admin/users/${user.id}`, { admin: true, json: { disabled: true } })],
    ['changing its password', 'password_changed', (t: TestApp, user: UserFixture) => t.api.patch(`/api/admin/users/${user.id}`, { admin: true, json: { password: 'a brand new password' } })],
    ['deleting the user', 'user_deleted', (t: TestApp, user: UserFixture) => t.api.delete(`/api/admin/users/${user.id}`, { admin: true })],
  ])('%s revokes every family of the user and emits token.revoked', async (_what, reason, change) => {
    const user = await createUser(t.api);
    const bystander = await login(t.api, await createUser(t.api), client);
    const pairs = [await login(t.api, user, client), await login(t.api, user, client)];
    const response = await change(t, user);
    expect(response.status).toBeLessThan(300);
    for (const pair of pairs) expect((await refreshAtTokenEndpoint(t.api, client, pair.refreshToken)).body.error).toBe('invalid_grant');
    const ids = pairs.map((pair) => pair.refreshTokenId);
    const recorded = await outboxRevocations(ids);
    expect(recorded).toHaveLength(2);
    for (const event of recorded) expect(event).toMatchObject({ reason, userId: user.id, clientId: client.clientId });
    expect(await emittedFor(ids, 2)).toHaveLength(2);
    expect((await refreshAtTokenEndpoint(t.api, client, bystander.refreshToken)).status).toBe(200);
  });

  it('a role change alone keeps the sessions', async () => {
    const user = await createUser(t.api);
    const pair = await login(t.api, user, client);
    expect((await t.api.patch(`/api/admin/users/${user.id}`, { admin: true, json: { roles: ['admin'] } })).status).toBe(200);
    expect((await refreshAtTokenEndpoint(t.api, client, pair.refreshToken)).status).toBe(200);
    expect(await outboxRevocations([pair.refreshTokenId])).toEqual([]);
  });

  it('deleting a client revokes its families and emits token.revoked', async () => {
    const doomed = await createClient(t.api, { public: false });
    const user = await createUser(t.api);
    const pairs = [await login(t.api, user, doomed), await login(t.api, user, doomed)];
    const kept = await login(t.api, user, client);
    expect((await t.api.delete(`/api/admin/clients/${doomed.clientId}`, { admin: true })).status).toBe(204);
    const ids = pairs.map((pair) => pair.refreshTokenId);
    const recorded = await outboxRevocations(ids);
    expect(recorded).toHaveLength(2);
    for (const event of recorded) expect(event).toMatchObject({ reason: 'client_deleted', clientId: doomed.clientId });
    expect(await emittedFor(ids, 2)).toHaveLength(2);
    expect((await refreshAtTokenEndpoint(t.api, doomed, pairs[0]!.refreshToken)).status).toBe(401);
    expect((await sessions(user)).body.items.map((item: { id: string }) => item.id)).toEqual([kept.refreshTokenId]);
  });
});
