// Profiling aid: runs only the 16-writer workload on a fresh store for a few seconds.
// node --cpu-prof -r ts-node/register/transpile-only bench/profile-commands.ts [seconds] [sqlite|postgres]
// (postgres needs DATABASE_URL)
import 'reflect-metadata';
import { CommandBus } from '@nestjs/cqrs';
import { buildApp } from '../src/app/bootstrap';
import { createBenchStore } from './stores';
import { Expectations, ScriptClock, Workload } from './workload';

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 5);
  const kind = process.argv[3] === 'postgres' ? 'postgres' : 'sqlite';
  const bench = await createBenchStore(kind, process.env.DATABASE_URL);
  const clock = new ScriptClock();
  const running = await buildApp(bench.config(), { clock });
  await running.app.init();
  try {
    const workload = new Workload(running.app.get(CommandBus), clock, new Expectations());
    const end = Date.now() + seconds * 1000;
    const t0 = Date.now();
    const commands = await workload.run(16, () => Date.now() >= end);
    console.log(`${commands} commands in ${(Date.now() - t0) / 1000} s: ${(commands / ((Date.now() - t0) / 1000)).toFixed(0)}/s`);
  } finally {
    await running.close();
    await bench.destroy();
  }
}

void main();
