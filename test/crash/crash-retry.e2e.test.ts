// A real service process killed with SIGKILL at the worst point of a write (after the
// commit, before the answer: FAULT_POINT), restarted, and asked again with the same
// Idempotency-Key: it answers the first answer, nothing is written twice, and nobody is
// left blocked. On the embedded store and, where DATABASE_URL is set, on PostgreSQL.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SqliteEventStore } from '../../src/event-store/sqlite-event-store';
import { PostgresEventStore } from '../../src/event-store/postgres-event-store';
import type { EventStore, RecordedEvent } from '../../src/event-store/event-store';
import { deployment, spawnInstance, stopInstance, THERAPIST, tokens, untilHealthy, type Deployment, type Instance } from '../scale-out/service-processes';

// Each test starts real service processes two or three times (ts-node compiles the app at
// every start): generous time on a busy two-core machine.
jest.setTimeout(240_000);

const PATIENT = '19121212-1212'; // Skatteverket's test personnummer
const OTHER_PATIENT = '20190101-2391';
const url = process.env.DATABASE_URL;

interface Store {
  readonly name: string;
  deployment(): Deployment;
  /** The store the service wrote, opened from the side, to count what is there. */
  open(d: Deployment): Promise<EventStore>;
}

const sqlite: Store = {
  name: 'SQLite (embedded)',
  deployment: () => {
    const d = deployment(url ?? 'postgres://unused@127.0.0.1:1/none', 'unused');
    return { ...d, env: { ...d.env, EVENT_STORE: 'sqlite' } };
  },
  open: async (d) => new SqliteEventStore(path.join(d.dataDir, 'events.db')),
};
const postgres: Store = {
  name: 'PostgreSQL',
  deployment: () => deployment(url!, `crash_${randomBytes(5).toString('hex')}`),
  open: (d) => PostgresEventStore.create({ connectionString: url, schema: d.schema }),
};

async function all(store: EventStore): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const batch of store.readAll()) out.push(...batch);
  return out;
}

/** Runs `steps` on a fresh instance (armed with a fault point, or not) and stops it. */
async function withInstance<T>(d: Deployment, fault: string | undefined, steps: (http: Instance['http']) => Promise<T>) {
  const instance = await spawnInstance(fault ? { ...d, env: { ...d.env, FAULT_POINT: fault } } : d, `crash-${fault ?? 'normal'}`);
  try {
    await untilHealthy(instance);
    const value = await steps(instance.http);
    return { value, instance };
  } finally {
    if (!fault) await stopInstance(instance);
  }
}

/** A request the process dies in the middle of: no answer comes. */
async function unanswered(run: () => PromiseLike<unknown>): Promise<void> {
  await expect(Promise.resolve(run())).rejects.toThrow(/socket hang up|ECONNRESET|ECONNREFUSED/);
}

