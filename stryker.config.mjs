// Mutation testing of src/domain (Stryker, jest runner): which rule changes the tests under
// test/domain notice. `npm run test:mutation`; docs/testing.md has the numbers and the
// equivalent mutants. Reports (HTML, JSON, incremental) go to reports/, which is not committed.

// Two cores shared by the team: one test process unless a dedicated run asks for more.
const concurrency = Number(process.env.STRYKER_CONCURRENCY ?? 1);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  jest: { configFile: 'stryker.jest.config.js', enableFindRelatedTests: false },
  mutate: ['src/domain/**/*.ts'],
  // Each mutant runs only the tests that reach it. Static mutants (module-level schema and
  // constant definitions) would each reload and rerun the whole suite; they are left out,
  // and the schemas have their own tests (see docs/testing.md).
  coverageAnalysis: 'perTest',
  ignoreStatic: true,
  concurrency,
  // A busy machine is slow, not stuck: allow for the other engineers' load.
  timeoutMS: 20_000,
  timeoutFactor: 3,
  dryRunTimeoutMinutes: 15,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  tempDirName: 'reports/.stryker-tmp',
  // Only what the domain tests need goes into the sandbox.
  ignorePatterns: ['/*', '!/src', '!/test', '!/docs', '!/package.json', '!/jest.config.js', '!/stryker.jest.config.js', '!/stryker.jest.sequencer.js', '!/tsconfig.json', '!/tsconfig.jest.json'],
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: false, reportScoreTable: true },
  thresholds: { high: 90, low: 85, break: null },
};
