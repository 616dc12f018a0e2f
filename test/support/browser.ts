import { accessSync, constants } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * Real-browser specs: the one conditional skip the suite allows.
 *
 *   describeWithBrowser('the portal in a real browser', (browser) => {
 *     it('…', async () => {
 *       const context = await browser().newContext();
 *       …
 *     });
 *   });
 *
 * Where Chromium is found (CHROMIUM_PATH, or a usual install path) the body runs against one
 * headless Chromium launched for the block. Where it is not, the block registers a single
 * `todo` named "NOT RUN: …": Jest counts it as todo (never as passed) and
 * test/support/not-run-reporter.mjs repeats it loudly after the summary. With `CI=true` or
 * `REQUIRE_BROWSER=1` (.ci/run sets it, since it installs Chromium) a missing browser fails.
 */
export const NOT_RUN_PREFIX = 'NOT RUN:';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium'];

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The Chromium executable to use, or undefined when there is none on this machine. */
export function findChromium(env: Record<string, string | undefined> = process.env): string | undefined {
  const candidates = env.CHROMIUM_PATH ? [env.CHROMIUM_PATH] : CANDIDATES;
  return candidates.find((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** True where the browser specs must run: CI, or REQUIRE_BROWSER=1. */
export function browserRequired(env: Record<string, string | undefined> = process.env): boolean {
  return env.CI === 'true' || env.CI === '1' || env.REQUIRE_BROWSER === '1' || env.REQUIRE_BROWSER === 'true';
}

export function describeWithBrowser(title: string, body: (browser: () => Browser) => void): void {
  const executablePath = findChromium();
  if (!executablePath) {
    const where = process.env.CHROMIUM_PATH ? `CHROMIUM_PATH=${process.env.CHROMIUM_PATH}` : CANDIDATES.join(', ');
    if (browserRequired()) {
      describe(title, () => {
        it('needs Chromium (CI / REQUIRE_BROWSER=1)', () => {
          throw new Error(`No Chromium at ${where}, and this run requires the real-browser specs`);
        });
      });
    } else {
      describe(title, () => {
        it.todo(`${NOT_RUN_PREFIX} no Chromium at ${where} (install chromium or set CHROMIUM_PATH)`);
      });
    }
    return;
  }
  describe(title, () => {
    let browser: Browser | undefined;
    beforeAll(async () => {
      browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout: 60_000 });
    }, 90_000);
    afterAll(() => browser?.close());
    body(() => {
      if (!browser) throw new Error(`Chromium at ${executablePath} did not start`);
      return browser;
    });
  });
}
