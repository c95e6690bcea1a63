// The rules the reference data is checked against when it loads, issue by issue (code,
// message, path), and the validity dates of a code: in force from its first day through
// its last, and on no day outside. The data files hold no retired code yet, so the last
// day is checked on a code list of the test's own, loaded in place of the JSON file.
import catalogueRaw from '../../src/domain/reference/catalogue-data.json';
import icdRaw from '../../src/domain/reference/icd10-se.json';
import { CatalogueSchema, isTrainingIntroduction } from '../../src/domain/reference/catalogue';
import { DiagnosisListSchema, findDiagnosis, isValidKvaCode } from '../../src/domain/reference/code-lists';

type CatalogueData = {
  modules: { id: string; parts: { id: string; title: string; trainingIntroduction?: boolean }[] }[];
  exerciseProgrammes: { id: string; title: string; titleEn: string; exercises: { id: string; title: string }[] }[];
};
type DiagnosisData = { siteCodes: { sites: Record<string, string> }; codes: { code: string; validFrom: string; fifthCharacters?: string[] }[] };

/** Every issue of a refused value, as code, message and path; empty when it is accepted. */
const issuesOf = (schema: typeof CatalogueSchema | typeof DiagnosisListSchema, data: unknown) => {
  const r = schema.safeParse(data);
  return r.success ? [] : r.error.issues.map(({ code, message, path }) => ({ code, message, path }));
};
const custom = (message: string) => ({ code: 'custom', message, path: [] });

describe('the catalogue rules', () => {
  const catalogue = () => structuredClone(catalogueRaw) as unknown as CatalogueData;

  it.each([
    ['a module id twice', (c: CatalogueData) => c.modules.push(structuredClone(c.modules[0]!)), ['duplicate module id', 'duplicate part id']],
    ['a part id twice', (c: CatalogueData) => c.modules[1]!.parts.push({ id: 'hk-pain', title: 'x' }), ['duplicate part id']],
    ['a programme id twice', (c: CatalogueData) => (c.exerciseProgrammes[1]!.id = c.exerciseProgrammes[0]!.id), ['duplicate programme id']],
    ['an exercise id twice', (c: CatalogueData) => c.exerciseProgrammes[1]!.exercises.push({ id: 'leg-bridge', title: 'x' }), ['duplicate exercise id']],
    ['two training introductions in a module', (c: CatalogueData) => (c.modules[0]!.parts[0]!.trainingIntroduction = true), ['module hip-knee has more than one training introduction']],
    ['no training introduction at all', (c: CatalogueData) => c.modules.forEach((m) => m.parts.forEach((p) => delete p.trainingIntroduction)), ['no module has a training introduction']],
  ])('refuses a catalogue with %s, with exactly its custom issues at the root', (_, change, messages) => {
    const c = catalogue();
    change(c);
    expect(issuesOf(CatalogueSchema, c)).toEqual(messages.map(custom));
  });

  it('asks for one training introduction in the catalogue, not one in every module', () => {
    const c = catalogue();
    for (const p of c.modules[1]!.parts) delete p.trainingIntroduction;
    expect(issuesOf(CatalogueSchema, c)).toEqual([]);
  });
});

describe('isTrainingIntroduction', () => {
  it.each([
    ['an unknown part of a known module', 'hip-knee', 'no-such-part'],
    ['a part of an unknown module', 'no-such-module', 'hk-training-introduction'],
    ["a part of the other module", 'hand', 'hk-training-introduction'],
  ])('is false, without throwing, for %s', (_, moduleId, partId) => {
    expect(isTrainingIntroduction(moduleId, partId)).toBe(false);
  });
});

