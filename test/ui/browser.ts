// The pages in a real browser: the real app on a temporary SQLite store, listening on a
// random loopback port, driven by Debian's headless Chromium through playwright-core.
// Every page a test opens is checked with axe-core (no serious or critical violation), its
// console is watched for Content-Security-Policy refusals and script errors, and a
// screenshot is written under test/ui/__screenshots__/ for a reviewer (not committed).
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startApp, TestClock, type TestApp } from '../e2e/harness';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = path.join(__dirname, '__screenshots__');

export interface UiWorld {
  readonly t: TestApp;
  readonly base: string;
  readonly browser: Browser;
  /** What went wrong in any page: script errors, refused resources, dialogs (alert). */
  readonly troubles: string[];
  close(): Promise<void>;
}

export async function startUi(clock: TestClock): Promise<UiWorld> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run does it)`);
  const t = await startApp({ clock, env: { RATE_LIMIT_PER_MINUTE: '0' } });
  await t.app.listen(0, '127.0.0.1');
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    t,
    base: `http://127.0.0.1:${port}`,
    browser,
    troubles: [],
    close: async () => {
      await browser.close();
      await t.stop();
    },
  };
}

/** A fresh browser context (its own cookies) and page, watched for trouble. */
export async function openPage(world: UiWorld, width = 1280): Promise<Page> {
  const context = await world.browser.newContext({ viewport: { width, height: 900 }, locale: 'sv-SE', timezoneId: 'Europe/Stockholm' });
  const page = await context.newPage();
  page.on('pageerror', (e) => world.troubles.push(`script error: ${e.message}`));
  page.on('console', (m) => {
    // A refused page (403, 404) is logged as a failed load too; its own status is tested.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource: the server responded')) world.troubles.push(`console: ${m.text()}`);
  });
  // A stylesheet, script or image that did not load.
  page.on('response', (r) => {
    if (r.request().resourceType() !== 'document' && r.status() >= 400) world.troubles.push(`${r.status()} for ${r.url()}`);
  });
  page.on('requestfailed', (r) => world.troubles.push(`failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('dialog', (d) => {
    world.troubles.push(`dialog: ${d.type()} ${d.message()}`);
    void d.dismiss();
  });
  return page;
}

export async function signIn(world: UiWorld, page: Page, who: { role: string; unit?: string; sub: string; name?: string }): Promise<void> {
  await page.goto(`${world.base}/ui/sign-in`);
  await page.selectOption('#role', who.role);
  await page.fill('#unit', who.unit ?? '');
  await page.fill('#sub', who.sub);
  await page.fill('#name', who.name ?? '');
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/ui/sign-in')), page.click('form:has(input[value="local"]) button[type="submit"]')]);
}

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core'), 'utf8');

/**
 * axe-core on the page as it stands: no serious or critical violation. Evaluated through the
 * debugging protocol, since the pages' policy rightly refuses an injected script tag.
 */
export async function expectAccessible(page: Page): Promise<void> {
  await page.evaluate(AXE_SOURCE);
  // A string, run in the page (the test is not compiled with the DOM's types).
  const violations = (await page.evaluate(`axe.run(document).then((r) => r.violations.map((v) => ({
    id: v.id, impact: v.impact, targets: v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)),
  })))`)) as { id: string; impact: string | null; targets: string[] }[];
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** The page fits its width: nothing but a scrolling table region is wider than the window. */
export async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const overflow = (await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
  expect(overflow).toBeLessThanOrEqual(0);
}

/** Server time to the first byte of the last navigation, as the browser measured it (reported, never asserted). */
export async function serverMillis(page: Page): Promise<number> {
  return (await page.evaluate(`(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return Math.round(nav.responseStart - nav.requestStart);
  })()`)) as number;
}
