// decide(command, state, context) -> events: every rule of the Digital Artrosskola episode.
// Pure: time, actor and unit settings come in the context; fresh ids come in the command.
// A refused command throws a DomainError; nothing else escapes.
import type { CommandOf, DecisionContext, EpisodeCommand } from './commands';
import type { EpisodeEvent, EventOf, PlanQuestion, PlanSchedule, Warning } from './events';
import { type EpisodeState } from './state';
import { isOccasion, occasionDate, reportWindow } from './activity-plan';
import { DomainError, notFound, refuse, unacceptable } from '../shared/domain-error';
import { ageOn, parseIdentityNumber } from '../shared/personnummer';
import { addMonths, isValidDate, localDate } from '../shared/time';
import { catalogue, findModule, findPlanQuestion, findProgramme } from '../reference/catalogue';
import { findDiagnosis } from '../reference/code-lists';
import { DEFAULT_PLAN_SCHEDULE, DEFAULT_UNIT_SETTINGS, JOURNAL_SEARCH_WORD, type ObligationTrigger } from '../rules';
import { correctFollowUp, recordFollowUp } from '../registry/follow-up-decide';

type Events = EpisodeEvent[];

/** Own keys only: a client-chosen id such as "__proto__" must not reach Object.prototype. */
const own = <V>(record: Readonly<Record<string, V>>, key: string): V | undefined =>
  Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;

export function decide(command: EpisodeCommand, state: EpisodeState, ctx: DecisionContext): Events {
  switch (command.type) {
    case 'StartAssignment':
      return startAssignment(command, state, ctx);
    case 'EditWelcomeText':
      assertActive(state);
      if (state.welcomeText === command.data.text) return [];
      return [{ type: 'WelcomeTextEdited', data: { text: command.data.text, by: ctx.actor.id, at: ctx.now } }];
    case 'HideModule':
    case 'ShowModule':
      return hideOrShowModule(command, state, ctx);
    case 'CompletePart':
      return completePart(command, state, ctx);
    case 'RevealExercises':
      return revealExercises(command, state, ctx);
    case 'ActivatePlan':
      return activatePlan(command, state, ctx);
    case 'ReportActivity':
      return reportActivity(command, state, ctx);
    case 'SendMessage':
      return sendMessage(command, state, ctx);
    case 'MarkMessagesRead': {
      assertActive(state);
      const index = state.messages.findIndex((m) => m.id === command.data.upToMessageId);
      if (index < 0) return unacceptable('UNKNOWN_MESSAGE', 'No such message in this episode.');
      if (index <= state.readUpTo) return [];
      return [{ type: 'MessagesRead', data: { upToMessageId: command.data.upToMessageId, by: ctx.actor.id, at: ctx.now } }];
    }
    case 'ChangeTherapist':
      return changeTherapist(command, state, ctx);
    case 'RecordJournalEntry':
      return recordJournalEntry(command, state, ctx);
    case 'CorrectJournalEntry':
      return correctJournalEntry(command, state, ctx);
    case 'EndEpisode':
      return endEpisode(command, state, ctx);
    case 'RecordRegistryFollowUp':
      return command.data.correction ? correctFollowUp(command, state, ctx) : recordFollowUp(command, state, ctx);
  }
}

// ---- guards -------------------------------------------------------------------------

function assertExists(state: EpisodeState): void {
  if (state.status === 'none') notFound('No such episode.');
}

/** After the end nothing more happens, except journaling and registry follow-up. */
function assertActive(state: EpisodeState): void {
  assertExists(state);
  if (state.status !== 'active') refuse('EPISODE_ENDED', 'The episode has ended; only journaling and registry follow-up remain.');
}

/** The patient has access to material and messaging for the access period only. */
function assertAccessPeriod(state: EpisodeState, ctx: DecisionContext): void {
  if (state.accessUntil !== null && localDate(ctx.now) > state.accessUntil)
    refuse('ACCESS_PERIOD_OVER', `The access period ended on ${state.accessUntil}.`);
}

// ---- journal obligations ------------------------------------------------------------

function obligation(
  state: EpisodeState,
  ctx: DecisionContext,
  trigger: ObligationTrigger,
  triggerRevision: number,
  conversationId: string | null = null,
  therapistId = state.therapistId ?? ctx.actor.id,
  codes = state.journalCodes,
  diagnosisCode = state.diagnosisCode ?? '',
): EventOf<'JournalObligationRaised'> {
  return {
    type: 'JournalObligationRaised',
    data: {
      obligationId: conversationId ? `conversation-${conversationId}` : trigger,
      trigger,
      triggerRevision,
      conversationId,
      kvaCodes: [...(codes[trigger] ?? DEFAULT_UNIT_SETTINGS.journalCodes[trigger] ?? ['GB020'])],
      diagnosisCode,
      searchWord: JOURNAL_SEARCH_WORD,
      therapistId,
      at: ctx.now,
    },
  };
}

