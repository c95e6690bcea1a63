// The care unit (vårdenhet, by HSA id): its settings and its absence notices to citizens.
// Stream `unit-<hsa id>`.
import { z } from 'zod';
import { DomainError, refuse } from '../shared/domain-error';
import { DEFAULT_UNIT_SETTINGS, KVA_ARTROSSKOLA, UnitSettings } from '../rules';
import type { DecisionContext } from '../episode/commands';
import { isValidKvaCode } from '../reference/code-lists';
import { localDate } from '../shared/time';

const Instant = z.iso.datetime({ offset: true });
const Id = z.string().min(1).max(200);

export const UnitSettingsChanged = z.object({
  type: z.literal('UnitSettingsChanged'),
  data: z.object({ unitId: Id, settings: UnitSettings, by: Id, at: Instant }),
});
/** Planned absence: a unit-wide notice to citizens for a time window (frånvaromeddelande). */
export const AbsenceNoticePublished = z.object({
  type: z.literal('AbsenceNoticePublished'),
  data: z.object({ unitId: Id, noticeId: Id, from: Instant, to: Instant, text: z.string().min(1), by: Id, at: Instant }),
});
export const AbsenceNoticeWithdrawn = z.object({
  type: z.literal('AbsenceNoticeWithdrawn'),
  data: z.object({ unitId: Id, noticeId: Id, by: Id, at: Instant }),
});
export const UnitEvent = z.discriminatedUnion('type', [UnitSettingsChanged, AbsenceNoticePublished, AbsenceNoticeWithdrawn]);
export type UnitEvent = z.infer<typeof UnitEvent>;
export const UNIT_EVENT_VERSIONS: Record<UnitEvent['type'], number> = {
  UnitSettingsChanged: 1,
  AbsenceNoticePublished: 1,
  AbsenceNoticeWithdrawn: 1,
};

export const ChangeUnitSettings = z.object({
  type: z.literal('ChangeUnitSettings'),
  data: z.object({ unitId: Id, settings: UnitSettings.partial().strict() }),
});
export const PublishAbsenceNotice = z.object({
  type: z.literal('PublishAbsenceNotice'),
  data: z.object({ unitId: Id, noticeId: Id, from: Instant, to: Instant, text: z.string().trim().min(1).max(5000) }).strict(),
});
export const WithdrawAbsenceNotice = z.object({
  type: z.literal('WithdrawAbsenceNotice'),
  data: z.object({ unitId: Id, noticeId: Id }).strict(),
});
export const UnitCommand = z.discriminatedUnion('type', [ChangeUnitSettings, PublishAbsenceNotice, WithdrawAbsenceNotice]);
export type UnitCommand = z.infer<typeof UnitCommand>;
/** Schema version per unit command type (see EPISODE_COMMAND_VERSIONS). */
export const UNIT_COMMAND_VERSIONS: Record<UnitCommand['type'], number> = { ChangeUnitSettings: 1, PublishAbsenceNotice: 1, WithdrawAbsenceNotice: 1 };

export interface AbsenceNotice {
  readonly noticeId: string;
  readonly from: string;
  readonly to: string;
  readonly text: string;
}
export interface UnitState {
  readonly revision: number;
  readonly settings: UnitSettings;
  readonly notices: readonly AbsenceNotice[];
}

export const initialUnitState = (): UnitState => ({ revision: -1, settings: DEFAULT_UNIT_SETTINGS, notices: [] });

export function evolveUnit(state: UnitState, event: UnitEvent): UnitState {
  const s = { ...state, revision: state.revision + 1 };
  switch (event.type) {
    case 'UnitSettingsChanged':
      return { ...s, settings: event.data.settings };
    case 'AbsenceNoticePublished': {
      const { noticeId, from, to, text } = event.data;
      return { ...s, notices: [...s.notices, { noticeId, from, to, text }] };
    }
    case 'AbsenceNoticeWithdrawn':
      return { ...s, notices: s.notices.filter((n) => n.noticeId !== event.data.noticeId) };
  }
}

export function decideUnit(command: UnitCommand, state: UnitState, ctx: DecisionContext): UnitEvent[] {
  const by = ctx.actor.id;
  switch (command.type) {
    case 'ChangeUnitSettings': {
      const parsed = UnitSettings.safeParse({ ...state.settings, ...command.data.settings });
      if (!parsed.success)
        throw new DomainError('INVALID_SETTINGS', 'The unit settings are not valid.', 'unacceptable',
          parsed.error.issues.map((i) => ({ path: i.path.join('.'), problem: i.message })));
      const settings = parsed.data;
      const problems = journalCodeProblems(settings, localDate(ctx.now));
      if (problems.length > 0) throw new DomainError('INVALID_SETTINGS', 'The unit settings are not valid.', 'unacceptable', problems);
      if (JSON.stringify(settings) === JSON.stringify(state.settings)) return [];
      return [{ type: 'UnitSettingsChanged', data: { unitId: command.data.unitId, settings, by, at: ctx.now } }];
    }
    case 'PublishAbsenceNotice': {
      const { unitId, noticeId, from, to, text } = command.data;
      if (Date.parse(to) <= Date.parse(from))
        throw new DomainError('INVALID_ABSENCE_WINDOW', 'The absence notice must end after it starts.', 'unacceptable', [{ path: 'to', problem: 'not after from' }]);
      if (Date.parse(to) <= Date.parse(ctx.now)) return refuse('ABSENCE_WINDOW_PASSED', 'The absence window has already passed.');
      if (state.notices.some((n) => n.noticeId === noticeId)) return [];
      return [{ type: 'AbsenceNoticePublished', data: { unitId, noticeId, from, to, text, by, at: ctx.now } }];
    }
    case 'WithdrawAbsenceNotice': {
      if (!state.notices.some((n) => n.noticeId === command.data.noticeId))
        throw new DomainError('NOT_FOUND', 'No such absence notice.', 'not_found');
      return [{ type: 'AbsenceNoticeWithdrawn', data: { ...command.data, by, at: ctx.now } }];
    }
  }
}

/** GB020 on every obligation, and only KVÅ codes of the code list in force today (ZV051 may replace ZV044). */
function journalCodeProblems(settings: UnitSettings, today: string): { path: string; problem: string }[] {
  return Object.entries(settings.journalCodes).flatMap(([trigger, codes]) => [
    ...(codes.includes(KVA_ARTROSSKOLA) ? [] : [{ path: `journalCodes.${trigger}`, problem: `${KVA_ARTROSSKOLA} (artrosskola) is registered on every contact` }]),
    ...codes.filter((code) => !isValidKvaCode(code, today)).map((code) => ({ path: `journalCodes.${trigger}`, problem: `${code} is not a KVÅ code in force` })),
  ]);
}

/** Notices in force at `now`. */
export const activeNotices = (state: UnitState, now: string) =>
  state.notices.filter((n) => Date.parse(n.from) <= Date.parse(now) && Date.parse(now) < Date.parse(n.to));

export const unitStreamId = (unitId: string) => `unit-${unitId}`;
