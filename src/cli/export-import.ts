// `npm run export -- <episodeId> [file]` writes an episode's complete history as JSON;
// `npm run import -- <file>` appends it to this installation's store (where it must not exist yet).
import fs from 'node:fs';
import { withStore } from './cli-store';
import { recordCliAccess } from './cli-access';
import { episodeStreamId } from '../domain/episode/decider';
import { exportEpisode, importEpisode } from '../app/timeline/episode-export';

async function main(): Promise<number> {
  const [command, arg, file] = process.argv.slice(2);
  if (command === 'export' && arg) {
    return withStore(async (store, infrastructure, config) => {
      const records = await store.readStream(episodeStreamId(arg));
      if (records.length === 0) {
        console.error(`No episode ${arg} in this store.`);
        return 1;
      }
      await recordCliAccess(config, infrastructure, 'export', arg, records, 'export');
      const json = `${JSON.stringify(exportEpisode(arg, records), null, 2)}\n`;
      if (file) fs.writeFileSync(file, json);
      // Wait for the pipe to drain: process.exit would cut a long export short.
      else await new Promise<void>((done) => process.stdout.write(json, () => done()));
      return 0;
    });
  }
  if (command === 'import' && arg) {
    const input: unknown = JSON.parse(fs.readFileSync(arg, 'utf8'));
    return withStore(async (store) => {
      const result = await importEpisode(store, input);
      console.log(`Imported episode ${result.episodeId}: ${result.events} events, last position ${result.lastPosition}.`);
      return 0;
    });
  }
  console.error('usage: npm run export -- <episodeId> [file] | npm run import -- <file>');
  return 2;
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
