// Sign-in in production: no form to choose a role (the service mints nothing), a pasted
// token checked exactly as the API checks a bearer token, kept in the session cookie.
import { mintToken } from '../../src/app/auth/token-verifier';
import { startApp, type TestApp } from '../e2e/harness';

const SECRET = 'a-production-secret-of-the-region';
let t: TestApp;

beforeAll(async () => {
  t = await startApp({
    env: {
      NODE_ENV: 'production',
      AUTH_JWT_SECRET: SECRET,
      DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      PATIENT_INDEX_KEY: 'p'.repeat(32),
      RATE_LIMIT_PER_MINUTE: '0',
    },
  });
});
afterAll(async () => t?.stop());

const form = (body: Record<string, string>) => t.http.post('/ui/sign-in').set('Host', 'das.example').set('Origin', 'https://das.example').type('form').send(body);

describe('sign-in in production', () => {
  it('offers only the pasted token', async () => {
    const page = await t.http.get('/ui/sign-in');
    expect(page.status).toBe(200);
    expect(page.text).toContain('name="token"');
    expect(page.text).not.toContain('name="role"');
  });

  it('refuses a local session and an invalid token, and keeps a valid one in the cookie', async () => {
    expect((await form({ mode: 'local', role: 'auditor', sub: 'SE2321000131-G001' })).status).toBe(403);
    const forged = await form({ mode: 'token', token: mintToken('not-the-secret-at-all', { sub: 'x', role: 'auditor' }) });
    expect(forged.status).toBe(400);
    expect(forged.headers['set-cookie']).toBeUndefined();
    const token = mintToken(SECRET, { sub: 'SE2321000131-G001', role: 'auditor', name: 'Gun Granskare' });
    const ok = await form({ mode: 'token', token, next: '/ui/audit/access-log' });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/ui/audit/access-log');
    expect(ok.headers['set-cookie']?.[0]).toMatch(/^das_session=[^;]+; Path=\/ui; Max-Age=\d+; HttpOnly; Secure; SameSite=Strict$/);
    const page = await t.http.get('/ui/audit').set('Cookie', ok.headers['set-cookie']![0]!.split(';')[0]!);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Gun Granskare');
  });
});
