// The therapist's and the unit manager's pages in a real browser: the dashboard sorted by
// Momentstart both ways with progress, unread marker, warnings and the absence notice; one
// patient's page with the plan's weekly strip and the messages (a hostile message shown as
// text, running nothing); the reports with their charts, table and CSV; at 375 px; and the
// refusals (another unit's patient 404, a role without the page 403).
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { OTHER_UNIT, TestClock, THERAPIST, UNIT } from '../e2e/harness';
import { expectAccessible, expectNoHorizontalScroll, openPage, screenshot, signIn, startUi, type UiWorld } from './browser';
import { HOSTILE, Seeder } from './seed';

// A Sunday: the default activity plan's first occasion is open that day.
const clock = new TestClock('2026-11-22T09:00:00.000Z');
let world: UiWorld;
let seed: Seeder;
let followed: string;
let elsewhere: string;
let page: Page;

beforeAll(async () => {
  world = await startUi(clock);
  seed = new Seeder(world.t);
  followed = await seed.fullEpisode('19121212-1212');
  clock.advanceDays(1);
  await seed.assign('20190101-2391', UNIT, { feeExemption: { reason: 'Frikort <script>alert(2)</script>' } });
  clock.advanceDays(1);
  await seed.assign('19030818-9802');
  const ended = await seed.assign('202601612381');
  await seed.write(`/episodes/${ended}/end`, { outcome: 'abandoned' }, seed.th());
  elsewhere = await seed.assign('19121212-1212', OTHER_UNIT);
  await seed.write(`/units/${UNIT}/absence-notices`, { from: '2026-11-20T00:00:00+01:00', to: '2026-11-30T00:00:00+01:00', text: 'Mottagningen är stängd <b>v. 48</b>.' }, seed.admin(), 201);
  expect((await world.t.http.get(`/dashboard?after=${seed.last}`).set(seed.th())).status).toBe(200);
  page = await openPage(world);
}, 60_000);
afterAll(async () => world?.close());
afterEach(() => expect(world.troubles.splice(0)).toEqual([]));

const patientColumn = (p: Page) => p.locator('table.dashboard tbody tr td:first-child a').allInnerTexts();

describe("the therapist's pages", () => {
  it('shows the dashboard by Momentstart, either way, with progress, marker, warnings and the absence notice', async () => {
    await signIn(world, page, { role: 'therapist', unit: UNIT, sub: THERAPIST, name: 'Anna Andersson' });
    expect(new URL(page.url()).pathname).toBe('/ui/dashboard');
    expect(await page.textContent('.notice')).toContain('Mottagningen är stängd <b>v. 48</b>.');
    const oldestFirst = await patientColumn(page);
    expect(oldestFirst).toEqual(['19121212-****', '20190101-****', '19030818-****']);
    const first = page.locator('table.dashboard tbody tr').first();
    expect(await first.innerText()).toContain('1 olästa');
    expect(await first.innerText()).toContain('2 av 6 delar');
    expect(await first.innerText()).toContain('Handartros i Kommande');
    expect(await first.innerText()).toContain('Har aldrig loggat in');
    expect(await first.locator('.part.done').count()).toBe(2);
    expect(await page.getAttribute('th[aria-sort]', 'aria-sort')).toBe('ascending');
    await expectAccessible(page);
    await screenshot(page, 'dashboard');

    // By keyboard: the sort link is reachable and follows on Enter.
    await page.focus('#sort-momentstart');
    await Promise.all([page.waitForURL((u) => u.searchParams.get('sort') === '-assignedAt'), page.keyboard.press('Enter')]);
    expect(await patientColumn(page)).toEqual([...oldestFirst].reverse());
    expect(await page.getAttribute('th[aria-sort]', 'aria-sort')).toBe('descending');
  });

  it("opens a patient's progress, plan as a weekly strip, and messages; a hostile message is text and runs nothing", async () => {
    await page.goto(`${world.base}/ui/dashboard`);
    await page.locator('table.dashboard tbody tr').first().locator('a').click();
    await page.waitForURL((u) => u.pathname === `/ui/episodes/${followed}`);
    const done = await page.locator('.module li.done').allInnerTexts();
    expect(done.map((d) => d.replace(/\s+/g, ' '))).toEqual([expect.stringContaining('Vad är artros?'), expect.stringContaining('Träningsintroduktion')]);
    expect(await page.textContent('#module-hand')).toContain('Kommande (dold för patienten)');
    const strip = await page.locator('.strip .week').allInnerTexts();
    expect(strip[0]).toMatch(/v\. 47[\s\S]*Rapporterad/);
    expect(strip.length).toBeGreaterThan(10);
    expect(await page.textContent('#plan-heading + p + p')).toContain('1 av 1');
    // Shown as the patient wrote it, as text: no element made of it, no script run.
    const text = await page.locator('.message.patient .text').innerText();
    expect(text).toBe(HOSTILE);
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.evaluate("document.querySelectorAll('[onerror]').length")).toBe(0);
    await expectAccessible(page);
    await screenshot(page, 'episode');
  });

  it('works at 375 px wide', async () => {
    const narrow = await openPage(world, 375);
    await signIn(world, narrow, { role: 'therapist', unit: UNIT, sub: THERAPIST });
    await expectNoHorizontalScroll(narrow);
    await screenshot(narrow, 'dashboard-375');
    await narrow.goto(`${world.base}/ui/episodes/${followed}`);
    await expectNoHorizontalScroll(narrow);
    await expectAccessible(narrow);
    await screenshot(narrow, 'episode-375');
    await narrow.context().close();
  });

  it("answers 404 for another unit's patient and 403 for the reports", async () => {
    const there = await page.goto(`${world.base}/ui/episodes/${elsewhere}`);
    expect(there?.status()).toBe(404);
    expect((await page.goto(`${world.base}/ui/reports`))?.status()).toBe(403);
  });
});

