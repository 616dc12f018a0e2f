import { RefreshTokenStore } from '../src/auth/refresh-token.store.js';
import { createClient, createUser, login, refreshAtTokenEndpoint } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** The retention job's statements (grace wipe, purge with its subquery) on either database. */
describe('retention statements', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { REFRESH_REUSE_GRACE_SECONDS: '60' } });
  });
  afterAll(() => t.close());

  it('wipes kept successors once the grace window has ended, then purges ended families', async () => {
    const store = t.app.get(RefreshTokenStore);
    const client = await createClient(t.api, { public: true });
    const user = await createUser(t.api);
    const { refreshToken } = await login(t.api, user, client);
    const rotated = await refreshAtTokenEndpoint(t.api, client, refreshToken);
    expect(rotated.status).toBe(200);
    // Within the window the old token is replayable...
    expect((await refreshAtTokenEndpoint(t.api, client, refreshToken)).body.refresh_token).toBe(rotated.body.refresh_token);
    // ...until the window is over and the kept successor wiped: then it is reuse.
    expect(await store.wipeExpiredGrace(Date.now() + 61_000)).toBe(1);
    expect((await refreshAtTokenEndpoint(t.api, client, refreshToken)).status).toBe(400);

    // The family is revoked now; purging everything that ended before "tomorrow" removes it and its tokens.
    expect(await store.purgeFamilies(Date.now() + 24 * 3600 * 1000)).toBeGreaterThanOrEqual(1);
    const sessions = await t.api.get(`/api/admin/users/${user.id}/sessions`, { admin: true });
    expect(sessions.body.items ?? sessions.body).toEqual([]);
    expect((await refreshAtTokenEndpoint(t.api, client, rotated.body.refresh_token)).status).toBe(400);
  });
});
