/**
 * Jest for Stryker: the project's own config (jest.config.js, with its fast-check seed
 * setup), limited to the domain's tests, since the mutation run is about src/domain's rules.
 * STRYKER_SKIP_TESTS (comma-separated path fragments) leaves test files out of a local run,
 * for when someone's half-finished edit fails one; a run for the record leaves it unset.
 */
const base = require('./jest.config.js');

const skipped = (process.env.STRYKER_SKIP_TESTS ?? '').split(',').map((s) => s.trim()).filter(Boolean);

module.exports = { ...base, roots: ['<rootDir>/test/domain'], testPathIgnorePatterns: ['/node_modules/', ...skipped] };
