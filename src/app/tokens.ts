// Injection tokens for what Nest cannot infer from a class.
/** The store as the application sees it: personal fields decrypted. */
export const EVENT_STORE = Symbol('EVENT_STORE');
/** The store as written (personal fields encrypted): for projections. */
export const RAW_EVENT_STORE = Symbol('RAW_EVENT_STORE');
export const CLOCK = Symbol('CLOCK');
export const AppConfigToken = Symbol('APP_CONFIG');
export const READ_MODEL_DB = Symbol('READ_MODEL_DB');

/** The only clock the application reads; tests replace it. */
export interface Clock {
  now(): string;
}
export const systemClock: Clock = { now: () => new Date().toISOString() };

export const HEALTH_EXTRAS = Symbol('HEALTH_EXTRAS');
/** More for /health (projection lag), supplied by the read side. */
export interface HealthExtras {
  health(head: bigint): Promise<Record<string, unknown>>;
}
