// Every error code is a member of the typed union of src/domain/error-codes.ts, with one
// status. Checked here against it: the codes the API contract fixes, the tables of
// docs/api.md, the refusals the deciders raise, and what the HTTP edge answers.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { HttpException, NotFoundException } from '@nestjs/common';
import { z } from 'zod';
import {
  DOMAIN_ERROR_CODES,
  ERROR_CODES,
  HTTP_ERROR_CODES,
  STATUS_OF_KIND,
  isErrorCode,
  kindOf,
  statusOf,
  type DomainErrorCode,
  type ErrorCode,
} from '../../src/domain/error-codes';
import { DomainError, refuse, unacceptable } from '../../src/domain/shared/domain-error';
import { ApiError } from '../../src/app/http/api-error';
import { STATUS_CODE, toApiError } from '../../src/app/http/error.filter';
import { rawErrorResponse } from '../../src/app/http/client-errors';
import { StoreUnavailableError, WrongExpectedRevisionError } from '../../src/event-store/event-store';
import { isDomainError, play, scenarios } from './episode-scenarios';
import { activeEpisodeSpec, episodeSpec, unitSpec } from './decider-specification';
import { UNIT_ID, assigned, messageSent, obligationRaised } from './fixtures';

/** The codes ../shared/docs/api-contract.md fixes, with their status; a misspelt one does not compile. */
const CONTRACT = {
  VALIDATION_FAILED: 400, NOT_FOUND: 404, REVISION_MISMATCH: 412, STORE_UNAVAILABLE: 503, PROJECTION_BEHIND: 503,
  ACTIVE_EPISODE_EXISTS: 409, EPISODE_ENDED: 409, TRAINING_INTRODUCTION_NOT_COMPLETED: 409, MODULE_ALREADY_HIDDEN: 409,
  MODULE_ALREADY_VISIBLE: 409, PLAN_ALREADY_ACTIVE: 409, NO_ACTIVE_PLAN: 409, REPORT_WINDOW_CLOSED: 409,
  MANDATORY_ANSWER_MISSING: 409, ACCESS_PERIOD_OVER: 409, SAME_THERAPIST: 409, OBLIGATION_ALREADY_RECORDED: 409,
  INVALID_PERSONNUMMER: 422, UNKNOWN_DIAGNOSIS_CODE: 422, UNKNOWN_MODULE: 422, UNKNOWN_EXERCISE: 422, UNKNOWN_PART: 422,
} as const satisfies Partial<Record<ErrorCode, number>>;

/** Status per code, from the tables of docs/api.md. */
const documented = (() => {
  const out = new Map<string, number[]>();
  const text = fs.readFileSync(path.join(__dirname, '../../docs/api.md'), 'utf8');
  for (const line of text.split('\n')) {
    const m = /^\| (\d{3}) \| ([^|]+) \|/.exec(line);
    if (m) for (const code of m[2]!.matchAll(/`([A-Z_]+)`/g)) out.set(code[1]!, [...(out.get(code[1]!) ?? []), Number(m[1])]);
  }
  return out;
})();

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
    activeEpisodeSpec().given([reserved]).when({ type: 'ReserveEpisode', data: { episodeId: 'e2' } }).thenThrows('ACTIVE_EPISODE_EXISTS'),
    activeEpisodeSpec().given([reserved]).when({ type: 'ErasePatientData', data: { reason: 'GDPR' } }).thenThrows('PATIENT_HAS_ACTIVE_EPISODE'),
  );
  return errors;
})();

