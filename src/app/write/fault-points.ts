// Fault points for the crash tests: a service started with FAULT_POINT=<point>:<command>
// (e.g. "after-append:StartAssignment") kills itself with SIGKILL when a command of that
// type reaches that point, as a power cut or an OOM kill would. Off unless the variable is
// set; in-process tests arm a point with a function of their own instead.
import type { EventStore } from '../../event-store/event-store';

export type FaultPoint = 'after-append' | 'between-appends';

let armed: { point: string; command: string; action: () => void } | undefined = fromEnvironment(process.env.FAULT_POINT);

function fromEnvironment(value: string | undefined) {
  if (!value) return undefined;
  const [point = '', command = ''] = value.split(':');
  return { point, command, action: () => process.kill(process.pid, 'SIGKILL') };
}

export function faultPoint(point: FaultPoint, commandType: string): void {
  if (armed && armed.point === point && armed.command === commandType) armed.action();
}

/** For in-process tests: run `action` (e.g. throw) at the point; undefined disarms. */
export function armFaultPoint(point: FaultPoint, commandType: string, action: () => void): void {
  armed = { point, command: commandType, action };
}

export function disarmFaultPoints(): void {
  armed = undefined;
}

/**
 * With FAULT_SINGLE_STREAM_APPENDS=1 (tests only) the service writes as it must on a store
 * without multi-stream transactions (EventStoreDB), so the crash tests can kill it between
 * the appends of one command on any store.
 */
export function singleStreamAppends(store: EventStore, env: NodeJS.ProcessEnv = process.env): EventStore {
  if (env.FAULT_SINGLE_STREAM_APPENDS !== '1') return store;
  return {
    appendToStream: (streamId, events, options) => store.appendToStream(streamId, events, options),
    readStream: (streamId, options) => store.readStream(streamId, options),
    readAll: (options) => store.readAll(options),
    headPosition: () => store.headPosition(),
    onAppended: (listener) => store.onAppended(listener),
    close: () => store.close(),
  };
}
