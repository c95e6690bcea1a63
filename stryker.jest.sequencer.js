/**
 * Jest test sequencer of the mutation run (stryker.jest.config.js). Stryker runs each mutant
 * with a test-name pattern of the tests that cover it, but jest would still load every test
 * file to find them, and loading is most of a mutant's time. Here a mutant's run keeps only
 * the files that hold a matching test, as noted in Stryker's initial run (see
 * test/domain/stryker-setup.ts). Anything unknown keeps every file, so a test is never lost.
 */
const fs = require('node:fs');
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

class CoveringFilesOnly extends Sequencer {
  constructor(options) {
    super(options);
    this.pattern = options.globalConfig.testNamePattern;
  }

  async sort(tests) {
    const sorted = await super.sort(tests);
    const mutantRun = process.env.STRYKER_MUTATOR_WORKER !== undefined && process.env.__STRYKER_ACTIVE_MUTANT__ !== undefined;
    if (!mutantRun || !this.pattern) return sorted;
    let known;
    try {
      known = JSON.parse(fs.readFileSync(path.join(__dirname, '.stryker-test-names.json'), 'utf8'));
    } catch {
      return sorted;
    }
    // jest-circus matches the pattern this way against each test's full name.
    const pattern = new RegExp(this.pattern, 'i');
    const covering = (test) => (known[test.path] ?? []).some((name) => pattern.test(name));
    if (!sorted.some(covering)) return sorted;
    return sorted.filter((test) => known[test.path] === undefined || covering(test));
  }
}

module.exports = CoveringFilesOnly;
