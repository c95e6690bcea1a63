// The event feed for integrators, against the real app on a temporary SQLite store: pages and
// the Server-Sent Events stream give exactly the store's events in position order, a unit's
// token only that unit's, never a personnummer or a message text, every page access-logged;
// a client that drops the connection at random bytes while events are written and resumes
// with Last-Event-ID ends with exactly the store's events; a client that stops reading holds
// the server at one batch.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { EventFeed } from '../../src/app/feed/event-feed.service';
import type { RecordedEvent } from '../../src/event-store/event-store';
import { OTHER_UNIT, startApp, TestClock, THERAPIST, UNIT, type TestApp } from '../e2e/harness';
import { documentOf, ResponseValidator, validated } from './openapi-validator';
import { connect, type SseMessage } from './sse-client';

const clock = new TestClock('2026-11-22T09:00:00.000Z');
const SECRETS = ['19121212-1212', '191212121212', '121212-1212', '1212121212', '20190101-2391', '201901012391', 'Får jag träna när det gör ont?', 'Vila en dag och känn efter.', 'Frikort 2026'];
let t: TestApp;
let port: number;
let http2: TestApp['http'];
let validator: ResponseValidator;

beforeAll(async () => {
  t = await startApp({ clock, env: { RATE_LIMIT_PER_MINUTE: '0' } });
  validator = new ResponseValidator(await documentOf(t));
  http2 = validated(t, validator);
  const server = t.app.getHttpServer() as http.Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  // Two patients with messages, an exemption with its reason, and one at another unit.
  const th = t.auth('therapist');
  const a = (await t.http.post('/episodes').set(th).send({ personnummer: '19121212-1212', therapistId: THERAPIST, diagnosisCode: 'M17.1', feeExemption: { reason: 'Frikort 2026', kind: 'high-cost-card' } })).body;
  const gw = t.auth('patient_gateway', { episode: a.episodeId });
  const m = (await t.http.post(`/episodes/${a.episodeId}/messages`).set(gw).send({ text: 'Får jag träna när det gör ont?' })).body;
  await t.http.post(`/episodes/${a.episodeId}/messages`).set(th).send({ text: 'Vila en dag och känn efter.', conversationId: m.conversationId });
  await t.http.post(`/episodes/${a.episodeId}/activity-plan`).set(th);
  await t.http.post(`/episodes/${a.episodeId}/activity-reports`).set(gw).send({ occasion: '2026-11-22', answers: { trained: true, 'activity-type': 'promenad', experience: 6 } });
  const other = t.auth('therapist', { unit: OTHER_UNIT, sub: 'SE2321000999-T001' });
  await t.http.post('/episodes').set(other).send({ personnummer: '20190101-2391', therapistId: 'SE2321000999-T001', diagnosisCode: 'M16.1' });
});
let stopped = false;
afterAll(async () => {
  if (!stopped) await t?.stop();
});

const integration = (unit?: string) => t.auth('integration', unit ? { unit } : { unit: null });

async function storeEvents(after = 0n): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const batch of t.infrastructure.rawStore.readAll({ after })) out.push(...batch);
  return out;
}

async function allPages(auth: Record<string, string>, limit: number) {
  const events: { position: string; [k: string]: unknown }[] = [];
  let after = '0';
  for (let pages = 0; pages < 1000; pages++) {
    const res = await http2.get('/events').query({ after, limit }).set(auth);
    expect(res.status).toBe(200);
    events.push(...res.body.events);
    after = res.body.next.after;
    if (res.body.caughtUp) return { events, after };
  }
  throw new Error('the feed never caught up');
}

