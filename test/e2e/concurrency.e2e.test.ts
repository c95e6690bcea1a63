// Concurrent writes over HTTP on a real SQLite file: internal conflicts are retried (up to
// WRITE_RETRIES), a pinned revision (If-Match) is never retried, and the one-active-episode
// rule holds across streams when assignments race. A BarrierStore holds the requests' first
// reads until all have arrived, so they really decide on the same revision.
import { SqliteEventStore } from '../../src/event-store/sqlite-event-store';
import { BarrierStore } from './barrier-store';
import { startAppOn, TestClock, THERAPIST, UNIT, type TestApp } from './harness';

const ASSIGN = { personnummer: '19121212-1212', therapistId: THERAPIST, diagnosisCode: 'M17.1' };

async function assign(t: TestApp, personnummer = ASSIGN.personnummer): Promise<string> {
  const res = await t.http.post('/episodes').set(t.auth('therapist')).send({ ...ASSIGN, personnummer });
  if (res.status !== 201) throw new Error(`assign failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.episodeId as string;
}

const episodeEvents = (t: TestApp, id: string) => t.store.readStream(`episode-${id}`);

/** The episodes started for this patient at the unit, from the whole log. */
async function started(t: TestApp, personnummer: string): Promise<string[]> {
  const normalized = personnummer.replace('-', '').replace(/^(\d{6})(\d{4})$/, '19$1$2');
  const ids: string[] = [];
  for await (const batch of t.store.readAll()) {
    for (const e of batch) {
      const data = e.data as { patient?: { personnummer?: string }; unitId?: string; episodeId?: string };
      if (e.type === 'AssignmentStarted' && data.patient?.personnummer === normalized && data.unitId === UNIT) ids.push(data.episodeId!);
    }
  }
  return ids;
}

let barrier: BarrierStore;
const start = (env: Record<string, string> = {}) =>
  startAppOn({
    clock: new TestClock('2026-11-22T09:00:00.000Z'),
    env,
    rawStore: (config) => (barrier = new BarrierStore(new SqliteEventStore(config.sqliteFile))),
  });

function sendMessages(t: TestApp, id: string, count: number, headers: Record<string, string> = {}) {
  barrier.arm(`episode-${id}`, count);
  return Promise.all(
    Array.from({ length: count }, (_, i) => t.http.post(`/episodes/${id}/messages`).set(t.auth('therapist')).set(headers).send({ text: `Meddelande ${i}` })),
  );
}

describe('with no retries allowed (WRITE_RETRIES=0)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await start({ WRITE_RETRIES: '0' });
  });
  afterAll(async () => t.stop());

  it('gives up on a conflict with 409 CONCURRENCY_CONFLICT, and only the accepted writes are stored', async () => {
    const id = await assign(t);
    const answers = await sendMessages(t, id, 10);
    const accepted = answers.filter((r) => r.status === 201);
    const refused = answers.filter((r) => r.status !== 201);
    // All read the same revision: one wins, and without a retry every other one loses.
    expect(accepted).toHaveLength(1);
    expect(refused).toHaveLength(9);
    for (const r of refused) expect(r.body.error.code).toBe('CONCURRENCY_CONFLICT');
    const stored = (await episodeEvents(t, id)).filter((e) => e.type === 'MessageSent').map((e) => e.data.messageId);
    expect(stored.sort()).toEqual(accepted.map((r) => r.body.messageId as string).sort());
  });
});

describe('with the default retries', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await start();
  });
  afterAll(async () => t.stop());

  it('accepts every one of many concurrent writes to one episode, each at its own revision', async () => {
    const id = await assign(t, '20190101-2391');
    const answers = await sendMessages(t, id, 12);
    expect(answers.map((r) => r.status)).toEqual(Array(12).fill(201));
    expect(barrier.conflicts).toBeGreaterThan(0); // they did collide, and were retried
    const events = await episodeEvents(t, id);
    const byMessage = new Map(events.filter((e) => e.type === 'MessageSent').map((e) => [e.data.messageId as string, e]));
    for (const answer of answers) {
      // Each answer names the revision its own events reached, and those events are stored.
      const stored = byMessage.get(answer.body.messageId as string);
      expect(stored).toBeDefined();
      expect(answer.body.revision).toBeGreaterThanOrEqual(stored!.revision);
      expect(answer.headers.etag).toBe(`"${answer.body.revision}"`);
    }
    expect(byMessage.size).toBe(12);
    expect(new Set(answers.map((r) => r.body.revision)).size).toBe(12);
    expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => i));
  });

  it('never retries a write pinned with If-Match: one wins, the others get 412 and write nothing', async () => {
    const id = await assign(t, '19030818-9802');
    const revision = (await episodeEvents(t, id)).length - 1;
    const answers = await sendMessages(t, id, 6, { 'If-Match': `"${revision}"` });
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 412, 412, 412, 412, 412]);
    for (const r of answers.filter((a) => a.status === 412)) expect(r.body.error.code).toBe('REVISION_MISMATCH');
    const messages = (await episodeEvents(t, id)).filter((e) => e.type === 'MessageSent');
    expect(messages.map((e) => e.data.messageId)).toEqual([answers.find((r) => r.status === 201)!.body.messageId]);
  });

  it('gives one episode and 409 ACTIVE_EPISODE_EXISTS to the others when assignments of one patient race', async () => {
    const personnummer = '202601612381';
    barrier.arm('patient-', 4); // the patient's reservation stream, read first by each assignment
    const conflictsBefore = barrier.conflicts;
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => t.http.post('/episodes').set(t.auth('therapist')).send({ ...ASSIGN, personnummer })),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    for (const r of answers.filter((a) => a.status === 409)) expect(r.body.error.code).toBe('ACTIVE_EPISODE_EXISTS');
    expect(barrier.conflicts - conflictsBefore).toBe(3); // all four reserved from the same state; three lost
    const winner = answers.find((r) => r.status === 201)!.body.episodeId as string;
    // Across the whole log there is exactly one episode for this patient at the unit.
    expect(await started(t, personnummer)).toEqual([winner]);
  });
});

describe('idempotent retries that race their first attempt', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await start();
  });
  afterAll(async () => t.stop());

  it('answers every copy of a keyed write with the first answer, and writes it once', async () => {
    const id = await assign(t);
    barrier.arm(`episode-${id}`, 3);
    const answers = await Promise.all(
      [1, 2, 3].map(() => t.http.post(`/episodes/${id}/messages`).set(t.auth('therapist')).set('Idempotency-Key', 'retry-1').send({ text: 'Hej!' })),
    );
    expect(answers.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(new Set(answers.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect((await episodeEvents(t, id)).filter((e) => e.type === 'MessageSent')).toHaveLength(1);
  });

  it('never starts two episodes for copies of a keyed assignment', async () => {
    barrier.arm('patient-', 3);
    const answers = await Promise.all(
      [1, 2, 3].map(() => t.http.post('/episodes').set(t.auth('therapist')).set('Idempotency-Key', 'assign-race').send({ ...ASSIGN, personnummer: '20190101-2391' })),
    );
    expect(answers.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(new Set(answers.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect(await started(t, '20190101-2391')).toEqual([answers[0]!.body.episodeId]);
  });
});
