// Configuration from the environment: defaults that run on a fresh machine, and a refusal
// naming the variable for every value the service cannot start with.
import path from 'node:path';
import { ConfigError, LOCAL_JWT_SECRET, loadConfig } from '../../src/app/config';

describe('configuration', () => {
  it('runs on a fresh machine with no variables set: port 3000 on 127.0.0.1, SQLite under ./data, the local secret', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      production: false,
      port: 3000,
      host: '127.0.0.1',
      eventStore: 'sqlite',
      dataDir: path.resolve('data'),
      sqliteFile: path.resolve('data', 'events.db'),
      jwtSecret: LOCAL_JWT_SECRET,
      usingLocalSecret: true,
      writeRetries: 10,
    });
  });

  it('takes PORT, HOST, DATA_DIR, EVENT_STORE and AUTH_JWT_SECRET from the environment', () => {
    const c = loadConfig({
      PORT: '3917',
      HOST: '0.0.0.0',
      DATA_DIR: '/tmp/das-data',
      EVENT_STORE: 'postgres',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
      AUTH_JWT_SECRET: 'a-secret-of-at-least-16',
    });
    expect(c).toMatchObject({
      port: 3917,
      host: '0.0.0.0',
      dataDir: '/tmp/das-data',
      sqliteFile: '/tmp/das-data/events.db',
      eventStore: 'postgres',
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/test',
      jwtSecret: 'a-secret-of-at-least-16',
      usingLocalSecret: false,
    });
  });

  it('takes an empty variable as unset, not as 0 (a random port, or no rate limit)', () => {
    expect(loadConfig({ PORT: '', RATE_LIMIT_PER_MINUTE: ' ', WRITE_RETRIES: '', DATA_DIR: '' })).toMatchObject({
      port: 3000,
      rateLimitPerMinute: 1200,
      writeRetries: 10,
      dataDir: path.resolve('data'),
    });
  });

  it.each<[Record<string, string>, string]>([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ EVENT_STORE: 'mongodb' }, 'EVENT_STORE'],
    [{ EVENT_STORE: 'eventstoredb' }, 'EVENTSTOREDB_URL'],
    [{ AUTH_JWT_SECRET: 'short' }, 'AUTH_JWT_SECRET'],
    [{ WRITE_RETRIES: '-1' }, 'WRITE_RETRIES'],
    [{ LOG_LEVEL: 'chatty' }, 'LOG_LEVEL'],
    // The local development secret is never accepted in production.
    [{ NODE_ENV: 'production', DATA_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'), PATIENT_INDEX_KEY: 'k'.repeat(32) }, 'AUTH_JWT_SECRET'],
  ])('refuses %j at start, naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^Invalid configuration:\\n(.|\\n)*  ${variable}: `));
  });
});
