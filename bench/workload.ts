// The synthetic workload: one script per episode with the event mix of a real three-month
// school, run through the real command path (CommandBus -> decide -> encrypt -> append).
// Each step carries the events it must write, so the bench can check every command's count.
import { AsyncLocalStorage } from 'node:async_hooks';
import { ulid } from 'ulid';
import type { CommandBus } from '@nestjs/cqrs';
import type { Actor } from '../src/app/auth/actor';
import type { Clock } from '../src/app/tokens';
import type { EpisodeCommand } from '../src/domain/episode/commands';
import { AssignEpisode, ExecuteEpisodeCommand } from '../src/app/episodes/episode.handlers';
import type { WriteAnswer } from '../src/app/episodes/episode-commands.service';
import { addDays } from '../src/domain/shared/time';
import { syntheticPersonnummer } from './personnummer';

export const UNITS = Array.from({ length: 8 }, (_, i) => `SE2321000131-E2${String(i).padStart(2, '0')}`);
const therapistOf = (unit: number, t: number): Actor => ({
  id: `SE2321000131-T2${unit}${t}`,
  name: `Behandlare ${unit}-${t}`,
  role: 'therapist',
  unitId: UNITS[unit],
});
const adminOf = (unit: number): Actor => ({ id: `SE2321000131-A2${unit}0`, role: 'unit_admin', unitId: UNITS[unit] });
const gatewayOf = (unit: number): Actor => ({ id: '1177-gateway', role: 'patient_gateway', unitId: UNITS[unit] });

const PARTS = {
  'hip-knee': ['hk-about-osteoarthritis', 'hk-pain', 'hk-physical-activity', 'hk-training-introduction', 'hk-weight-and-health', 'hk-everyday-life'],
  hand: ['hand-about-osteoarthritis', 'hand-pain', 'hand-joint-protection', 'hand-training-introduction', 'hand-everyday-life'],
} as const;
const EXERCISES = {
  'hip-knee': { programme: 'leg', first: ['leg-sit-to-stand', 'leg-step-up', 'leg-bridge'], later: ['leg-heel-raise', 'leg-mini-squat'] },
  hand: { programme: 'hand', first: ['hand-finger-spread', 'hand-make-fist', 'hand-thumb-opposition'], later: ['hand-grip-strength', 'hand-wrist-extension'] },
} as const;

/** Virtual time, per command: concurrent episodes each live on their own day. */
export class ScriptClock implements Clock {
  private readonly current = new AsyncLocalStorage<string>();
  now(): string {
    return this.current.getStore() ?? new Date().toISOString();
  }
  at<T>(instant: string, fn: () => Promise<T>): Promise<T> {
    return this.current.run(instant, fn);
  }
}

export interface Step {
  readonly at: string;
  /** Undefined for the assignment (the episode id comes back from it). */
  readonly command?: EpisodeCommand;
  readonly actor: Actor;
  /** Events this command must append to the episode stream. */
  readonly episodeEvents: number;
  /** Events to the patient's reservation stream (assignment, end). */
  readonly otherEvents: number;
  readonly messages: number;
  readonly obligations: number;
  readonly journalEntries: number;
}

export interface EpisodeScript {
  readonly index: number;
  readonly unit: number;
  readonly personnummer: string;
  readonly therapistId: string;
  readonly feeExemption: boolean;
  readonly steps: readonly Step[];
}

const sundayOnOrAfter = (date: string) => addDays(date, (7 - new Date(`${date}T12:00:00Z`).getUTCDay()) % 7);

