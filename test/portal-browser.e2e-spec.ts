import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { sha256 } from '../src/common/crypto/hashing.js';
import { Database } from '../src/database/database.js';
import { PORTAL_CSP } from '../src/portal/portal-page.controller.js';
import { describeWithBrowser } from './support/browser.js';
import { createClient, createUser, login, refreshAtTokenEndpoint, type ClientFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { answer, WebhookReceiver } from './support/webhook-receiver.js';


jest.setTimeout(120_000);

// The README's picture is refreshed only on request (PORTAL_SCREENSHOT=docs/portal.png), so a test run
// leaves the work tree clean; otherwise the screenshot still has to succeed, into a temporary folder.
const SCREENSHOT = process.env.PORTAL_SCREENSHOT
  ? resolve(process.env.PORTAL_SCREENSHOT)
  : join(mkdtempSync(join(tmpdir(), 'portal-shot-')), 'portal.png');
const MARKUP = '<img src=x id=injected><b>Billing</b> receiver';

interface Watch {
  requests: string[];
  cspViolations: string[];
  pageErrors: string[];
}

function watch(context: BrowserContext, page: Page): Watch {
  const seen: Watch = { requests: [], cspViolations: [], pageErrors: [] };
  context.on('request', (request) => seen.requests.push(request.url()));
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to (load|execute|apply)/i.test(message.text())) seen.cspViolations.push(message.text());
  });
  page.on('pageerror', (error) => seen.pageErrors.push(error.message));
  return seen;
}

/** Waits until the page shows exactly `count` elements matching `selector`. */
async function countOf(page: Page, selector: string, count: number): Promise<void> {
  await page.waitForFunction(([sel, n]) => document.querySelectorAll(sel as string).length === n, [selector, count] as const, { timeout: 30_000 });
}

async function portalLink(t: TestApp, clientId: string): Promise<string> {
  const response = await t.api.post(`/api/admin/clients/${clientId}/portal-links`, { admin: true });
  expect(response.status).toBe(201);
  const url = new URL(response.body.url);
  // The links name the configured issuer; the test server listens on a random port.
  return `${t.baseUrl}${url.pathname}${url.hash}`;
}