for (const kind of url ? [sqlite, postgres] : [sqlite]) {
  describe(`a service killed between commit and answer, then retried with the same key: ${kind.name}`, () => {
    let d: Deployment;
    let auth: ReturnType<typeof tokens>;
    const cleanup: Array<() => Promise<void>> = [];

    beforeEach(() => {
      d = kind.deployment();
      auth = tokens(d);
    });
    afterEach(async () => {
      for (const run of cleanup.splice(0)) await run();
      fs.rmSync(d.dataDir, { recursive: true, force: true });
    });

    it('answers the assignment with the episode it wrote (201, same episodeId) and never blocks the patient', async () => {
      const body = { personnummer: PATIENT, therapistId: THERAPIST, diagnosisCode: 'M17.1' };
      const key = `assign-${randomBytes(6).toString('hex')}`;
      const crashed = await withInstance(d, 'after-append:StartAssignment', async (http) => {
        await unanswered(() => http().post('/episodes').set('Authorization', auth.therapist).set('Idempotency-Key', key).send(body));
      });
      expect(await crashed.instance.exited).toBe('SIGKILL');

      const { value: retried } = await withInstance(d, undefined, async (http) => {
        const first = await http().post('/episodes').set('Authorization', auth.therapist).set('Idempotency-Key', key).send(body);
        const again = await http().post('/episodes').set('Authorization', auth.therapist).set('Idempotency-Key', key).send(body);
        const other = await http().post('/episodes').set('Authorization', auth.therapist).send({ ...body, personnummer: OTHER_PATIENT });
        const sameWithoutKey = await http().post('/episodes').set('Authorization', auth.therapist).send(body);
        return { first, again, other, sameWithoutKey };
      });
      expect(retried.first.status).toBe(201);
      expect(retried.again.status).toBe(201);
      expect(retried.again.body).toEqual(retried.first.body);
      expect(retried.other.status).toBe(201);
      // The first attempt did happen: the patient has that active episode, and only that one.
      expect(retried.sameWithoutKey.status).toBe(409);
      expect(retried.sameWithoutKey.body.error.code).toBe('ACTIVE_EPISODE_EXISTS');

      const store = await kind.open(d);
      cleanup.push(() => store.close());
      const events = await all(store);
      const starts = events.filter((e) => e.type === 'AssignmentStarted');
      expect(starts).toHaveLength(2); // this patient's (written before the kill) and the other's
      expect(starts.map((e) => e.streamId)).toContain(`episode-${retried.first.body.episodeId}`);
      expect(events.filter((e) => e.type === 'EpisodeReserved')).toHaveLength(2);
      const mine = events.filter((e) => e.streamId === `episode-${retried.first.body.episodeId}`);
      expect(new Set(mine.map((e) => e.metadata.commandId)).size).toBe(1);
      expect(retried.first.body.revision).toBe(mine[mine.length - 1]!.revision);
      expect(retried.first.body.position).toBe(mine[mine.length - 1]!.position.toString());
    });

    it('finishes an erasure whose key was not yet destroyed, and answers it', async () => {
      const body = { personnummer: PATIENT, therapistId: THERAPIST, diagnosisCode: 'M17.1' };
      const { value: episodeId } = await withInstance(d, undefined, async (http) => {
        const assigned = await http().post('/episodes').set('Authorization', auth.therapist).send(body);
        expect(assigned.status).toBe(201);
        await http().post(`/episodes/${assigned.body.episodeId}/messages`).set('Authorization', auth.therapist).send({ text: 'Hej! Välkommen till artrosskolan.' }).expect(201);
        await http().post(`/episodes/${assigned.body.episodeId}/end`).set('Authorization', auth.therapist).send({ outcome: 'completed' }).expect(200);
        return assigned.body.episodeId as string;
      });
      const key = `erase-${randomBytes(6).toString('hex')}`;
      const erasure = { personnummer: PATIENT, reason: 'Begäran om radering enligt GDPR art. 17' };
      const path = `/units/${encodeURIComponent('SE2321000131-E001')}/patient-erasures`;
      const crashed = await withInstance(d, 'after-append:ErasePatientData', async (http) => {
        await unanswered(() => http().post(path).set('Authorization', auth.unitAdmin).set('Idempotency-Key', key).send(erasure));
      });
      expect(await crashed.instance.exited).toBe('SIGKILL');

      const { value } = await withInstance(d, undefined, async (http) => {
        // Before the retry the key still exists: the message reads in clear.
        const before = await http().get(`/episodes/${episodeId}/messages`).set('Authorization', auth.therapist);
        const retried = await http().post(path).set('Authorization', auth.unitAdmin).set('Idempotency-Key', key).send(erasure);
        const after = await http().get(`/episodes/${episodeId}/messages`).set('Authorization', auth.therapist);
        return { before, retried, after };
      });
      expect(JSON.stringify(value.before.body)).toContain('Välkommen');
      expect(value.retried.status).toBe(200);
      expect(value.retried.body).toMatchObject({ erased: true, episodeIds: [episodeId] });
      expect(value.retried.body.keysDestroyed).toBeGreaterThanOrEqual(1);
      expect(JSON.stringify(value.after.body)).not.toContain('Välkommen');

      const store = await kind.open(d);
      cleanup.push(() => store.close());
      expect((await all(store)).filter((e) => e.type === 'PatientDataErased')).toHaveLength(1);
    });
  });
}

