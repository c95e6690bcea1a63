// jest setupFiles of the mutation run only (stryker.jest.config.js). A property that a mutant
// breaks stops at its first counterexample instead of shrinking it: Stryker needs to know
// that a test failed, not the smallest case. The seed and the cases drawn are npm test's.
import fc from 'fast-check';

fc.configureGlobal({ ...fc.readConfigureGlobal(), endOnFailure: true });
