// The pages' pure parts, without a browser: every event type has its words, diffs are
// classified as added, removed or changed, a Stockholm wall-clock time becomes the right
// instant across summer time, weeks are ISO weeks, the charts cover every month of the
// period, and the templates escape what a patient wrote.
import { EPISODE_EVENT_VERSIONS } from '../../src/domain/episode/events';
import { ERASED } from '../../src/domain/shared/personal-data';
import { describeEvent } from '../../src/app/ui/event-words';
import { changeRows, flatten, groupByCommand, timelinePage } from '../../src/app/ui/timeline-page';
import { instantOf } from '../../src/app/ui/audit.controller';
import { dateTime, href, isoWeek, percent } from '../../src/app/ui/ui-format';
import { lastDay, monthsBetween, outcomeCharts, outcomesCsv } from '../../src/app/ui/reports.controller';
import { weeklyStrip } from '../../src/app/ui/staff.controller';
import { UiRenderer, navFor, PAGE_CSP } from '../../src/app/ui/ui-views';
import { safeNext } from '../../src/app/ui/ui-error.filter';
import type { OutcomesAnswer, TimelineAnswer } from '../../src/app/ui/api-reads';

describe('the events in words', () => {
  it.each(Object.keys(EPISODE_EVENT_VERSIONS))('%s has words of its own', (type) => {
    expect(describeEvent(type, {})).not.toContain('Okänd händelsetyp');
  });

  it("says a module moved to Kommande in the manual's words, and names an unknown type", () => {
    expect(describeEvent('ModuleHidden', { moduleId: 'hand' })).toBe('Modulen Handartros flyttad till Kommande');
    expect(describeEvent('FeeExempted', { kind: 'high-cost-card', reason: ERASED, waivedAmountSek: 200 })).toBe('Befriad från avgift (frikort, 200 kr): borttagen');
    expect(describeEvent('RegistryFollowUpRecorded', { timepoint: '3-months', correction: { correctsRevision: 7 } })).toBe('Registeruppföljningen (Svenska Artrosregistret) vid 3 månader rättad, revision 7');
    expect(describeEvent('ModuleTeleported', {})).toBe('Okänd händelsetyp ModuleTeleported');
  });
});

const entry = (revision: number, commandId: string | null, changes: { path: string; from: unknown; to: unknown }[]) => ({
  revision,
  position: String(revision + 1),
  recordedAt: '2026-11-22T09:00:00.000Z',
  type: 'ModuleHidden',
  schemaVersion: 1,
  actor: { id: 'SE2321000131-T001', role: 'therapist', unitId: 'SE2321000131-E001' },
  commandId,
  correlationId: 'c',
  data: { moduleId: 'hand' },
  changes,
  state: { revision, hiddenModules: ['hand'], patient: { personnummer: ERASED } },
});

describe('the timeline page', () => {
  const answer = {
    episodeId: 'E',
    revision: 2,
    integrity: { ok: true, problems: [] },
    entries: [
      entry(0, 'a', [{ path: 'status', from: 'none', to: 'active' }, { path: 'unitId', from: null, to: 'U' }]),
      entry(1, 'a', [{ path: 'plan', from: { x: 1 }, to: null }]),
      { ...entry(2, 'b', []), storedSchemaVersion: 0, schemaVersion: 1 },
    ],
    page: { fromRevision: 0, limit: 100, nextFromRevision: null },
  } as unknown as TimelineAnswer;

  it('groups the events of one command, classifies each change and keeps the upcasts', () => {
    const view = timelinePage(answer, 1);
    expect(view.groups.map((g) => [g.commandId, g.entries.map((e) => e.revision)])).toEqual([['a', [0, 1]], ['b', [2]]]);
    expect(view.groups[0]!.entries[0]!.changes.map((c) => c.kind)).toEqual(['changed', 'added']);
    expect(view.groups[0]!.entries[1]!.changes).toEqual([{ kind: 'removed', path: 'plan', from: '{"x":1}', to: '–', erased: false }]);
    expect(view.groups[0]!.entries[1]!.chosen).toBe(true);
    expect(view.integrity.upcasts).toEqual([{ revision: 2, type: 'ModuleHidden', from: 0, to: 1 }]);
    // Without a chosen revision the state is the newest one shown; erased fields are marked.
    expect(view.stateRevision).toBe(2);
    expect(view.erased).toBe(true);
  });

  it('never groups events without a command id', () => {
    const views = answer.entries.map(() => timelinePage(answer, null).groups[0]!.entries[0]!);
    const raw = answer.entries.map((e) => ({ ...e, commandId: null }));
    expect(groupByCommand(views, raw as never)).toHaveLength(3);
  });

  it('shows which elements of an array came, went or changed, not the whole array twice', () => {
    const conversation = [{ id: 'm1' }, { id: 'm2' }];
    expect(changeRows({ path: 'messages', from: conversation, to: [...conversation, { id: 'm3' }] })).toEqual([
      { kind: 'added', path: 'messages.2', from: '–', to: '{"id":"m3"}', erased: false },
    ]);
    expect(changeRows({ path: 'hiddenModules', from: ['hand'], to: [] }).map((r) => [r.kind, r.path, r.from])).toEqual([['removed', 'hiddenModules.0', 'hand']]);
    expect(changeRows({ path: 'warnings', from: ['A', 'B'], to: ['A', 'C'] }).map((r) => [r.kind, r.path, r.from, r.to])).toEqual([['changed', 'warnings.1', 'B', 'C']]);
  });

  it('flattens data to dotted paths, arrays of plain values as one leaf', () => {
    expect(flatten({ a: { b: [1, 2], c: [{ d: 'x' }] }, e: ERASED, f: {} })).toEqual([
      { path: 'a.b', value: '[1,2]', erased: false },
      { path: 'a.c.0.d', value: 'x', erased: false },
      { path: 'e', value: 'borttagen (personuppgift raderad)', erased: true },
      { path: 'f', value: '{}', erased: false },
    ]);
  });
});

