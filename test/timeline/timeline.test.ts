// The timeline built from stored envelopes: states, what changed, the state as of a revision
// or a time, and an integrity report that names what is wrong instead of hiding it.
import { buildTimeline, checkIntegrity, diff, entryAsOf } from '../../src/app/timeline/timeline';
import type { RecordedEvent } from '../../src/event-store/event-store';
import { foldEpisode } from '../../src/domain/episode/decider';
import { assigned, messageSent, moduleHidden, obligationRaised, partCompleted } from '../domain/fixtures';
import { recordsOf } from './records';

const EPISODE = '01KAWZ3Q5V8J2M6N4P7R9S1T3X';
const history = () => [...assigned(), moduleHidden('hand'), partCompleted('hip-knee', 'hk-pain'), messageSent('msg-1', 'conv-1', { startsConversation: true }), obligationRaised('conversation', 5, { conversationId: 'conv-1' })];

describe('buildTimeline', () => {
  it('lists every event with its envelope and the state after it', () => {
    const events = history();
    const timeline = buildTimeline(EPISODE, recordsOf(events));
    expect(timeline.revision).toBe(6);
    expect(timeline.integrity).toEqual({ ok: true, problems: [] });
    expect(timeline.entries.map((e) => [e.revision, e.position, e.type])).toEqual(events.map((e, i) => [i, String(i + 1), e.type]));
    expect(timeline.entries[3]).toMatchObject({
      recordedAt: '2026-11-22T09:00:03.000Z',
      actor: { id: 'SE2321000131-T001', role: 'therapist', unitId: 'SE2321000131-E001' },
      data: { moduleId: 'hand' },
      state: foldEpisode(events.slice(0, 4)),
    });
  });

  it('says what each event changed, leaf by leaf, leaving the revision out', () => {
    const entries = buildTimeline(EPISODE, recordsOf(history())).entries;
    expect(entries[3]!.changes).toEqual([{ path: 'hiddenModules', from: [], to: ['hand'] }]);
    expect(entries[4]!.changes).toEqual([{ path: 'completedParts.hip-knee', from: null, to: ['hk-pain'] }]);
    expect(entries[1]!.changes).toEqual([{ path: 'fee', from: null, to: { kind: 'charged', amountSek: 200 } }]);
  });

  it('keeps an imported event\'s original recorded time', () => {
    const [first, ...rest] = recordsOf(assigned());
    const imported = { ...first!, recordedAt: '2030-01-01T00:00:00.000Z', metadata: { ...first!.metadata, originalRecordedAt: '2026-11-22T09:00:00.000Z' } };
    expect(buildTimeline(EPISODE, [imported, ...rest]).entries[0]!.recordedAt).toBe('2026-11-22T09:00:00.000Z');
  });
});

describe('diff', () => {
  it('reports nothing for equal values, and nested leaves by path', () => {
    expect(diff({ a: { b: [1, 2] } }, { a: { b: [1, 2] } })).toEqual([]);
    expect(diff({ a: { b: 1, c: 2 } }, { a: { b: 1, c: 3 }, d: 'x' })).toEqual([
      { path: 'a.c', from: 2, to: 3 },
      { path: 'd', from: null, to: 'x' },
    ]);
  });
});

describe('the state as of a revision or a time', () => {
  const times = ['2026-11-22T09:00:00.000Z', '2026-11-22T09:00:00.000Z', '2026-11-22T09:00:00.000Z', '2026-11-23T10:00:00.000Z', '2026-11-24T10:00:00.000Z'];
  const timeline = buildTimeline(EPISODE, recordsOf([...assigned(), moduleHidden('hand'), partCompleted('hand', 'hand-pain')], { times }));

  it('picks the entry of that revision', () => {
    expect(entryAsOf(timeline, { revision: 3 })?.state.hiddenModules).toEqual(['hand']);
    expect(entryAsOf(timeline, { revision: 5 })).toBeUndefined();
  });

  it.each([
    ['exactly the time of an event', '2026-11-23T10:00:00.000Z', 3],
    ['the same instant written with another offset', '2026-11-23T11:00:00+01:00', 3],
    ['between two events', '2026-11-24T09:59:59.999Z', 3],
    ['the time shared by the first three events: the last of them', '2026-11-22T09:00:00.000Z', 2],
    ['after the last event', '2027-01-01T00:00:00Z', 4],
  ])('picks the last event at or before %s', (_, at, revision) => {
    expect(entryAsOf(timeline, { at })?.revision).toBe(revision);
  });

  it('finds nothing before the first event', () => {
    expect(entryAsOf(timeline, { at: '2026-11-22T08:59:59.999Z' })).toBeUndefined();
  });

  it('is the latest entry when asked for neither', () => {
    expect(entryAsOf(timeline, {})?.revision).toBe(4);
  });
});

