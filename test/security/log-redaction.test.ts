// Personal data never reaches the logs: redact() masks personnummer/samordningsnummer in
// every written form and bearer tokens (properties over generated numbers and tokens), the
// error filter logs 5xx lines through it, and requests that are refused because of a
// personnummer leave no log line containing it (the app runs at LOG_LEVEL=verbose and every
// write to stdout/stderr is captured).
import fc from 'fast-check';
import { Logger, type ArgumentsHost } from '@nestjs/common';
import { redact } from '../../src/app/http/redact';
import { ErrorFilter } from '../../src/app/http/error.filter';
import { startApp, THERAPIST, UNIT, type TestApp } from '../e2e/harness';

// ---- generated identity numbers (Luhn over YYMMDDNNN, written apart from the domain's) ----

const luhn = (nine: string): number => {
  const sum = [...nine].map((c, i) => Number(c) * (i % 2 === 0 ? 2 : 1)).reduce((s, p) => s + Math.floor(p / 10) + (p % 10), 0);
  return (10 - (sum % 10)) % 10;
};
const pad = (n: number, width: number) => String(n).padStart(width, '0');

interface IdentityNumber {
  readonly digits12: string; // YYYYMMDDNNNC
  readonly written: string; // as it appears in the text
}

/** A valid personnummer (or samordningsnummer: day + 60) in one of its written forms. */
const identityNumber: fc.Arbitrary<IdentityNumber> = fc
  .record({
    year: fc.integer({ min: 1900, max: 2025 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    coordination: fc.boolean(),
    birth: fc.integer({ min: 0, max: 999 }),
    form: fc.constantFrom('YYYYMMDD-NNNC', 'YYYYMMDDNNNC', 'YYMMDD-NNNC', 'YYMMDD+NNNC', 'YYMMDDNNNC', 'YYYYMMDD+NNNC', 'YYYYMMDD NNNC', 'YYMMDD NNNC'),
  })
  .map(({ year, month, day, coordination, birth, form }) => {
    const date = `${pad(year, 4)}${pad(month, 2)}${pad(day + (coordination ? 60 : 0), 2)}`;
    const nnn = pad(birth, 3);
    const c = luhn(date.slice(2) + nnn);
    const last4 = `${nnn}${c}`;
    const written = form
      .replace('YYYYMMDD', date)
      .replace('YYMMDD', date.slice(2))
      .replace('NNNC', last4);
    return { digits12: `${date}${last4}`, written };
  });

const base64url = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), minLength: min, maxLength: max });
/** A JWT-shaped token (header.payload.signature, base64url). */
const jwtToken = fc
  .record({ header: base64url(10, 60), payload: base64url(10, 400), signature: base64url(0, 342) })
  .map(({ header, payload, signature }) => `eyJ${header}.${payload}.${signature}`);
/** Any opaque bearer credential (RFC 6750 token68 characters). */
const opaqueToken = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/'), minLength: 8, maxLength: 200 }).map((s) => `${s}==`);

/** Text around the secrets: anything, but it must not glue digits onto a number. */
const filler = fc.string({ maxLength: 60 }).map((s) => ` ${s.replace(/\d/g, '')} `);

const digitsOf = (s: string) => s.replace(/\D/g, '');

