// Code lists (ICD-10-SE diagnoses, KVÅ action codes) are reference data with validity
// dates: they change yearly, so they live in JSON files, not as literals in the rules.
import { z } from 'zod';
import icdRaw from './icd10-se.json';
import kvaRaw from './kva.json';

const Code = z.object({
  code: z.string().min(1),
  title: z.string().min(1),
  joint: z.string().optional(),
  validFrom: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  validTo: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable(),
});
const CodeList = z.object({ system: z.string(), note: z.string(), codes: z.array(Code).min(1) });
export type CodeEntry = z.infer<typeof Code>;

export const diagnosisCodes = CodeList.parse(icdRaw);
export const kvaCodes = CodeList.parse(kvaRaw);

const validOn = (entry: CodeEntry, date: string) =>
  entry.validFrom <= date && (entry.validTo === null || date <= entry.validTo);

/** "M17.1", "m17.1" and "M171" all mean M17.1. */
export function normaliseDiagnosisCode(input: string): string {
  const compact = input.trim().toUpperCase().replace('.', '');
  return compact.length > 3 ? `${compact.slice(0, 3)}.${compact.slice(3)}` : compact;
}

/** The ICD-10-SE entry of the osteoarthritis block valid on `date`, or undefined. */
export function findDiagnosis(code: string, date: string): CodeEntry | undefined {
  const wanted = normaliseDiagnosisCode(code);
  return diagnosisCodes.codes.find((c) => c.code === wanted && validOn(c, date));
}

export function isValidKvaCode(code: string, date: string): boolean {
  return kvaCodes.codes.some((c) => c.code === code && validOn(c, date));
}
