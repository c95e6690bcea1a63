// Folded episodes cached between commands never decide on a stale state: each command reads
// the events after the cached revision, so a change made by another instance on the same
// store is seen; and the cache itself keeps the newest entry and stays within its bound.
import request from 'supertest';
import { buildApp } from '../../src/app/bootstrap';
import { EpisodeCache, extendEpisode } from '../../src/app/episodes/episode-cache';
import type { RecordedEvent } from '../../src/event-store/event-store';
import { startApp, THERAPIST, type TestApp } from './harness';

describe('the episode cache', () => {
  let a: TestApp;
  beforeAll(async () => {
    a = await startApp();
  });
  afterAll(async () => a.stop());

  it('sees what another instance wrote to the same store since it cached the episode', async () => {
    const th = a.auth('therapist');
    const created = await a.http.post('/episodes').set(th).send({ personnummer: '19121212-1212', therapistId: THERAPIST, diagnosisCode: 'M17.1' });
    expect(created.status).toBe(201);
    const id = created.body.episodeId as string;
    expect((await a.http.post(`/episodes/${id}/modules/hand/hide`).set(th)).status).toBe(200);

    const b = await buildApp(a.config);
    await b.app.init();
    try {
      expect((await request(b.app.getHttpServer()).post(`/episodes/${id}/modules/hand/show`).set(th)).status).toBe(200);
    } finally {
      await b.close();
    }
    // Instance a cached "hand hidden"; the store says shown again, so hiding is allowed.
    const again = await a.http.post(`/episodes/${id}/modules/hand/hide`).set(th);
    expect(again.status).toBe(200);
    expect(again.body.revision).toBe(5);
    const types = (await a.store.readStream(`episode-${id}`)).map((e) => e.type);
    expect(types.slice(-3)).toEqual(['ModuleHidden', 'ModuleShown', 'ModuleHidden']);
  });

  const records = (n: number, from = 0): RecordedEvent[] =>
    Array.from({ length: n }, (_, k) => {
      const i = from + k;
      return {
        id: `e${i}`,
        streamId: 'episode-X',
        type: i === 0 ? 'WelcomeTextEdited' : 'ModuleHidden',
        schemaVersion: 1,
        data: i === 0 ? { text: 'Hej', by: 'T', at: '2026-11-22T09:00:00.000Z' } : { moduleId: 'hand', by: 'T', at: '2026-11-22T09:00:00.000Z' },
        metadata: { actorId: 'T', role: 'therapist', commandId: `c${i}`, correlationId: 'x', causationId: 'x', ...(i === 1 ? { idempotencyKey: 'k' } : {}) },
        revision: i,
        position: BigInt(i + 1),
        recordedAt: '2026-11-22T09:00:00.000Z',
      };
    });

  it('keeps the newer entry and forgets the least recently used past its capacity', () => {
    const cache = new EpisodeCache(2);
    const two = extendEpisode(undefined, records(2), 0)!;
    const one = extendEpisode(undefined, records(1), 0)!;
    cache.set('A', two, cache.generation);
    cache.set('A', one, cache.generation); // older: ignored
    expect(cache.get('A', 0)?.state.revision).toBe(1);
    expect(cache.get('A', 0)?.keyed.get('T\u0000k')?.map((r) => r.id)).toEqual(['e1']);
    cache.set('B', one, cache.generation);
    cache.get('A', 0); // A is now the most recently used
    cache.set('C', one, cache.generation);
    expect([cache.get('A', 0) !== undefined, cache.get('B', 0) !== undefined, cache.get('C', 0) !== undefined]).toEqual([true, false, true]);
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it('does not store what a load read before the cache was cleared (an erasure meanwhile)', () => {
    const cache = new EpisodeCache(10);
    const before = cache.generation;
    cache.clear();
    cache.set('A', extendEpisode(undefined, records(1), 0)!, before);
    expect(cache.get('A', 0)).toBeUndefined();
  });

  it('refolds an entry older than its maximum age, and refuses events that do not follow on', () => {
    const cache = new EpisodeCache(10, 60_000);
    const entry = extendEpisode(undefined, records(1), 1_000)!;
    cache.set('A', entry, cache.generation);
    expect(cache.get('A', 60_000)).toBeDefined();
    expect(extendEpisode(entry, records(1, 1), 70_000)?.foldedAt).toBe(1_000); // extending keeps its age
    expect(cache.get('A', 61_001)).toBeUndefined();
    expect(extendEpisode(entry, records(1, 2), 0)).toBeUndefined(); // revision 2 after revision 0: a gap
  });
});
