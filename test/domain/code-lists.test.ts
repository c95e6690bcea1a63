// ICD-10-SE codes with WHO's optional fifth character (the site, chapter XIII): which forms
// are accepted and normalised, which refused, and that the episode records the full code.
import { diagnosisCodes, DiagnosisListSchema, findDiagnosis, isValidKvaCode, kvaCodes, normaliseDiagnosisCode } from '../../src/domain/reference/code-lists';
import icdRaw from '../../src/domain/reference/icd10-se.json';
import { toApiError } from '../../src/app/http/error.filter';
import { episodeSpec } from './decider-specification';
import { startAssignment } from './fixtures';
import { DEFAULT_UNIT_SETTINGS } from '../../src/domain/rules';

const TODAY = '2026-11-22';

describe('normaliseDiagnosisCode', () => {
  it.each([
    ['M19.04', 'M19.04'],
    ['m19.04', 'M19.04'],
    ['M1904', 'M19.04'],
    [' m1904 ', 'M19.04'],
    ['M17.1', 'M17.1'],
    ['m171', 'M17.1'],
    ['M17', 'M17'],
    ['M19.0x', 'M19.0X'],
  ])('normalises %j to %s', (input, code) => {
    expect(normaliseDiagnosisCode(input)).toBe(code);
  });

  // The dot stands after the third character or nowhere; nothing else is an ICD-10 code.
  it.each(['M1.71', 'M171.', 'M17.', '.M171', 'M.171', 'M17..1', 'M19.0.4', 'M19 04', 'M19.045', 'MM17.1', '17.1', 'M7.1', 'M17.A', ''])(
    'refuses the shape %j',
    (input) => {
      expect(normaliseDiagnosisCode(input)).toBeUndefined();
      expect(findDiagnosis(input, TODAY)).toBeUndefined();
    },
  );
});

describe('findDiagnosis: the fifth character', () => {
  it.each([
    ['M19.04', 'M19.0', '4', 'Handen'],
    ['m1904', 'M19.0', '4', 'Handen'],
    ['M19.01', 'M19.0', '1', 'Skulderregionen'],
    ['M19.17', 'M19.1', '7', 'Fotleden och foten'],
    ['M19.25', 'M19.2', '5', 'Bäckenregionen och låret'],
    ['M19.99', 'M19.9', '9', 'Ospecificerad lokalisation'],
  ])('accepts %s: %s with the site %s', (input, listCode, character, title) => {
    expect(findDiagnosis(input, TODAY)).toMatchObject({ code: normaliseDiagnosisCode(input), listCode, site: { character, title } });
  });

  it('keeps a four-character code as it is, without a site', () => {
    expect(findDiagnosis('m171', TODAY)).toMatchObject({ code: 'M17.1', listCode: 'M17.1', site: null, title: 'Annan primär gonartros' });
  });

  it.each([
    ['M19.0X', 'a letter where WHO has site digits'],
    ['M19.06', 'the knee, which is M17'],
    ['M19.00', 'several sites, which is polyarthrosis (M15)'],
    ['M17.19', 'a site on a knee code, whose category already names the site'],
    ['M17.16', 'even the knee itself on a knee code'],
    ['M16.15', 'the hip site on a hip code'],
    ['M18.14', 'the hand site on a thumb-base code'],
    ['M15.00', 'a site on polyarthrosis'],
    ['M17.1A', 'a laterality letter, which ICD-10-SE does not document here'],
    ['M17.7', 'a fourth character not in the list'],
  ])('refuses %s: %s', (input) => {
    expect(findDiagnosis(input, TODAY)).toBeUndefined();
  });

  it('refuses a code with a fifth character before the code is in force', () => {
    expect(findDiagnosis('M19.04', '1996-12-31')).toBeUndefined();
  });

  it('lets only M19 take a fifth character, never 0 or 6', () => {
    for (const c of diagnosisCodes.codes) {
      if (c.code.startsWith('M19')) expect([c.code, c.fifthCharacters]).toEqual([c.code, ['1', '2', '3', '4', '5', '7', '8', '9']]);
      else expect([c.code, c.fifthCharacters]).toEqual([c.code, []]);
    }
  });
});

describe('the diagnosis list schema', () => {
  const copy = () => structuredClone(icdRaw) as unknown as { codes: { code: string; fifthCharacters?: string[]; validFrom: string }[] };
  const problems = (data: unknown) => {
    const r = DiagnosisListSchema.safeParse(data);
    return r.success ? [] : r.error.issues.map((i) => i.message);
  };

  it('accepts the data file as it is', () => {
    expect(problems(icdRaw)).toEqual([]);
  });

  it('refuses a fifth character that is not a site code', () => {
    const c = copy();
    c.codes[0]!.fifthCharacters = ['X'];
    expect(problems(c).length).toBeGreaterThan(0);
  });

  it('refuses a code listed twice from the same day', () => {
    const c = copy();
    c.codes.push(structuredClone(c.codes[0]!));
    expect(problems(c)).toContain('duplicate diagnosis code');
  });

  it('refuses a list entry with a fifth character of its own (the fifth goes in fifthCharacters)', () => {
    const c = copy();
    c.codes[0]!.code = 'M19.04';
    expect(problems(c).length).toBeGreaterThan(0);
  });
});

describe('the episode records the full code', () => {
  it.each([['m19.04', 'M19.04'], ['M1904', 'M19.04'], ['M19.9', 'M19.9']])('%s is recorded as %s, on the assignment and its journal obligation', (input, code) => {
    episodeSpec()
      .given([])
      .when(startAssignment({ diagnosisCode: input }))
      .then(([assignment, , obligation]) => {
        expect(assignment).toMatchObject({ type: 'AssignmentStarted', data: { diagnosis: { code } } });
        expect(obligation).toMatchObject({ type: 'JournalObligationRaised', data: { diagnosisCode: code } });
      });
  });

  it.each(['M19.0X', 'M17.19', 'M1.71', 'M19.06', 'M19.045'])('refuses %s with 422 UNKNOWN_DIAGNOSIS_CODE', (diagnosisCode) => {
    const error = episodeSpec().given([]).when(startAssignment({ diagnosisCode })).thenThrows('UNKNOWN_DIAGNOSIS_CODE', 'unacceptable');
    expect(toApiError(error)).toMatchObject({ status: 422, code: 'UNKNOWN_DIAGNOSIS_CODE' });
  });
});

describe('KVÅ ZV051', () => {
  it('is the additional code for care given at a distance through ICT (video), not a regional variant of ZV044', () => {
    const zv051 = kvaCodes.codes.find((c) => c.code === 'ZV051');
    expect(zv051?.title).toMatch(/distans/i);
    expect(zv051?.title).toMatch(/informations- och kommunikationsteknik/);
    expect(zv051?.title).not.toMatch(/regional/i);
    expect(isValidKvaCode('ZV051', TODAY)).toBe(true);
  });

  it("leaves the seed's GB020 and ZV044 the default on every journal obligation", () => {
    for (const codes of Object.values(DEFAULT_UNIT_SETTINGS.journalCodes)) expect(codes).toEqual(['GB020', 'ZV044']);
    expect(Object.keys(DEFAULT_UNIT_SETTINGS.journalCodes).sort()).toEqual(['assignment', 'completed-school', 'conversation', 'end']);
  });
});