// ---- assignment ---------------------------------------------------------------------

function startAssignment(command: CommandOf<'StartAssignment'>, state: EpisodeState, ctx: DecisionContext): Events {
  if (state.status !== 'none') return refuse('EPISODE_ALREADY_STARTED', 'This episode has already been started.');
  const d = command.data;
  const today = localDate(ctx.now);
  const parsed = parseIdentityNumber(d.personnummer, today);
  if (!parsed.ok)
    return unacceptable('INVALID_PERSONNUMMER', `The personnummer is not valid: ${parsed.reason}.`, [{ path: 'personnummer', problem: parsed.reason }]);
  const diagnosis = findDiagnosis(d.diagnosisCode, today);
  if (!diagnosis)
    return unacceptable('UNKNOWN_DIAGNOSIS_CODE', 'The diagnosis must be an ICD-10-SE code of the osteoarthritis block M15-M19 in force today.', [
      { path: 'diagnosisCode', problem: 'not in the code list' },
    ]);

  const settings = ctx.settings ?? DEFAULT_UNIT_SETTINGS;
  const warnings: Warning[] = [];
  if (d.patientStatus?.hasLoggedIn === false) warnings.push('PATIENT_NEVER_LOGGED_IN');
  if (d.patientStatus?.notificationsEnabled === false) warnings.push('NOTIFICATIONS_DISABLED');

  const assignment: EventOf<'AssignmentStarted'> = {
    type: 'AssignmentStarted',
    data: {
      episodeId: d.episodeId,
      unitId: d.unitId,
      patient: { personnummer: parsed.value.canonical, kind: parsed.value.kind, birthDate: parsed.value.birthDate },
      therapistId: d.therapistId,
      assignedBy: ctx.actor.id,
      diagnosis: { code: diagnosis.code, examinedBy: d.examinedBy ?? d.therapistId, examinedOn: d.examinedOn ?? null },
      welcomeText: d.welcomeText ?? settings.welcomeText,
      accessUntil: addMonths(today, settings.accessMonths),
      warnings,
      journalCodes: settings.journalCodes,
      // Snapshotted like the KVÅ codes; absent when the unit keeps the default window.
      ...(settings.followUpWindow ? { followUpWindow: settings.followUpWindow } : {}),
      at: ctx.now,
    },
  };
  return [
    assignment,
    fee(d.feeExemption, parsed.value.birthDate, today, settings, ctx.now),
    obligation(state, ctx, 'assignment', state.revision + 1, null, d.therapistId, settings.journalCodes, diagnosis.code),
  ];
}

/** Exactly one fee line per episode: the charge, or an exemption with its reason. */
function fee(
  exemption: CommandOf<'StartAssignment'>['data']['feeExemption'],
  birthDate: string,
  today: string,
  settings: typeof DEFAULT_UNIT_SETTINGS,
  now: string,
): EpisodeEvent {
  if (exemption)
    return { type: 'FeeExempted', data: { kind: exemption.kind ?? 'other', reason: exemption.reason, waivedAmountSek: settings.feeSek, at: now } };
  const age = ageOn(birthDate, today);
  const rule = settings.ageExemption;
  if (rule && ((rule.under !== undefined && age < rule.under) || (rule.from !== undefined && age >= rule.from))) {
    const reason = rule.under !== undefined && age < rule.under ? `age ${age}, under ${rule.under}` : `age ${age}, ${rule.from} or older`;
    return { type: 'FeeExempted', data: { kind: 'age', reason: `Regional age rule: ${reason}`, waivedAmountSek: settings.feeSek, at: now } };
  }
  return { type: 'FeeCharged', data: { amountSek: settings.feeSek, currency: 'SEK', at: now } };
}

// ---- theory modules and progress ----------------------------------------------------