describe('redact()', () => {
  it('masks every written form of a generated personnummer or samordningsnummer', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(filler, identityNumber), { minLength: 1, maxLength: 5 }), filler, (parts, tail) => {
        const text = parts.map(([f, id]) => `${f}${id.written}`).join('') + tail;
        const out = redact(text);
        for (const [, id] of parts) {
          expect(out).not.toContain(id.written);
          expect(digitsOf(out)).not.toContain(id.digits12.slice(2)); // not even YYMMDDNNNC
        }
        expect(out.match(/\[personnummer\]/g)?.length).toBe(parts.length);
      }),
      { numRuns: 300 },
    );
  });

  it('masks numbers inside JSON, URLs and messages', () => {
    fc.assert(
      fc.property(identityNumber, (id) => {
        for (const text of [
          JSON.stringify({ personnummer: id.written, therapistId: THERAPIST }),
          `POST /units/${UNIT}/patients/${id.written}/erasure`,
          `Unexpected token '}', "{"personnummer":"${id.written}"}" is not valid JSON`,
          `pnr=${id.written}&x=1`,
          `pnr${id.written}`,
          `"${id.written}"`,
        ]) {
          expect(digitsOf(redact(text))).not.toContain(id.digits12.slice(2));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('masks bearer tokens and bare JWTs', () => {
    fc.assert(
      fc.property(filler, fc.oneof(jwtToken, opaqueToken), fc.constantFrom('Bearer ', 'bearer ', 'BEARER  ', 'Authorization: Bearer '), filler, (before, token, scheme, after) => {
        const out = redact(`${before}${scheme}${token}${after}`);
        expect(out).not.toContain(token);
        expect(out).toMatch(/Bearer \[redacted\]/);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(filler, jwtToken, filler, (before, token, after) => {
        const out = redact(`${before}token=${token}${after}`);
        expect(out).not.toContain(token);
      }),
      { numRuns: 200 },
    );
  });

  it('leaves text without numbers or tokens alone, and is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }).map((s) => s.replace(/\d/g, '')).filter((s) => !/eyJ|bearer/i.test(s)), (text) => {
        expect(redact(text)).toBe(text);
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(filler, identityNumber.map((i) => i.written), jwtToken.map((j) => `Bearer ${j}`)), { maxLength: 6 }), (parts) => {
        const once = redact(parts.join(''));
        expect(redact(once)).toBe(once);
      }),
    );
  });

  it('keeps short numbers, HSA ids, ULIDs, revisions and ISO times readable', () => {
    const text = `episode 01JD8X2QW3E4R5T6Y7U8I9O0PA revision 12 position 1234 ${THERAPIST} at 2026-11-22T09:00:00.000Z -> 409`;
    expect(redact(text)).toBe(text);
  });
});

describe('the error filter logs 5xx through redact()', () => {
  it('an unexpected error whose message holds a personnummer and a token is logged masked', () => {
    const lines: string[] = [];
    const spy = jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => {
      lines.push(String(message));
    });
    try {
      const res = { headersSent: false, status: jest.fn().mockReturnThis(), json: jest.fn().mockReturnThis() };
      const req = { method: 'POST', route: { path: '/episodes' } };
      const host = { switchToHttp: () => ({ getResponse: () => res, getRequest: () => req }) } as unknown as ArgumentsHost;
      const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
      new ErrorFilter().catch(new Error(`boom for 19121212-1212 and 201901012391 with Bearer ${token}`), host);
      expect(res.status).toHaveBeenCalledWith(500);
      expect(res.json).toHaveBeenCalledWith({ error: { code: 'INTERNAL_ERROR', message: expect.any(String), details: [] } });
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('POST /episodes -> 500 INTERNAL_ERROR');
      expect(lines[0]).not.toContain('1212-1212');
      expect(lines[0]).not.toContain('201901012391');
      expect(lines[0]).not.toContain(token);
      expect(JSON.stringify(res.json.mock.calls)).not.toContain('1212');
    } finally {
      spy.mockRestore();
    }
  });
});

describe('no personnummer in the logs of refused requests (LOG_LEVEL=verbose)', () => {
  let t: TestApp;
  const captured: string[] = [];
  const capture = (chunk: unknown) => {
    captured.push(typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
    return true;
  };
  const spies: jest.SpyInstance[] = [];

  beforeAll(async () => {
    spies.push(jest.spyOn(process.stdout, 'write').mockImplementation(capture as never));
    spies.push(jest.spyOn(process.stderr, 'write').mockImplementation(capture as never));
    spies.push(jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void capture(a.join(' '))));
    spies.push(jest.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void capture(a.join(' '))));
    spies.push(jest.spyOn(console, 'warn').mockImplementation((...a: unknown[]) => void capture(a.join(' '))));
    t = await startApp({ env: { LOG_LEVEL: 'verbose' } });
  });
  afterAll(async () => {
    await t?.stop();
    for (const s of spies) s.mockRestore();
  });

  it('the logger is on and captured (the app logs its start at verbose)', () => {
    expect(captured.join('')).toMatch(/Nest|RoutesResolver|Mapped/);
  });

  it('refusals about a personnummer leave it out of every log line', async () => {
    const th = t.auth('therapist');
    const admin = t.auth('unit_admin');
    const valid = '19121212-1212';
    const numbers = [valid, '191212121212', '121212+1212', '20190101-2391', '19030818-9802', '202601612381'];
    const invalid = '19121212-1213'; // wrong check digit

    expect((await t.http.post('/episodes').set(th).send({ personnummer: valid, therapistId: THERAPIST, diagnosisCode: 'M17.1' })).status).toBe(201);
    const statuses = [
      // 409 ACTIVE_EPISODE_EXISTS, in written forms of the same number (+: born 100 years ago)
      ...(await Promise.all(
        ['19121212-1212', '191212121212', '121212+1212'].map(async (p) => (await t.http.post('/episodes').set(th).send({ personnummer: p, therapistId: THERAPIST, diagnosisCode: 'M16.1' })).status),
      )),
      // 422 INVALID_PERSONNUMMER
      (await t.http.post('/episodes').set(th).send({ personnummer: invalid, therapistId: THERAPIST, diagnosisCode: 'M17.1' })).status,
      // 422 UNKNOWN_DIAGNOSIS_CODE with a valid number
      (await t.http.post('/episodes').set(th).send({ personnummer: '20190101-2391', therapistId: THERAPIST, diagnosisCode: 'J45.9' })).status,
      // 400: malformed JSON whose parser message would quote the number
      (await t.http.post('/episodes').set(th).set('Content-Type', 'application/json').send(`{"personnummer":"${'19030818-9802'}",`)).status,
      // 400: the number in an unknown field and in a wrong type
      (await t.http.post('/episodes').set(th).send({ personnummer: 191212121212, therapistId: THERAPIST, diagnosisCode: 'M17.1' })).status,
      // 413 with the number in the body
      (await t.http.post('/episodes').set(th).send({ personnummer: '202601612381', therapistId: THERAPIST, diagnosisCode: 'M17.1', welcomeText: 'x'.repeat(300_000) })).status,
      // erasure refused during an active episode, and of an unknown patient
      (await t.http.post(`/units/${UNIT}/patient-erasures`).set(admin).send({ personnummer: valid, reason: 'Begäran enligt GDPR' })).status,
      (await t.http.post(`/units/${UNIT}/patient-erasures`).set(admin).send({ personnummer: '19030818-9802', reason: 'Begäran enligt GDPR' })).status,
      (await t.http.post(`/units/${UNIT}/patient-erasures`).set(admin).send({ personnummer: invalid, reason: 'x' })).status,
      // in a path, a query string and a header
      (await t.http.get(`/patients/${valid}`).set(th)).status,
      (await t.http.post(`/episodes/${valid}/end`).set(th).send({ outcome: 'completed' })).status,
      (await t.http.get(`/catalogue?personnummer=${valid}`).set('Authorization', `Bearer ${valid}`)).status,
      (await t.http.post('/episodes').set(th).set('Idempotency-Key', valid.repeat(20)).send({ personnummer: valid })).status,
    ];
    expect(statuses.filter((s) => s < 400 || s >= 500)).toEqual([]);

    const log = captured.join('');
    for (const n of [...numbers, invalid]) {
      expect(log).not.toContain(n);
      expect(log.replace(/\D/g, ' ')).not.toContain(n.replace(/\D/g, '').slice(-10));
    }
    expect(log).not.toMatch(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\./);
  });
});
