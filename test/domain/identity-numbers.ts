// Generated identity numbers for tests. Apart from Skatteverket's published test numbers,
// tests use only numbers built here, with a Luhn written apart from the one under test.

/** Reference Luhn (weights 2,1,2,... over YYMMDDNNN, digit sums of the products). */
export const referenceCheckDigit = (nine: string): number => {
  const sum = [...nine].map((c, i) => Number(c) * (i % 2 === 0 ? 2 : 1)).reduce((s, p) => s + Math.floor(p / 10) + (p % 10), 0);
  return (10 - (sum % 10)) % 10;
};

/** YYYYMMDD (day + 60 for a samordningsnummer) and a birth number, with its check digit: YYYYMMDD-NNNC. */
export const generated = (yyyymmdd: string, birthNumber = '238'): string =>
  `${yyyymmdd}-${birthNumber}${referenceCheckDigit(yyyymmdd.slice(2) + birthNumber)}`;
