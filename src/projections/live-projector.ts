// What the service needs of its live projector, wherever it runs: in the API's own thread
// (`Projector`) or in a worker thread of its own (src/app/read/worker-projector.ts). Reads
// wait on it (`?after=`), health and the lag gauges read its positions, the rebuild goes
// through it so that its batches and the swap do not interleave.
import type { RebuildOptions, RebuildResult } from './rebuild';

export type ProjectionStatus = 'starting' | 'live' | 'failed' | 'elsewhere';

/** One projection's place in the log, without the head (what a worker reports after each change). */
export interface ProjectionState {
  readonly name: string;
  readonly version: number;
  readonly position: string;
  readonly status: ProjectionStatus;
  readonly lastError: string | null;
}

export interface ProjectionLag extends ProjectionState {
  /** head - position: events still to apply (for a gapless log). */
  readonly behind: string;
}

/** The worker thread the projector runs in, when it runs in one. */
export interface ProjectorWorkerState {
  /** `starting` until the first worker is ready; `restarting` between a worker's exit and its successor's start. */
  readonly state: 'starting' | 'running' | 'restarting' | 'stopped';
  /** Workers started again after one exited on its own (crash, exit, killed). */
  readonly restarts: number;
  /** How the last worker that ended on its own ended (`exit code 1`, an error's name and message), or null. */
  readonly lastExit: string | null;
}

export interface LagReport {
  readonly headPosition: string;
  readonly maxBehind: string;
  readonly projections: readonly ProjectionLag[];
  /** Present when the projector runs in a worker thread. */
  readonly worker?: ProjectorWorkerState;
}

export interface LiveProjector {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Apply everything up to the current head, then return. */
  catchUp(): Promise<void>;
  position(name: string): bigint;
  minPosition(): bigint;
  /** Resolves true once every projection (or the named one) has applied `position`, false after the timeout. */
  waitFor(position: bigint, timeoutMs: number, name?: string): Promise<boolean>;
  lag(): Promise<LagReport>;
  /** Replay from zero into fresh tables and swap them in (see rebuild.ts). */
  rebuild(which: string, options?: RebuildOptions): Promise<RebuildResult>;
}

/** The lag of each projection behind `head`. */
export function lagReport(head: bigint, states: readonly ProjectionState[]): LagReport {
  let maxBehind = 0n;
  const projections = states.map((s) => {
    const position = BigInt(s.position);
    const behind = head > position ? head - position : 0n;
    if (behind > maxBehind) maxBehind = behind;
    return { ...s, behind: behind.toString() };
  });
  return { headPosition: head.toString(), maxBehind: maxBehind.toString(), projections };
}
