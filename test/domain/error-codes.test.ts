// Every refusal's code is the API contract's: the codes the contract fixes come with its
// status family, and every code the domain can raise is documented in docs/api.md with the
// status its kind maps to (rule 409, unacceptable 422, not_found 404).
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { isDomainError, play, scenarios } from './episode-scenarios';
import { activeEpisodeSpec, unitSpec } from './decider-specification';
import { UNIT_ID, assigned, messageSent, obligationRaised } from './fixtures';
import { episodeSpec } from './decider-specification';
import type { DomainError, DomainErrorKind } from '../../src/domain/shared/domain-error';

const STATUS: Record<DomainErrorKind, number> = { rule: 409, unacceptable: 422, not_found: 404 };

/** Status per code, from the tables of docs/api.md. */
const documented = (() => {
  const out = new Map<string, number>();
  const text = fs.readFileSync(path.join(__dirname, '../../docs/api.md'), 'utf8');
  for (const line of text.split('\n')) {
    const m = /^\| (\d{3}) \| ([^|]+) \|/.exec(line);
    if (m) for (const code of m[2]!.matchAll(/`([A-Z_]+)`/g)) out.set(code[1]!, Number(m[1]));
  }
  return out;
})();

/** Every code written in src/domain: refuse('X', ...), unacceptable('X', ...), new DomainError('X', ...). */
const inSource = (() => {
  const codes = new Set<string>();
  const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(path.join(dir, d.name)) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : []));
  for (const file of walk(path.join(__dirname, '../../src/domain')))
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/(?:refuse|unacceptable|DomainError)\(\s*'([A-Z_]+)'/g)) codes.add(m[1]!);
  return codes;
})();

/** The codes ../shared/docs/api-contract.md fixes, with their status. */
const CONTRACT: Record<string, number> = {
  ACTIVE_EPISODE_EXISTS: 409, EPISODE_ENDED: 409, TRAINING_INTRODUCTION_NOT_COMPLETED: 409, MODULE_ALREADY_HIDDEN: 409,
  MODULE_ALREADY_VISIBLE: 409, PLAN_ALREADY_ACTIVE: 409, NO_ACTIVE_PLAN: 409, REPORT_WINDOW_CLOSED: 409,
  MANDATORY_ANSWER_MISSING: 409, ACCESS_PERIOD_OVER: 409, SAME_THERAPIST: 409, OBLIGATION_ALREADY_RECORDED: 409,
  INVALID_PERSONNUMMER: 422, UNKNOWN_DIAGNOSIS_CODE: 422, UNKNOWN_MODULE: 422, UNKNOWN_EXERCISE: 422, UNKNOWN_PART: 422,
  NOT_FOUND: 404,
};

/** Refusals the episode scenarios draw, and those of the unit and the patient's reservation stream. */
const raised = (() => {
  const errors: DomainError[] = [];
  for (const scenario of fc.sample(scenarios, { numRuns: 400, seed: 7 }))
    for (const o of play(scenario).outcomes) if (isDomainError(o.error)) errors.push(o.error);
  const unit = unitSpec();
  errors.push(
    unit.given([]).when({ type: 'ChangeUnitSettings', data: { unitId: UNIT_ID, settings: { feeSek: -1 } } }).thenThrows('INVALID_SETTINGS'),
    unit.given([]).when({ type: 'PublishAbsenceNotice', data: { unitId: UNIT_ID, noticeId: 'n', from: '2027-01-02T00:00:00Z', to: '2027-01-01T00:00:00Z', text: 't' } }).thenThrows('INVALID_ABSENCE_WINDOW'),
    unit.given([]).when({ type: 'PublishAbsenceNotice', data: { unitId: UNIT_ID, noticeId: 'n', from: '2020-01-01T00:00:00Z', to: '2020-01-02T00:00:00Z', text: 't' } }).thenThrows('ABSENCE_WINDOW_PASSED'),
    unit.given([]).when({ type: 'WithdrawAbsenceNotice', data: { unitId: UNIT_ID, noticeId: 'n' } }).thenThrows('NOT_FOUND'),
  );
  errors.push(
    episodeSpec()
      .given([...assigned(), messageSent('m1', 'c1', { startsConversation: true }), obligationRaised('conversation', 3, { conversationId: 'c1' })])
      .when({ type: 'SendMessage', data: { messageId: 'm2', newConversationId: 'c1', text: 'Hej' } })
      .thenThrows('DUPLICATE_CONVERSATION'),
  );
  const reserved = { type: 'EpisodeReserved', data: { episodeId: 'e1', at: '2026-11-22T09:00:00.000Z' } } as const;
  errors.push(
    activeEpisodeSpec().given([reserved]).when({ type: 'Reserve', episodeId: 'e2' }).thenThrows('ACTIVE_EPISODE_EXISTS'),
    activeEpisodeSpec().given([reserved]).when({ type: 'Erase', reason: 'GDPR' }).thenThrows('PATIENT_HAS_ACTIVE_EPISODE'),
  );
  return errors;
})();

describe('error codes', () => {
  it('raises every code the contract fixes, with the contract\'s status', () => {
    const byCode = new Map(raised.map((e) => [e.code, STATUS[e.kind]]));
    for (const [code, status] of Object.entries(CONTRACT)) expect([code, byCode.get(code)]).toEqual([code, status]);
  });

  it('documents every code the domain raises in docs/api.md, with the status of its kind', () => {
    const seen = new Map<string, Set<number>>();
    for (const e of raised) seen.set(e.code, (seen.get(e.code) ?? new Set()).add(STATUS[e.kind]));
    // Every code of the source is raised above, so none escapes this check.
    expect([...inSource].filter((code) => !seen.has(code))).toEqual([]);
    for (const [code, statuses] of seen) expect([code, [...statuses]]).toEqual([code, [documented.get(code)]]);
  });

  it('documents the contract\'s codes with the contract\'s status', () => {
    for (const [code, status] of Object.entries(CONTRACT)) expect([code, documented.get(code)]).toEqual([code, status]);
  });
});
