// Personal data never reaches the logs: redact() masks personnummer/samordningsnummer in
// every written form and bearer tokens (properties over generated numbers and tokens); the
// pino logger censors sensitive fields by path and redacts every other string, message and
// error; the error filter logs 5xx lines through it; and driving every write and read of the
// contract with personal data in it, and every refusal about a personnummer, leaves no
// captured log line (LOG_LEVEL=verbose, JSON lines to a captured destination) holding a
// personnummer in any written form, a token or a text the patient or staff wrote.
import fc from 'fast-check';
import { Logger, type ArgumentsHost } from '@nestjs/common';
import { redact } from '../../src/app/http/redact';
import { ErrorFilter } from '../../src/app/http/error.filter';
import { CENSOR, createLogger } from '../../src/app/observability/logging';
import { TestClock, THERAPIST, THERAPIST_2, UNIT } from '../e2e/harness';
import { CapturedLog } from '../observability/telemetry-harness';
import { startObservedApp, type ObservedApp } from '../observability/observed-app';

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

  it('keeps a UUID whose last group is all digits whole, and still masks a personnummer beside it', () => {
    const id = '82f606b4-52cc-484e-9402-927273513672';
    expect(redact(`commandId ${id}`)).toBe(`commandId ${id}`);
    expect(redact(`{"commandId":"${id}","note":"19121212-1212 ${id} 191212121212"}`)).toBe(
      `{"commandId":"${id}","note":"[personnummer] ${id} [personnummer]"}`,
    );
    // Not a UUID: a longer hex run, or a personnummer written into a group, is masked as before.
    expect(redact('82f606b4-52cc-484e-9402-191212121212a')).toBe('82f606b4-52cc-484e-9402-[personnummer]a');
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

describe('the logger', () => {
  it('censors the sensitive fields by path and redacts every other string, the message and the error', () => {
    const out = new CapturedLog();
    const log = createLogger({ logLevel: 'verbose', logFormat: 'json' }, out);
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    log.info(
      {
        personnummer: '19121212-1212',
        body: { text: 'Knät värker' },
        nested: { deeper: { welcomeText: 'Hej', answers: { pain: 'svår' }, reason: 'Frikort' } },
        note: 'patient 201901012391 called',
        headers: { authorization: `Bearer ${token}` },
        list: ['19030818-9802', 'ok'],
      },
      'assigned %s',
      '121212-1212',
    );
    log.warn({ err: Object.assign(new Error('boom for 19121212-1212'), { detail: 'Key (p)=(191212121212) exists' }) }, 'failed with %s', `Bearer ${token}`);
    const [first, second] = out.lines;
    expect(first).toMatchObject({
      level: 'info',
      personnummer: CENSOR,
      body: CENSOR,
      nested: { deeper: { welcomeText: CENSOR, answers: CENSOR, reason: CENSOR } },
      note: 'patient [personnummer] called',
      headers: { authorization: CENSOR },
      list: ['[personnummer]', 'ok'],
      msg: 'assigned [personnummer]',
    });
    expect(second).toMatchObject({ level: 'warn', msg: 'failed with Bearer [redacted]', err: { message: 'boom for [personnummer]', detail: 'Key (p)=([personnummer]) exists' } });
    expect((second!.err as { stack: string }).stack).toMatch(/^Error: boom for \[personnummer\]/);
    expect(out.text()).not.toMatch(/1212-?1212|201901012391|9802|eyJ|Knät|Frikort|svår/);
  });
});

/** Every written form of a personnummer: YYYYMMDD-NNNC, YYYYMMDDNNNC, YYMMDD-NNNC, YYMMDD+NNNC, YYMMDDNNNC. */
function writtenForms(personnummer: string): string[] {
  const d = personnummer.replace(/\D/g, '');
  const ten = d.slice(2);
  return [`${d.slice(0, 8)}-${d.slice(8)}`, d, `${ten.slice(0, 6)}-${ten.slice(6)}`, `${ten.slice(0, 6)}+${ten.slice(6)}`, ten];
}

describe('no personal data in the logs of every write and read of the contract (LOG_LEVEL=verbose)', () => {
  const log = new CapturedLog();
  const clock = new TestClock('2026-11-22T09:00:00.000Z'); // a Sunday: the default plan's first occasion is today
  let t: ObservedApp;
  const PATIENT = '19121212-1212';
  const OTHER = '20190101-2391';
  const ERASED = '19030818-9802';
  const COORDINATION = '202601612381';
  // What patients and staff wrote: none of it may reach a log line.
  const TEXTS = {
    welcome: 'Välkommen Greta, börja med knät',
    edited: 'Hej Greta, läs om höft först',
    question: 'Hur kändes promenaden i trappan',
    answer: 'Ont i vänster knä efter tio minuter',
    patientMessage: 'Jag har svårt att sova av smärtan',
    reply: 'Ring oss om det inte blir bättre',
    correction: 'Fel patient angiven i journalen',
    notice: 'Mottagningen stängd, ring Bodil',
    exemption: 'Frikort nummer 4411',
    erasure: 'Begäran enligt GDPR från Greta',
  };
  const statuses: Array<[string, number]> = [];
  let tokens: string[] = [];

  beforeAll(async () => {
    t = await startObservedApp({ clock, logDestination: log, env: { LOG_LEVEL: 'verbose' } });
  });
  afterAll(async () => t?.stop());

  const th = () => t.auth('therapist');
  const admin = () => t.auth('unit_admin');
  const note = (what: string, res: { status: number }) => {
    statuses.push([what, res.status]);
    return res as { status: number; body: Record<string, string> };
  };

  it('logs through the captured destination (the app logs its start at verbose)', () => {
    expect(log.lines.some((l) => /Mapped|RoutesResolver|Nest application/.test(String(l.msg)))).toBe(true);
  });

  it('drives every write and every read with personal data in it', async () => {
    const gwToken = (episode: string) => t.token('patient_gateway', { episode });
    const assigned = note('assign', await t.http.post('/episodes').set(th()).set('X-Correlation-Id', `case ${PATIENT}`).set('X-Request-Id', PATIENT)
      .send({ personnummer: PATIENT, therapistId: THERAPIST, diagnosisCode: 'M17.1', welcomeText: TEXTS.welcome }));
    const id = assigned.body.episodeId as string;
    const gw = { Authorization: `Bearer ${gwToken(id)}` };
    tokens = [th().Authorization, admin().Authorization, gw.Authorization].map((a) => a.slice('Bearer '.length));
    note('exempted', await t.http.post('/episodes').set(th()).send({ personnummer: COORDINATION, therapistId: THERAPIST, diagnosisCode: 'M16.1', feeExemption: { reason: TEXTS.exemption, kind: 'other' } }));
    note('welcome', await t.http.put(`/episodes/${id}/welcome-text`).set(th()).send({ text: TEXTS.edited }));
    note('hide', await t.http.post(`/episodes/${id}/modules/hand/hide`).set(th()));
    note('show', await t.http.post(`/episodes/${id}/modules/hand/show`).set(th()));
    note('progress', await t.http.post(`/episodes/${id}/progress`).set(gw).send({ moduleId: 'hip-knee', partId: 'hk-training-introduction' }));
    note('exercises', await t.http.post(`/episodes/${id}/exercises`).set(th()).send({ programme: 'leg', exerciseIds: ['leg-sit-to-stand'] }));
    note('plan', await t.http.post(`/episodes/${id}/activity-plan`).set(th()).send({ questions: [{ id: 'trained', mandatory: true }, { id: 'how', text: TEXTS.question, answerType: 'text' }] }));
    note('report', await t.http.post(`/episodes/${id}/activity-reports`).set(gw).send({ occasion: '2026-11-22', answers: { trained: true, how: TEXTS.answer } }));
    const message = note('message', await t.http.post(`/episodes/${id}/messages`).set(gw).send({ text: TEXTS.patientMessage }));
    note('reply', await t.http.post(`/episodes/${id}/messages`).set(th()).send({ text: TEXTS.reply, conversationId: message.body.conversationId }));
    note('read', await t.http.post(`/episodes/${id}/messages/read`).set(th()).send({ upToMessageId: message.body.messageId }));
    note('absence', await t.http.post(`/episodes/${id}/therapist`).set(admin()).send({ therapistId: THERAPIST_2, reason: 'absence' }));
    note('return', await t.http.post(`/episodes/${id}/therapist`).set(admin()).send({ therapistId: THERAPIST, reason: 'return' }));
    note('journal', await t.http.post(`/episodes/${id}/journal-entries`).set(th()).send({ obligationId: 'assignment', journalReference: 'COSMIC-1' }));
    note('correction', await t.http.post(`/episodes/${id}/journal-corrections`).set(th()).send({ obligationId: 'assignment', journalReference: 'COSMIC-2', reason: TEXTS.correction }));
    note('follow-up', await t.http.post(`/episodes/${id}/registry-follow-ups`).set(th()).send({ timepoint: 'baseline', measures: { pain: 6, eqVas: 60 } }));
    const notice = note('notice', await t.http.post(`/units/${UNIT}/absence-notices`).set(admin()).send({ from: '2026-12-01T08:00:00+01:00', to: '2026-12-03T17:00:00+01:00', text: TEXTS.notice }));
    note('settings', await t.http.put(`/units/${UNIT}/settings`).set(admin()).send({ welcomeText: TEXTS.welcome }));
    const other = note('other', await t.http.post('/episodes').set(th()).send({ personnummer: OTHER, therapistId: THERAPIST, diagnosisCode: 'M17.1' }));
    const erased = note('to erase', await t.http.post('/episodes').set(th()).send({ personnummer: ERASED, therapistId: THERAPIST, diagnosisCode: 'M17.1' }));
    note('end', await t.http.post(`/episodes/${erased.body.episodeId}/end`).set(th()).send({ outcome: 'abandoned' }));
    const last = note('erasure', await t.http.post(`/units/${UNIT}/patient-erasures`).set(admin()).send({ personnummer: ERASED, reason: TEXTS.erasure }));
    note('withdraw', await t.http.delete(`/units/${UNIT}/absence-notices/${notice.body.noticeId}`).set(admin()));

    const after = { after: String(Math.max(Number(last.body.position ?? 0), Number(other.body.position))) };
    const auditor = t.auth('auditor');
    for (const [what, path, auth, query] of [
      ['progress view', `/episodes/${id}`, th(), after],
      ['messages', `/episodes/${id}/messages`, gw, after],
      ['patient view', `/episodes/${id}/patient-view`, gw, after],
      ['timeline', `/episodes/${id}/timeline`, auditor, {}],
      ['export', `/episodes/${id}/export`, auditor, {}],
      ['notices', `/units/${UNIT}/absence-notices`, th(), after],
      ['dashboard', '/dashboard', admin(), after],
      ['ledger', '/billing/ledger', t.auth('reporting'), after],
      ['obligations', '/journal/obligations', auditor, after],
      ['outcomes', '/reports/outcomes', t.auth('reporting'), after],
      ['extract', '/access-log', auditor, { personnummer: PATIENT }],
      ['user report', '/access-log', auditor, { userId: THERAPIST }],
      ['catalogue', '/catalogue', gw, {}],
      ['event feed', '/events', t.auth('integration'), { after: '0', limit: '500' }],
      ['event schemas', '/schemas/events', t.auth('integration'), {}],
      ['health', '/health', {}, {}],
      ['ready', '/health/ready', {}, {}],
    ] as const)
      note(what, await t.http.get(path).query(query).set(auth));
    note('ledger csv', await t.http.get('/billing/ledger').query(after).set(t.auth('reporting')).set('Accept', 'text/csv'));
    expect(statuses.filter(([, s]) => s >= 300)).toEqual([]);
  });

  it('refuses about a personnummer without logging it', async () => {
    const invalid = '19121212-1213'; // wrong check digit
    const refusals: Array<[string, { status: number }]> = [
      // 409 ACTIVE_EPISODE_EXISTS, in written forms of the same number (+: born 100 years ago)
      ...(await Promise.all(['191212121212', '121212+1212'].map(async (p) => [p, await t.http.post('/episodes').set(th()).send({ personnummer: p, therapistId: THERAPIST, diagnosisCode: 'M16.1' })] as [string, { status: number }]))),
      ['422 invalid', await t.http.post('/episodes').set(th()).send({ personnummer: invalid, therapistId: THERAPIST, diagnosisCode: 'M17.1' })],
      ['422 diagnosis', await t.http.post('/episodes').set(th()).send({ personnummer: OTHER, therapistId: THERAPIST, diagnosisCode: 'J45.9' })],
      ['400 malformed', await t.http.post('/episodes').set(th()).set('Content-Type', 'application/json').send(`{"personnummer":"${ERASED}",`)],
      ['400 type', await t.http.post('/episodes').set(th()).send({ personnummer: 191212121212, therapistId: THERAPIST, diagnosisCode: 'M17.1' })],
      ['413', await t.http.post('/episodes').set(th()).send({ personnummer: COORDINATION, therapistId: THERAPIST, diagnosisCode: 'M17.1', welcomeText: 'x'.repeat(300_000) })],
      ['409 erasure', await t.http.post(`/units/${UNIT}/patient-erasures`).set(admin()).send({ personnummer: PATIENT, reason: TEXTS.erasure })],
      ['422 erasure', await t.http.post(`/units/${UNIT}/patient-erasures`).set(admin()).send({ personnummer: invalid, reason: 'x' })],
      ['404 path', await t.http.get(`/patients/${PATIENT}`).set(th())],
      ['404 episode', await t.http.post(`/episodes/${PATIENT}/end`).set(th()).send({ outcome: 'completed' })],
      ['401 token', await t.http.get(`/catalogue?personnummer=${PATIENT}`).set('Authorization', `Bearer ${PATIENT}`)],
      ['400 key', await t.http.post('/episodes').set(th()).set('Idempotency-Key', PATIENT.repeat(20)).send({ personnummer: PATIENT })],
    ];
    expect(refusals.filter(([, r]) => r.status < 400 || r.status >= 500).map(([what, r]) => [what, r.status])).toEqual([]);
  });

  it('leaves no personnummer in any form, no token and no written text in any captured line', () => {
    const text = log.text();
    const lines = log.lines;
    // Logging was on: a line per request, with the route template.
    expect(lines.filter((l) => l.msg === 'request completed').length).toBeGreaterThanOrEqual(statuses.length);
    expect(lines.some((l) => l.route === '/episodes/:id/messages' && l.status === 201)).toBe(true);
    for (const pnr of [PATIENT, OTHER, ERASED, COORDINATION, '19121212-1213'])
      for (const form of writtenForms(pnr)) expect({ form, found: text.includes(form) }).toEqual({ form, found: false });
    const digitRuns = text.replace(/\D/g, ' ');
    for (const pnr of [PATIENT, OTHER, ERASED, COORDINATION]) expect(digitRuns).not.toContain(pnr.replace(/\D/g, '').slice(-10));
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\./);
    for (const token of tokens) expect(text).not.toContain(token.slice(-20));
    for (const [what, written] of Object.entries(TEXTS)) expect({ what, found: text.includes(written) }).toEqual({ what, found: false });
    // The correlation id the client chose is kept, masked; its request id naming a patient is replaced.
    const assignLine = lines.find((l) => l.route === '/episodes' && l.status === 201)!;
    expect(assignLine.correlationId).toBe('case [personnummer]');
    expect(assignLine.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
