// jest setupFiles: every fast-check property in every test file runs with the seed of
// fast-check-seed.ts. A failure report then names the seed and the path of the shrunk
// counterexample (replay: FC_SEED=<seed>, or { seed, path } in the property's parameters),
// and verbose mode prints the counterexample with the failures met while shrinking.
import fc from 'fast-check';
import { fastCheckSeed } from './fast-check-seed';

fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: fastCheckSeed(), verbose: fc.VerbosityLevel.Verbose });