/** The i-th episode's script, in virtual-time order. Deterministic in i. */
export function episodeScript(i: number): EpisodeScript {
  const unit = i % UNITS.length;
  const start = addDays('2025-01-06', Math.floor(i / UNITS.length) % 240);
  const t = therapistOf(unit, i % 3);
  const other = therapistOf(unit, (i + 1) % 3);
  const gateway = gatewayOf(unit);
  const module = i % 5 === 0 ? 'hand' : 'hip-knee';
  const hiddenModule = module === 'hand' ? 'hip-knee' : 'hand';
  const at = (day: number, hh: number, mm = 0) => `${addDays(start, day)}T${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:00.000Z`;
  const steps: Step[] = [];
  const step = (s: Partial<Step> & Pick<Step, 'at' | 'actor' | 'episodeEvents'>) =>
    steps.push({ otherEvents: 0, messages: 0, obligations: 0, journalEntries: 0, ...s });
  const run = (command: EpisodeCommand) => command;

  step({ at: at(0, 9), actor: t, episodeEvents: 3, otherEvents: 1, obligations: 1 });
  step({ at: at(0, 9, 30), actor: t, command: run({ type: 'RecordJournalEntry', data: { obligationId: 'assignment', journalReference: `COSMIC-${i}` } }), episodeEvents: 1, journalEntries: 1 });
  step({ at: at(0, 10), actor: t, command: run({ type: 'HideModule', data: { moduleId: hiddenModule } }), episodeEvents: 1 });
  if (i % 4 === 0) step({ at: at(1, 8), actor: t, command: run({ type: 'ShowModule', data: { moduleId: hiddenModule } }), episodeEvents: 1 });

  const parts = PARTS[module];
  parts.forEach((partId, k) => {
    const last = k === parts.length - 1;
    step({ at: at(1 + k * 3, 17), actor: gateway, command: run({ type: 'CompletePart', data: { moduleId: module, partId } }), episodeEvents: last ? 3 : 1, obligations: last ? 1 : 0 });
    if (partId.endsWith('training-introduction')) {
      const ex = EXERCISES[module];
      step({ at: at(2 + k * 3, 8), actor: t, command: run({ type: 'RevealExercises', data: { programme: ex.programme, exerciseIds: [...ex.first] } }), episodeEvents: 1 });
      step({ at: at(30, 8), actor: t, command: run({ type: 'RevealExercises', data: { programme: ex.programme, exerciseIds: [...ex.later] } }), episodeEvents: 1 });
    }
    if (last) step({ at: at(2 + k * 3, 9), actor: t, command: run({ type: 'RecordJournalEntry', data: { obligationId: 'completed-school', form: 'note' } }), episodeEvents: 1, journalEntries: 1 });
  });

  step({ at: at(2, 8, 30), actor: t, command: run({ type: 'ActivatePlan', data: {} }), episodeEvents: 1 });
  const firstSunday = sundayOnOrAfter(addDays(start, 2));
  for (let w = 0; w < 12; w++) {
    const occasion = addDays(firstSunday, w * 7);
    step({
      at: `${occasion}T16:30:00.000Z`,
      actor: gateway,
      command: run({ type: 'ReportActivity', data: { occasion, answers: { trained: w % 4 !== 3, 'activity-type': 'Promenad och benövningar', experience: 5 + (w % 5) } } }),
      episodeEvents: 1,
    });
  }

  for (const day of [10, 35, 60]) {
    const conversationId = ulid();
    const first = ulid();
    const second = ulid();
    step({ at: at(day, 18), actor: gateway, command: run({ type: 'SendMessage', data: { messageId: first, newConversationId: conversationId, text: 'Jag får ont i knät efter övningarna. Ska jag fortsätta?' } }), episodeEvents: 2, messages: 1, obligations: 1 });
    step({ at: at(day + 1, 8), actor: t, command: run({ type: 'MarkMessagesRead', data: { upToMessageId: first } }), episodeEvents: 1 });
    step({ at: at(day + 1, 8, 10), actor: t, command: run({ type: 'SendMessage', data: { messageId: ulid(), conversationId, newConversationId: ulid(), text: 'Minska till två set och hör av dig om en vecka.' } }), episodeEvents: 1, messages: 1 });
    step({ at: at(day + 1, 19), actor: gateway, command: run({ type: 'SendMessage', data: { messageId: second, conversationId, newConversationId: ulid(), text: 'Tack, jag provar det!' } }), episodeEvents: 1, messages: 1 });
    step({ at: at(day + 2, 8), actor: t, command: run({ type: 'RecordJournalEntry', data: { obligationId: `conversation-${conversationId}`, form: 'contact' } }), episodeEvents: 1, journalEntries: 1 });
  }

  if (i % 5 === 2) {
    step({ at: at(20, 7), actor: adminOf(unit), command: run({ type: 'ChangeTherapist', data: { therapistId: other.id, reason: 'absence' } }), episodeEvents: 1 });
    step({ at: at(40, 7), actor: adminOf(unit), command: run({ type: 'ChangeTherapist', data: { therapistId: t.id, reason: 'return' } }), episodeEvents: 1 });
  }

  const outcome = i % 10 === 9 ? 'abandoned' : 'completed';
  step({ at: at(86, 10), actor: t, command: run({ type: 'EndEpisode', data: { outcome } }), episodeEvents: 2, otherEvents: 1, obligations: 1 });
  step({ at: at(86, 11), actor: t, command: run({ type: 'RecordJournalEntry', data: { obligationId: 'end', form: 'note' } }), episodeEvents: 1, journalEntries: 1 });

  steps.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return { index: i, unit, personnummer: syntheticPersonnummer(i), therapistId: t.id, feeExemption: i % 7 === 3, steps };
}

