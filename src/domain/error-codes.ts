// Every error code the service answers with, in one place: the codes a decider refuses with
// (their kind gives the status) and those only the HTTP edge raises. The codes are part of the
// contract (../shared/docs/api-contract.md; the project's own page is docs/api.md), so they
// are a typed union: a misspelt code does not compile. ERROR_CODES lists them with status and
// meaning for the OpenAPI document.

/** 409: a rule refused the command. 422: a value is well-formed but not acceptable. 404: no such thing. */
export type DomainErrorKind = 'rule' | 'unacceptable' | 'not_found';

export const STATUS_OF_KIND = { rule: 409, unacceptable: 422, not_found: 404 } as const satisfies Record<DomainErrorKind, number>;

interface DomainCodeInfo {
  readonly kind: DomainErrorKind;
  readonly meaning: string;
}
interface HttpCodeInfo {
  readonly status: number;
  readonly meaning: string;
}

/** Codes of DomainError: refusals by the deciders, and by the write path on their behalf. */
export const DOMAIN_ERROR_CODES = {
  ACTIVE_EPISODE_EXISTS: { kind: 'rule', meaning: 'the patient already has an active episode at the unit' },
  EPISODE_ENDED: { kind: 'rule', meaning: 'the episode has ended; only journaling and registry follow-up remain' },
  EPISODE_ALREADY_STARTED: { kind: 'rule', meaning: '(internal) an assignment to an existing stream' },
  TRAINING_INTRODUCTION_NOT_COMPLETED: { kind: 'rule', meaning: 'exercise films before the patient completed a training introduction' },
  MODULE_ALREADY_HIDDEN: { kind: 'rule', meaning: 'the module is already hidden' },
  MODULE_ALREADY_VISIBLE: { kind: 'rule', meaning: 'the module is already visible' },
  MODULE_HIDDEN: { kind: 'rule', meaning: 'the patient completes a part of a module that is hidden from them' },
  PLAN_ALREADY_ACTIVE: { kind: 'rule', meaning: 'the activity plan is already active' },
  NO_ACTIVE_PLAN: { kind: 'rule', meaning: 'an activity report without an active plan' },
  OCCASION_NOT_YET_OPEN: { kind: 'rule', meaning: "a report before the occasion's day" },
  REPORT_WINDOW_CLOSED: { kind: 'rule', meaning: "a report after the occasion's report window" },
  OCCASION_ALREADY_REPORTED: { kind: 'rule', meaning: 'a second report for one occasion' },
  MANDATORY_ANSWER_MISSING: { kind: 'rule', meaning: 'a mandatory question of the activity plan is unanswered' },
  ACCESS_PERIOD_OVER: { kind: 'rule', meaning: 'a patient action after the access period' },
  SAME_THERAPIST: { kind: 'rule', meaning: 'a therapist change to the therapist the patient already has' },
  NO_ABSENCE_TO_RETURN_FROM: { kind: 'rule', meaning: 'a return when the patient was not moved for an absence' },
  NOT_ORDINARY_THERAPIST: { kind: 'rule', meaning: 'a return to someone other than the ordinary therapist' },
  OBLIGATION_ALREADY_RECORDED: { kind: 'rule', meaning: 'a journal obligation recorded twice' },
  OBLIGATION_NOT_RECORDED: { kind: 'rule', meaning: 'a correction of a journal entry that was never recorded' },
  FOLLOW_UP_ALREADY_RECORDED: { kind: 'rule', meaning: 'a registry follow-up timepoint recorded twice' },
  ABSENCE_WINDOW_PASSED: { kind: 'rule', meaning: 'an absence notice that has already ended' },
  PATIENT_HAS_ACTIVE_EPISODE: { kind: 'rule', meaning: 'an erasure while the patient has an active episode at the unit' },

  INVALID_PERSONNUMMER: { kind: 'unacceptable', meaning: 'not a valid personnummer or samordningsnummer (the number is never echoed)' },
  UNKNOWN_DIAGNOSIS_CODE: { kind: 'unacceptable', meaning: 'not an ICD-10-SE code of the osteoarthritis block M15-M19 in force' },
  UNKNOWN_MODULE: { kind: 'unacceptable', meaning: 'a theory module not in the content catalogue' },
  UNKNOWN_PART: { kind: 'unacceptable', meaning: 'a module part not in the content catalogue' },
  UNKNOWN_EXERCISE: { kind: 'unacceptable', meaning: 'an exercise not in the content catalogue' },
  UNKNOWN_QUESTION: { kind: 'unacceptable', meaning: 'an activity-plan question that does not exist' },
  DUPLICATE_QUESTION: { kind: 'unacceptable', meaning: 'an activity-plan question given twice' },
  INVALID_ANSWER: { kind: 'unacceptable', meaning: "an answer that does not fit its question's answer type" },
  INVALID_SCHEDULE: { kind: 'unacceptable', meaning: 'an activity-plan schedule that is not acceptable' },
  UNKNOWN_OCCASION: { kind: 'unacceptable', meaning: 'a report for a day that is not an occasion of the plan' },
  UNKNOWN_MESSAGE: { kind: 'unacceptable', meaning: 'a message id that does not exist in the episode' },
  UNKNOWN_CONVERSATION: { kind: 'unacceptable', meaning: 'a conversation id that does not exist in the episode' },
  UNKNOWN_OBLIGATION: { kind: 'unacceptable', meaning: 'a journal obligation id that does not exist in the episode' },
  DUPLICATE_CONVERSATION: { kind: 'unacceptable', meaning: '(internal) a new conversation with an id already in use' },
  INVALID_SETTINGS: { kind: 'unacceptable', meaning: 'unit settings that are not valid' },
  NO_MEASURES: { kind: 'unacceptable', meaning: 'a registry follow-up without any measure' },
  INVALID_ABSENCE_WINDOW: { kind: 'unacceptable', meaning: 'an absence notice that ends before it starts' },

  NOT_FOUND: { kind: 'not_found', meaning: 'no such episode, notice or route (an episode of another unit looks the same)' },
} as const satisfies Record<string, DomainCodeInfo>;

