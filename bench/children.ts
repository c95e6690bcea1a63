// Starting the bench's child processes (TypeScript through ts-node, as `npm run bench` does).
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const PROJECT = path.join(__dirname, 'tsconfig.json');

export function forkChild(file: string, args: readonly string[], env: Record<string, string>, silent = false): ChildProcess {
  return fork(path.join(__dirname, file), [...args], {
    execArgv: ['-r', 'ts-node/register/transpile-only', '--expose-gc'],
    env: { ...process.env, TS_NODE_PROJECT: PROJECT, ...env },
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
