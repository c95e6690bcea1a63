// Starting the bench's child processes (the rebuild, the HTTP server) as production runs
// them: compiled JavaScript on plain node, so their memory and latency are not ts-node's
// (the TypeScript compiler alone holds about 80 MB). The project is compiled once per run,
// with bench/tsconfig.json, into node_modules/.cache.
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const PROJECT = path.join(__dirname, 'tsconfig.json');
const OUT = path.join(__dirname, '..', 'node_modules', '.cache', 'artrosskola-bench', 'bench');
let compiled = false;

function compile(): void {
  if (compiled) return;
  const tsc = require.resolve('typescript/bin/tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', PROJECT], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`compiling the bench failed: ${run.stdout}${run.stderr}`);
  compiled = true;
}

export function forkChild(file: string, args: readonly string[], env: Record<string, string>, silent = false): ChildProcess {
  compile();
  return fork(path.join(OUT, file.replace(/\.ts$/, '.js')), [...args], {
    execArgv: ['--expose-gc'],
    env: { ...process.env, ...env },
    stdio: silent ? ['ignore', 'pipe', 'inherit', 'ipc'] : ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** Run a child to its end and return the last JSON line it printed. */
export function runJsonChild<T>(file: string, args: readonly string[], env: Record<string, string>): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = forkChild(file, args, env, true);
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`${file} exited with ${code}`));
      try {
        resolve(JSON.parse(line) as T);
      } catch {
        reject(new Error(`${file} printed no result: ${out.slice(-500)}`));
      }
    });
  });
}
