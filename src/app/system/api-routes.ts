// The API's routes, described once for the OpenAPI document and the authorization matrix
// (docs/authorization.md). Bodies are the same zod schemas that validate requests.
import type { z } from 'zod';
import type { ActorRole } from '../../domain/episode/commands';
import * as S from '../episodes/request-schemas';
import { ErasureBody } from '../privacy/erasure.service';
import * as Q from '../read/query-schemas';

export interface RouteDoc {
  readonly method: 'get' | 'post' | 'put' | 'delete';
  readonly path: string;
  readonly summary: string;
  /** Roles allowed; empty for public routes. */
  readonly roles: readonly ActorRole[];
  readonly body?: z.ZodType;
  readonly status: number;
  readonly tag: string;
  /** Query parameters described by name (when no schema validates them here). */
  readonly query?: Readonly<Record<string, string>>;
  /** The zod object that validates the query: its fields become the documented parameters. */
  readonly querySchema?: z.ZodObject;
  /** Other representations than JSON (e.g. text/csv). */
  readonly produces?: readonly string[];
}

const staff: ActorRole[] = ['therapist', 'unit_admin'];
const reads = 'reads';

export const API_ROUTES: readonly RouteDoc[] = [
  { method: 'get', path: '/health', summary: 'Liveness, store and projection lag', roles: [], status: 200, tag: 'system' },
  { method: 'get', path: '/openapi.json', summary: 'This document', roles: [], status: 200, tag: 'system' },
  { method: 'get', path: '/catalogue', summary: 'Modules with parts, exercise programmes, pre-filled plan questions', roles: ['therapist', 'unit_admin', 'auditor', 'reporting', 'patient_gateway'], status: 200, tag: 'reference' },
  { method: 'post', path: '/episodes', summary: 'Assign the Digital Artrosskola to a patient ("Starta momentet")', roles: staff, body: S.AssignBody, status: 201, tag: 'episodes' },
  { method: 'put', path: '/episodes/{id}/welcome-text', summary: 'Edit the welcome text (Välkomsttext)', roles: staff, body: S.WelcomeTextBody, status: 200, tag: 'episodes' },
  { method: 'post', path: '/episodes/{id}/modules/{moduleId}/hide', summary: 'Move a theory module to "Kommande" (hidden)', roles: staff, status: 200, tag: 'episodes' },
  { method: 'post', path: '/episodes/{id}/modules/{moduleId}/show', summary: 'Show a hidden theory module again', roles: staff, status: 200, tag: 'episodes' },
  { method: 'post', path: '/episodes/{id}/progress', summary: 'The patient completed a part (shown green)', roles: ['patient_gateway'], body: S.ProgressBody, status: 200, tag: 'episodes' },
  { method: 'post', path: '/episodes/{id}/exercises', summary: 'Reveal exercise films (after the training introduction)', roles: staff, body: S.ExercisesBody, status: 200, tag: 'episodes' },
  { method: 'post', path: '/episodes/{id}/activity-plan', summary: 'Save and activate the activity plan (Uppföljning träning)', roles: staff, body: S.ActivityPlanBody, status: 200, tag: 'episodes' },
  { method: 'post', path: '/episodes/{id}/activity-reports', summary: "The patient's report for a scheduled occasion", roles: ['patient_gateway'], body: S.ActivityReportBody, status: 200, tag: 'episodes' },
  { method: 'post', path: '/episodes/{id}/messages', summary: 'Send a message (new conversation or reply)', roles: ['therapist', 'patient_gateway'], body: S.MessageBody, status: 201, tag: 'messages' },
  { method: 'post', path: '/episodes/{id}/messages/read', summary: "Mark the patient's messages read", roles: ['therapist'], body: S.MessagesReadBody, status: 200, tag: 'messages' },
  { method: 'post', path: '/episodes/{id}/therapist', summary: 'Change therapist (Byt behandlare): absence, reassignment, return', roles: staff, body: S.TherapistBody, status: 200, tag: 'episodes' },
  { method: 'post', path: '/episodes/{id}/journal-entries', summary: 'Record that a journal obligation was journaled in the EHR', roles: staff, body: S.JournalEntryBody, status: 200, tag: 'journal' },
  { method: 'post', path: '/episodes/{id}/journal-corrections', summary: 'Correct a recorded journal entry (a new event; nothing is edited)', roles: staff, body: S.JournalCorrectionBody, status: 200, tag: 'journal' },
  { method: 'post', path: '/episodes/{id}/registry-follow-ups', summary: 'Record a quality-registry (BOA) follow-up', roles: staff, body: S.FollowUpBody, status: 200, tag: 'episodes' },
  { method: 'post', path: '/episodes/{id}/end', summary: 'End the episode (Avsluta): completed or abandoned', roles: staff, body: S.EndBody, status: 200, tag: 'episodes' },
  { method: 'post', path: '/units/{unitId}/absence-notices', summary: 'Publish a unit-wide absence notice to citizens', roles: ['unit_admin'], body: S.AbsenceNoticeBody, status: 201, tag: 'units' },
  { method: 'delete', path: '/units/{unitId}/absence-notices/{noticeId}', summary: 'Withdraw an absence notice', roles: ['unit_admin'], status: 200, tag: 'units' },
  { method: 'post', path: '/units/{unitId}/patient-erasures', summary: 'Erase personal data outside the journal (crypto-shredding); refused during an active episode', roles: ['unit_admin'], body: ErasureBody, status: 200, tag: 'privacy' },
  { method: 'put', path: '/units/{unitId}/settings', summary: "Change the unit's settings (fee, access months, welcome text, KVÅ codes, age rule)", roles: ['unit_admin'], body: S.UnitSettingsBody, status: 200, tag: 'units' },
  { method: 'get', path: '/episodes/{id}', summary: 'The progress view: modules and parts done, exercises, activity plan with occasions and adherence, messages, status', roles: ['therapist', 'unit_admin', 'auditor'], status: 200, tag: reads },
  { method: 'get', path: '/episodes/{id}/messages', summary: 'Conversations with their messages in order', roles: ['therapist', 'unit_admin', 'patient_gateway'], status: 200, tag: reads },
  { method: 'get', path: '/episodes/{id}/patient-view', summary: 'What the patient sees in 1177 (hidden modules do not appear)', roles: ['patient_gateway'], status: 200, tag: reads },
  { method: 'get', path: '/episodes/{id}/timeline', summary: "The auditor's timeline: every event with the state after it", roles: ['auditor', 'unit_admin'], status: 200, tag: 'audit', query: { revision: 'state as of this revision', at: 'state as of this instant (ISO 8601)', fromRevision: 'first revision of the page', limit: 'entries per page (max 1000)' } },
  { method: 'get', path: '/episodes/{id}/export', summary: "One episode's complete history with envelopes, for import elsewhere", roles: ['auditor'], status: 200, tag: 'audit' },
  { method: 'get', path: '/units/{unitId}/absence-notices', summary: "The unit's absence notices to citizens", roles: ['unit_admin', 'therapist', 'patient_gateway'], status: 200, tag: reads, querySchema: Q.AbsenceNoticesQuery },
  { method: 'get', path: '/dashboard', summary: "Active episodes of the therapist (own) or the unit, with progress, unread marker and warnings", roles: staff, status: 200, tag: reads, querySchema: Q.DashboardQuery },
  { method: 'get', path: '/billing/ledger', summary: 'Fee lines (charges and exemptions) with totals and reconciliation; Accept: text/csv for CSV', roles: ['unit_admin', 'reporting'], status: 200, tag: reads, querySchema: Q.LedgerQuery, produces: ['text/csv'] },
  { method: 'get', path: '/journal/obligations', summary: 'Journal obligations with KVÅ codes, diagnosis, search word and status; compliance per unit and therapist', roles: ['therapist', 'unit_admin', 'auditor'], status: 200, tag: reads, querySchema: Q.ObligationsQuery },
  { method: 'get', path: '/reports/outcomes', summary: 'Outcomes per unit and month: volumes, completion, abandonment, days to end, adherence (no personal data)', roles: ['reporting', 'unit_admin'], status: 200, tag: reads, querySchema: Q.OutcomesQuery },
  { method: 'get', path: '/access-log', summary: "Who read which patient's data: a patient's extract (?personnummer=) or a user's report (?userId=)", roles: ['auditor'], status: 200, tag: 'audit', query: { personnummer: "the patient's personnummer", userId: "the user's HSA id", unitId: 'the reading unit', from: 'ISO 8601', to: 'ISO 8601', afterSeq: 'paging', limit: 'max 1000' } },
];
