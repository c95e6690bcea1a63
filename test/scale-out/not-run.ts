// Says on the terminal that a suite was skipped for want of a server. Written to stderr
// directly: Jest drops console output of a file whose tests were all skipped.
export function sayNotRun(suite: string, variable: string, example: string): void {
  process.stderr.write(`${suite} was NOT run: ${variable} is not set (run with ${example}).\n`);
}

export const PG_EXAMPLE = 'DATABASE_URL=postgres://postgres@127.0.0.1:5432/test';