describeWithBrowser('The integrator portal in a real browser (headless Chromium)', (browserOf) => {
  let browser: Browser;
  let t: TestApp;
  let receiver: WebhookReceiver;
  let acme: ClientFixture;
  let context: BrowserContext;
  let page: Page;
  let seen: Watch;
  let firstLink: string;
  let endpointId: string;

  beforeAll(async () => {
    browser = browserOf();
    t = await startTestApp({ env: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', WEBHOOK_RETRY_SCHEDULE: '0', WEBHOOK_POLL_MS: '100' } });
    receiver = await WebhookReceiver.start();
    receiver.setDefault(answer(200, { 'content-type': 'text/plain' }, 'received, thank you'));
    acme = await createClient(t.api, { public: false, name: 'Acme billing' });
    context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    page = await context.newPage();
    seen = watch(context, page);
  }, 120_000);
  afterAll(async () => {
    await context?.close();
    await receiver?.close();
    await t?.close();
  });

  const row = (eventType: string, status?: string) => page.locator(`#deliveries-body tr[data-event-type="${eventType}"]${status ? `[data-status="${status}"]` : ''}`);

  /** Clicks Refresh until the delivery log shows what the test waits for (the server records it right after the receiver answers). */
  async function refreshUntil(selector: string): Promise<void> {
    const deadline = Date.now() + 20_000;
    while ((await page.locator(selector).count()) === 0) {
      if (Date.now() > deadline) throw new Error(`The delivery log never showed ${selector}`);
      await Promise.all([page.waitForResponse((response) => response.url().includes('/deliveries')), page.click('#reload-log')]);
    }
  }

  it('opens a one-time link: a session cookie (HttpOnly, SameSite=Strict, /portal), the token gone from the address bar, the CSP in force', async () => {
    firstLink = await portalLink(t, acme.clientId);
    const response = await page.goto(firstLink);
    expect(response!.headers()['content-security-policy']).toBe(PORTAL_CSP);
    await page.waitForFunction(() => document.getElementById('who')?.textContent?.includes('Acme billing'), undefined, { timeout: 30_000 });
    expect(new URL(page.url()).hash).toBe('');
    const cookies = await context.cookies();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ name: 'portal_session', httpOnly: true, sameSite: 'Strict', path: '/portal' });
    expect(await page.evaluate(() => document.cookie)).toBe('');
  });

  it('adds a receiver on 127.0.0.1, shows its secret once with a copy button, and shows a description with markup as text', async () => {
    await page.fill('#endpoint-url', 'http://169.254.169.254/latest');
    await page.click('#endpoint-save');
    await expectText('#endpoint-error', /Webhook URL refused: 169\.254\.169\.254 is/);

    await page.fill('#endpoint-url', receiver.url);
    await page.check('#event-token-refreshed');
    await page.fill('#endpoint-description', MARKUP);
    await page.click('#endpoint-save');
    await page.waitForSelector('#secret-box:not([hidden])');
    expect(await page.inputValue('#secret-value')).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.baseUrl });
    await page.click('#secret-copy');
    await expectText('#secret-copied', /Copied|Select the secret/);
    await page.click('#secret-dismiss');
    expect(await page.inputValue('#secret-value')).toBe('');

    await countOf(page, '#endpoints-body tr', 1);
    const endpointRow = page.locator('#endpoints-body tr');
    endpointId = (await endpointRow.getAttribute('data-endpoint-id'))!;
    expect(await endpointRow.locator('.description').textContent()).toBe(MARKUP);
    expect(await page.locator('#injected').count()).toBe(0);
    expect(await endpointRow.locator('b, img').count()).toBe(0);
    expect(await endpointRow.locator('.events').textContent()).toBe('token.refreshed');
  });

  it('sends a test event from the page and sees it succeed in the log with the receiver’s answer (keyboard only)', async () => {
    await page.focus('#endpoints-body button[data-action="open"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#detail-view:not([hidden])');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('detail-title');
    await page.focus('#send-test');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#deliveries-body tr[data-event-type="webhook.test"][data-status="succeeded"]', { timeout: 30_000 });
    const answerText = await row('webhook.test', 'succeeded').locator('.answer').textContent();
    expect(answerText).toContain('HTTP 200');
    expect(answerText).toContain('received, thank you');
  });

  it('sees the token.refreshed delivery of a refresh made through the API, with its headers as sent', async () => {
    const user = await createUser(t.api);
    const tokens = await login(t.api, user, acme);
    const refreshed = await refreshAtTokenEndpoint(t.api, acme, tokens.refreshToken);
    expect(refreshed.status).toBe(200);
    const [delivered] = await receiver.waitFor(1, 30_000, (request) => request.body?.type === 'token.refreshed');
    await refreshUntil('#deliveries-body tr[data-event-type="token.refreshed"][data-status="succeeded"]');

    await row('token.refreshed').locator('button[data-action="details"]').click();
    await page.waitForSelector('#delivery-detail:not([hidden])');
    const payload = JSON.parse((await page.textContent('#delivery-payload'))!);
    expect(payload).toEqual(JSON.parse(delivered!.rawBody));
    expect(payload.data.clientId).toBe(acme.clientId);
    const headers = await page.$$eval('#delivery-attempts li:first-child dl.headers dt', (terms) =>
      Object.fromEntries(terms.map((term) => [term.textContent, term.nextElementSibling?.textContent])),
    );
    expect(headers).toMatchObject({
      'webhook-id': delivered!.headers['webhook-id'],
      'webhook-signature': delivered!.headers['webhook-signature'],
      'webhook-timestamp': delivered!.headers['webhook-timestamp'],
    });
    expect(await page.textContent('#delivery-attempts li:first-child .attempt-answer')).toBe('received, thank you');
  });

  it('makes the receiver fail, resends from the page, and sees the failure', async () => {
    receiver.setDefault(answer(503, { 'content-type': 'text/plain' }, 'receiver is down for maintenance'));
    await row('token.refreshed').locator('button[data-action="resend"]').click();
    await page.waitForSelector('#deliveries-body tr[data-event-type="token.refreshed"][data-status="failed"]', { timeout: 30_000 });
    const answerText = await row('token.refreshed', 'failed').locator('.answer').textContent();
    expect(answerText).toContain('HTTP 503');
    expect(answerText).toContain('receiver is down for maintenance');
    await expectText('#delivery-attempts', /HTTP 503/);

    await page.selectOption('#filter-status', 'failed');
    await page.click('#filters button[type="submit"]');
    await page.waitForFunction(() => [...document.querySelectorAll('#deliveries-body tr')].every((tr) => tr.getAttribute('data-status') === 'failed'));
    await countOf(page, '#deliveries-body tr', 1);
    await page.selectOption('#filter-status', '');
    await page.click('#filters button[type="submit"]');
    await countOf(page, '#deliveries-body tr', 2);
  });

  it('counts both outcomes in the 24-hour chart and its table; saves the screenshot', async () => {
    await expectText('#stats-total-succeeded', /^2$/);
    await expectText('#stats-total-failed', /^1$/);
    const charted = await page.evaluate(() => {
      const chart = (window as unknown as { Chart: { getChart(id: string): { data: { datasets: Array<{ label: string; data: Array<number | null> }> } } } }).Chart.getChart('chart');
      return chart.data.datasets.map((set) => [set.label, set.data.reduce<number>((sum, value) => sum + (value ?? 0), 0)]);
    });
    expect(Object.fromEntries(charted)).toMatchObject({ Succeeded: 2, Failed: 1 });
    const hourRows = await page.$$eval('#stats-body tr', (rows) =>
      rows.map((tr) => ({ succeeded: Number(tr.querySelector('.succeeded')!.textContent), failed: Number(tr.querySelector('.failed')!.textContent), p50: tr.querySelector('.p50')!.textContent })),
    );
    expect(hourRows.reduce((sum, hour) => sum + hour.succeeded, 0)).toBe(2);
    expect(hourRows.reduce((sum, hour) => sum + hour.failed, 0)).toBe(1);
    for (const hour of hourRows) expect(hour.p50).toMatch(/^\d+$/);
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('shows the event catalogue with example payloads and a standardwebhooks snippet naming the endpoint', async () => {
    await page.click('#nav-catalogue');
    await countOf(page, '#catalogue article', 5);
    expect(JSON.parse((await page.textContent('#catalogue article[data-event-type="token.refreshed"] pre'))!).type).toBe('token.refreshed');
    const snippet = (await page.textContent('#snippet'))!;
    expect(snippet).toContain("from 'standardwebhooks'");
    expect(snippet).toContain(`whsec_<${endpointId}>`);
    expect(snippet).toContain(receiver.url);
  });

  it('labels every control', async () => {
    const unlabelled = await page.$$eval('input, select, button, textarea', (controls) =>
      controls
        .filter((control) => {
          const labelled = (control as HTMLInputElement).labels?.length || control.getAttribute('aria-label') || control.getAttribute('aria-labelledby');
          const named = control.tagName === 'BUTTON' && control.textContent?.trim();
          return !labelled && !named;
        })
        .map((control) => control.outerHTML),
    );
    expect(unlabelled).toEqual([]);
  });

  it('refuses the used link and an expired one with words on the page; signs in with the client secret instead, and out', async () => {
    const again = await browser.newContext();
    const second = await again.newPage();
    await second.goto(firstLink);
    await second.waitForFunction(() => document.getElementById('signin-error')?.textContent?.includes('already been used or has expired'), undefined, { timeout: 30_000 });
    expect(await second.isVisible('#app-view')).toBe(false);

    const expiring = await portalLink(t, acme.clientId);
    const token = new URL(expiring).hash.slice('#token='.length);
    await t.app.get(Database).transaction((tx) => tx.execute('UPDATE portal_links SET expires_at = ? WHERE token_hash = ?', [Date.now() - 1000, sha256(token)]));
    await second.goto('about:blank');
    await second.goto(expiring);
    await second.waitForFunction(() => document.getElementById('signin-error')?.textContent?.includes('already been used or has expired'), undefined, { timeout: 30_000 });
    expect(await again.cookies()).toEqual([]);

    // The same page lets a confidential client in with its id and secret, and out again.
    await second.fill('#signin-client', acme.clientId);
    await second.fill('#signin-secret', 'not the secret');
    await second.click('#signin-form button[type="submit"]');
    await second.waitForFunction(() => document.getElementById('signin-error')?.textContent === 'Client authentication failed', undefined, { timeout: 30_000 });
    await second.fill('#signin-secret', acme.clientSecret!);
    await second.click('#signin-form button[type="submit"]');
    await second.waitForFunction(() => document.getElementById('who')?.textContent?.includes('Acme billing'), undefined, { timeout: 30_000 });
    await second.waitForSelector('#endpoints-body tr[data-endpoint-id]');
    expect((await again.cookies()).map((cookie) => cookie.name)).toEqual(['portal_session']);
    await second.click('#logout');
    await second.waitForSelector('#signin-view:not([hidden])');
    expect(await again.cookies()).toEqual([]);
    await again.close();
  });

  it('gives a second client’s session none of it, in the page and in its API', async () => {
    const globex = await createClient(t.api, { public: false, name: 'Globex' });
    const theirs = await browser.newContext();
    const other = await theirs.newPage();
    const otherSeen = watch(theirs, other);
    await other.goto(await portalLink(t, globex.clientId));
    await other.waitForFunction(() => document.getElementById('who')?.textContent?.includes('Globex'), undefined, { timeout: 30_000 });
    await other.waitForSelector('#endpoints-empty:not([hidden])');
    await countOf(other, '#endpoints-body tr', 0);
    expect(await other.content()).not.toContain(receiver.url);
    const status = await other.evaluate(async (id) => (await fetch(`/portal/api/endpoints/${id}/deliveries`)).status, endpointId);
    expect(status).toBe(404);
    expect(otherSeen.cspViolations).toEqual([]);
    expect(otherSeen.pageErrors).toEqual([]);
    await theirs.close();
  });

  it('pages through a long delivery log, newest first', async () => {
    const yesterday = Date.now() - 20 * 3_600_000;
    await t.app.get(Database).transaction(async (tx) => {
      for (let i = 0; i < 55; i++) {
        await tx.execute(
          `INSERT INTO webhook_deliveries (id, subscription_id, event_id, event_type, payload, occurred_at, status, attempts, created_at, completed_at)
           VALUES (?, ?, ?, 'token.refreshed', '{}', ?, 'failed', 0, ?, ?)`,
          [randomUUID(), endpointId, randomUUID(), yesterday + i, yesterday + i, yesterday + i],
        );
      }
    });
    await page.click('#nav-endpoints');
    await page.click('#endpoints-body button[data-action="open"]');
    await countOf(page, '#deliveries-body tr', 50);
    const newest = await page.$$eval('#deliveries-body tr td:first-child', (cells) => cells.slice(0, 2).map((cell) => cell.textContent));
    expect(newest[0]! >= newest[1]!).toBe(true);
    await page.click('#deliveries-more');
    await countOf(page, '#deliveries-body tr', 57);
    expect(await page.isHidden('#deliveries-more')).toBe(true);
  });

  it('made no request outside 127.0.0.1 and broke no CSP rule', async () => {
    expect(seen.requests.length).toBeGreaterThan(10);
    expect(seen.requests.filter((url) => !url.startsWith(`${t.baseUrl}/`))).toEqual([]);
    expect(seen.requests).toContain(`${t.baseUrl}/portal/chart.umd.min.js`);
    expect(seen.cspViolations).toEqual([]);
    expect(seen.pageErrors).toEqual([]);
  });

  async function expectText(selector: string, pattern: RegExp): Promise<void> {
    await page.waitForFunction(
      ([sel, source, flags]) => new RegExp(source!, flags).test(document.querySelector(sel!)?.textContent ?? ''),
      [selector, pattern.source, pattern.flags],
      { timeout: 30_000 },
    );
  }
});
