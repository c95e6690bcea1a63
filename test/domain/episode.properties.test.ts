// Properties of the episode decider over random histories (see episode-scenarios.ts).
import fc from 'fast-check';
import { isDomainError, play, scenarios, type Run } from './episode-scenarios';
import { EPISODE_EVENT_VERSIONS, EpisodeEvent, type EventOf } from '../../src/domain/episode/events';
import { catalogue, isTrainingIntroduction } from '../../src/domain/reference/catalogue';
import type { ObligationTrigger } from '../../src/domain/rules';
import { foldEpisode } from '../../src/domain/episode/decider';
import type { EpisodeState } from '../../src/domain/episode/state';

const RUNS = { numRuns: 150 };
const holds = (invariant: (run: Run) => void) => fc.assert(fc.property(scenarios, (scenario) => invariant(play(scenario))), RUNS);

const isEnd = (e: EpisodeEvent) => e.type === 'EpisodeCompleted' || e.type === 'EpisodeAbandoned';
/** The journal obligation an event requires, if any. */
const requiredObligation = (e: EpisodeEvent): ObligationTrigger | null =>
  e.type === 'AssignmentStarted' ? 'assignment'
  : e.type === 'SchoolCompleted' ? 'completed-school'
  : e.type === 'MessageSent' && e.data.startsConversation ? 'conversation'
  : isEnd(e) ? 'end'
  : null;

describe('episode properties over random command sequences', () => {
  // (a) Whatever commands arrive, in any order and at any time, decide returns events or throws a DomainError, nothing else; and a refused command leaves the state exactly as it was.
  it('refuses only with DomainError, leaving the state unchanged', () => {
    holds(({ outcomes }) => {
      for (const o of outcomes) {
        if (o.error === null) continue;
        if (!isDomainError(o.error)) throw o.error;
        expect(['rule', 'unacceptable', 'not_found']).toContain(o.error.kind);
        expect(o.error.code).toMatch(/^[A-Z][A-Z_]+$/);
        expect(o.after).toEqual(o.before);
        if (o.command.type === 'StartAssignment' && o.command.data.personnummer.length >= 10)
          expect(`${o.error.message} ${JSON.stringify(o.error.details)}`).not.toContain(o.command.data.personnummer.replace(/\D/g, ''));
      }
    });
  });

  // (c) Every event decide emits validates against the EpisodeEvent zod schema.
  it('emits only schema-valid events', () => {
    holds(({ events }) => {
      for (const e of events) expect(EpisodeEvent.safeParse(e).success).toBe(true);
    });
  });

  // (c) An assigned episode has exactly one fee line (FeeCharged or FeeExempted), right after its assignment; an unassigned one has none.
  it('has exactly one fee line per episode', () => {
    holds(({ events }) => {
      const assignments = events.filter((e) => e.type === 'AssignmentStarted').length;
      const feeLines = events.flatMap((e, i) => (e.type === 'FeeCharged' || e.type === 'FeeExempted' ? [i] : []));
      expect(assignments).toBeLessThanOrEqual(1);
      expect(feeLines).toEqual(assignments === 1 ? [1] : []);
    });
  });

  // (c) After the end (and the end's own journal obligation) the stream holds nothing but JournalEntryRecorded, JournalEntryCorrected and RegistryFollowUpRecorded.
  it('accepts only journaling and registry follow-up after the end', () => {
    holds(({ events }) => {
      const end = events.findIndex(isEnd);
      if (end < 0) return;
      expect(events[end + 1]).toMatchObject({ type: 'JournalObligationRaised', data: { trigger: 'end', triggerRevision: end } });
      const later = events.slice(end + 2).map((e) => e.type);
      expect(later.filter((t) => !['JournalEntryRecorded', 'JournalEntryCorrected', 'RegistryFollowUpRecorded'].includes(t))).toEqual([]);
    });
  });

  // (c) After the end (and its obligation) the episode's state changes only in its journal obligations and registry follow-ups.
  it('changes nothing after the end but journaling and follow-up', () => {
    holds(({ events }) => {
      const end = events.findIndex(isEnd);
      if (end < 0) return;
      const rest = (s: EpisodeState) => ({ ...s, revision: 0, obligations: {}, followUps: {} });
      const atEnd = rest(foldEpisode(events.slice(0, end + 2)));
      for (let n = end + 2; n < events.length; n++) expect(rest(foldEpisode(events.slice(0, n + 1)))).toEqual(atEnd);
    });
  });

  // (c) Each journal-requiring event (assignment, SchoolCompleted, a conversation's first message, the end) has exactly one obligation naming it, with the unit's KVÅ codes, the diagnosis, the search word and the responsible therapist; no other obligation exists.
  it('raises exactly one correct journal obligation per journal-requiring event', () => {
    holds(({ events, settings }) => {
      const requiring = events.flatMap((e, i) => (requiredObligation(e) ? [i] : []));
      const obligations = events.filter((e): e is EventOf<'JournalObligationRaised'> => e.type === 'JournalObligationRaised');
      expect(obligations.map((o) => o.data.triggerRevision)).toEqual(requiring);
      expect(new Set(obligations.map((o) => o.data.obligationId)).size).toBe(obligations.length);

      const assignment = events.find((e): e is EventOf<'AssignmentStarted'> => e.type === 'AssignmentStarted');
      let therapist = assignment?.data.therapistId;
      events.forEach((e, i) => {
        if (e.type === 'TherapistChanged') therapist = e.data.toTherapistId;
        if (e.type !== 'JournalObligationRaised') return;
        const trigger = events[e.data.triggerRevision]!;
        expect(e.data.trigger).toBe(requiredObligation(trigger));
        expect(e.data.triggerRevision).toBeLessThan(i);
        expect(e.data.kvaCodes).toEqual(settings.journalCodes[e.data.trigger]);
        expect(e.data.kvaCodes).toContain('GB020');
        expect(e.data.searchWord).toBe('Artrosbehandling');
        expect(e.data.diagnosisCode).toBe(assignment!.data.diagnosis.code);
        expect(e.data.therapistId).toBe(therapist);
        expect(e.data.conversationId).toBe(trigger.type === 'MessageSent' ? trigger.data.conversationId : null);
      });
    });
  });

  // (c) A part of a module is never completed while that module is hidden ("Kommande"), and never twice.
  it('never completes a part of a hidden module, nor a part twice', () => {
    holds(({ events }) => {
      const hidden = new Set<string>();
      const done = new Set<string>();
      for (const e of events) {
        if (e.type === 'ModuleHidden') hidden.add(e.data.moduleId);
        if (e.type === 'ModuleShown') hidden.delete(e.data.moduleId);
        if (e.type !== 'PartCompleted') continue;
        expect(hidden.has(e.data.moduleId)).toBe(false);
        expect(done.has(`${e.data.moduleId}/${e.data.partId}`)).toBe(false);
        done.add(`${e.data.moduleId}/${e.data.partId}`);
      }
    });
  });

  // (c) ExercisesRevealed only ever follows a PartCompleted of a training-introduction part.
  it('reveals exercises only after a training introduction', () => {
    holds(({ events }) => {
      let introduced = false;
      for (const e of events) {
        if (e.type === 'PartCompleted' && isTrainingIntroduction(e.data.moduleId, e.data.partId)) introduced = true;
        if (e.type === 'ExercisesRevealed') expect(introduced).toBe(true);
      }
    });
  });

  // (c) The school is completed at most once, and only when a module's parts are all done or the episode ends as completed.
  it('completes the school at most once, and only for a reason', () => {
    holds(({ events }) => {
      const completions = events.flatMap((e, i) => (e.type === 'SchoolCompleted' ? [{ e, i }] : []));
      expect(completions.length).toBeLessThanOrEqual(1);
      for (const { e, i } of completions) {
        if (e.data.basis === 'ended-as-completed') expect(events[i + 2]?.type).toBe('EpisodeCompleted');
        else {
          const parts = catalogue.modules.find((m) => m.id === e.data.moduleId)!.parts.map((p) => p.id);
          const done = events.slice(0, i).flatMap((x) => (x.type === 'PartCompleted' && x.data.moduleId === e.data.moduleId ? [x.data.partId] : []));
          expect(new Set(done)).toEqual(new Set(parts));
        }
      }
    });
  });
});

