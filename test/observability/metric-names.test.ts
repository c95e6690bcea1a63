// The metrics the service exports are the ones README.md's operations section lists, and
// the Grafana dashboard kept in ops/ shows every one of them and nothing else.
import fs from 'node:fs';
import path from 'node:path';
import { instruments } from '../../src/app/observability/instruments';
import { ProjectorTelemetry } from '../../src/app/observability/projector-telemetry';
import type { EventStore } from '../../src/event-store/event-store';
import { startTestTelemetry, type TestTelemetry } from './telemetry-harness';

const ROOT = path.join(__dirname, '../..');
const NAME = /\b(artrosskola_[a-z_]+|http_server_[a-z_]+)\b/g;
const family = (name: string) => name.replace(/_(bucket|count|sum)$/, '');

let telemetry: TestTelemetry;
beforeAll(() => {
  telemetry = startTestTelemetry();
});
afterAll(async () => telemetry?.stop());

async function exported(): Promise<Set<string>> {
  // One value on every instrument, and the lag gauges over a projector of one projection.
  for (const instrument of Object.values(instruments()) as unknown[]) {
    const i = instrument as { add?: (v: number) => void; record?: (v: number) => void };
    if (typeof i.add === 'function') i.add(1);
    else if (typeof i.record === 'function') i.record(1);
  }
  const store = { onAppended: () => () => undefined } as unknown as EventStore;
  const projectorTelemetry = new ProjectorTelemetry(store);
  const stop = projectorTelemetry.observeLag({
    lag: async () => ({ headPosition: '0', maxBehind: '0', projections: [{ name: 'dashboard', version: 1, position: '0', behind: '0', status: 'live', lastError: null }] }),
  });
  const text = await telemetry.scrape();
  stop();
  return new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!).filter((n) => n !== 'target_info'));
}

it('are listed in README.md and all shown on the dashboard', async () => {
  const names = await exported();
  expect(names.size).toBeGreaterThanOrEqual(17);
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Metrics'), readme.indexOf('### Health and probes'));
  const documented = new Set([...section.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]!));
  expect([...documented].sort()).toEqual([...names].sort());
  const dashboard = fs.readFileSync(path.join(ROOT, 'ops/grafana/dashboards/artrosskola-core.json'), 'utf8');
  const shown = new Set([...dashboard.matchAll(NAME)].map((m) => family(m[1]!)));
  expect([...shown].sort()).toEqual([...names].sort());
});
