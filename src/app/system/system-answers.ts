// The answers of the system routes (health, catalogue, the published schemas) and the one
// error body every refusal has.
import { z } from 'zod';
import { catalogue } from '../../domain/reference/catalogue';
import { ExerciseId, ModuleId, PartId, Position, Programme } from './answer-fields';

/** `{ "error": { code, message, details } }`; the codes an operation can answer are listed per status. */
export const errorBody = (codes: readonly [string, ...string[]]) =>
  z.object({
    error: z.object({
      code: z.enum(codes),
      message: z.string().meta({ description: 'A sentence for people; never personal data.' }),
      details: z
        .array(z.looseObject({ path: z.string().optional(), problem: z.string().optional() }))
        .meta({ description: 'For validation errors each field path and problem, e.g. `{ "path": "body.diagnosisCode", "problem": "Required" }`.' }),
    }),
  });

const ProjectionsLag = z.object({
  headPosition: Position,
  maxBehind: z.string().meta({ description: 'Events the furthest projection is behind the head.', example: '0' }),
  projections: z.array(
    z.looseObject({
      name: z.string().meta({ example: 'dashboard' }),
      version: z.number().int(),
      position: Position,
      behind: z.string().meta({ example: '0' }),
      status: z.string().meta({ example: 'live' }),
      lastError: z.string().nullable().optional(),
    }),
  ),
});
const ProjectorWorker = z
  .object({
    state: z.enum(['starting', 'running', 'restarting', 'stopped']).meta({ example: 'running' }),
    restarts: z.number().int().min(0).meta({ description: 'Workers started again after one ended on its own (crash, exit, killed).', example: 0 }),
    lastExit: z.string().nullable().meta({ description: 'How the last such worker ended, e.g. `exit code 1`.', example: null }),
  })
  .meta({ description: 'The worker thread the live projector runs in (PROJECTOR_THREAD=worker); absent when it runs in the main thread.' });
const AccessLogHealth = z.object({ status: z.enum(['ok', 'failing']) });
const Failing = z.array(z.object({ part: z.string().meta({ example: 'projections' }), reason: z.string().meta({ example: 'dashboard is 12000 events behind' }) }));

/** `GET /health`. */
export const HealthView = z.object({
  status: z.enum(['ok', 'degraded']).meta({ description: '`degraded` names the failing parts in `failing`.' }),
  store: z.object({ headPosition: Position }),
  projections: ProjectionsLag.optional(),
  projectorWorker: ProjectorWorker.optional(),
  accessLog: AccessLogHealth,
  failing: Failing,
});
/** `GET /health/live`. */
export const LiveView = z.object({ status: z.literal('ok') });
/** `GET /health/ready`. */
export const ReadyView = z.object({ status: z.literal('ready'), store: z.object({ headPosition: Position }), maxBehind: z.string().meta({ example: '0' }), accessLog: AccessLogHealth });

/**
 * `GET /catalogue`: each module, part, programme and exercise keeps its contract `id` and also
 * carries the name the rest of the API gives that id (`moduleId`, `partId`, `programme`,
 * `exerciseId`), so one thing has one name across answers.
 */
export const CatalogueView = z.object({
  version: z.string().meta({ example: '2026.1' }),
  validFrom: z.string().meta({ example: '2026-01-01' }),
  modules: z.array(
    z.object({
      id: ModuleId,
      moduleId: ModuleId,
      title: z.string().meta({ example: 'Höft- och knäartros' }),
      titleEn: z.string().meta({ example: 'Hip and knee osteoarthritis' }),
      parts: z.array(
        z.object({
          id: PartId,
          partId: PartId,
          title: z.string().meta({ example: 'Vad är artros?' }),
          trainingIntroduction: z.boolean().optional().meta({ description: 'The part whose completion opens the exercise films.' }),
        }),
      ),
    }),
  ),
  exerciseProgrammes: z.array(
    z.object({
      id: Programme,
      programme: Programme,
      title: z.string().meta({ example: 'Benövningar' }),
      titleEn: z.string(),
      exercises: z.array(z.object({ id: ExerciseId, exerciseId: ExerciseId, title: z.string().meta({ example: 'Uppresning från stol' }) })),
    }),
  ),
  planQuestions: z.array(
    z.object({
      id: z.string().meta({ example: 'trained' }),
      text: z.string().meta({ example: 'Har du tränat enligt ditt program?' }),
      answerType: z.enum(['yes-no', 'text', 'scale-0-10']),
    }),
  ),
});

export const catalogueAnswer = (): z.output<typeof CatalogueView> => ({
  version: catalogue.version,
  validFrom: catalogue.validFrom,
  modules: catalogue.modules.map((m) => ({ ...m, moduleId: m.id, parts: m.parts.map((p) => ({ ...p, partId: p.id })) })),
  exerciseProgrammes: catalogue.exerciseProgrammes.map((p) => ({
    ...p,
    id: Programme.parse(p.id),
    programme: Programme.parse(p.id),
    exercises: p.exercises.map((x) => ({ ...x, exerciseId: x.id })),
  })),
  planQuestions: catalogue.planQuestions,
});

/** `GET /openapi.json`. */
export const OpenApiDocument = z.looseObject({ openapi: z.string().meta({ example: '3.1.0' }), info: z.looseObject({}), paths: z.looseObject({}) });
