// The auditor's path in a real browser: sign in, find the patient's episodes by
// personnummer at every unit, open a timeline, choose a revision and read what each event
// changed, print it, download it as JSON, read the patient's access log with the chain
// verified; and the refusals: another unit's episode (404), a role without the page (403),
// no session (sent to sign-in), a form from another site (403).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { OTHER_UNIT, TestClock, UNIT } from '../e2e/harness';
import { expectAccessible, openPage, screenshot, serverMillis, signIn, startUi, type UiWorld } from './browser';
import { HOSTILE, Seeder } from './seed';

// A Sunday: the default activity plan's first occasion is open that day.
const clock = new TestClock('2026-11-22T09:00:00.000Z');
const AUDITOR = { role: 'auditor', sub: 'SE2321000131-G001', name: 'Gun Granskare' };
let world: UiWorld;
let seed: Seeder;
let episodeHere: string;
let episodeThere: string;
let page: Page;

beforeAll(async () => {
  world = await startUi(clock);
  seed = new Seeder(world.t);
  episodeHere = await seed.fullEpisode('19121212-1212', UNIT, { end: true });
  episodeThere = await seed.assign('19121212-1212', OTHER_UNIT);
  // The pages read the projections: wait until they hold everything written (a therapist's
  // read, which the patient's access log will show).
  expect((await world.t.http.get(`/episodes/${episodeHere}?after=${seed.last}`).set(seed.th())).status).toBe(200);
  page = await openPage(world);
}, 60_000);
afterAll(async () => world?.close());
afterEach(() => expect(world.troubles.splice(0)).toEqual([]));

