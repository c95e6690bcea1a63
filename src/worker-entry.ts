// Where a worker thread's entry file is, and how to start it: under ts-node (npm start, jest,
// the bench) the caller is a .ts file, so the entry is the .ts file beside it and the worker
// registers ts-node's transpile-only hook; compiled, it is the .js file beside it in dist/.

import path from 'node:path';

export interface WorkerEntry {
  readonly file: string;
  readonly execArgv: string[];
}

/** The entry `name` (no extension) in `dir`, in the same form as `callerFile` (the caller's __filename). */
export function workerEntry(dir: string, name: string, callerFile: string): WorkerEntry {
  const ts = path.extname(callerFile) === '.ts';
  return { file: path.join(dir, `${name}${ts ? '.ts' : '.js'}`), execArgv: ts ? ['-r', 'ts-node/register/transpile-only'] : [] };
}