describe('the scenario generator', () => {
  // Guard against vacuous properties: the random histories reach every event type and the main refusals.
  it('reaches every event type and the main refusals', () => {
    const types = new Set<string>();
    const codes = new Set<string>();
    for (const scenario of fc.sample(scenarios, { numRuns: 400, seed: 7 })) {
      const run = play(scenario);
      run.events.forEach((e) => types.add(e.type));
      run.outcomes.forEach((o) => isDomainError(o.error) && codes.add(o.error.code));
    }
    expect([...types].sort()).toEqual(Object.keys(EPISODE_EVENT_VERSIONS).sort());
    for (const code of [
      'NOT_FOUND', 'EPISODE_ENDED', 'ACCESS_PERIOD_OVER', 'EPISODE_ALREADY_STARTED', 'INVALID_PERSONNUMMER', 'UNKNOWN_DIAGNOSIS_CODE',
      'UNKNOWN_MODULE', 'UNKNOWN_PART', 'MODULE_HIDDEN', 'MODULE_ALREADY_HIDDEN', 'MODULE_ALREADY_VISIBLE', 'UNKNOWN_EXERCISE',
      'TRAINING_INTRODUCTION_NOT_COMPLETED', 'PLAN_ALREADY_ACTIVE', 'NO_ACTIVE_PLAN', 'UNKNOWN_OCCASION', 'REPORT_WINDOW_CLOSED',
      'MANDATORY_ANSWER_MISSING', 'INVALID_ANSWER', 'UNKNOWN_QUESTION', 'UNKNOWN_CONVERSATION', 'UNKNOWN_MESSAGE', 'SAME_THERAPIST',
      'NO_ABSENCE_TO_RETURN_FROM', 'UNKNOWN_OBLIGATION', 'NO_MEASURES', 'OBLIGATION_ALREADY_RECORDED', 'OBLIGATION_NOT_RECORDED', 'FOLLOW_UP_ALREADY_RECORDED',
    ])
      expect(codes).toContain(code);
  });
});