describe("the auditor's pages", () => {
  it('signs in to a session cookie no script can read, and finds the patient at every unit', async () => {
    await signIn(world, page, AUDITOR);
    expect(new URL(page.url()).pathname).toBe('/ui/audit');
    const [cookie] = (await page.context().cookies()).filter((c) => c.name === 'das_session');
    expect(cookie).toEqual(expect.objectContaining({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/ui' }));
    expect(await page.evaluate('[document.cookie, window.localStorage.length]')).toEqual(['', 0]);
    await expectAccessible(page);
    await screenshot(page, 'audit-search');

    await page.fill('#personnummer', '191212121212');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#found-heading');
    const rows = await page.locator('table tbody tr').allInnerTexts();
    expect(rows).toHaveLength(2);
    expect(rows.join('\n')).toContain(UNIT);
    expect(rows.join('\n')).toContain(OTHER_UNIT);
    await expectAccessible(page);
    await screenshot(page, 'audit-search-results');

    await page.fill('#personnummer', '19121212-1213');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#pnr-error');
    expect(await page.textContent('#pnr-error')).toContain('inte giltigt');
  });

  it('replays the timeline: events in words, grouped by command, with what each changed', async () => {
    await page.goto(`${world.base}/ui/audit?episodeId=${episodeHere.toLowerCase()}`);
    expect(new URL(page.url()).pathname).toBe(`/ui/audit/episodes/${episodeHere}`);
    await expect(page.textContent('#integrity summary')).resolves.toContain('Integritet: hel');
    const words = await page.locator('article.event h3').allInnerTexts();
    expect(words[0]).toContain('Momentet startat');
    expect(words.join('\n')).toContain('Modulen Handartros flyttad till Kommande');
    expect(words.join('\n')).toContain('Avsluta: Moment slutfört');
    // The assignment is one command: its events are one group.
    const firstGroup = page.locator('section.command').first();
    expect(await firstGroup.locator('article.event').count()).toBeGreaterThan(1);
    expect(await firstGroup.locator('.command-head').innerText()).toMatch(/Kommando \S+ · korrelation \S+/);
    // Actor with name, HSA id, role and unit.
    expect(await page.locator('article.event .meta').nth(1).innerText()).toContain('Behandlare');
    // Patient-written text in the data is shown as text.
    const messageData = page.locator('article.event', { hasText: 'Patienten skickade ett meddelande' }).locator('details.data');
    await messageData.locator('summary').click();
    expect(await messageData.innerText()).toContain(HOSTILE);
    expect(await page.locator('img').count()).toBe(0);
    // Journal obligations with their KVÅ codes and status.
    const obligations = await page.locator('#obligations tbody tr').allInnerTexts();
    expect(obligations.join('\n')).toContain('GB020, ZV044');
    expect(obligations.join('\n')).toContain('Journalförd');
    expect(obligations.join('\n')).toContain('Ej journalförd');
    await expectAccessible(page);
    await screenshot(page, 'timeline');
    process.stdout.write(`timeline page of ${words.length} events: ${await serverMillis(page)} ms to the first byte\n`);
  });

  it('shows the state as it stood at a chosen revision, and at a chosen time', async () => {
    const hidden = page.locator('article.event', { hasText: 'flyttad till Kommande' });
    const revision = Number((await hidden.getAttribute('id'))!.replace('rev-', ''));
    await hidden.getByRole('link', { name: `Tillståndet efter revision ${revision}` }).click();
    await page.waitForURL((u) => u.searchParams.get('revision') === String(revision));
    expect(await page.textContent('#state-heading')).toContain(`Tillståndet efter revision ${revision}`);
    const chosen = page.locator('article.event.chosen');
    expect(await chosen.getAttribute('id')).toBe(`rev-${revision}`);
    const change = await chosen.locator('table.diff tbody tr').allInnerTexts();
    expect(change).toEqual([expect.stringMatching(/^Tillagt\s+hiddenModules\.0\s+hand$/)]);
    const state = await page.locator('#state table tbody').innerText();
    expect(state).toMatch(/hiddenModules\s+\["hand"\]/);
    expect(state).toMatch(/status\s+active/);
    // The events after the chosen revision are not shown.
    expect(await page.locator(`#rev-${revision + 1}`).count()).toBe(0);
    await expectAccessible(page);
    await screenshot(page, 'timeline-revision');

    // By time (Stockholm wall clock): long after, the latest state; before the episode, none.
    await page.fill('#revision', '');
    await page.fill('#at', '2999-01-01T12:00:00');
    await Promise.all([page.waitForURL((u) => u.searchParams.has('at')), page.click('form.inline-form button[type="submit"]')]);
    expect(await page.locator('#state table tbody').innerText()).toMatch(/status\s+completed/);
    const before = await page.goto(`${world.base}/ui/audit/episodes/${episodeHere}?at=2000-01-01T12:00`);
    expect(before?.status()).toBe(404);
  });

  it('prints legibly and downloads the same timeline as JSON', async () => {
    await page.goto(`${world.base}/ui/audit/episodes/${episodeHere}`);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header.top nav').isVisible()).toBe(false);
    expect(await page.locator('#choose-heading').isVisible()).toBe(false);
    expect(await page.locator('article.event').first().isVisible()).toBe(true);
    await screenshot(page, 'timeline-print');
    await page.emulateMedia({ media: 'screen' });

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[download]')]);
    const json = JSON.parse(fs.readFileSync((await download.path())!, 'utf8'));
    expect(json.episodeId).toBe(episodeHere);
    expect(json.entries).toHaveLength(json.revision + 1);
    expect(json.integrity.ok).toBe(true);
  });

  it("reads the patient's access log from the timeline, with the hash chain verified, and a user's report", async () => {
    await page.goto(`${world.base}/ui/audit/episodes/${episodeHere}`);
    await page.getByRole('link', { name: 'Patientens åtkomstlogg' }).click();
    await page.waitForSelector('#records-heading');
    expect(await page.textContent('#chain-heading + p')).toContain('Kedjan är hel');
    const records = (await page.locator('table tbody').innerText()).split('\n');
    expect(records.some((r) => r.includes('Gun Granskare') && r.includes('episode-search'))).toBe(true);
    expect(records.some((r) => r.includes('GET /episodes/:id/timeline'))).toBe(true);
    expect(records.some((r) => r.includes('Behandlare') && r.includes(UNIT))).toBe(true);
    await expectAccessible(page);
    await screenshot(page, 'access-log-patient');

    await page.fill('#userId', AUDITOR.sub);
    await Promise.all([page.waitForURL((u) => u.searchParams.has('userId')), page.click('form[method="get"] button')]);
    expect(await page.textContent('#records-heading')).toContain(AUDITOR.sub);
    expect(await page.locator('table tbody tr').count()).toBeGreaterThan(2);

    await page.fill('#personnummer', '19121212-1212');
    await Promise.all([page.waitForSelector('#records-heading'), page.click('form[method="post"][action="/ui/audit/access-log"] button')]);
    expect(await page.textContent('#records-heading')).toContain('Åtkomster till patientens uppgifter');
  });

  it('pages a long timeline by 100 events', async () => {
    const long = await seed.longEpisode('20190101-2391', 200);
    await page.goto(`${world.base}/ui/audit/episodes/${long}`);
    expect(await page.locator('article.event').count()).toBe(100);
    process.stdout.write(`timeline page of a 200-event episode: ${await serverMillis(page)} ms to the first byte\n`);
    await page.getByRole('link', { name: 'Nästa händelser' }).click();
    await page.waitForSelector('#rev-100');
    expect(await page.locator('article.event').count()).toBe(100);
  });
});

describe('refusals, as the API refuses', () => {
  it("answers 404 for another unit's episode to a unit administrator, who replays their own", async () => {
    const admin = await openPage(world);
    await signIn(world, admin, { role: 'unit_admin', unit: UNIT, sub: 'SE2321000131-A001', name: 'Dana Admin' });
    expect((await admin.goto(`${world.base}/ui/audit/episodes/${episodeHere}`))?.status()).toBe(200);
    const other = await admin.goto(`${world.base}/ui/audit/episodes/${episodeThere}`);
    expect(other?.status()).toBe(404);
    expect(await admin.textContent('h1')).toBe('Sidan eller momentet finns inte');
    await expectAccessible(admin);
    await screenshot(admin, 'error-404');
    expect((await admin.goto(`${world.base}/ui/audit/access-log`))?.status()).toBe(403);
    await admin.context().close();
  });

  it('answers 403 to a therapist, and sends a visitor without a session to sign-in', async () => {
    const therapist = await openPage(world);
    await signIn(world, therapist, { role: 'therapist', unit: UNIT, sub: 'SE2321000131-T001' });
    const refused = await therapist.goto(`${world.base}/ui/audit`);
    expect(refused?.status()).toBe(403);
    expect(await therapist.textContent('h1')).toBe('Du har inte behörighet till sidan');
    await expectAccessible(therapist);
    await screenshot(therapist, 'error-403');
    await therapist.getByRole('button', { name: 'Logga ut' }).click();
    await therapist.waitForURL((u) => u.pathname === '/ui/sign-in');
    await therapist.goto(`${world.base}/ui/audit/episodes/${episodeHere}`);
    expect(new URL(therapist.url()).pathname).toBe('/ui/sign-in');
    expect(new URL(therapist.url()).searchParams.get('next')).toBe(`/ui/audit/episodes/${episodeHere}`);
    await expectAccessible(therapist);
    await screenshot(therapist, 'sign-in');
    await therapist.context().close();
  });

  it('refuses a form sent from another site, and a bearer header works as the cookie does', async () => {
    const forged = await world.t.http.post('/ui/sign-in').set('Origin', 'https://evil.example').type('form').send({ mode: 'local', role: 'auditor', sub: 'x' });
    expect(forged.status).toBe(403);
    const noOrigin = await world.t.http.post('/ui/sign-out').type('form').send({});
    expect(noOrigin.status).toBe(403);
    const viaProxy = await world.t.http.get('/ui/audit').set(world.t.auth('auditor'));
    expect(viaProxy.status).toBe(200);
    expect(viaProxy.headers['content-security-policy']).toContain("script-src 'self'");
    expect(viaProxy.headers['content-security-policy']).not.toContain('unsafe-inline');
  });
});

describe('what the history says of itself', () => {
  beforeAll(async () => {
    page = await openPage(world);
    await signIn(world, page, AUDITOR);
  });

  it('shows erased personal data as removed, with codes and dates kept', async () => {
    const unit = 'SE2321000131-E050';
    const id = await seed.assign('19030818-9802', unit);
    await seed.write(`/episodes/${id}/end`, { outcome: 'completed' }, seed.th(unit));
    await seed.write(`/units/${unit}/patient-erasures`, { personnummer: '19030818-9802', reason: 'Begäran enligt GDPR art. 17' }, seed.admin(unit));
    await page.goto(`${world.base}/ui/audit/episodes/${id}?revision=0`);
    expect(await page.textContent('.summary')).toContain('Personuppgifter raderade');
    const state = await page.locator('#state table tbody').innerText();
    expect(state).toMatch(/patient\.personnummer\s+borttagen/);
    expect(state).toMatch(/diagnosisCode\s+M17\.1/);
    await expectAccessible(page);
    await screenshot(page, 'timeline-erased');
  });

  it('reports an event it cannot read with a badge, lists it, and leaves it out of the state', async () => {
    const unit = 'SE2321000131-E060';
    const id = await seed.assign('202601612381', unit);
    const stream = `episode-${id}`;
    const head = (await world.t.store.readStream(stream)).length - 1;
    const metadata = { actorId: 'SE2321000131-T001', role: 'therapist', unitId: unit, commandId: randomUUID(), correlationId: randomUUID(), causationId: randomUUID() };
    await world.t.infrastructure.rawStore.appendToStream(stream, [{ id: randomUUID(), type: 'ModuleTeleported', schemaVersion: 1, data: { moduleId: 'hand' }, metadata }], { expectedRevision: head });
    await page.goto(`${world.base}/ui/audit/episodes/${id}`);
    expect(await page.textContent('#integrity summary')).toContain('Integritet: 1 problem');
    expect(await page.textContent('#integrity')).toContain('ModuleTeleported');
    const unreadable = page.locator(`#rev-${head + 1}`);
    expect(await unreadable.textContent()).toContain('Okänd händelsetyp ModuleTeleported');
    expect(await unreadable.locator('.alert').textContent()).toContain('ingår inte i tillståndet');
    await expectAccessible(page);
    await screenshot(page, 'timeline-integrity');
  });
});
