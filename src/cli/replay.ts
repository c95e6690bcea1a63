// `npm run replay -- <episodeId> [--revision N | --at <time>] [--format table|json|csv]`
// Prints an episode's timeline for an auditor, straight from the event store.
import { parseArgs } from 'node:util';
import { withStore } from './cli-store';
import { recordCliAccess } from './cli-access';
import { episodeStreamId } from '../domain/episode/decider';
import { REPLAY_USAGE, replay, replayUsageError } from './replay-format';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { revision: { type: 'string' }, at: { type: 'string' }, format: { type: 'string', default: 'table' } },
  });
  const episodeId = positionals[0];
  const usage = episodeId ? replayUsageError(values) : 'an episode id is needed';
  if (!episodeId || usage) {
    console.error(`${usage}\n${REPLAY_USAGE}`);
    return 2;
  }
  return withStore(async (store, infrastructure, config) => {
    const records = await store.readStream(episodeStreamId(episodeId));
    await recordCliAccess(config, infrastructure, 'replay', episodeId, records, 'read');
    const out = replay(episodeId, records, values);
    // Wait for the pipes to drain: process.exit would cut a long export short.
    await new Promise<void>((done) => process.stdout.write(out.stdout, () => done()));
    await new Promise<void>((done) => process.stderr.write(out.stderr, () => done()));
    return out.exitCode;
  });
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
