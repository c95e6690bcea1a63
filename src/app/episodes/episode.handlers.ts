// Command dispatch through @nestjs/cqrs's CommandBus: thin handlers over the services, each
// of which builds a command for the one write path (src/app/write/decider-command-handler.ts).
// (Its in-memory EventBus is not used: events go to the store and projections read from there.)
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EpisodeCommand } from '../../domain/episode/commands';
import type { UnitCommand } from '../../domain/unit/unit';
import type { Actor } from '../auth/actor';
import { AssignmentService, type AssignmentInput } from './assignment.service';
import { EpisodeCommandsService, type WriteAnswer, type WriteOptions } from './episode-commands.service';
import { UnitService, type UnitWriteAnswer } from '../units/unit.service';

export class AssignEpisode {
  constructor(
    readonly input: AssignmentInput,
    readonly actor: Actor,
    readonly options: WriteOptions,
  ) {}
}

export class ExecuteEpisodeCommand {
  constructor(
    readonly episodeId: string,
    readonly command: EpisodeCommand,
    readonly actor: Actor,
    readonly options: WriteOptions,
  ) {}
}

export class ExecuteUnitCommand {
  constructor(
    readonly unitId: string,
    readonly command: UnitCommand,
    readonly actor: Actor,
    readonly options: WriteOptions,
  ) {}
}

@CommandHandler(AssignEpisode)
export class AssignEpisodeHandler implements ICommandHandler<AssignEpisode, WriteAnswer> {
  constructor(private readonly assignments: AssignmentService) {}
  execute(c: AssignEpisode): Promise<WriteAnswer> {
    return this.assignments.assign(c.input, c.actor, c.options);
  }
}

@CommandHandler(ExecuteEpisodeCommand)
export class ExecuteEpisodeCommandHandler implements ICommandHandler<ExecuteEpisodeCommand, WriteAnswer> {
  constructor(private readonly episodes: EpisodeCommandsService) {}
  execute(c: ExecuteEpisodeCommand): Promise<WriteAnswer> {
    return this.episodes.execute(c.episodeId, c.command, c.actor, c.options);
  }
}

@CommandHandler(ExecuteUnitCommand)
export class ExecuteUnitCommandHandler implements ICommandHandler<ExecuteUnitCommand, UnitWriteAnswer> {
  constructor(private readonly units: UnitService) {}
  execute(c: ExecuteUnitCommand): Promise<UnitWriteAnswer> {
    return this.units.execute(c.unitId, c.command, c.actor, c.options);
  }
}

export const COMMAND_HANDLERS = [AssignEpisodeHandler, ExecuteEpisodeCommandHandler, ExecuteUnitCommandHandler];