describe('the error-code catalogue', () => {
  it('lists every code once, with the status of its kind or its own', () => {
    expect(new Set(ERROR_CODES.map((e) => e.code)).size).toBe(ERROR_CODES.length);
    expect(ERROR_CODES).toHaveLength(Object.keys(DOMAIN_ERROR_CODES).length + Object.keys(HTTP_ERROR_CODES).length);
    for (const e of ERROR_CODES) {
      expect(e.meaning.length).toBeGreaterThan(10);
      expect(e.meaning).not.toContain('\n');
      if (e.kind !== 'http') expect([e.code, e.status]).toEqual([e.code, STATUS_OF_KIND[e.kind]]);
      expect(statusOf(e.code)).toBe(e.status);
    }
    expect(ERROR_CODES.map((e) => e.status)).toEqual([...ERROR_CODES.map((e) => e.status)].sort((a, b) => a - b));
  });

  it('tells its codes from other strings', () => {
    expect(isErrorCode('EPISODE_ENDED')).toBe(true);
    expect(isErrorCode('IDEMPOTENCY_KEY_REUSED')).toBe(true);
    expect(isErrorCode('EPISODE_ENDDED')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
  });

  it('gives a DomainError the kind of its code unless told otherwise', () => {
    expect(new DomainError('UNKNOWN_MODULE', 'm')).toMatchObject({ code: 'UNKNOWN_MODULE', kind: 'unacceptable' });
    expect(new DomainError('EPISODE_ENDED', 'm')).toMatchObject({ kind: 'rule' });
    expect(new DomainError('NOT_FOUND', 'm')).toMatchObject({ kind: 'not_found' });
    expect(() => refuse('EPISODE_ENDED', 'm')).toThrow(expect.objectContaining({ code: 'EPISODE_ENDED', kind: 'rule' }));
    expect(() => unacceptable('UNKNOWN_PART', 'm', [{ path: 'partId' }])).toThrow(expect.objectContaining({ kind: 'unacceptable', details: [{ path: 'partId' }] }));
  });
});

describe('error codes', () => {
  it("has every code the contract fixes, with the contract's status, and the deciders raise its domain codes so", () => {
    const raisedStatus = new Map(raised.map((e) => [e.code, STATUS_OF_KIND[e.kind]]));
    for (const [code, status] of Object.entries(CONTRACT) as [ErrorCode, number][]) {
      expect([code, statusOf(code)]).toEqual([code, status]);
      if (code in DOMAIN_ERROR_CODES) expect([code, raisedStatus.get(code as DomainErrorCode)]).toEqual([code, status]);
    }
  });

  it('raises every domain code, each always with the kind the catalogue gives it', () => {
    const seen = new Map<DomainErrorCode, Set<string>>();
    for (const e of raised) seen.set(e.code, (seen.get(e.code) ?? new Set()).add(e.kind));
    // A code no decider raises any more is dead: take it out of the catalogue (and docs/api.md).
    expect((Object.keys(DOMAIN_ERROR_CODES) as DomainErrorCode[]).filter((code) => !seen.has(code))).toEqual([]);
    for (const [code, kinds] of seen) expect([code, [...kinds]]).toEqual([code, [kindOf(code)]]);
  });

  it('documents every code in docs/api.md with its status, and documents no other', () => {
    for (const { code, status } of ERROR_CODES) expect([code, documented.get(code)]).toEqual([code, [status]]);
    expect([...documented.keys()].filter((code) => !isErrorCode(code))).toEqual([]);
  });
});

describe('the HTTP edge answers with catalogue codes and their status', () => {
  it('turns every DomainError into the status of its kind', () => {
    for (const e of raised) expect(toApiError(e)).toMatchObject({ status: STATUS_OF_KIND[e.kind], code: e.code, message: e.message });
  });

  it('maps store, validation and unexpected failures', () => {
    const zodError = z.object({ a: z.string() }).safeParse({}).error!;
    const cases: [unknown, ErrorCode][] = [
      [new WrongExpectedRevisionError('episode-1', 3, 4), 'CONCURRENCY_CONFLICT'],
      [new StoreUnavailableError('down'), 'STORE_UNAVAILABLE'],
      [zodError, 'VALIDATION_FAILED'],
      [Object.assign(new Error('bad json'), { status: 400, type: 'entity.parse.failed' }), 'VALIDATION_FAILED'],
      [Object.assign(new Error('big'), { status: 413, type: 'entity.too.large' }), 'PAYLOAD_TOO_LARGE'],
      [Object.assign(new Error('charset'), { status: 415, type: 'charset.unsupported' }), 'UNSUPPORTED_MEDIA_TYPE'],
      [new NotFoundException(), 'NOT_FOUND'],
      [new Error('boom'), 'INTERNAL_ERROR'],
    ];
    for (const [exception, code] of cases) expect(toApiError(exception)).toMatchObject({ code, status: statusOf(code) });
  });

  it("answers a framework status with the code listed for it, and one it has no code for as BAD_REQUEST with that status", () => {
    for (const [status, code] of Object.entries(STATUS_CODE)) {
      expect([code, statusOf(code!)]).toEqual([code, Number(status)]);
      expect(toApiError(new HttpException('x', Number(status)))).toMatchObject({ status: Number(status), code });
    }
    expect(toApiError(new HttpException('gone', 410))).toMatchObject({ status: 410, code: 'BAD_REQUEST' });
  });

  it("answers what Node's HTTP parser refuses with a catalogue code and its status", () => {
    for (const nodeCode of ['HPE_HEADER_OVERFLOW', 'HPE_REQUEST_TIMEOUT', 'ERR_HTTP_REQUEST_TIMEOUT', 'HPE_INVALID_METHOD', undefined]) {
      const raw = rawErrorResponse(nodeCode);
      const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(raw)![1]);
      const { error } = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as { error: { code: ErrorCode } };
      expect([error.code, statusOf(error.code)]).toEqual([error.code, status]);
    }
  });
});

// Checked by the type-check (npm run typecheck), never run: each line must fail to compile.
export function mustNotCompile(): void {
  // @ts-expect-error a misspelt code
  refuse('EPISODE_ENDDED', 'm');
  // @ts-expect-error refuse takes the rule codes (409) only
  refuse('UNKNOWN_MODULE', 'm');
  // @ts-expect-error unacceptable takes the 422 codes only
  unacceptable('EPISODE_ENDED', 'm');
  // @ts-expect-error an HTTP-only code is no DomainError
  new DomainError('REVISION_MISMATCH', 'm');
  // @ts-expect-error a misspelt HTTP code
  new ApiError(400, 'VALIDATION_FAIL', 'm');
}
