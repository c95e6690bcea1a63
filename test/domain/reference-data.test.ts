// Reference data as data: the content catalogue and the code lists (ICD-10-SE, KVÅ) are JSON
// files with validity dates, checked by zod when they load.
import raw from '../../src/domain/reference/catalogue-data.json';
import { catalogue, CatalogueSchema, MODULE_IDS, PROGRAMME_IDS, isTrainingIntroduction } from '../../src/domain/reference/catalogue';
import { diagnosisCodes, findDiagnosis, isValidKvaCode, normaliseDiagnosisCode } from '../../src/domain/reference/code-lists';
import { episodeSpec } from './decider-specification';
import { startAssignment } from './fixtures';

const copy = () => structuredClone(raw) as unknown as { modules: { id: string; parts: { id: string; trainingIntroduction?: boolean }[] }[]; exerciseProgrammes: { id: string; exercises: { id: string }[] }[]; planQuestions: { id: string }[] };
const problems = (data: unknown) => {
  const r = CatalogueSchema.safeParse(data);
  return r.success ? [] : r.error.issues.map((i) => i.message);
};

describe('the content catalogue', () => {
  it('has the two theory modules and the two exercise programmes, each module with one training introduction', () => {
    expect(catalogue.modules.map((m) => m.id)).toEqual([...MODULE_IDS]);
    expect(catalogue.exerciseProgrammes.map((p) => p.id)).toEqual([...PROGRAMME_IDS]);
    for (const m of catalogue.modules) expect(m.parts.filter((p) => p.trainingIntroduction)).toHaveLength(1);
    expect(isTrainingIntroduction('hip-knee', 'hk-training-introduction')).toBe(true);
    expect(isTrainingIntroduction('hip-knee', 'hk-pain')).toBe(false);
    expect(catalogue.planQuestions.map((q) => [q.id, q.answerType])).toEqual([['trained', 'yes-no'], ['activity-type', 'text'], ['experience', 'scale-0-10']]);
  });

  it('accepts the data file as it is', () => {
    expect(problems(raw)).toEqual([]);
  });

  it.each([
    ['a module id twice', (c: ReturnType<typeof copy>) => c.modules.push(structuredClone(c.modules[0]!)), 'duplicate module id'],
    ['a part id twice', (c: ReturnType<typeof copy>) => c.modules[1]!.parts.push({ id: 'hk-pain', title: 'x' } as never), 'duplicate part id'],
    ['an exercise id twice', (c: ReturnType<typeof copy>) => c.exerciseProgrammes[1]!.exercises.push({ id: 'leg-bridge', title: 'x' } as never), 'duplicate exercise id'],
    ['a question id twice', (c: ReturnType<typeof copy>) => c.planQuestions.push(structuredClone(c.planQuestions[0]!)), 'duplicate question id'],
    ['two training introductions in a module', (c: ReturnType<typeof copy>) => (c.modules[0]!.parts[0]!.trainingIntroduction = true), 'module hip-knee has more than one training introduction'],
    ['no training introduction at all', (c: ReturnType<typeof copy>) => c.modules.forEach((m) => m.parts.forEach((p) => delete p.trainingIntroduction)), 'no module has a training introduction'],
  ])('refuses a catalogue with %s', (_, change, message) => {
    const c = copy();
    change(c);
    expect(problems(c)).toContain(message);
  });

  it('refuses a catalogue whose shape is wrong', () => {
    const c = copy();
    (c.modules[0] as { parts: unknown }).parts = [];
    expect(problems(c).length).toBeGreaterThan(0);
  });
});

describe('ICD-10-SE: the osteoarthritis block M15-M19', () => {
  it('holds only codes of M15 to M19, with validity dates', () => {
    expect(diagnosisCodes.codes.length).toBeGreaterThan(0);
    for (const c of diagnosisCodes.codes) {
      expect(c.code).toMatch(/^M1[5-9]\.\d$/);
      expect(c.validFrom).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it.each([['M17.1', 'M17.1'], ['m17.1', 'M17.1'], ['M171', 'M17.1'], [' m181 ', 'M18.1'], ['M17', 'M17']])('normalises %j to %s', (input, code) => {
    expect(normaliseDiagnosisCode(input)).toBe(code);
  });

  it('finds a code only while it is in force', () => {
    expect(findDiagnosis('M17.1', '2026-11-22')?.title).toBe('Annan primär gonartros');
    expect(findDiagnosis('M17.1', '1996-12-31')).toBeUndefined();
    expect(findDiagnosis('M17', '2026-11-22')).toBeUndefined();
  });

  it('refuses an assignment with a code not yet in force on the day', () => {
    episodeSpec().given([]).when(startAssignment(), { now: '1996-12-31T10:00:00.000Z' }).thenThrows('UNKNOWN_DIAGNOSIS_CODE', 'unacceptable');
  });
});

describe('KVÅ', () => {
  it.each(['GB020', 'ZV044', 'ZV051'])('knows %s', (code) => {
    expect(isValidKvaCode(code, '2026-11-22')).toBe(true);
  });

  it('knows no code outside the list, and none before it is in force', () => {
    expect(isValidKvaCode('ZV999', '2026-11-22')).toBe(false);
    expect(isValidKvaCode('GB020', '2009-12-31')).toBe(false);
  });
});