function hideOrShowModule(command: CommandOf<'HideModule' | 'ShowModule'>, state: EpisodeState, ctx: DecisionContext): Events {
  assertActive(state);
  const { moduleId } = command.data;
  if (!findModule(moduleId)) return unacceptable('UNKNOWN_MODULE', `No theory module "${moduleId}" (hip-knee or hand).`);
  const hidden = state.hiddenModules.includes(moduleId);
  if (command.type === 'HideModule') {
    if (hidden) return refuse('MODULE_ALREADY_HIDDEN', 'The module is already under "Kommande" (hidden).');
    return [{ type: 'ModuleHidden', data: { moduleId, by: ctx.actor.id, at: ctx.now } }];
  }
  if (!hidden) return refuse('MODULE_ALREADY_VISIBLE', 'The module is already visible to the patient.');
  return [{ type: 'ModuleShown', data: { moduleId, by: ctx.actor.id, at: ctx.now } }];
}

function completePart(command: CommandOf<'CompletePart'>, state: EpisodeState, ctx: DecisionContext): Events {
  assertActive(state);
  assertAccessPeriod(state, ctx);
  const { moduleId, partId } = command.data;
  const module = findModule(moduleId);
  if (!module) return unacceptable('UNKNOWN_MODULE', `No theory module "${moduleId}".`);
  if (!module.parts.some((p) => p.id === partId)) return unacceptable('UNKNOWN_PART', `Module "${moduleId}" has no part "${partId}".`);
  if (state.hiddenModules.includes(moduleId)) return refuse('MODULE_HIDDEN', 'The module is hidden from the patient.');
  const done = own(state.completedParts, moduleId) ?? [];
  if (done.includes(partId)) return [];
  const events: Events = [{ type: 'PartCompleted', data: { moduleId, partId, at: ctx.now } }];
  if (!state.schoolCompleted && module.parts.every((p) => p.id === partId || done.includes(p.id))) {
    events.push({ type: 'SchoolCompleted', data: { basis: 'all-parts-of-module', moduleId, at: ctx.now } });
    events.push(obligation(state, ctx, 'completed-school', state.revision + 2));
  }
  return events;
}

function revealExercises(command: CommandOf<'RevealExercises'>, state: EpisodeState, ctx: DecisionContext): Events {
  assertActive(state);
  const { programme, exerciseIds } = command.data;
  const known = findProgramme(programme)?.exercises.map((e) => e.id) ?? [];
  const unknown = exerciseIds.filter((id) => !known.includes(id));
  if (unknown.length > 0)
    return unacceptable(
      'UNKNOWN_EXERCISE',
      `Programme "${programme}" has no exercise ${unknown.map((u) => `"${u}"`).join(', ')}.`,
      unknown.map((id) => ({ path: 'exerciseIds', problem: `unknown exercise ${id}` })),
    );
  const introDone = catalogue.modules.some((m) =>
    m.parts.some((p) => p.trainingIntroduction && (own(state.completedParts, m.id) ?? []).includes(p.id)),
  );
  if (!introDone) return refuse('TRAINING_INTRODUCTION_NOT_COMPLETED', 'Exercise films can be added after the patient has completed the training introduction.');
  const already = own(state.revealedExercises, programme) ?? [];
  const fresh = [...new Set(exerciseIds)].filter((id) => !already.includes(id));
  if (fresh.length === 0) return [];
  return [{ type: 'ExercisesRevealed', data: { programme, exerciseIds: fresh, by: ctx.actor.id, at: ctx.now } }];
}

// ---- activity plan ------------------------------------------------------------------

function activatePlan(command: CommandOf<'ActivatePlan'>, state: EpisodeState, ctx: DecisionContext): Events {
  assertActive(state);
  if (state.plan) return refuse('PLAN_ALREADY_ACTIVE', 'The activity plan is already active.');
  const questions = planQuestions(command.data.questions);
  const schedule = planSchedule(command.data.schedule, localDate(ctx.now), state.accessUntil);
  return [{ type: 'PlanActivated', data: { questions, schedule, by: ctx.actor.id, at: ctx.now } }];
}

function planQuestions(input: CommandOf<'ActivatePlan'>['data']['questions']): PlanQuestion[] {
  if (!input) return catalogue.planQuestions.map((q) => ({ ...q, mandatory: false }));
  const ids = input.map((q) => q.id);
  if (new Set(ids).size !== ids.length) return unacceptable('DUPLICATE_QUESTION', 'Each question id may appear once.');
  return input.map((q) => {
    const known = findPlanQuestion(q.id);
    const text = q.text ?? known?.text;
    if (!text) return unacceptable('UNKNOWN_QUESTION', `Question "${q.id}" is not pre-filled; give it a text.`);
    return { id: q.id, text, answerType: q.answerType ?? known?.answerType ?? 'text', mandatory: q.mandatory ?? false };
  });
}