describe('GET /events', () => {
  it('pages through exactly the store\'s events in position order, with the next after', async () => {
    const { events, after } = await allPages(integration(), 3);
    const stored = await storeEvents();
    expect(events.map((e) => e.position)).toEqual(stored.map((r) => r.position.toString()));
    expect(after).toBe(stored[stored.length - 1]!.position.toString());
    const empty = await http2.get('/events').query({ after }).set(integration());
    expect(empty.body).toEqual({ events: [], next: { after }, caughtUp: true });
  });

  it('gives a token with a unit claim that unit\'s events only', async () => {
    const { events } = await allPages(integration(UNIT), 2);
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.unitId === UNIT)).toBe(true);
    const stored = (await storeEvents()).filter((r) => (r.streamId.startsWith('unit-') ? r.streamId.slice(5) : r.metadata.unitId) === UNIT);
    expect(events.map((e) => e.position)).toEqual(stored.map((r) => r.position.toString()));
  });

  it('never shows a personnummer or a message text; the patient is a pseudonymous key; data matches the published feed schema', async () => {
    const { events } = await allPages(integration(), 100);
    const text = JSON.stringify(events);
    for (const secret of SECRETS) expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
    const started = events.filter((e) => e.type === 'AssignmentStarted');
    expect(started).toHaveLength(2);
    for (const e of started) {
      expect(e.withheld).toEqual(['patient.personnummer', 'patient.birthDate', 'welcomeText']);
      expect(e.patientRef).toMatch(/^[0-9a-f]{40}$/);
    }
    expect(events.find((e) => e.type === 'ActivityReported')!.withheld).toEqual(['answers.activity-type']);
    const schemas = (await http2.get('/schemas/events').set(integration())).body.events as { type: string; current: boolean; feedDataSchema: object }[];
    const ajv = addFormats(new Ajv2020({ strict: false }));
    for (const e of events) {
      const schema = schemas.find((s) => s.type === e.type && s.current)!;
      const valid = ajv.validate(schema.feedDataSchema, e.data);
      expect({ type: e.type, errors: valid ? null : ajv.errors }).toEqual({ type: e.type, errors: null });
    }
  });

  it('records every page in the access log as the caller\'s read', async () => {
    const sub = 'SE2321000131-INT7';
    const res = await http2.get('/events').query({ limit: 50 }).set(t.auth('integration', { unit: null, sub }));
    const episodes = new Set(res.body.events.map((e: { episodeId: string | null }) => e.episodeId).filter(Boolean));
    const log = await http2.get('/access-log').query({ userId: sub }).set(t.auth('auditor'));
    expect(new Set(log.body.records.map((r: { episodeId: string }) => r.episodeId))).toEqual(episodes);
    expect(log.body.records.every((r: { action: string; endpoint: string; patientKey: string | null }) => r.action === 'feed-read' && r.endpoint === 'GET /events' && r.patientKey)).toBe(true);
  });
});

const ids = (messages: readonly SseMessage[]) => messages.map((m) => m.id!);

