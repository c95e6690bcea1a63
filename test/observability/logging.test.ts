// LOG_FORMAT=pretty: readable lines for a terminal through pino-pretty (in pino's transport
// worker), with the same redaction as the JSON lines.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loggerOptions, prettyStream } from '../../src/app/observability/logging';

it('writes pretty lines, redacted', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'das-pretty-'));
  const file = path.join(dir, 'out.log');
  try {
    const stream = prettyStream(file) as pino.DestinationStream & NodeJS.EventEmitter & { end(): void };
    const log = pino(loggerOptions({ logLevel: 'log' }), stream);
    log.info({ personnummer: '19121212-1212', route: '/episodes' }, 'assigned %s', '201901012391');
    await new Promise<void>((resolve) => {
      stream.once('close', () => resolve());
      stream.end();
    });
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toMatch(/INFO.*assigned \[personnummer\]/);
    expect(text).toContain('route: "/episodes"');
    expect(text).not.toMatch(/^\{/m);
    expect(text).not.toMatch(/1212-1212|201901012391/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
