import * as oauth from 'openid-client';
import { createClient, createUser, login } from './support/fixtures.js';
import { freePort, startTestApp, type TestApp } from './support/test-app.js';

/** An unmodified OAuth client library: RFC 8414 discovery, then its refresh-token grant. */
describe('openid-client 6 against the running app', () => {
  let t: TestApp;
  let issuer: string;

  beforeAll(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    t = await startTestApp({ port, env: { ISSUER: issuer } });
  });
  afterAll(() => t.close());

  /** RFC 8414 discovery (`algorithm: 'oauth2'`), over plain http on the loopback interface. */
  const discover = (clientId: string, authentication: oauth.ClientAuth) =>
    oauth.discovery(new URL(issuer), clientId, undefined, authentication, { algorithm: 'oauth2', execute: [oauth.allowInsecureRequests] });

  it.each([
    ['client_secret_basic', (secret: string) => oauth.ClientSecretBasic(secret)],
    ['client_secret_post', (secret: string) => oauth.ClientSecretPost(secret)],
  ])('refreshes a confidential client with %s', async (_name, authentication) => {
    const client = await createClient(t.api, { public: false });
    const user = await createUser(t.api);
    const first = await login(t.api, user, client);
    const config = await discover(client.clientId, authentication(client.clientSecret!));
    expect(config.serverMetadata().token_endpoint).toBe(`${issuer}/oauth/token`);
    const tokens = await oauth.refreshTokenGrant(config, first.refreshToken);
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.expires_in).toBe(3600);
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.refresh_token).not.toBe(first.refreshToken);
    const again = await oauth.refreshTokenGrant(config, tokens.refresh_token!, { scope: 'openid' });
    expect(again.scope).toBe('openid');
  });

  it('refreshes a public client (token_endpoint_auth_method none)', async () => {
    const client = await createClient(t.api, { public: true });
    const user = await createUser(t.api);
    const first = await login(t.api, user, client);
    const config = await discover(client.clientId, oauth.None());
    const tokens = await oauth.refreshTokenGrant(config, first.refreshToken);
    expect(tokens.access_token).toBeTruthy();
  });

  it('surfaces invalid_grant to the library for a reused token', async () => {
    const client = await createClient(t.api, { public: true });
    const user = await createUser(t.api);
    const first = await login(t.api, user, client);
    const config = await discover(client.clientId, oauth.None());
    await oauth.refreshTokenGrant(config, first.refreshToken);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Still inside the default 10 s grace: the same successor comes back.
    const replay = await oauth.refreshTokenGrant(config, first.refreshToken);
    expect(replay.refresh_token).toBeTruthy();
    await oauth.refreshTokenGrant(config, replay.refresh_token!);
    await expect(oauth.refreshTokenGrant(config, first.refreshToken)).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