/** Codes only the HTTP edge raises: input, identity, concurrency and infrastructure. */
export const HTTP_ERROR_CODES = {
  VALIDATION_FAILED: { status: 400, meaning: 'the body, query, path or a header does not match the schema; a body sent to a route that takes none, or one that is not a JSON object' },
  BAD_REQUEST: { status: 400, meaning: 'the framework refused the request for a reason without a code of its own (its 4xx status kept)' },
  UNAUTHENTICATED: { status: 401, meaning: 'no bearer token, or one that is malformed, expired or wrongly signed' },
  FORBIDDEN: { status: 403, meaning: "the role may not do this, or the unit is not the caller's" },
  REQUEST_TIMEOUT: { status: 408, meaning: 'the client did not send the request in time' },
  CONCURRENCY_CONFLICT: { status: 409, meaning: 'the write kept meeting concurrent changes; retry' },
  REVISION_MISMATCH: { status: 412, meaning: "If-Match named another revision than the stream's" },
  PAYLOAD_TOO_LARGE: { status: 413, meaning: 'the body is larger than BODY_LIMIT' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, meaning: 'a body that is not application/json, in another charset than UTF-8, or with a content encoding' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, meaning: 'the same Idempotency-Key with a different request' },
  RATE_LIMITED: { status: 429, meaning: 'too many requests by one user in a minute (with Retry-After)' },
  HEADERS_TOO_LARGE: { status: 431, meaning: 'the request headers are too large' },
  INTERNAL_ERROR: { status: 500, meaning: 'an unexpected fault (never for bad input); logged without request data' },
  STORE_UNAVAILABLE: { status: 503, meaning: 'the event store cannot be reached; nothing was written' },
  ACCESS_LOG_UNAVAILABLE: { status: 503, meaning: 'a patient read could not be recorded in the access log, so nothing is shown' },
  PROJECTION_BEHIND: { status: 503, meaning: 'a read with ?after=<position> waited 5 s and the projection had not got there' },
} as const satisfies Record<string, HttpCodeInfo>;

type DomainCatalogue = typeof DOMAIN_ERROR_CODES;
export type DomainErrorCode = keyof DomainCatalogue;
export type DomainErrorCodeOf<K extends DomainErrorKind> = { [C in DomainErrorCode]: DomainCatalogue[C]['kind'] extends K ? C : never }[DomainErrorCode];
/** The codes `refuse` takes (409). */
export type RuleErrorCode = DomainErrorCodeOf<'rule'>;
/** The codes `unacceptable` takes (422). */
export type UnacceptableErrorCode = DomainErrorCodeOf<'unacceptable'>;
export type HttpErrorCode = keyof typeof HTTP_ERROR_CODES;
export type ErrorCode = DomainErrorCode | HttpErrorCode;

export interface ErrorCodeEntry {
  readonly code: ErrorCode;
  readonly status: number;
  /** The DomainError kind, or 'http' for a code only the edge raises. */
  readonly kind: DomainErrorKind | 'http';
  readonly meaning: string;
}

const entries = <C extends string, I>(table: Record<C, I>) => Object.entries(table) as [C, I][];

/** Every code with its status and a one-line meaning, by status: what the OpenAPI document lists. */
export const ERROR_CODES: readonly ErrorCodeEntry[] = [
  ...entries<DomainErrorCode, DomainCodeInfo>(DOMAIN_ERROR_CODES).map(([code, { kind, meaning }]) => ({ code, status: STATUS_OF_KIND[kind], kind, meaning })),
  ...entries<HttpErrorCode, HttpCodeInfo>(HTTP_ERROR_CODES).map(([code, { status, meaning }]) => ({ code, status, kind: 'http' as const, meaning })),
].sort((a, b) => a.status - b.status);

const BY_CODE: ReadonlyMap<string, ErrorCodeEntry> = new Map(ERROR_CODES.map((e) => [e.code, e]));

export const isErrorCode = (value: string): value is ErrorCode => BY_CODE.has(value);

/** The status a code is answered with. */
export const statusOf = (code: ErrorCode): number => BY_CODE.get(code)!.status;

/** The kind a domain code belongs to, which gives its status. */
export const kindOf = (code: DomainErrorCode): DomainErrorKind => DOMAIN_ERROR_CODES[code].kind;
