/** Jest: ts-jest over TypeScript 6 (ts-jest cannot load TypeScript 7). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }] },
  // fast-check: one fixed seed for every property (FC_SEED to change), said once per run.
  globalSetup: '<rootDir>/test/support/fast-check-seed.ts',
  setupFiles: ['<rootDir>/test/support/fast-check.ts'],
  // Generous: e2e suites start the app and real processes on a two-core machine.
  testTimeout: 60000,
};
