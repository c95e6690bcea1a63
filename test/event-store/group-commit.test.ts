// The SQL stores tell how many appends each transaction of their group commit wrote, for
// the group-commit-size metric: appends made together share one commit, a refused one is
// not counted, and an append alone is a group of one.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EventStore, GroupCommit } from '../../src/event-store/event-store';
import { PostgresEventStore } from '../../src/event-store/postgres-event-store';
import { SqliteEventStore } from '../../src/event-store/sqlite-event-store';
import { events, streamName } from './event-store.contract';

const url = process.env.DATABASE_URL;
const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});
const tempFile = (): string => {
  tempDirs.push(fs.mkdtempSync(path.join(os.tmpdir(), 'group-commit-')));
  return path.join(tempDirs[tempDirs.length - 1], 'events.db');
};
const stores: Array<[string, () => Promise<EventStore>]> = [
  ['SQLite', async () => new SqliteEventStore(':memory:')],
  ['SQLite file (writer thread)', () => SqliteEventStore.open(tempFile())],
];
if (url) stores.push(['PostgreSQL', () => PostgresEventStore.create({ connectionString: url, schema: `group_${randomBytes(5).toString('hex')}` })]);

describe.each(stores)('group commit sizes: %s', (_name, open) => {
  let store: EventStore;
  beforeEach(async () => {
    store = await open();
  });
  afterEach(async () => store.close());

  it('counts the appends and events each commit wrote, leaving out refused ones', async () => {
    const groups: GroupCommit[] = [];
    store.onGroupCommitted!((g) => groups.push(g));
    await store.appendToStream(streamName(), events(2), { expectedRevision: 'no_stream' });
    const shared = streamName();
    await Promise.allSettled([
      store.appendToStream(shared, events(1), { expectedRevision: 'no_stream' }),
      store.appendToStream(shared, events(1), { expectedRevision: 'no_stream' }), // refused: the first took it
      store.appendToStreams!([
        { streamId: streamName(), events: events(1), expectedRevision: 'no_stream' },
        { streamId: streamName(), events: events(2), expectedRevision: 'no_stream' },
      ]),
    ]);
    expect(groups[0]).toEqual({ appends: 1, events: 2 });
    // The three made together: two accepted (one of them on two streams), in one commit or,
    // on PostgreSQL, in the group that was waiting when the first finished.
    const later = groups.slice(1);
    expect(later.reduce((n, g) => n + g.appends, 0)).toBe(2);
    expect(later.reduce((n, g) => n + g.events, 0)).toBe(4);
  });
});
