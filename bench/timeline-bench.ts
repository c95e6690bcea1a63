// Timeline replay: one long episode (200 events) written through the command path, then
// read back (decrypted) and folded into the auditor's timeline, many times.
import { ulid } from 'ulid';
import type { CommandBus } from '@nestjs/cqrs';
import type { EventStore } from '../src/event-store/event-store';
import type { Actor } from '../src/app/auth/actor';
import { AssignEpisode, ExecuteEpisodeCommand } from '../src/app/episodes/episode.handlers';
import type { WriteAnswer } from '../src/app/episodes/episode-commands.service';
import { episodeStreamId } from '../src/domain/episode/decider';
import { buildTimeline } from '../src/app/timeline/timeline';
import { syntheticPersonnummer } from './personnummer';
import type { Expectations, ScriptClock } from './workload';

const UNIT = 'SE2321000131-E280';
const therapist: Actor = { id: 'SE2321000131-T280', role: 'therapist', unitId: UNIT };
const gateway: Actor = { id: '1177-gateway', role: 'patient_gateway', unitId: UNIT };

/** Assignment (3 events) and a long conversation (1 + 1 obligation, then 195 replies): 200 events. */
export async function writeLongEpisode(bus: CommandBus, clock: ScriptClock, expected: Expectations, patient: number): Promise<string> {
  const day = '2025-03-03';
  const at = (minute: number) => new Date(Date.parse(`${day}T08:00:00Z`) + minute * 60_000).toISOString();
  const { episodeId } = await clock.at(at(0), () =>
    bus.execute<AssignEpisode, WriteAnswer>(new AssignEpisode({ personnummer: syntheticPersonnummer(patient), therapistId: therapist.id, diagnosisCode: 'M17.1' }, therapist, {})),
  );
  const conversationId = ulid();
  let revision = 2;
  for (let k = 0; k < 196; k++) {
    const actor = k % 2 === 0 ? gateway : therapist;
    const data = { messageId: ulid(), newConversationId: k === 0 ? conversationId : ulid(), text: `Meddelande ${k + 1} i samtalet.`, ...(k === 0 ? {} : { conversationId }) };
    const answer = await clock.at(at(k + 1), () => bus.execute<ExecuteEpisodeCommand, WriteAnswer>(new ExecuteEpisodeCommand(episodeId, { type: 'SendMessage', data }, actor, {})));
    revision = answer.revision;
  }
  if (revision !== 199) throw new Error(`the long episode has revision ${revision}, expected 199`);
  expected.commands += 197;
  expected.events += 201; // 200 on the episode, 1 reservation
  expected.episodesStarted += 1;
  expected.messages += 196;
  expected.obligations += 2;
  expected.episodes.set(episodeId, { revision: 199, messages: 196, ended: false });
  return episodeId;
}

export interface TimelineResult {
  readonly events: number;
  readonly runs: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  /** Of which reading and decrypting the stream (median). */
  readP50Ms: number;
}

export async function replayTimeline(store: EventStore, episodeId: string, runs: number): Promise<TimelineResult> {
  const total: number[] = [];
  const reads: number[] = [];
  let events = 0;
  for (let i = 0; i < runs + 5; i++) {
    const t0 = process.hrtime.bigint();
    const records = await store.readStream(episodeStreamId(episodeId));
    const t1 = process.hrtime.bigint();
    const timeline = buildTimeline(episodeId, records);
    const t2 = process.hrtime.bigint();
    events = timeline.entries.length;
    if (!timeline.integrity.ok) throw new Error(`timeline integrity: ${timeline.integrity.problems.join('; ')}`);
    if (i >= 5) {
      total.push(Number(t2 - t0) / 1e6);
      reads.push(Number(t1 - t0) / 1e6);
    }
  }
  const med = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
  return { events, runs, p50Ms: med(total, 50), p95Ms: med(total, 95), readP50Ms: med(reads, 50) };
}
