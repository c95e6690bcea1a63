// `npm run replay -- <episodeId> [--revision N | --at <time>] [--format table|json|csv]`
// Prints an episode's timeline for an auditor, straight from the event store.
import { parseArgs } from 'node:util';
import { withStore } from './cli-store';
import { buildTimeline, entryAsOf } from '../app/timeline/timeline';
import { episodeStreamId } from '../domain/episode/decider';
import { formatCsv, formatJson, formatTable } from './replay-format';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { revision: { type: 'string' }, at: { type: 'string' }, format: { type: 'string', default: 'table' } },
  });
  const episodeId = positionals[0];
  if (!episodeId || !['table', 'json', 'csv'].includes(values.format!)) {
    console.error('usage: npm run replay -- <episodeId> [--revision N | --at <ISO time>] [--format table|json|csv]');
    return 2;
  }
  return withStore(async (store) => {
    const records = await store.readStream(episodeStreamId(episodeId));
    if (records.length === 0) {
      console.error(`No episode ${episodeId} in this store.`);
      return 1;
    }
    const timeline = buildTimeline(episodeId, records);
    const asOf = entryAsOf(timeline, { revision: values.revision !== undefined ? Number(values.revision) : undefined, at: values.at });
    if (!asOf) {
      console.error('The episode did not exist at that revision or time.');
      return 1;
    }
    const entries = timeline.entries.filter((e) => e.revision <= asOf.revision);
    const out = values.format === 'json' ? formatJson(timeline, entries) : values.format === 'csv' ? formatCsv(entries) : formatTable(timeline, entries);
    process.stdout.write(out);
    if (values.format === 'table' && (values.revision !== undefined || values.at !== undefined))
      process.stdout.write(`\nState as of revision ${asOf.revision} (${asOf.recordedAt}):\n${JSON.stringify(asOf.state, null, 2)}\n`);
    return timeline.integrity.ok ? 0 : 3;
  });
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
