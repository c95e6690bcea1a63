// Events and commands: one zod schema each, discriminated by `type`, each type with a schema version.
import { EPISODE_EVENT_VERSIONS, EpisodeEvent } from '../../src/domain/episode/events';
import { EPISODE_COMMAND_VERSIONS, EpisodeCommand } from '../../src/domain/episode/commands';
import { UNIT_COMMAND_VERSIONS, UNIT_EVENT_VERSIONS, UnitCommand, UnitEvent } from '../../src/domain/unit/unit';
import { ACTIVE_EPISODE_EVENT_VERSIONS, ActiveEpisodeEvent } from '../../src/domain/patient/active-episode';

const typesOf = (union: { options: readonly { shape: { type: { value: string } } }[] }) => union.options.map((o) => o.shape.type.value).sort();

describe('schemas and their versions', () => {
  it.each([
    ['episode events', EpisodeEvent, EPISODE_EVENT_VERSIONS],
    ['episode commands', EpisodeCommand, EPISODE_COMMAND_VERSIONS],
    ['unit events', UnitEvent, UNIT_EVENT_VERSIONS],
    ['unit commands', UnitCommand, UNIT_COMMAND_VERSIONS],
    ['patient events', ActiveEpisodeEvent, ACTIVE_EPISODE_EVENT_VERSIONS],
  ] as const)('gives every one of the %s a schema version of 1 or more, and no other type', (_, union, versions) => {
    expect(Object.keys(versions).sort()).toEqual(typesOf(union as never));
    for (const v of Object.values(versions)) expect(Number.isInteger(v) && v >= 1).toBe(true);
  });

  it('has the customer\'s event names', () => {
    for (const name of ['AssignmentStarted', 'ModuleHidden', 'ExercisesRevealed', 'PlanActivated', 'MessageSent', 'TherapistChanged', 'EpisodeCompleted'])
      expect(typesOf(EpisodeEvent as never)).toContain(name);
  });

  it('refuses a command of an unknown type, or with a field it does not have', () => {
    expect(EpisodeCommand.safeParse({ type: 'DeleteEpisode', data: {} }).success).toBe(false);
    expect(EpisodeCommand.safeParse({ type: 'HideModule', data: { moduleId: 'hand', force: true } }).success).toBe(false);
    expect(EpisodeCommand.safeParse({ type: 'HideModule', data: { moduleId: 'hand' } }).success).toBe(true);
  });
});
