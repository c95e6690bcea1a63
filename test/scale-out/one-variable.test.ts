// Switching from the embedded default to PostgreSQL takes one variable: EVENT_STORE=postgres
// connects through the standard libpq variables (PGHOST, PGPORT, PGUSER, PGDATABASE) and
// their defaults when no DATABASE_URL is given; events, keys, access log and read models
// then all live in PostgreSQL.
import request from 'supertest';
import { Pool } from 'pg';
import { loadConfig } from '../../src/app/config';
import { buildApp } from '../../src/app/bootstrap';
import { mintToken } from '../../src/app/auth/token-verifier';
import { PG_EXAMPLE, sayNotRun } from './not-run';

const url = process.env.DATABASE_URL;
const suite = url ? describe : describe.skip;
if (!url) sayNotRun('The one-variable PostgreSQL suite', 'DATABASE_URL', PG_EXAMPLE);

suite('EVENT_STORE=postgres alone', () => {
  const schema = `one_var_${process.pid}`;
  const admin = new Pool({ connectionString: url });
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  it('serves writes and reads on PostgreSQL through the libpq variables', async () => {
    const u = new URL(url!);
    const saved = { ...process.env };
    Object.assign(process.env, { PGHOST: u.hostname, PGPORT: u.port || '5432', PGUSER: decodeURIComponent(u.username), PGDATABASE: u.pathname.slice(1) });
    try {
      const config = loadConfig({ EVENT_STORE: 'postgres', DATABASE_SCHEMA: schema, LOG_LEVEL: 'silent', DATA_DIR: '/tmp/das-one-var' } as NodeJS.ProcessEnv);
      expect(config.databaseUrl).toBeUndefined();
      const app = await buildApp(config);
      await app.app.init();
      try {
        const http = request(app.app.getHttpServer());
        const token = mintToken(config.jwtSecret!, { sub: 'SE2321000131-T001', role: 'therapist', unit: 'SE2321000131-E001' });
        const res = await http
          .post('/episodes')
          .set('Authorization', `Bearer ${token}`)
          .send({ personnummer: '19121212-1212', therapistId: 'SE2321000131-T001', diagnosisCode: 'M17.1' });
        expect(res.status).toBe(201);
        const view = await http.get(`/episodes/${res.body.episodeId}?after=${res.body.position}`).set('Authorization', `Bearer ${token}`);
        expect(view.status).toBe(200);
      } finally {
        await app.close();
      }
      const tables = await admin.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, [schema]);
      const names = tables.rows.map((r) => r.table_name as string);
      expect(names).toEqual(expect.arrayContaining(['patient_keys', 'access_log', 'projection_checkpoints', 'episode_progress']));
    } finally {
      process.env = saved;
    }
  });
});
