import { createClient, createUser, login, refreshAtTokenEndpoint } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe.each([
  ['0', 'exactly one wins; the losers count as reuse and revoke the family'],
  ['10', 'every request gets the same successor'],
])('20 simultaneous refreshes of one token, grace %s s', (grace) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { REFRESH_REUSE_GRACE_SECONDS: grace } });
  });
  afterAll(() => t.close());

  it(grace === '0' ? 'gives exactly one 200' : 'gives twenty 200s with one and the same refresh_token', async () => {
    const client = await createClient(t.api, { public: false });
    const user = await createUser(t.api);
    const { refreshToken } = await login(t.api, user, client);
    const responses = await Promise.all(Array.from({ length: 20 }, () => refreshAtTokenEndpoint(t.api, client, refreshToken)));
    const ok = responses.filter((response) => response.status === 200);
    if (grace === '0') {
      expect(ok).toHaveLength(1);
      // Every loser, not only those that answered 400: a 500 or a second 200 fails here.
      const losers = responses.filter((response) => response !== ok[0]);
      expect(losers).toHaveLength(19);
      for (const loser of losers) {
        expect({ status: loser.status, error: loser.body?.error }).toEqual({ status: 400, error: 'invalid_grant' });
        expect(loser.body.error_description).toEqual(expect.any(String));
      }
      // The winner's successor was revoked with the family.
      expect((await refreshAtTokenEndpoint(t.api, client, ok[0]!.body.refresh_token)).status).toBe(400);
    } else {
      expect(ok).toHaveLength(20);
      expect(new Set(ok.map((response) => response.body.refresh_token)).size).toBe(1);
      expect(new Set(ok.map((response) => response.body.access_token)).size).toBe(20);
      expect((await refreshAtTokenEndpoint(t.api, client, ok[0]!.body.refresh_token)).status).toBe(200);
    }
  });
});
