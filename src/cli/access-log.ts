// `npm run access-log -- verify`: walk the hash chain and name every edited, removed or
// reordered record. `npm run access-log -- sample --unit <hsa id> [--from] [--to] [--size 20]`:
// a random sample of accesses for the unit's documented log review.
import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import { loadConfig } from '../app/config';
import { openAccessLogStore } from '../app/infrastructure';
import { verifyAccessLog, type AccessRecord } from '../app/access-log/access-log-store';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { unit: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, size: { type: 'string', default: '20' } },
  });
  const { store, close } = await openAccessLogStore(loadConfig());
  try {
    if (positionals[0] === 'verify') {
      const { records, problems, head } = await verifyAccessLog(store);
      if (problems.length === 0) {
        console.log(`Access log intact: ${records} records, hash chain unbroken.`);
        // Written down in the log review: a later removal at the end shows as a changed head.
        if (head) console.log(`Head: record ${head.seq}, hash ${head.hash}`);
        return 0;
      }
      console.log(`Access log TAMPERED: ${problems.length} problem(s) in ${records} records:`);
      for (const p of problems) console.log(`  record ${p.seq}: ${p.problem} (${p.detail})`);
      return 3;
    }
    if (positionals[0] === 'sample') {
      const all: AccessRecord[] = [];
      for (let afterSeq = 0; ; ) {
        const page = await store.query({ unitId: values.unit, from: values.from, to: values.to, afterSeq, limit: 5000 });
        all.push(...page);
        if (page.length < 5000) break;
        afterSeq = page[page.length - 1]!.seq;
      }
      const size = Math.min(Number(values.size), all.length);
      // Fisher-Yates with a cryptographic source: reviewers cannot predict the sample.
      for (let i = all.length - 1; i > 0; i--) {
        const j = randomInt(i + 1);
        [all[i], all[j]] = [all[j]!, all[i]!];
      }
      const sample = all.slice(0, size).sort((a, b) => a.seq - b.seq);
      console.log(`Random sample of ${size} of ${all.length} accesses${values.unit ? ` at ${values.unit}` : ''}:`);
      for (const r of sample) console.log(`  #${r.seq} ${r.at} ${r.role} ${r.actorId} (${r.actorUnitId ?? '-'}) ${r.action} ${r.endpoint} episode ${r.episodeId ?? '-'}`);
      return 0;
    }
    console.error('usage: npm run access-log -- verify | sample --unit <hsa id> [--from <time>] [--to <time>] [--size N]');
    return 2;
  } finally {
    await close();
  }
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
