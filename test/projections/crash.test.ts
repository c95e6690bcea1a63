// A projector killed with SIGKILL, mid-transaction and between batches, then restarted to
// completion, leaves every read model exactly as one clean run does: no event applied twice,
// none missing, and the checkpoint after each kill is the last committed batch.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { SqliteEventStore } from '../../src/event-store/sqlite-event-store';
import { createReadModelDb } from '../../src/projections/read-model-db';
import { readCheckpoints } from '../../src/projections/checkpoints';
import { PROJECTION_NAMES } from '../../src/projections/all-projections';
import { dumpTables } from './harness';
import { historyArb, play } from './history';
import { World } from './world';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURE = path.join(__dirname, 'fixtures', 'crash-projector.ts');

interface Run {
  readonly lines: string[];
  readonly killed: boolean;
}

/** Run the fixture; with `killAt`, SIGKILL it as soon as that many lines of the kind were printed. */
function runChild(events: string, readModels: string, pauses: [number, number], killAt?: { kind: 'applying' | 'committed'; count: number }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', FIXTURE, events, readModels, String(pauses[0]), String(pauses[1])], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let seen = 0;
    let buffered = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.stdout.on('data', (chunk) => {
      buffered += String(chunk);
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (killAt && line.startsWith(killAt.kind) && ++seen === killAt.count) child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ lines, killed: true });
      else if (code === 0) resolve({ lines, killed: false });
      else reject(new Error(`child exited ${code}: ${stderr}`));
    });
  });
}

async function readModelState(file: string) {
  const db = createReadModelDb({ kind: 'sqlite', file });
  try {
    const checkpoints = await readCheckpoints(db, { dialect: 'sqlite' }, PROJECTION_NAMES);
    return { tables: await dumpTables(db), positions: [...checkpoints.values()].map((c) => c.position) };
  } finally {
    await db.destroy();
  }
}

const lastCommitted = (run: Run) => {
  const committed = run.lines.filter((l) => l.startsWith('committed '));
  return committed.length ? BigInt(committed[committed.length - 1].slice('committed '.length)) : 0n;
};

describe('crash safety (SQLite files, real child processes)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'projector-crash-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('kills and restarts to the same read models as a clean run', async () => {
    const eventsFile = path.join(dir, 'events.db');
    const store = new SqliteEventStore(eventsFile);
    const world = new World(store);
    for (const steps of fc.sample(historyArb(12, 250), { seed: 20260302, numRuns: 8 })) await play(world, steps);
    const head = await store.headPosition();
    await store.close();
    expect(head).toBeGreaterThan(150n);

    const clean = await runChild(eventsFile, path.join(dir, 'clean.db'), [0, 0]);
    expect(clean.lines[clean.lines.length - 1]).toBe('done');
    const expected = await readModelState(path.join(dir, 'clean.db'));
    expect(expected.positions).toEqual(PROJECTION_NAMES.map(() => head));

    const crashFile = path.join(dir, 'crash.db');
    const kills: [[number, number], { kind: 'applying' | 'committed'; count: number }][] = [
      [[60, 0], { kind: 'applying', count: 3 }], // inside the transaction, before COMMIT
      [[0, 60], { kind: 'committed', count: 2 }], // between batches
      [[60, 0], { kind: 'applying', count: 4 }],
    ];
    for (const [pauses, killAt] of kills) {
      const run = await runChild(eventsFile, crashFile, pauses, killAt);
      expect(run.killed).toBe(true);
      expect(run.lines).not.toContain('done');
      const after = await readModelState(crashFile);
      // Exactly the committed batches survived: the killed transaction left no trace.
      expect(after.positions).toEqual(PROJECTION_NAMES.map(() => lastCommitted(run)));
      expect(lastCommitted(run)).toBeLessThan(head);
    }
    const final = await runChild(eventsFile, crashFile, [0, 0]);
    expect(final.lines[final.lines.length - 1]).toBe('done');
    expect(await readModelState(crashFile)).toEqual(expected);
  }, 120_000);
});
