// What `npm run replay` prints for the stored v1 fixture episode: the table and the CSV are
// pinned to files (read them: they are what an auditor sees), and the options are checked.
import fs from 'node:fs';
import path from 'node:path';
import { replay } from '../../src/cli/replay-format';
import { fixtureRecords, FIXTURE_EPISODE_ID } from './records';

const golden = (name: string) => fs.readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');
const run = (options: Parameters<typeof replay>[2] = {}, records = fixtureRecords()) => replay(FIXTURE_EPISODE_ID, records, options);

describe('npm run replay on the fixture episode', () => {
  it('prints the table: time, actor, event and what changed, then the integrity verdict', () => {
    expect(run()).toEqual({ stdout: golden('replay-v1.table.txt'), stderr: '', exitCode: 0 });
  });

  it('exports CSV, one row per event with its envelope, data and changes', () => {
    const out = run({ format: 'csv' });
    expect(out).toEqual({ stdout: golden('replay-v1.csv'), stderr: '', exitCode: 0 });
  });

  it('exports JSON with every entry\'s state', () => {
    const json = JSON.parse(run({ format: 'json' }).stdout);
    expect(json.integrity).toEqual({ ok: true, problems: [] });
    expect(json.entries.map((e: { revision: number }) => e.revision)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(json.entries[11].state.status).toBe('completed');
  });

  it('stops at a revision and prints the state as it stood then', () => {
    const out = run({ revision: '4' });
    expect(out.stdout).toContain('Episode 01M80RTE80Q084565B2RNK0WR1: 12 events');
    expect(out.stdout).toContain('ExercisesRevealed');
    expect(out.stdout).not.toContain('MessageSent');
    const state = JSON.parse(out.stdout.split('State as of revision 4 (2026-11-22T04:39:22.151Z):\n')[1]!);
    expect(state).toMatchObject({ revision: 4, status: 'active', revealedExercises: { leg: ['leg-bridge'] }, messages: [] });
  });

  it('takes --at as the last event recorded at or before that time', () => {
    // Revisions 5 and 6 share 04:39:22.157Z; 7 comes at .163.
    expect(run({ at: '2026-11-22T04:39:22.157Z', format: 'json' }).stdout).toContain('"revision": 6');
    expect(JSON.parse(run({ at: '2026-11-22T05:39:22.160+01:00', format: 'json' }).stdout).entries).toHaveLength(7);
    expect(run({ at: '2026-11-22T04:39:22.162Z' }).stdout).toContain('State as of revision 6 (2026-11-22T04:39:22.157Z)');
  });

  it('answers 1 when the episode did not exist yet, or is not in the store', () => {
    expect(run({ at: '2026-11-22T04:39:22.118Z' })).toEqual({ stdout: '', stderr: 'The episode did not exist at that revision or time.\n', exitCode: 1 });
    expect(run({ revision: '12' }).exitCode).toBe(1);
    expect(run({}, [])).toEqual({ stdout: '', stderr: 'No episode 01M80RTE80Q084565B2RNK0WR1 in this store.\n', exitCode: 1 });
  });

  it.each([
    [{ format: 'xml' }, 'unknown format "xml"'],
    [{ revision: '2', at: '2026-11-22T04:39:22.157Z' }, 'give --revision or --at, not both'],
    [{ revision: 'four' }, '--revision takes a whole number'],
    [{ revision: '-1' }, '--revision takes a whole number'],
    [{ at: 'yesterday' }, '--at takes an ISO 8601 time'],
    [{ at: '2026-11-22' }, '--at takes an ISO 8601 time'],
  ])('refuses the options %j with usage (exit 2)', (options, message) => {
    const out = run(options);
    expect(out.exitCode).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain(message);
    expect(out.stderr).toContain('usage: npm run replay');
  });

  it('reports integrity problems in every format and exits 3', () => {
    const records = fixtureRecords().filter((r) => r.revision !== 5);
    const table = run({}, records);
    expect(table.exitCode).toBe(3);
    expect(table.stdout).toContain('INTEGRITY PROBLEMS:\n  - revision gap: expected 5, found 6');
    const csv = run({ format: 'csv' }, records);
    expect(csv.exitCode).toBe(3);
    expect(csv.stderr).toContain('INTEGRITY PROBLEMS:\n  - revision gap: expected 5, found 6');
  });

  it('marks an event it could not fold in the table', () => {
    const records = fixtureRecords();
    records[4] = { ...records[4]!, data: { programme: 'arm' } };
    const out = run({}, records);
    expect(out.exitCode).toBe(3);
    expect(out.stdout).toMatch(/NOT FOLDED: does not match its\s/);
  });
});
