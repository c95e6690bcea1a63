// The docs page in a real browser (Debian's headless Chromium through playwright-core): under
// the service's Content-Security-Policy it renders every operation with the real examples
// (Skatteverket's test number in the assignment's request, a real answer rather than
// "string"), takes a token through "Authorize", and sends a real call with "Try it out".
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { startApp, type TestApp } from '../e2e/harness';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let t: TestApp;
let browser: Browser;
let base: string;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium`);
  t = await startApp({ env: { RATE_LIMIT_PER_MINUTE: '0' } });
  await t.app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

it('shows the real examples and lets a user try a call with a token', async () => {
  const page = await browser.newPage();
  const troubles: string[] = [];
  page.on('pageerror', (e) => troubles.push(`script error: ${e.message}`));
  page.on('response', (r) => r.status() >= 400 && troubles.push(`${r.status()} for ${new URL(r.url()).pathname}`));
  // A refused script or style (the Content-Security-Policy) is a console error; the browser's own favicon probe is not ours.
  page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && troubles.push(`console: ${m.text()}`));
  await page.goto(`${base}/docs`);
  await page.waitForSelector('#operations-episodes-assignEpisode', { timeout: 30_000 });

  // Every operation of the document is on the page.
  const doc = (await t.http.get('/openapi.json')).body as { paths: Record<string, Record<string, { operationId: string; tags: string[] }>> };
  const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => `#operations-${op.tags[0]}-${op.operationId}`));
  for (const id of ids) expect({ id, shown: (await page.$(id)) !== null }).toEqual({ id, shown: true });

  // The assignment's examples: the request with a test personnummer, the answer with real values.
  await page.click('#operations-episodes-assignEpisode .opblock-summary');
  await page.waitForSelector('#operations-episodes-assignEpisode .opblock-body');
  const assign = await page.textContent('#operations-episodes-assignEpisode .opblock-body');
  expect(assign).toContain('19121212-1212');
  expect(assign).toContain('01KAX1Z3Q8M5N7P2R4S6T8V0WY');
  expect(assign).toContain('PATIENT_NEVER_LOGGED_IN');

  // Authorize with a token, then try GET /catalogue for real.
  await page.click('.btn.authorize');
  await page.fill('.modal-ux input[type="text"], .modal-ux input:not([type])', t.token('therapist'));
  await page.click('.modal-ux .auth-btn-wrapper .btn.modal-btn.auth.authorize');
  await page.click('.modal-ux .btn-done, .modal-ux .close-modal');
  await page.click('#operations-reference-getCatalogue .opblock-summary');
  const tryOut = await page.$('#operations-reference-getCatalogue .try-out__btn');
  if (tryOut && (await tryOut.textContent())?.includes('Try it out')) await tryOut.click();
  await page.click('#operations-reference-getCatalogue .execute');
  await page.waitForSelector('#operations-reference-getCatalogue .live-responses-table tbody .response-col_status', { timeout: 15_000 });
  expect((await page.textContent('#operations-reference-getCatalogue .live-responses-table tbody .response-col_status'))?.trim()).toBe('200');
  expect(await page.textContent('#operations-reference-getCatalogue .live-responses-table')).toContain('hk-about-osteoarthritis');

  expect(troubles).toEqual([]);
}, 90_000);