describe('GET /events/stream', () => {
  it('catches up, then follows live; each message is a FeedEvent of the document with id: its position', async () => {
    const stored = await storeEvents();
    const sse = connect(port, '/events/stream', integration());
    expect(await sse.status).toBe(200);
    await sse.until((m) => m.length >= stored.length);
    expect(ids(sse.messages)).toEqual(stored.map((r) => r.position.toString()));
    const written = await t.http.post('/episodes').set(t.auth('therapist')).send({ personnummer: '19030818-9802', therapistId: THERAPIST, diagnosisCode: 'M17.1' });
    const head = await t.store.headPosition();
    await sse.until((m) => m[m.length - 1]?.id === head.toString());
    sse.close();
    expect(written.status).toBe(201);
    const validate = validator.component('FeedPage', 'properties', 'events', 'items');
    for (const m of sse.messages) {
      const event = JSON.parse(m.data) as { position: string };
      expect({ valid: validate(event), errors: validate.errors ?? null }).toEqual({ valid: true, errors: null });
      expect(event.position).toBe(m.id);
    }
    for (const secret of [...SECRETS, '19030818-9802']) expect(sse.messages.some((m) => m.data.includes(secret))).toBe(false);
  });

  it('resumes after Last-Event-ID (over ?after=), and refuses a bad one with 400', async () => {
    const stored = await storeEvents();
    const from = stored[3]!.position.toString();
    const sse = connect(port, '/events/stream?after=0', { ...integration(), 'Last-Event-ID': from });
    await sse.until((m) => m.length >= stored.length - 4);
    sse.close();
    expect(ids(sse.messages)).toEqual(stored.slice(4).map((r) => r.position.toString()));
    const bad = connect(port, '/events/stream', { ...integration(), 'Last-Event-ID': 'yesterday' });
    expect(await bad.status).toBe(400);
    bad.close();
    const forbidden = connect(port, '/events/stream', t.auth('auditor'));
    expect(await forbidden.status).toBe(403);
    forbidden.close();
  });

  it('a client that drops the connection at random bytes while events are written, resuming with Last-Event-ID, ends with exactly the store\'s events in order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 6000 }), { minLength: 3, maxLength: 8 }), async (drops) => {
        const start = await t.store.headPosition();
        let finalHead: string | undefined;
        const writer = (async () => {
          for (let i = 0; i < 40; i++) {
            await t.store.appendToStream(`unit-${UNIT}`, [noticeWithdrawn(i), noticeWithdrawn(i + 1000)], { expectedRevision: 'any' });
            await new Promise((resolve) => setImmediate(resolve));
          }
          finalHead = (await t.store.headPosition()).toString();
        })();
        const seen: string[] = [];
        let last = start.toString();
        for (const bytes of drops) {
          const sse = connect(port, '/events/stream', { ...integration(), 'Last-Event-ID': last }, { dropAfterBytes: bytes });
          await sse.status;
          // Until the connection breaks, or it has everything there will be.
          const complete = (m: readonly SseMessage[]) => finalHead !== undefined && (m[m.length - 1]?.id ?? last) === finalHead;
          await Promise.race([sse.until(complete), writer.then(() => sse.until(complete))]);
          sse.close();
          seen.push(...ids(sse.messages));
          last = seen[seen.length - 1] ?? last;
        }
        await writer;
        const head = (await t.store.headPosition()).toString();
        if (last !== head) {
          const rest = connect(port, '/events/stream', { ...integration(), 'Last-Event-ID': last });
          await rest.until((m) => m[m.length - 1]?.id === head);
          rest.close();
          seen.push(...ids(rest.messages));
        }
        expect(seen).toEqual((await storeEvents(start)).map((r) => r.position.toString()));
      }),
      { numRuns: 4 },
    );
  });

  it('holds a client that stops reading at one batch, and sends the rest once it reads again', async () => {
    const start = await t.store.headPosition();
    const pad = 'x'.repeat(4000);
    for (let i = 0; i < 25; i++)
      await t.store.appendToStream(`unit-${UNIT}`, Array.from({ length: 400 }, (_, j) => noticeWithdrawn(i * 400 + j, pad)), { expectedRevision: 'any' });
    const head = await t.store.headPosition();
    const feed = t.app.get(EventFeed);
    const sse = connect(port, '/events/stream', { ...integration(), 'Last-Event-ID': start.toString() });
    expect(await sse.status).toBe(200);
    sse.pause();
    await waitFor(() => feed.openStreams().some((s) => s.waitingForDrain));
    const [stream] = feed.openStreams();
    // At most one batch is in the server's hands: the socket took some, the store keeps the rest.
    expect(stream!.bufferedBytes).toBeLessThan(600_000);
    expect(stream!.cursor).toBeLessThan(head - 1000n);
    sse.resume();
    await sse.until((m) => m[m.length - 1]?.id === head.toString(), 30_000);
    sse.close();
    expect(sse.messages).toHaveLength(Number(head - start));
  }, 60_000);
});

describe('when the service stops', () => {
  it('ends the open streams, so the service can stop', async () => {
    const sse = connect(port, '/events/stream', integration());
    await sse.until((m) => m.length > 0);
    stopped = true;
    await t.stop();
    await sse.until(() => false, 5_000);
    expect(t.app.get(EventFeed).openStreams()).toEqual([]);
  });
});

function noticeWithdrawn(i: number, pad?: string) {
  return {
    id: randomUUID(),
    type: 'AbsenceNoticeWithdrawn',
    schemaVersion: 1,
    data: { unitId: UNIT, noticeId: `feed-test-${i}`, by: 'SE2321000131-A001', at: '2026-11-22T09:00:00.000Z', ...(pad ? { pad } : {}) },
    metadata: { actorId: 'SE2321000131-A001', role: 'unit_admin', unitId: UNIT, commandId: randomUUID(), correlationId: 'feed-test', causationId: 'feed-test' },
  };
}

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > timeoutMs) throw new Error('condition not met');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