describe('the diagnosis list rules', () => {
  const list = () => structuredClone(icdRaw) as unknown as DiagnosisData;

  it('refuses a code listed twice from the same day with one custom issue at the root', () => {
    const l = list();
    l.codes.push(structuredClone(l.codes[0]!));
    expect(issuesOf(DiagnosisListSchema, l)).toEqual([custom('duplicate diagnosis code')]);
  });

  it('accepts a code listed again from another day (a new version of it)', () => {
    const l = list();
    l.codes.push({ ...structuredClone(l.codes[0]!), validFrom: '2030-01-01' });
    expect(issuesOf(DiagnosisListSchema, l)).toEqual([]);
  });

  it('refuses fifth characters that are not site codes, one issue for each code that allows one', () => {
    const l = list();
    delete l.siteCodes.sites['4'];
    const allowing = l.codes.filter((c) => c.fifthCharacters?.includes('4')).map((c) => c.code);
    expect(allowing).toEqual(['M19.0', 'M19.1', 'M19.2', 'M19.8', 'M19.9']);
    expect(issuesOf(DiagnosisListSchema, l)).toEqual(allowing.map((code) => custom(`${code} allows 4, which is not a site code`)));
  });

  it('accepts a list whose site codes include some that no code allows', () => {
    const l = list();
    delete l.siteCodes.sites['6'];
    expect(issuesOf(DiagnosisListSchema, l)).toEqual([]);
  });
});

describe('validity dates: the first day', () => {
  it('finds a diagnosis code from the day it comes into force, not the day before', () => {
    expect(findDiagnosis('M17.1', '1997-01-01')?.code).toBe('M17.1');
    expect(findDiagnosis('M19.04', '1997-01-01')?.code).toBe('M19.04');
    expect(findDiagnosis('M17.1', '1996-12-31')).toBeUndefined();
  });

  it('knows a KVÅ code from the day it comes into force, not the day before', () => {
    expect(isValidKvaCode('GB020', '2010-01-01')).toBe(true);
    expect(isValidKvaCode('GB020', '2009-12-31')).toBe(false);
  });
});

describe('validity dates: the last day (a code list with retired codes)', () => {
  const retired = { validFrom: '2020-01-01', validTo: '2025-12-31' };
  const kva = { system: 'KVÅ', note: 'test', codes: [{ code: 'GB020', title: 'Artrosskola', ...retired }] };
  const icd = {
    ...structuredClone(icdRaw),
    codes: [
      { code: 'M17.1', title: 'Annan primär gonartros', joint: 'knee', ...retired },
      { code: 'M19.0', title: 'Primär artros i andra leder', joint: 'other', ...retired, fifthCharacters: ['4'] },
    ],
  };
  let lists: typeof import('../../src/domain/reference/code-lists');

  beforeAll(async () => {
    await jest.isolateModulesAsync(async () => {
      jest.doMock('../../src/domain/reference/kva.json', () => kva);
      jest.doMock('../../src/domain/reference/icd10-se.json', () => icd);
      lists = await import('../../src/domain/reference/code-lists');
    });
  });

  it('loads the test lists', () => {
    expect(lists.kvaCodes.codes.map((c) => [c.code, c.validTo])).toEqual([['GB020', '2025-12-31']]);
    expect(lists.diagnosisCodes.codes.map((c) => [c.code, c.validTo])).toEqual([['M17.1', '2025-12-31'], ['M19.0', '2025-12-31']]);
  });

  it.each([
    ['the day before the first', '2019-12-31', false],
    ['the first day', '2020-01-01', true],
    ['a day in between', '2023-06-15', true],
    ['the day before the last', '2025-12-30', true],
    ['the last day', '2025-12-31', true],
    ['the day after the last', '2026-01-01', false],
    ['years later', '2030-06-01', false],
  ])('on %s (%s) a retired code is in force: %s', (_, date, inForce) => {
    expect(lists.isValidKvaCode('GB020', date)).toBe(inForce);
    expect(lists.findDiagnosis('M17.1', date)?.code).toBe(inForce ? 'M17.1' : undefined);
    expect(lists.findDiagnosis('M19.04', date)?.code).toBe(inForce ? 'M19.04' : undefined);
  });
});
