// The answers of the reads over many episodes: the dashboard, the unit's absence notices,
// the billing ledger, the journal obligations and the outcomes report.
import { z } from 'zod';
import { ObligationTrigger } from '../../domain/rules';
import { UnreadCount } from './episode-read-answers';
import {
  ConversationId,
  DiagnosisCode,
  EpisodeId,
  Instant,
  KvaCode,
  LocalDate,
  ModuleId,
  Month,
  NoticeId,
  ObligationId,
  OffsetPage,
  PersonnummerMasked,
  Revision,
  TherapistId,
  UnitId,
  UserId,
  Warnings,
} from './answer-fields';

export const AbsenceNotice = z.object({
  noticeId: NoticeId,
  unitId: UnitId,
  from: Instant,
  to: Instant,
  text: z.string().meta({ example: 'Mottagningen är stängd 23-25 november. Vid akuta besvär, ring 1177.' }),
  publishedAt: Instant,
  publishedBy: UserId,
  withdrawn: z.boolean(),
  withdrawnAt: Instant.nullable(),
});

/** `GET /dashboard`. */
export const DashboardView = z.object({
  unitId: UnitId,
  therapistId: TherapistId.nullable().meta({ description: "The therapist whose patients are shown; null for the whole unit." }),
  sort: z.enum(['assignedAt', '-assignedAt']),
  episodes: z.array(
    z.object({
      episodeId: EpisodeId,
      unitId: UnitId,
      patient: z.object({ personnummerMasked: PersonnummerMasked }),
      therapistId: TherapistId,
      assignedAt: Instant.meta({ description: 'Momentstart.' }),
      accessUntil: LocalDate,
      progress: z.object({
        partsDone: z.number().int().min(0).meta({ example: 2 }),
        totalParts: z.number().int().min(0).nullable().meta({ example: 12 }),
        hiddenModules: z.array(ModuleId),
      }),
      unreadCount: UnreadCount,
      unreadMessages: z.object({
        marker: z.boolean().meta({ description: 'Unread patient messages exist.' }),
        count: UnreadCount.meta({ deprecated: true, description: 'Deprecated: use the episode\'s `unreadCount`. Kept for one version (docs/api.md).' }),
        lastPatientMessageAt: Instant.nullable(),
      }),
      warnings: Warnings,
      registryFollowUpDue: z.boolean().meta({ description: 'A quality-registry follow-up of this episode is due now (inside its window, not recorded).' }),
    }),
  ),
  absenceNotice: AbsenceNotice.nullable(),
  page: OffsetPage,
});

/** `GET /units/{unitId}/absence-notices`. */
export const AbsenceNoticesView = z.object({ unitId: UnitId, notices: z.array(AbsenceNotice) });

const LedgerLine = z.object({
  lineId: z.string().meta({ description: 'The id of the fee event.', example: '3f2a9c1e-7b4d-4e8a-9c21-5d6e7f8a9b0c' }),
  date: LocalDate.meta({ example: '2026-11-22' }),
  at: Instant,
  unitId: UnitId,
  episodeId: EpisodeId,
  personnummerMasked: PersonnummerMasked,
  patient: PersonnummerMasked.meta({ deprecated: true, description: 'Deprecated: use `personnummerMasked`. Kept for one version (docs/api.md).' }),
  kind: z.enum(['charge', 'exemption']),
  amountSek: z.number().int().min(0).meta({ example: 200 }),
  exemptionKind: z.enum(['high-cost-card', 'age', 'other']).nullable(),
  reason: z.string().nullable().meta({ description: 'The exemption reason (personal data); null for a charge.' }),
  waivedSek: z.number().int().min(0).meta({ example: 0 }),
});

/** `GET /billing/ledger` as JSON (`Accept: text/csv` gives the same lines as CSV). */
export const LedgerView = z.object({
  unitId: UnitId.nullable(),
  from: LocalDate.nullable(),
  to: LocalDate.nullable(),
  lines: z.array(LedgerLine),
  totals: z.object({
    chargedSek: z.number().int().meta({ example: 200 }),
    charges: z.number().int().meta({ example: 1 }),
    exemptions: z.number().int().meta({ example: 0 }),
    waivedSek: z.number().int().meta({ example: 0 }),
  }),
  reconciliation: z.object({
    assignments: z.number().int(),
    feeLines: z.number().int(),
    balanced: z.boolean().meta({ description: 'Charges plus exemptions equal assignments.' }),
  }),
});