describe('the reports', () => {
  it("shows a unit manager the outcomes as charts beside the table, compliance per therapist, and the month's ledger", async () => {
    const admin = await openPage(world);
    await signIn(world, admin, { role: 'unit_admin', unit: UNIT, sub: 'SE2321000131-A001', name: 'Dana Admin' });
    expect(new URL(admin.url()).pathname).toBe('/ui/dashboard');
    expect(await admin.locator('table.dashboard tbody tr').count()).toBe(3);
    await admin.getByRole('link', { name: 'Rapporter' }).click();
    await admin.waitForSelector('body[data-charts="drawn"]');
    expect(await admin.locator('canvas[data-drawn="true"]').count()).toBe(4);
    const table = await admin.locator('#outcomes-table tbody tr').allInnerTexts();
    expect(table).toEqual([expect.stringMatching(/^2026-11\s+SE2321000131-E001\s+4\s+0\s+1\s+3\s+0\s%\s+25\s%/)]);
    const compliance = await admin.locator('#compliance-heading ~ .table-wrap tbody tr').allInnerTexts();
    expect(compliance.join('\n')).toContain(THERAPIST);
    expect(await admin.textContent('#ledger-heading + p')).toContain('Avstämd');
    // The exemption's reason, written by staff, is text.
    expect(await admin.textContent('#ledger-heading ~ .table-wrap')).toContain('Frikort <script>alert(2)</script>');
    await expectAccessible(admin);
    await screenshot(admin, 'reports');

    const [download] = await Promise.all([admin.waitForEvent('download'), admin.getByRole('link', { name: 'Ladda ned som CSV' }).click()]);
    const csv = fs.readFileSync((await download.path())!, 'utf8').split('\r\n');
    expect(csv[0]).toBe('unit_id,month,assignments,completed,abandoned,active,completion_rate,abandonment_rate,mean_days_to_end,median_days_to_end,episodes_with_plan,occasions_due,occasions_reported,plan_adherence,messages_per_episode,exemptions');
    expect(csv[1]).toMatch(/^SE2321000131-E001,2026-11,4,0,1,3,0,0.25,/);
    const [ledger] = await Promise.all([admin.waitForEvent('download'), admin.getByRole('link', { name: 'Ladda ned reskontran som CSV' }).click()]);
    expect(fs.readFileSync((await ledger.path())!, 'utf8')).toMatch(/^date,unit_id,episode_id,patient,kind/);
    await admin.context().close();
  });

  it('shows the reporting job every unit, without the journal obligations it may not read, and no dashboard', async () => {
    const reporting = await openPage(world);
    await signIn(world, reporting, { role: 'reporting', sub: 'SE2321000131-REP1' });
    expect(new URL(reporting.url()).pathname).toBe('/ui/reports');
    await reporting.waitForSelector('body[data-charts="drawn"]');
    const units = await reporting.locator('#outcomes-table tbody tr td:first-of-type').allInnerTexts();
    expect(units).toEqual([UNIT, OTHER_UNIT].sort());
    expect(await reporting.textContent('#compliance-heading + p')).toContain('statistikrollen får inte läsa dem');
    await expectAccessible(reporting);
    expect((await reporting.goto(`${world.base}/ui/dashboard`))?.status()).toBe(403);
    await reporting.context().close();
  });
});
