import { describeWithBrowser } from './support/browser.js';
import { createClient, createUser, type ClientFixture, type UserFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

// Chromium treats http://127.0.0.1 as potentially trustworthy, so even the default Secure
// cookies work over plain http there; COOKIE_SECURE=false is what other http hosts need.
describeWithBrowser('the demo page in a real browser (headless Chromium)', (browser) => {
  describe.each([
    ['Secure cookies (the default)', undefined, true],
    ['COOKIE_SECURE=false', 'false', false],
  ])('%s', (_, cookieSecure, secure) => {
    let t: TestApp;
    let client: ClientFixture;
    let user: UserFixture;

    beforeAll(async () => {
      t = await startTestApp({ env: { COOKIE_SECURE: cookieSecure } });
      client = await createClient(t.api, { public: true });
      user = await createUser(t.api);
    }, 60_000);
    afterAll(() => t?.close());

    it('logs in and refreshes twice in cookie mode, and page scripts cannot read either token', async () => {
      const context = await browser().newContext();
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      const refreshes: number[] = [];
      page.on('response', (response) => {
        if (response.url().endsWith('/api/auth/refresh')) refreshes.push(response.status());
      });

      await page.goto(`${t.baseUrl}/demo`);
      await page.fill('#clientId', client.clientId);
      await page.fill('#loginId', user.loginId);
      await page.fill('#password', user.password);
      await page.click('#login-button');
      await page.waitForFunction(() => document.getElementById('status')?.textContent === 'login ok', undefined, { timeout: 30_000 });
      const firstSession = await page.textContent('#session');
      expect(firstSession).toMatch(/^[0-9a-f-]{36}$/);

      const afterLogin = await context.cookies();
      const loginRefreshCookie = afterLogin.find((cookie) => cookie.name === 'refresh_token')!;
      expect(afterLogin.map((cookie) => cookie.name).sort()).toEqual(['access_token', 'refresh_token']);

      for (const expected of ['1', '2']) {
        await page.click('#refresh-button');
        await page.waitForFunction((count) => document.getElementById('refresh-count')?.textContent === count, expected, { timeout: 30_000 });
      }
      expect(await page.textContent('#status')).toBe('refresh ok');
      expect(refreshes).toEqual([200, 200]);
      expect(await page.textContent('#session')).toBe(firstSession);

      const cookies = await context.cookies();
      const access = cookies.find((cookie) => cookie.name === 'access_token')!;
      const refresh = cookies.find((cookie) => cookie.name === 'refresh_token')!;
      expect(access).toMatchObject({ httpOnly: true, secure, path: '/', sameSite: 'Strict' });
      expect(refresh).toMatchObject({ httpOnly: true, secure, path: '/api', sameSite: 'Strict' });
      expect(refresh.value).not.toBe(loginRefreshCookie.value);

      const visible = await page.evaluate(() => document.cookie);
      expect(visible).toBe('');
      expect(visible).not.toContain(access.value);
      expect(visible).not.toContain(refresh.value);
      expect(await page.textContent('#visible-cookies')).toBe('(nothing)');

      await page.click('#logout-button');
      await page.waitForFunction(() => document.getElementById('status')?.textContent === 'logged out', undefined, { timeout: 30_000 });
      expect(await context.cookies()).toEqual([]);
      const afterLogout = await t.api.post('/api/auth/refresh', { headers: { cookie: `refresh_token=${refresh.value}` } });
      expect(afterLogout.status).toBe(401);

      expect(pageErrors).toEqual([]);
      await context.close();
    }, 90_000);
  });
});
