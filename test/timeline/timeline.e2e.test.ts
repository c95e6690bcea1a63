// The auditor's timeline over HTTP and through the replay command, and export/import.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startApp, TestClock, THERAPIST, OTHER_UNIT, type TestApp } from '../e2e/harness';
import { SqliteEventStore } from '../../src/event-store/sqlite-event-store';
import { buildTimeline, type TimelineEntry } from '../../src/app/timeline/timeline';
import { importEpisode } from '../../src/app/timeline/episode-export';

const run = promisify(execFile);
const clock = new TestClock('2026-11-22T09:00:00.000Z');
let t: TestApp;
let id: string;

beforeAll(async () => {
  t = await startApp({ clock });
  const th = t.auth('therapist');
  const res = await t.http.post('/episodes').set(th).send({ personnummer: '19121212-1212', therapistId: THERAPIST, diagnosisCode: 'M17.1' });
  id = res.body.episodeId;
  await t.http.put(`/episodes/${id}/welcome-text`).set(th).send({ text: 'Välkommen åter!' });
  await t.http.post(`/episodes/${id}/modules/hand/hide`).set(th);
  await t.http.post(`/episodes/${id}/journal-entries`).set(th).send({ obligationId: 'assignment', journalReference: 'FEL-REF' });
  await t.http.post(`/episodes/${id}/journal-corrections`).set(th).send({ obligationId: 'assignment', journalReference: 'RATT-REF', reason: 'Fel anteckning angiven' });
});
afterAll(async () => t.stop());