describe('times, weeks and months', () => {
  it('reads the form\'s time as Stockholm time, in winter and in summer', () => {
    expect(instantOf('2026-11-22T10:00')).toBe('2026-11-22T09:00:00.000Z');
    expect(instantOf('2026-07-01T10:00:30')).toBe('2026-07-01T08:00:30.000Z');
    expect(instantOf('2026-07-01T10:00:00+02:00')).toBe('2026-07-01T10:00:00+02:00');
    expect(dateTime('2026-07-01T08:00:00Z')).toBe('2026-07-01 10:00');
  });

  it('numbers weeks as ISO 8601 does', () => {
    expect([isoWeek('2026-11-22'), isoWeek('2026-01-01'), isoWeek('2027-01-03'), isoWeek('2024-12-30')]).toEqual([47, 1, 53, 1]);
  });

  it('strips occasions by week', () => {
    const o = (occasion: string) => ({ occasion, status: 'open' }) as never;
    expect(weeklyStrip([o('2026-11-22'), o('2026-11-23'), o('2026-11-24')]).map((w) => [w.week, w.occasions.length])).toEqual([['v. 47', 1], ['v. 48', 2]]);
  });

  it('charts every month of the period, a gap where a unit had none', () => {
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect([lastDay('2026-02'), lastDay('2028-02'), lastDay('2026-12')]).toEqual(['2026-02-28', '2028-02-29', '2026-12-31']);
    const line = { unitId: 'U1', month: '2026-01', assignments: 4, completed: 2, abandoned: 1, active: 1, completionRate: 0.5, abandonmentRate: 0.25, meanDaysToEnd: 80, medianDaysToEnd: 81, activityPlan: { episodesWithPlan: 1, occasionsReported: 3, occasionsDue: 4, adherence: 0.75 }, messagesPerEpisode: 2, exemptions: 0 } as OutcomesAnswer['lines'][number];
    const [rates, , adherence] = outcomeCharts([line], monthsBetween('2025-12', '2026-02'));
    expect(rates!.datasets).toEqual([{ label: 'Moment slutfört', data: [null, 50, null] }, { label: 'Invånare avbröt', data: [null, 25, null] }]);
    expect(adherence!.datasets[0]!.data).toEqual([null, 75, null]);
    expect(outcomesCsv([line]).split('\r\n')[1]).toBe('U1,2026-01,4,2,1,1,0.5,0.25,80,81,1,4,3,0.75,2,0');
    expect(percent(0.25)).toMatch(/^25\s%$/);
  });
});

describe('the templates and the policy', () => {
  const renderer = new UiRenderer();

  it('escapes what a patient wrote, and the JSON block cannot be closed from inside', () => {
    const html = renderer.render('error.njk', { title: 'x', status: 400, code: 'VALIDATION_FAILED', message: '<img src=x onerror=alert(1)>', details: [], nav: [] });
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img');
    const charts = renderer.render('reports.njk', {
      actor: { id: 'a', role: 'reporting' }, nav: [], period: { from: '2026-01', to: '2026-01', ledgerMonth: '2026-01' },
      outcomes: { lines: [{ activityPlan: {} }] }, charts: [{ id: 'rates', title: '</script><script>alert(1)</script>' }], compliance: null, ledger: null,
    });
    expect(charts).not.toContain('</script><script>');
    expect(charts).toContain('\\u003c/script>');
  });

  it('allows scripts and styles from this origin only, and nothing inline', () => {
    expect(PAGE_CSP).toContain("script-src 'self'");
    expect(PAGE_CSP).toContain("style-src 'self'");
    expect(PAGE_CSP).not.toContain('unsafe');
    expect(PAGE_CSP).toContain("frame-ancestors 'none'");
  });

  it('shows each role the pages it may open, and returns after sign-in only to a page', () => {
    expect(navFor({ id: 'a', role: 'auditor' }, '/ui/audit').map((l) => [l.href, l.current])).toEqual([['/ui/audit', true], ['/ui/audit/access-log', false]]);
    expect(navFor({ id: 'r', role: 'reporting' }, '/ui/reports').map((l) => l.href)).toEqual(['/ui/reports']);
    expect(navFor({ id: 'g', role: 'patient_gateway' }, '/ui')).toEqual([]);
    expect([safeNext('/ui/audit?x=1'), safeNext('https://evil.example/ui'), safeNext('//evil.example'), safeNext('/ui/sign-in'), safeNext('/uiother')]).toEqual(['/ui/audit?x=1', undefined, undefined, undefined, undefined]);
    expect(href('/ui/dashboard', { sort: '-assignedAt', offset: undefined, therapistId: '' })).toBe('/ui/dashboard?sort=-assignedAt');
  });
});