function planSchedule(input: CommandOf<'ActivatePlan'>['data']['schedule'], today: string, accessUntil: string | null): PlanSchedule {
  const repeat = input?.repeat ?? (input?.endDate ? 'until-date' : DEFAULT_PLAN_SCHEDULE.repeat);
  const schedule: PlanSchedule = {
    startDate: input?.startDate ?? today,
    repeat,
    endDate: repeat === 'until-date' ? (input?.endDate ?? null) : null,
    interval: input?.interval ?? DEFAULT_PLAN_SCHEDULE.interval,
    weekday: input?.weekday ?? DEFAULT_PLAN_SCHEDULE.weekday,
    time: input?.time ?? DEFAULT_PLAN_SCHEDULE.time,
    reportWindowDays: input?.reportWindowDays ?? DEFAULT_PLAN_SCHEDULE.reportWindowDays,
  };
  const invalid = (problem: string) => unacceptable('INVALID_SCHEDULE', `The schedule is not valid: ${problem}.`, [{ path: 'schedule', problem }]);
  if (!isValidDate(schedule.startDate)) invalid('startDate is not a calendar date');
  if (repeat === 'until-date' && !schedule.endDate) invalid('"until-date" needs an endDate');
  if (repeat !== 'until-date' && input?.endDate) invalid(`an endDate only goes with "until-date", not "${repeat}"`);
  if (schedule.endDate && schedule.endDate < schedule.startDate) invalid('endDate is before startDate');
  if (accessUntil && schedule.startDate > accessUntil) invalid('startDate is after the access period');
  return schedule;
}

function reportActivity(command: CommandOf<'ReportActivity'>, state: EpisodeState, ctx: DecisionContext): Events {
  assertActive(state);
  assertAccessPeriod(state, ctx);
  const plan = state.plan;
  if (!plan) return refuse('NO_ACTIVE_PLAN', 'The episode has no active activity plan.');
  const date = occasionDate(command.data.occasion);
  if (!isOccasion(plan.schedule, date)) return unacceptable('UNKNOWN_OCCASION', `${date} is not a scheduled occasion of the plan.`);
  const window = reportWindow(plan.schedule, date);
  // Instants compare as times, not strings: `now` may carry any offset.
  const now = Date.parse(ctx.now);
  if (now < Date.parse(window.opensAt)) return refuse('OCCASION_NOT_YET_OPEN', `Reporting for ${date} opens on that day.`);
  if (now >= Date.parse(window.closesAt)) return refuse('REPORT_WINDOW_CLOSED', `Reporting for ${date} closed ${plan.schedule.reportWindowDays} days after the occasion.`);
  if (own(state.reports, date)) return refuse('OCCASION_ALREADY_REPORTED', `The occasion ${date} is already reported.`);

  const answers = command.data.answers;
  for (const [id, value] of Object.entries(answers)) {
    const q = plan.questions.find((x) => x.id === id);
    if (!q) return unacceptable('UNKNOWN_QUESTION', `The plan has no question "${id}".`, [{ path: `answers.${id}`, problem: 'unknown question' }]);
    const ok =
      q.answerType === 'yes-no' ? typeof value === 'boolean'
      : q.answerType === 'scale-0-10' ? typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 10
      : typeof value === 'string';
    if (!ok) return unacceptable('INVALID_ANSWER', `The answer to "${id}" must be ${q.answerType}.`, [{ path: `answers.${id}`, problem: `expected ${q.answerType}` }]);
  }
  const missing = plan.questions.filter((q) => q.mandatory && (answers[q.id] === undefined || answers[q.id] === ''));
  if (missing.length > 0)
    throw new DomainError('MANDATORY_ANSWER_MISSING', `Mandatory questions unanswered: ${missing.map((q) => q.id).join(', ')}.`, 'rule',
      missing.map((q) => ({ path: `answers.${q.id}`, problem: 'mandatory' })));
  return [{ type: 'ActivityReported', data: { occasion: date, answers, at: ctx.now } }];
}

// ---- messages, therapist ------------------------------------------------------------

