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

  it('keeps the newer entry and forgets the least recently used past its capacity', () => {
    const records = (n: number): RecordedEvent[] =>
      Array.from({ length: n }, (_, i) => ({
        id: `e${i}`,
        streamId: 'episode-X',
        type: i === 0 ? 'WelcomeTextEdited' : 'ModuleHidden',
        schemaVersion: 1,
        data: i === 0 ? { text: 'Hej', by: 'T', at: '2026-11-22T09:00:00.000Z' } : { moduleId: 'hand', by: 'T', at: '2026-11-22T09:00:00.000Z' },
        metadata: { actorId: 'T', role: 'therapist', commandId: `c${i}`, correlationId: 'x', causationId: 'x', ...(i === 1 ? { idempotencyKey: 'k' } : {}) },
        revision: i,
        position: BigInt(i + 1),
        recordedAt: '2026-11-22T09:00:00.000Z',
      }));
    const cache = new EpisodeCache(2);
    const two = extendEpisode(undefined, records(2))!;
    const one = extendEpisode(undefined, records(1))!;
    cache.set('A', two);
    cache.set('A', one); // older: ignored
    expect(cache.get('A')?.state.revision).toBe(1);
    expect(cache.get('A')?.keyed.get('T\u0000k')?.map((r) => r.id)).toEqual(['e1']);
    cache.set('B', one);
    cache.get('A'); // A is now the most recently used
    cache.set('C', one);
    expect([cache.get('A') !== undefined, cache.get('B') !== undefined, cache.get('C') !== undefined]).toEqual([true, false, true]);
    cache.clear();
    expect(cache.size).toBe(0);
  });
});
