// Code lists (ICD-10-SE diagnoses, KVÅ action codes) are reference data with validity
// dates: they change yearly, so they live in JSON files, not as literals in the rules.
import { z } from 'zod';
import icdRaw from './icd10-se.json';
import kvaRaw from './kva.json';

const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const Code = z.object({
  code: z.string().min(1),
  title: z.string().min(1),
  joint: z.string().optional(),
  validFrom: LocalDate,
  validTo: LocalDate.nullable(),
});
const CodeList = z.object({ system: z.string(), note: z.string(), codes: z.array(Code).min(1) });
export type CodeEntry = z.infer<typeof Code>;

const SiteCharacter = z.string().regex(/^\d$/);
const DiagnosisEntry = Code.extend({
  code: z.string().regex(/^[A-Z]\d{2}\.\d$/, 'a four-character code such as M17.1'),
  /** The fifth characters (site of chapter XIII) the code may take; none when absent. */
  fifthCharacters: z.array(SiteCharacter).default([]),
});
export type DiagnosisEntry = z.infer<typeof DiagnosisEntry>;

export const DiagnosisListSchema = CodeList.extend({
  siteCodes: z.object({ note: z.string(), sites: z.record(SiteCharacter, z.string().min(1)) }),
  codes: z.array(DiagnosisEntry).min(1),
}).superRefine((list, ctx) => {
  if (new Set(list.codes.map((c) => `${c.code} ${c.validFrom}`)).size !== list.codes.length)
    ctx.addIssue({ code: 'custom', message: 'duplicate diagnosis code' });
  for (const c of list.codes)
    for (const fifth of c.fifthCharacters)
      if (!(fifth in list.siteCodes.sites)) ctx.addIssue({ code: 'custom', message: `${c.code} allows ${fifth}, which is not a site code` });
});

export const diagnosisCodes = DiagnosisListSchema.parse(icdRaw);
export const kvaCodes = CodeList.parse(kvaRaw);

const validOn = (entry: CodeEntry, date: string) =>
  entry.validFrom <= date && (entry.validTo === null || date <= entry.validTo);

// A letter, two digits, then optionally the fourth character (a digit) and a fifth; the dot
// only ever stands after the third character ("M1.71" is not M17.1).
const DIAGNOSIS_SHAPE = /^([A-Z]\d{2})(?:\.?(\d)([0-9A-Z])?)?$/;

/** "M17.1", "m17.1" and "M171" all mean M17.1; "m19.04" and "M1904" mean M19.04. Undefined when not shaped like an ICD-10 code. */
export function normaliseDiagnosisCode(input: string): string | undefined {
  const m = DIAGNOSIS_SHAPE.exec(input.trim().toUpperCase());
  if (!m) return undefined;
  const [, category, fourth, fifth] = m as unknown as [string, string, string | undefined, string | undefined];
  return fourth === undefined ? category : `${category}.${fourth}${fifth ?? ''}`;
}

/** A diagnosis as the episode records it: the normalised code as entered, fifth character included. */
export interface Diagnosis extends DiagnosisEntry {
  /** The full code, e.g. M19.04. */
  readonly code: string;
  /** The list's four-character entry it belongs to, e.g. M19.0. */
  readonly listCode: string;
  /** The site of a fifth character, or null without one. */
  readonly site: { readonly character: string; readonly title: string } | null;
}

/**
 * The ICD-10-SE diagnosis of the osteoarthritis block valid on `date`, or undefined. A fifth
 * character is accepted only where the list allows it for that code.
 */
export function findDiagnosis(code: string, date: string): Diagnosis | undefined {
  const wanted = normaliseDiagnosisCode(code);
  if (wanted === undefined || wanted.length < 5) return undefined;
  const listCode = wanted.slice(0, 5);
  const fifth = wanted.slice(5);
  const entry = diagnosisCodes.codes.find((c) => c.code === listCode && validOn(c, date));
  if (!entry) return undefined;
  if (fifth === '') return { ...entry, listCode, site: null };
  if (!entry.fifthCharacters.includes(fifth)) return undefined;
  return { ...entry, code: wanted, listCode, site: { character: fifth, title: diagnosisCodes.siteCodes.sites[fifth]! } };
}

export function isValidKvaCode(code: string, date: string): boolean {
  return kvaCodes.codes.some((c) => c.code === code && validOn(c, date));
}