// Without multi-stream transactions (as on EventStoreDB; FAULT_SINGLE_STREAM_APPENDS makes
// any store write that way) a command's streams are appended one after another, and the
// process can die between them.
for (const kind of url ? [sqlite, postgres] : [sqlite]) {
  describe(`a service killed between the appends of one command: ${kind.name}, streams appended one by one`, () => {
    let d: Deployment;
    let auth: ReturnType<typeof tokens>;
    const body = { personnummer: PATIENT, therapistId: THERAPIST, diagnosisCode: 'M17.1' };

    beforeEach(() => {
      const base = kind.deployment();
      d = { ...base, env: { ...base.env, FAULT_SINGLE_STREAM_APPENDS: '1' } };
      auth = tokens(d);
    });
    afterEach(() => fs.rmSync(d.dataDir, { recursive: true, force: true }));

    it('lets the same-key retry write the episode its reservation names, and answer 201', async () => {
      const key = `assign-${randomBytes(6).toString('hex')}`;
      const crashed = await withInstance(d, 'between-appends:StartAssignment', async (http) => {
        await unanswered(() => http().post('/episodes').set('Authorization', auth.therapist).set('Idempotency-Key', key).send(body));
      });
      expect(await crashed.instance.exited).toBe('SIGKILL');

      const { value } = await withInstance(d, undefined, async (http) => {
        // Another request for the patient meanwhile: the reservation may still be in flight.
        const other = await http().post('/episodes').set('Authorization', auth.therapist).send(body);
        const retried = await http().post('/episodes').set('Authorization', auth.therapist).set('Idempotency-Key', key).send(body);
        const again = await http().post('/episodes').set('Authorization', auth.therapist).set('Idempotency-Key', key).send(body);
        const read = await http().get(`/episodes/${retried.body.episodeId}`).set('Authorization', auth.therapist);
        return { other, retried, again, read };
      });
      expect(value.other.status).toBe(409);
      expect(value.other.body.error.code).toBe('ACTIVE_EPISODE_EXISTS');
      expect(value.retried.status).toBe(201);
      expect(value.again.body).toEqual(value.retried.body);
      expect(value.read.status).toBe(200);

      const store = await kind.open(d);
      try {
        const events = await all(store);
        const reservation = events.find((e) => e.type === 'EpisodeReserved')!;
        expect(reservation.data.episodeId).toBe(value.retried.body.episodeId);
        const episode = events.filter((e) => e.streamId === `episode-${value.retried.body.episodeId}`);
        expect(episode.map((e) => e.type)).toContain('AssignmentStarted');
        // The retry wrote what the first attempt would have: its command, its key.
        expect(new Set(episode.map((e) => e.metadata.commandId))).toEqual(new Set([reservation.metadata.commandId]));
        expect(events.filter((e) => e.type === 'AssignmentStarted')).toHaveLength(1);
      } finally {
        await store.close();
      }
    });

    it('does not keep the patient from a new episode when the end was written but the release was not', async () => {
      const { value: episodeId } = await withInstance(d, undefined, async (http) => {
        const assigned = await http().post('/episodes').set('Authorization', auth.therapist).send(body).expect(201);
        return assigned.body.episodeId as string;
      });
      await withInstance(d, 'between-appends:EndEpisode', async (http) => {
        await unanswered(() => http().post(`/episodes/${episodeId}/end`).set('Authorization', auth.therapist).send({ outcome: 'completed' }));
      });
      const { value } = await withInstance(d, undefined, async (http) => {
        const ended = await http().get(`/episodes/${episodeId}`).set('Authorization', auth.therapist);
        const next = await http().post('/episodes').set('Authorization', auth.therapist).send(body);
        return { ended, next };
      });
      expect(value.ended.body.status).toBe('completed');
      expect(value.next.status).toBe(201);
    });
  });
}