function sendMessage(command: CommandOf<'SendMessage'>, state: EpisodeState, ctx: DecisionContext): Events {
  assertActive(state);
  const fromPatient = ctx.actor.role === 'patient_gateway';
  if (fromPatient) assertAccessPeriod(state, ctx);
  const d = command.data;
  if (state.messages.some((m) => m.id === d.messageId)) return [];
  const existing = d.conversationId !== undefined && state.messages.some((m) => m.conversationId === d.conversationId);
  if (d.conversationId !== undefined && !existing) return unacceptable('UNKNOWN_CONVERSATION', 'No such conversation in this episode.');
  if (d.conversationId === undefined && state.messages.some((m) => m.conversationId === d.newConversationId))
    return unacceptable('DUPLICATE_CONVERSATION', 'A new conversation needs a fresh id.');
  const conversationId = d.conversationId ?? d.newConversationId;
  const sent: EventOf<'MessageSent'> = {
    type: 'MessageSent',
    data: {
      messageId: d.messageId,
      conversationId,
      startsConversation: !existing,
      senderRole: fromPatient ? 'patient' : 'therapist',
      senderId: ctx.actor.id,
      text: d.text,
      // "Avisera till inkorgen" is pre-ticked on the therapist's messages.
      notifyInbox: fromPatient ? false : (d.notifyInbox ?? true),
      at: ctx.now,
    },
  };
  // Each conversation is journaled once, as a summary.
  return existing ? [sent] : [sent, obligation(state, ctx, 'conversation', state.revision + 1, conversationId)];
}

function changeTherapist(command: CommandOf<'ChangeTherapist'>, state: EpisodeState, ctx: DecisionContext): Events {
  assertActive(state);
  const { therapistId, reason } = command.data;
  if (therapistId === state.therapistId) return refuse('SAME_THERAPIST', 'The patient already has this therapist.');
  if (reason === 'return') {
    if (!state.absentTherapistId) return refuse('NO_ABSENCE_TO_RETURN_FROM', 'The patient was not moved for an absence.');
    if (therapistId !== state.absentTherapistId) return refuse('NOT_ORDINARY_THERAPIST', 'A return goes back to the ordinary therapist.');
  }
  return [{ type: 'TherapistChanged', data: { fromTherapistId: state.therapistId ?? '', toTherapistId: therapistId, reason, by: ctx.actor.id, at: ctx.now } }];
}

// ---- journal ------------------------------------------------------------------------

function recordJournalEntry(command: CommandOf<'RecordJournalEntry'>, state: EpisodeState, ctx: DecisionContext): Events {
  assertExists(state);
  const { obligationId, journalReference, form } = command.data;
  const current = own(state.obligations, obligationId);
  if (!current) return unacceptable('UNKNOWN_OBLIGATION', `The episode has no journal obligation "${obligationId}".`);
  if (current.recorded) return refuse('OBLIGATION_ALREADY_RECORDED', 'This journal obligation is already recorded.');
  return [{ type: 'JournalEntryRecorded', data: { obligationId, journalReference: journalReference ?? null, form: form ?? null, by: ctx.actor.id, at: ctx.now } }];
}

function correctJournalEntry(command: CommandOf<'CorrectJournalEntry'>, state: EpisodeState, ctx: DecisionContext): Events {
  assertExists(state);
  const { obligationId, journalReference, reason } = command.data;
  const current = own(state.obligations, obligationId);
  if (!current) return unacceptable('UNKNOWN_OBLIGATION', `The episode has no journal obligation "${obligationId}".`);
  if (!current.recorded) return refuse('OBLIGATION_NOT_RECORDED', 'Only a recorded journal entry can be corrected.');
  return [
    {
      type: 'JournalEntryCorrected',
      data: { obligationId, correctsRevision: current.recorded.revision, journalReference: journalReference ?? null, reason, by: ctx.actor.id, at: ctx.now },
    },
  ];
}

// ---- end ----------------------------------------------------------------------------

/** "Avsluta": completed ("Moment slutfört") or abandoned ("Invånare avbryter momentet"). */
function endEpisode(command: CommandOf<'EndEpisode'>, state: EpisodeState, ctx: DecisionContext): Events {
  assertActive(state);
  const events: Events = [];
  let next = state.revision + 1;
  if (command.data.outcome === 'completed' && !state.schoolCompleted) {
    events.push({ type: 'SchoolCompleted', data: { basis: 'ended-as-completed', moduleId: null, at: ctx.now } });
    events.push(obligation(state, ctx, 'completed-school', next));
    next += 2;
  }
  events.push(
    command.data.outcome === 'completed'
      ? { type: 'EpisodeCompleted', data: { by: ctx.actor.id, at: ctx.now } }
      : { type: 'EpisodeAbandoned', data: { by: ctx.actor.id, at: ctx.now } },
  );
  events.push(obligation(state, ctx, 'end', next));
  return events;
}