describe('GET /episodes/{id}/timeline', () => {
  it('lists every event in order with envelope, changes and state', async () => {
    const res = await t.http.get(`/episodes/${id}/timeline`).set(t.auth('auditor'));
    expect(res.status).toBe(200);
    expect(res.body.integrity).toEqual({ ok: true, problems: [] });
    const entries = res.body.entries as TimelineEntry[];
    expect(entries.map((e) => e.type)).toEqual([
      'AssignmentStarted', 'FeeCharged', 'JournalObligationRaised', 'WelcomeTextEdited', 'ModuleHidden', 'JournalEntryRecorded', 'JournalEntryCorrected',
    ]);
    expect(entries.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(entries[3]).toEqual(expect.objectContaining({
      actor: expect.objectContaining({ id: THERAPIST, role: 'therapist' }),
      changes: [{ path: 'welcomeText', from: expect.any(String), to: 'Välkommen åter!' }],
    }));
    expect(entries[4].state.hiddenModules).toEqual(['hand']);
    // The correction is a new event naming the one it corrects; both are shown.
    expect(entries[6].data).toEqual(expect.objectContaining({ correctsRevision: 5, journalReference: 'RATT-REF', by: THERAPIST }));
    expect(entries[5].data.journalReference).toBe('FEL-REF');
  });

  it('gives the state as it stood at a revision or a time', async () => {
    const res = await t.http.get(`/episodes/${id}/timeline?revision=3`).set(t.auth('auditor'));
    expect(res.body.asOf.revision).toBe(3);
    expect(res.body.state.hiddenModules).toEqual([]);
    expect(res.body.state.welcomeText).toBe('Välkommen åter!');
    expect(res.body.entries).toHaveLength(4);
    const all = (await t.http.get(`/episodes/${id}/timeline`).set(t.auth('auditor'))).body.entries as TimelineEntry[];
    // At each event's own time: the last event recorded at or before it, and the state after that one.
    for (const entry of all) {
      const at = await t.http.get(`/episodes/${id}/timeline`).query({ at: entry.recordedAt }).set(t.auth('auditor'));
      const expected = all.filter((e) => Date.parse(e.recordedAt) <= Date.parse(entry.recordedAt)).at(-1)!;
      expect(at.body.asOf).toEqual({ revision: expected.revision, recordedAt: expected.recordedAt });
      expect(at.body.state).toEqual(expected.state);
      expect((at.body.entries as TimelineEntry[]).map((e) => e.revision)).toEqual(all.filter((e) => e.revision <= expected.revision).map((e) => e.revision));
    }
    const before = await t.http.get(`/episodes/${id}/timeline`).query({ at: '2000-01-01T00:00:00Z' }).set(t.auth('auditor'));
    expect(before.status).toBe(404);
  });

  it('pages large histories', async () => {
    const page = await t.http.get(`/episodes/${id}/timeline?limit=3&fromRevision=2`).set(t.auth('auditor'));
    expect((page.body.entries as TimelineEntry[]).map((e) => e.revision)).toEqual([2, 3, 4]);
    expect(page.body.page.nextFromRevision).toBe(5);
    // Following the pages gives every event once, in order.
    const seen: number[] = [];
    for (let from: number | null = 0; from !== null; ) {
      const next = (await t.http.get(`/episodes/${id}/timeline`).query({ limit: 2, fromRevision: from }).set(t.auth('auditor'))).body as {
        entries: TimelineEntry[];
        page: { nextFromRevision: number | null };
      };
      seen.push(...next.entries.map((e) => e.revision));
      from = next.page.nextFromRevision;
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('is for auditors and own-unit admins only', async () => {
    expect((await t.http.get(`/episodes/${id}/timeline`).set(t.auth('unit_admin'))).status).toBe(200);
    expect((await t.http.get(`/episodes/${id}/timeline`).set(t.auth('unit_admin', { unit: OTHER_UNIT }))).status).toBe(404);
    expect((await t.http.get(`/episodes/${id}/timeline`).set(t.auth('therapist'))).status).toBe(403);
    expect((await t.http.get(`/episodes/${id}/timeline?revision=x`).set(t.auth('auditor'))).status).toBe(400);
  });

  it('exports, imports into a fresh store, and replays to the same timeline', async () => {
    const exported = await t.http.get(`/episodes/${id}/export`).set(t.auth('auditor'));
    expect(exported.status).toBe(200);
    const fresh = new SqliteEventStore(':memory:');
    try {
      // Another event first, so positions in the new store differ from the origin's.
      await fresh.appendToStream('unit-x', [{ id: '0b8e8f4e-0d5c-4a37-9c62-1d1c1b0f2a11', type: 'Noise', schemaVersion: 1, data: {}, metadata: { actorId: 'a', role: 'r', commandId: 'c', correlationId: 'c', causationId: 'c' } }], { expectedRevision: 'any' });
      await importEpisode(fresh, exported.body);
      const strip = (tl: ReturnType<typeof buildTimeline>) => tl.entries.map(({ position: _p, ...rest }) => rest);
      const original = buildTimeline(id, await t.store.readStream(`episode-${id}`));
      const imported = buildTimeline(id, await fresh.readStream(`episode-${id}`));
      expect(strip(imported)).toEqual(strip(original));
      await expect(importEpisode(fresh, exported.body)).rejects.toThrow(/already exists/);
    } finally {
      await fresh.close();
    }
  });
});

describe('npm run replay', () => {
  it('prints the timeline as a table, JSON and CSV', async () => {
    const env = { ...process.env, DATA_DIR: t.dir, LOG_LEVEL: 'silent' };
    const cli = ['--transpile-only', path.join(__dirname, '../../src/cli/replay.ts'), id];
    const table = await run('npx', ['ts-node', ...cli], { env });
    expect(table.stdout).toContain(`Episode ${id}: 7 events`);
    expect(table.stdout).toContain('WelcomeTextEdited');
    expect(table.stdout).toContain('hiddenModules');
    expect(table.stdout).toContain('integrity: ok');
    const json = JSON.parse((await run('npx', ['ts-node', ...cli, '--format', 'json', '--revision', '4'], { env })).stdout);
    expect(json.entries).toHaveLength(5);
    const at = JSON.parse((await run('npx', ['ts-node', ...cli, '--format', 'json', '--at', json.entries[4].recordedAt], { env })).stdout);
    expect(at.entries.length).toBeGreaterThanOrEqual(5);
    expect((at.entries as TimelineEntry[]).every((e) => Date.parse(e.recordedAt) <= Date.parse(json.entries[4].recordedAt))).toBe(true);
    await expect(run('npx', ['ts-node', ...cli, '--at', 'yesterday'], { env })).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('usage: npm run replay') });
    const csv = (await run('npx', ['ts-node', ...cli, '--format', 'csv'], { env })).stdout.trim().split('\n');
    expect(csv[0]).toBe('revision,position,recordedAt,role,actorId,unitId,type,schemaVersion,data,changes,problem');
    expect(csv.length).toBeGreaterThanOrEqual(8);
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'das-export-')), 'episode.json');
    await run('npx', ['ts-node', '--transpile-only', path.join(__dirname, '../../src/cli/export-import.ts'), 'export', id, out], { env });
    expect(JSON.parse(fs.readFileSync(out, 'utf8')).events).toHaveLength(7);
  }, 60_000);
});