/** What the store and the projections must hold, kept as commands are acknowledged. */
export class Expectations {
  events = 0;
  commands = 0;
  messages = 0;
  obligations = 0;
  journalEntries = 0;
  episodesStarted = 0;
  episodesEnded = 0;
  /** episodeId -> expected last revision and message count. */
  readonly episodes = new Map<string, { revision: number; messages: number; ended: boolean }>();
  /** Episodes written elsewhere (the HTTP server): counted, not checked one by one. */
  looseEpisodes = 0;
  /** Requests that timed out may or may not have written their event: the totals allow this much. */
  slack = 0;

  /** Add writes made outside the Workload (episode-level detail unknown). */
  addLoose(w: { episodes: number; events: number; messages: number; obligations: number; slack: number }): void {
    this.looseEpisodes += w.episodes;
    this.episodesStarted += w.episodes;
    this.events += w.events;
    this.messages += w.messages;
    this.obligations += w.obligations;
    this.slack += w.slack;
  }
}

export class WorkloadError extends Error {}

/** Runs episode scripts through the command bus with `writers` concurrent writers. */
export class Workload {
  private nextEpisode = 0;

  constructor(
    private readonly bus: CommandBus,
    private readonly clock: ScriptClock,
    readonly expected: Expectations,
    private readonly firstEpisode = 0,
  ) {
    this.nextEpisode = firstEpisode;
  }

  /** Run until `stop()` says so (checked before each command); resolves with the commands done. */
  async run(writers: number, stop: () => boolean): Promise<number> {
    let done = 0;
    const writer = async () => {
      while (!stop()) {
        const script = episodeScript(this.nextEpisode++);
        const n = await this.runEpisode(script, stop);
        done += n;
      }
    };
    await Promise.all(Array.from({ length: writers }, writer));
    return done;
  }

  /** One episode's steps in order; stops between commands (the episode then stays active). */
  private async runEpisode(script: EpisodeScript, stop: () => boolean): Promise<number> {
    let episodeId = '';
    let revision = -1;
    let done = 0;
    for (const s of script.steps) {
      if (done > 0 && stop()) break;
      const answer = await this.clock.at(s.at, () =>
        s.command === undefined
          ? this.bus.execute<AssignEpisode, WriteAnswer>(
              new AssignEpisode(
                {
                  personnummer: script.personnummer,
                  therapistId: script.therapistId,
                  diagnosisCode: script.index % 5 === 0 ? 'M18.1' : 'M17.1',
                  patientStatus: { hasLoggedIn: true, notificationsEnabled: script.index % 6 !== 0 },
                  ...(script.feeExemption ? { feeExemption: { reason: 'Frikort (högkostnadsskydd)', kind: 'high-cost-card' as const } } : {}),
                },
                s.actor,
                {},
              ),
            )
          : this.bus.execute<ExecuteEpisodeCommand, WriteAnswer>(new ExecuteEpisodeCommand(episodeId, s.command, s.actor, {})),
      );
      if (s.command === undefined) episodeId = answer.episodeId;
      const want = revision + s.episodeEvents;
      if (answer.revision !== want || answer.unchanged)
        throw new WorkloadError(`episode #${script.index} ${s.command?.type ?? 'StartAssignment'}: revision ${answer.revision}, expected ${want}`);
      revision = want;
      const e = this.expected;
      e.commands += 1;
      e.events += s.episodeEvents + s.otherEvents;
      e.messages += s.messages;
      e.obligations += s.obligations;
      e.journalEntries += s.journalEntries;
      if (s.command === undefined) e.episodesStarted += 1;
      const ended = s.command?.type === 'EndEpisode';
      if (ended) e.episodesEnded += 1;
      const prior = e.episodes.get(episodeId);
      e.episodes.set(episodeId, { revision, messages: (prior?.messages ?? 0) + s.messages, ended: ended || (prior?.ended ?? false) });
      done += 1;
    }
    return done;
  }
}
