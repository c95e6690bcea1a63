// Three real service processes on one PostgreSQL schema, driven concurrently with writes to
// the same patients and episodes. Given racing requests, then: no lost update, no duplicate
// event, one active episode per patient and unit, one fee line per episode, and the read
// models of all three agree once caught up. Then the process running the projections is
// killed (SIGKILL) and another takes over and keeps projecting new writes.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { Pool } from 'pg';
import { ALL_PROJECTIONS } from '../../src/projections/all-projections';
import { PG_EXAMPLE, sayNotRun } from './not-run';
import {
  deployment,
  eventually,
  spawnInstance,
  stopInstance,
  THERAPIST,
  tokens,
  untilHealthy,
  type Deployment,
  type Instance,
} from './service-processes';

const url = process.env.DATABASE_URL;
if (!url) sayNotRun('Several-instances (scale-out) suite', 'DATABASE_URL', PG_EXAMPLE);

/** Skatteverket's test personnummer (and a samordningsnummer): never real people. */
const PATIENTS = ['19121212-1212', '20190101-2391', '19030818-9802', '202601612381'];
const digits = (pnr: string) => pnr.replace(/\D/g, '');

interface StoredEvent {
  position: string;
  event_id: string;
  stream_id: string;
  revision: number;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

(url ? describe : describe.skip)('several service instances on one PostgreSQL database', () => {
  const schema = `scale_out_${randomBytes(5).toString('hex')}`;
  let admin: Pool;
  let d: Deployment;
  let auth: ReturnType<typeof tokens>;
  let instances: Instance[] = [];
  /** Per patient, the episodes accepted for them, in order. */
  const episodesOf = new Map<string, string[]>();
  const patientOf = new Map<string, string>();
  /** messageId -> episodeId, for every message a 201 accepted. */
  const acceptedMessages = new Map<string, string>();
  /** Every accepted write's answer: its last event is at this position, stream and revision. */
  const answers: { episodeId: string; revision: number; position: string }[] = [];
  let maxPosition = 0n;

  const track = (answer: { episodeId: string; revision: number; position: string }) => {
    answers.push({ episodeId: answer.episodeId, revision: answer.revision, position: answer.position });
    const p = BigInt(answer.position);
    if (p > maxPosition) maxPosition = p;
  };
  const on = (i: number) => instances[i % instances.length].http();
  const storedEvents = async () =>
    (await admin.query<StoredEvent>(`SELECT position::text, event_id, stream_id, revision, type, data, metadata FROM "${schema}".events e ORDER BY e.position`)).rows;

  async function assignRace(patient: string, perInstance: number): Promise<string> {
    const replies = await Promise.all(
      Array.from({ length: perInstance * instances.length }, (_, i) =>
        on(i).post('/episodes').set('Authorization', auth.therapist).send({ personnummer: patient, therapistId: THERAPIST, diagnosisCode: 'M17.1' }),
      ),
    );
    const accepted = replies.filter((r) => r.status === 201);
    const refused = replies.filter((r) => r.status !== 201);
    expect(accepted).toHaveLength(1);
    expect(refused.map((r) => [r.status, r.body.error?.code])).toEqual(refused.map(() => [409, 'ACTIVE_EPISODE_EXISTS']));
    const episodeId = accepted[0].body.episodeId as string;
    track(accepted[0].body);
    episodesOf.set(patient, [...(episodesOf.get(patient) ?? []), episodeId]);
    patientOf.set(episodeId, patient);
    return episodeId;
  }

  async function messageRace(episodeId: string, perInstance: number): Promise<void> {
    const replies = await Promise.all(
      Array.from({ length: perInstance * instances.length }, (_, i) =>
        on(i).post(`/episodes/${episodeId}/messages`).set('Authorization', auth.therapist).send({ text: `Hej, fråga ${i} från instans ${i % 3}` }),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(replies.map(() => 201));
    for (const r of replies) {
      acceptedMessages.set(r.body.messageId as string, episodeId);
      track(r.body);
    }
  }

  beforeAll(async () => {
    admin = new Pool({ connectionString: url, max: 2 });
    d = deployment(url as string, schema);
    auth = tokens(d);
    // All three start at once on a new schema: migrations and table creation race too.
    instances = await Promise.all(['scale-out-a', 'scale-out-b', 'scale-out-c'].map((name) => spawnInstance(d, name)));
    // Generous for a loaded machine: each process compiles the service with ts-node first.
    await Promise.all(instances.map((i) => untilHealthy(i, 70_000)));
  }, 75_000);

  afterAll(async () => {
    await Promise.all(instances.map((i) => stopInstance(i)));
    await admin?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin?.end();
    if (d) fs.rmSync(d.dataDir, { recursive: true, force: true });
  }, 20_000);

  it('keeps every rule under concurrent writes through three instances, and their read models agree', async () => {
    // Given six assignments of each patient racing over the three instances: one wins per patient.
    await Promise.all(PATIENTS.map((patient) => assignRace(patient, 2)));
    const first = PATIENTS.map((p) => episodesOf.get(p)![0]);

    // When each episode gets messages from all three instances at once, and one message is
    // retried with the same Idempotency-Key on every instance at the same time.
    await Promise.all(first.map((id) => messageRace(id, 3)));
    const retried = await Promise.all(
      [0, 1, 2].map((i) =>
        on(i)
          .post(`/episodes/${first[0]}/messages`)
          .set('Authorization', auth.therapist)
          .set('Idempotency-Key', 'retry-of-one-message')
          .send({ text: 'Samma meddelande, skickat tre gånger' }),
      ),
    );
    expect(retried.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(new Set(retried.map((r) => r.body.messageId)).size).toBe(1);
    acceptedMessages.set(retried[0].body.messageId, first[0]);
    track(retried[0].body);

    // And each episode is ended from all three instances at once: exactly one end wins.
    await Promise.all(
      first.map(async (id) => {
        const ends = await Promise.all(
          (['completed', 'abandoned', 'completed'] as const).map((outcome, i) =>
            on(i).post(`/episodes/${id}/end`).set('Authorization', auth.therapist).send({ outcome }),
          ),
        );
        expect(ends.map((r) => r.status).sort()).toEqual([200, 409, 409]);
        for (const r of ends.filter((x) => x.status === 409)) expect(r.body.error.code).toBe('EPISODE_ENDED');
        track(ends.find((r) => r.status === 200)!.body);
      }),
    );
    // The ended episode frees the patient: a new race over the instances again has one winner.
    await Promise.all(PATIENTS.map((patient) => assignRace(patient, 1)));
    const second = PATIENTS.map((p) => episodesOf.get(p)![1]);
    await Promise.all(second.map((id) => messageRace(id, 1)));

    // Then the log: gapless positions, gapless revisions, no event twice.
    const events = await storedEvents();
    expect(events.map((e) => BigInt(e.position))).toEqual(events.map((_, i) => BigInt(i + 1)));
    expect(BigInt(events[events.length - 1].position)).toBe(maxPosition);
    const byStream = new Map<string, StoredEvent[]>();
    for (const e of events) byStream.set(e.stream_id, [...(byStream.get(e.stream_id) ?? []), e]);
    for (const [stream, list] of byStream) expect([stream, list.map((e) => e.revision)]).toEqual([stream, list.map((_, i) => i)]);

    // No lost update: each accepted write's answer names its own last stored event.
    const atPosition = new Map(events.map((e) => [e.position, e]));
    for (const a of answers) expect([a.position, atPosition.get(a.position)?.stream_id, atPosition.get(a.position)?.revision]).toEqual([a.position, `episode-${a.episodeId}`, a.revision]);

    // And no duplicate: every accepted message is stored exactly once, and nothing else.
    const sent = events.filter((e) => e.type === 'MessageSent');
    expect(sent.map((e) => e.data.messageId).sort()).toEqual([...acceptedMessages.keys()].sort());
    for (const e of sent) expect(e.stream_id).toBe(`episode-${acceptedMessages.get(e.data.messageId as string)}`);
    expect(sent.filter((e) => e.metadata.idempotencyKey === 'retry-of-one-message')).toHaveLength(1);

    // Exactly the accepted episodes exist, each with one start, one fee event and at most one end.
    const all = [...patientOf.keys()];
    const started = events.filter((e) => e.type === 'AssignmentStarted').map((e) => e.stream_id);
    expect(started.sort()).toEqual(all.map((id) => `episode-${id}`).sort());
    for (const id of all) {
      const types = (byStream.get(`episode-${id}`) ?? []).map((e) => e.type);
      expect([id, types.filter((t) => t === 'FeeCharged' || t === 'FeeExempted').length]).toEqual([id, 1]);
      expect([id, types.filter((t) => t === 'EpisodeCompleted' || t === 'EpisodeAbandoned').length]).toEqual([id, first.includes(id) ? 1 : 0]);
    }

    // Every instance answers the same read models once caught up to the last write.
    const after = maxPosition.toString();
    const fromAll = async (path: string, token: string) => {
      const answers = await Promise.all(instances.map((i) => i.http().get(path).query({ after }).set('Authorization', token)));
      for (const r of answers) expect([path, r.status]).toEqual([path, 200]);
      for (const r of answers.slice(1)) expect(r.body).toEqual(answers[0].body);
      return answers[0].body;
    };

    // One active episode per patient and unit: the second of each, as every instance sees it.
    for (const patient of PATIENTS) {
      const statuses = [];
      for (const id of episodesOf.get(patient)!) statuses.push((await fromAll(`/episodes/${id}`, auth.therapist)).status);
      expect([patient, statuses.filter((s) => s === 'active').length]).toEqual([patient, 1]);
    }
    const dashboard = await fromAll('/dashboard', auth.unitAdmin);
    expect(dashboard.episodes.map((e: { episodeId: string }) => e.episodeId).sort()).toEqual([...second].sort());

    // One fee line per episode, for the right (masked) patient: the instances share keys.
    const ledger = await fromAll('/billing/ledger', auth.unitAdmin);
    expect(ledger.lines.map((l: { episodeId: string }) => l.episodeId).sort()).toEqual([...all].sort());
    for (const line of ledger.lines) expect(line.patient).toBe(`${digits(patientOf.get(line.episodeId)!).slice(0, 8)}-****`);
    expect(ledger.reconciliation).toEqual({ assignments: all.length, feeLines: all.length, balanced: true });

    const journal = await fromAll('/journal/obligations', auth.unitAdmin);
    expect(new Set(journal.obligations.map((o: { episodeId: string }) => o.episodeId))).toEqual(new Set(all));
    await fromAll(`/episodes/${first[0]}/messages`, auth.therapist);
  }, 45_000);

  it('runs each projection in one instance only, and another takes over when that one is killed', async () => {
    const names = ALL_PROJECTIONS.map((p) => p.name);
    const runs = async (list: Instance[]) => {
      const health = await Promise.all(list.map((i) => i.http().get('/health')));
      return list.map((_, k) => {
        const projections = health[k].body.projections.projections as { name: string; status: string }[];
        return new Set(projections.filter((p) => p.status === 'live').map((p) => p.name));
      });
    };
    const lockHolders = async () =>
      (
        await admin.query<{ name: string; holder: string }>(
          `SELECT n AS name, a.application_name AS holder
             FROM unnest($2::text[]) n
             JOIN pg_locks l ON l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
                            AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended($1 || n, 0)
             JOIN pg_stat_activity a ON a.pid = l.pid`,
          [`artrosskola.projection:${schema}:`, names],
        )
      ).rows;

    // Given the three running: each projection is held by exactly one of them.
    const held = await runs(instances);
    for (const name of names) expect([name, held.filter((s) => s.has(name)).length]).toEqual([name, 1]);
    const holders = await lockHolders();
    expect(holders.map((h) => h.name).sort()).toEqual([...names].sort());
    for (const h of holders) expect(held[instances.findIndex((i) => i.name === h.holder)].has(h.name)).toBe(true);

    // When the instance running the billing ledger is killed without warning.
    const victim = instances.find((i) => i.name === holders.find((h) => h.name === 'billing_ledger')!.holder)!;
    expect(await stopInstance(victim, 'SIGKILL')).toBe('SIGKILL');
    const survivors = instances.filter((i) => i !== victim);
    instances = survivors;

    // Then the survivors take its projections over: every one held again, by a survivor.
    await eventually('the killed instance’s locks taken over', async () => {
      const now = await lockHolders();
      return now.length === names.length && now.every((h) => survivors.some((s) => s.name === h.holder)) ? now : undefined;
    });
    await eventually('each projection live in exactly one survivor', async () => {
      const now = await runs(survivors);
      return names.every((n) => now.filter((s) => s.has(n)).length === 1) ? now : undefined;
    });

    // And new writes through the survivors reach every survivor's read models.
    const patient = PATIENTS[0];
    const current = episodesOf.get(patient)![1];
    const ended = await survivors[0].http().post(`/episodes/${current}/end`).set('Authorization', auth.therapist).send({ outcome: 'completed' });
    expect(ended.status).toBe(200);
    const assigned = await survivors[1]
      .http()
      .post('/episodes')
      .set('Authorization', auth.therapist)
      .send({ personnummer: patient, therapistId: THERAPIST, diagnosisCode: 'M17.1' });
    expect(assigned.status).toBe(201);
    const fresh = assigned.body.episodeId as string;
    const after = assigned.body.position as string;
    for (const s of survivors) {
      const ledger = await s.http().get('/billing/ledger').query({ after }).set('Authorization', auth.unitAdmin);
      expect(ledger.status).toBe(200);
      expect(ledger.body.lines.filter((l: { episodeId: string }) => l.episodeId === fresh)).toHaveLength(1);
      expect(ledger.body.reconciliation.balanced).toBe(true);
      const dashboard = await s.http().get('/dashboard').query({ after }).set('Authorization', auth.unitAdmin);
      expect(dashboard.status).toBe(200);
      const ids = dashboard.body.episodes.map((e: { episodeId: string }) => e.episodeId);
      expect(ids).toContain(fresh);
      expect(ids).not.toContain(current);
    }
  }, 30_000);
});