export const LedgerCsv = z.string().meta({
  description: 'Columns date,unit_id,episode_id,patient,kind,amount_sek,exemption_kind,reason,waived_sek,recorded_at,line_id; the patient masked.',
  example:
    'date,unit_id,episode_id,patient,kind,amount_sek,exemption_kind,reason,waived_sek,recorded_at,line_id\r\n' +
    '2026-11-22,SE2321000131-E001,01KAX1Z3Q8M5N7P2R4S6T8V0WY,19121212-****,charge,200,,,0,2026-11-22T09:00:00.000Z,3f2a9c1e-7b4d-4e8a-9c21-5d6e7f8a9b0c\r\n',
});

const Compliance = {
  total: z.number().int(),
  recorded: z.number().int(),
  outstanding: z.number().int(),
  shareRecorded: z.number().nullable(),
  oldestOutstandingAt: Instant.nullable(),
};

/** `GET /journal/obligations`. */
export const ObligationsView = z.object({
  unitId: UnitId.nullable(),
  obligations: z.array(
    z.object({
      episodeId: EpisodeId,
      unitId: UnitId,
      obligationId: ObligationId,
      trigger: ObligationTrigger,
      triggerRevision: Revision,
      conversationId: ConversationId.nullable(),
      raisedAt: Instant,
      therapistId: TherapistId,
      kvaCodes: z.array(KvaCode).meta({ example: ['GB020', 'ZV044'] }),
      diagnosisCode: DiagnosisCode,
      searchWord: z.string().meta({ example: 'Artrosbehandling' }),
      status: z.enum(['outstanding', 'recorded']),
      recorded: z
        .object({ by: UserId, at: Instant, journalReference: z.string().nullable().meta({ example: 'COSMIC-1' }), form: z.enum(['contact', 'note']).nullable() })
        .nullable(),
      corrections: z.object({
        count: z.number().int().min(0),
        latestReference: z.string().nullable(),
        latestAt: Instant.nullable(),
        latestBy: UserId.nullable(),
      }),
    }),
  ),
  compliance: z.object({
    units: z.array(z.object({ unitId: UnitId, ...Compliance })),
    therapists: z.array(z.object({ unitId: UnitId, therapistId: TherapistId, ...Compliance })),
  }),
  page: OffsetPage,
});

const Pain = z.object({ count: z.number().int().min(0), meanPain: z.number().nullable() });

/** `GET /reports/outcomes`: no personal data. */
export const OutcomesView = z.object({
  unitId: UnitId.nullable(),
  from: Month.nullable(),
  to: Month.nullable(),
  today: LocalDate,
  lines: z.array(
    z.object({
      unitId: UnitId,
      month: Month.meta({ description: 'Month of assignment.' }),
      assignments: z.number().int().min(0).meta({ example: 12 }),
      completed: z.number().int().min(0).meta({ example: 8 }),
      abandoned: z.number().int().min(0).meta({ example: 1 }),
      active: z.number().int().min(0).meta({ example: 3 }),
      completionRate: z.number().min(0).max(1).meta({ example: 0.67 }),
      abandonmentRate: z.number().min(0).max(1).meta({ example: 0.08 }),
      meanDaysToEnd: z.number().nullable().meta({ example: 71.5 }),
      medianDaysToEnd: z.number().nullable().meta({ example: 70 }),
      activityPlan: z.object({
        episodesWithPlan: z.number().int().min(0),
        occasionsReported: z.number().int().min(0),
        occasionsDue: z.number().int().min(0).nullable(),
        adherence: z.number().min(0).max(1).nullable(),
      }),
      messagesPerEpisode: z.number().min(0).meta({ example: 2.5 }),
      exemptions: z.number().int().min(0),
      registry: z.object({ baseline: Pain, threeMonths: Pain, twelveMonths: Pain }),
    }),
  ),
});
