// The content catalogue of the Digital Artrosskola: theory modules with their parts,
// exercise programmes with their exercises, and the pre-filled activity-plan questions.
// Data lives in catalogue-data.json; it is validated once, at load.
import { z } from 'zod';
import raw from './catalogue-data.json';

const Part = z.object({
  id: z.string().min(1),
  title: z.string().min(1),
  trainingIntroduction: z.boolean().optional(),
});
const Module = z.object({ id: z.string().min(1), title: z.string(), titleEn: z.string(), parts: z.array(Part).min(1) });
const Exercise = z.object({ id: z.string().min(1), title: z.string().min(1) });
const Programme = z.object({ id: z.string().min(1), title: z.string(), titleEn: z.string(), exercises: z.array(Exercise).min(1) });
export const AnswerType = z.enum(['yes-no', 'text', 'scale-0-10']);
export type AnswerType = z.infer<typeof AnswerType>;
const PlanQuestion = z.object({ id: z.string().min(1), text: z.string().min(1), answerType: AnswerType });

export const CatalogueSchema = z
  .object({
    version: z.string(),
    validFrom: z.string(),
    modules: z.array(Module).min(1),
    exerciseProgrammes: z.array(Programme).min(1),
    planQuestions: z.array(PlanQuestion).min(1),
  })
  .superRefine((c, ctx) => {
    const unique = (ids: string[], what: string) => {
      if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', message: `duplicate ${what} id` });
    };
    unique(c.modules.map((m) => m.id), 'module');
    unique(c.modules.flatMap((m) => m.parts.map((p) => p.id)), 'part');
    unique(c.exerciseProgrammes.map((p) => p.id), 'programme');
    unique(c.exerciseProgrammes.flatMap((p) => p.exercises.map((e) => e.id)), 'exercise');
    unique(c.planQuestions.map((q) => q.id), 'question');
    // Exercise films open after the training introduction, so there must be one to complete.
    for (const m of c.modules)
      if (m.parts.filter((p) => p.trainingIntroduction).length > 1) ctx.addIssue({ code: 'custom', message: `module ${m.id} has more than one training introduction` });
    if (!c.modules.some((m) => m.parts.some((p) => p.trainingIntroduction))) ctx.addIssue({ code: 'custom', message: 'no module has a training introduction' });
  });

export type Catalogue = z.infer<typeof CatalogueSchema>;
export type CatalogueModule = Catalogue['modules'][number];

export const catalogue: Catalogue = CatalogueSchema.parse(raw);

export const MODULE_IDS = ['hip-knee', 'hand'] as const;
export type ModuleId = (typeof MODULE_IDS)[number];
export const PROGRAMME_IDS = ['leg', 'hand'] as const;
export type ProgrammeId = (typeof PROGRAMME_IDS)[number];

export const findModule = (id: string) => catalogue.modules.find((m) => m.id === id);
export const findProgramme = (id: string) => catalogue.exerciseProgrammes.find((p) => p.id === id);
export const isTrainingIntroduction = (moduleId: string, partId: string) =>
  findModule(moduleId)?.parts.find((p) => p.id === partId)?.trainingIntroduction === true;
export const findPlanQuestion = (id: string) => catalogue.planQuestions.find((q) => q.id === id);
