// jest setupFilesAfterEnv of the mutation run only (stryker.jest.config.js).
//
// A property that a mutant breaks stops at its first counterexample instead of shrinking it:
// Stryker needs to know that a test failed, not the smallest case. The seed and the cases
// drawn are npm test's.
//
// In Stryker's initial run (a Stryker worker, no mutant active) every test that runs is
// noted with its file, in the sandbox's .stryker-test-names.json; the sequencer
// (stryker.jest.sequencer.js) then gives each mutant's run only the files of the tests that
// cover it, instead of loading every test file for every mutant.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';

fc.configureGlobal({ ...fc.readConfigureGlobal(), endOnFailure: true });

const initialStrykerRun = process.env.STRYKER_MUTATOR_WORKER !== undefined && process.env.__STRYKER_ACTIVE_MUTANT__ === undefined;
if (initialStrykerRun) {
  const names: string[] = [];
  afterEach(() => {
    const name = expect.getState().currentTestName;
    if (name) names.push(name);
  });
  afterAll(() => {
    const file = path.resolve(__dirname, '../../.stryker-test-names.json');
    const testPath = expect.getState().testPath ?? '';
    const known = (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {}) as Record<string, string[]>;
    known[testPath] = [...new Set([...(known[testPath] ?? []), ...names])];
    fs.writeFileSync(file, JSON.stringify(known));
  });
}