describe('integrity: reported, not hidden', () => {
  const clean = () => recordsOf(history());

  it('finds nothing wrong in a clean stream', () => {
    expect(checkIntegrity(clean())).toEqual({ ok: true, problems: [] });
  });

  it('reports a revision gap and still shows the events around it', () => {
    const records = clean().filter((r) => r.revision !== 3);
    const timeline = buildTimeline(EPISODE, records);
    expect(timeline.integrity.ok).toBe(false);
    expect(timeline.integrity.problems).toEqual([expect.stringMatching(/^revision gap: expected 3, found 4/), expect.stringMatching(/^revision gap: expected 4, found 5/), expect.stringMatching(/^revision gap: expected 5, found 6/)]);
    expect(timeline.entries.map((e) => e.revision)).toEqual([0, 1, 2, 4, 5, 6]);
  });

  it('reports a position that does not increase', () => {
    const records = recordsOf(history(), { positions: [1n, 2n, 3n, 9n, 9n, 12n, 11n] });
    expect(checkIntegrity(records).problems).toEqual(['position not increasing at revision 4: 9 after 9', 'position not increasing at revision 6: 11 after 12']);
  });

  it('reports a recorded time that goes back, since "as of a time" is then ambiguous', () => {
    const times = ['2026-11-22T09:00:00Z', '2026-11-22T09:00:01Z', '2026-11-22T09:00:01Z', '2026-11-22T08:00:00Z'];
    expect(checkIntegrity(recordsOf([...assigned(), moduleHidden('hand')], { times })).problems).toEqual([
      'recorded time goes back at revision 3: 2026-11-22T08:00:00Z after 2026-11-22T09:00:01Z',
    ]);
  });

  it('reports an event of another stream', () => {
    const records = clean();
    records[4] = { ...records[4]!, streamId: 'episode-OTHER' };
    expect(checkIntegrity(records).problems).toEqual([
      'revision 4 belongs to stream episode-OTHER, not episode-01KAWZ3Q5V8J2M6N4P7R9S1T3X',
      'revision 5 belongs to stream episode-01KAWZ3Q5V8J2M6N4P7R9S1T3X, not episode-OTHER',
    ]);
  });

  it('reports a stream that does not begin with the assignment', () => {
    expect(checkIntegrity(clean().slice(3).map((r, i) => ({ ...r, revision: i }))).problems).toEqual(['the stream does not begin with AssignmentStarted']);
  });

  it('shows an event that does not match its schema with its problem, and folds the rest', () => {
    const records: RecordedEvent[] = clean();
    records[3] = { ...records[3]!, data: { by: 'x' } }; // ModuleHidden without moduleId and at
    const timeline = buildTimeline(EPISODE, records);
    expect(timeline.integrity.problems).toEqual([expect.stringMatching(/^revision 3 \(ModuleHidden\) does not match its schema at data.moduleId/)]);
    const bad = timeline.entries[3]!;
    expect(bad.problem).toMatch(/does not match its schema/);
    expect(bad.changes).toEqual([]);
    expect(bad.state).toEqual({ ...timeline.entries[2]!.state, revision: 3 });
    // What follows still folds: the part is completed, the module was never hidden.
    expect(timeline.entries[4]!.state).toMatchObject({ revision: 4, hiddenModules: [], completedParts: { 'hip-knee': ['hk-pain'] } });
  });

  it('shows an event of a type it does not know instead of failing', () => {
    const records: RecordedEvent[] = clean();
    records[5] = { ...records[5]!, type: 'PatientMoodRecorded', data: { mood: 'good' } };
    const timeline = buildTimeline(EPISODE, records);
    expect(timeline.entries).toHaveLength(7);
    expect(timeline.entries[5]).toMatchObject({ type: 'PatientMoodRecorded', problem: expect.stringMatching(/does not match its schema/) });
    expect(timeline.integrity.problems).toEqual([expect.stringMatching(/^revision 5 \(PatientMoodRecorded\) does not match its schema/)]);
  });
});
