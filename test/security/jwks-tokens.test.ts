// RS256 bearer tokens verified against a JWKS that this test serves itself (a node http
// server on 127.0.0.1 with a freshly generated RSA key pair). A valid token is accepted;
// expired, not yet valid, wrong issuer, wrong audience, wrong key, unknown key id, HS256
// (no secret is configured beside the JWKS, and not with the public key either) and
// `alg: none` tokens are 401 UNAUTHENTICATED, and nothing is written.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac, createPublicKey, createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { LOCAL_JWT_SECRET } from '../../src/app/config';
import { startApp, THERAPIST, UNIT, type TestApp } from '../e2e/harness';

const ISSUER = 'https://idp.test.invalid/realms/artrosskola';
const AUDIENCE = 'artrosskola-core';
const KID = 'test-key-1';

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...createPublicKey(keys.privateKey).export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' };

let jwksServer: http.Server;
let jwksRequests = 0;
let t: TestApp;

const b64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const nowSeconds = () => Math.floor(Date.now() / 1000);

const claims = (extra: Record<string, unknown> = {}) => ({
  sub: THERAPIST,
  name: 'Test Terapeut',
  role: 'therapist',
  unit: UNIT,
  iss: ISSUER,
  aud: AUDIENCE,
  iat: nowSeconds(),
  exp: nowSeconds() + 600,
  ...extra,
});

/** A JWS built by hand, so that hostile headers (alg none, HS256 with a public key) can be made. */
function handMade(header: Record<string, unknown>, payload: Record<string, unknown>, sign: (input: string) => string): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${sign(input)}`;
}
const rs256 = (key: KeyObject) => (input: string) => createSign('RSA-SHA256').update(input).sign(key).toString('base64url');
const hs256 = (secret: string | Buffer) => (input: string) => createHmac('sha256', secret).update(input).digest('base64url');

function signed(payload: Record<string, unknown> = claims(), options: { key?: KeyObject; kid?: string | null } = {}): string {
  const header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT' };
  if (options.kid !== null) header.kid = options.kid ?? KID;
  return handMade(header, payload, rs256(options.key ?? keys.privateKey));
}

beforeAll(async () => {
  jwksServer = http.createServer((req, res) => {
    jwksRequests++;
    if (req.url === '/.well-known/jwks.json') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  const { port } = jwksServer.address() as AddressInfo;
  t = await startApp({
    env: { AUTH_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE },
  });
});
afterAll(async () => {
  await t?.stop();
  await new Promise<void>((resolve) => jwksServer.close(() => resolve()));
});

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function expect401(token: string): Promise<void> {
  const read = await t.http.get('/catalogue').set(bearer(token));
  expect({ status: read.status, code: read.body?.error?.code }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
  expect(typeof read.body.error.message).toBe('string');
  expect(read.body.error.details).toEqual([]);
  const before = await t.store.headPosition();
  const write = await t.http
    .post('/episodes')
    .set(bearer(token))
    .send({ personnummer: '20190101-2391', therapistId: THERAPIST, diagnosisCode: 'M17.1' });
  expect(write.status).toBe(401);
  expect(await t.store.headPosition()).toBe(before);
}

describe('RS256 against a JWKS (AUTH_JWKS_URL, AUTH_ISSUER, AUTH_AUDIENCE)', () => {
  it('the configuration has no HS256 secret beside the JWKS', () => {
    expect(t.config.jwksUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(t.config.jwtSecret).toBeUndefined();
    expect(t.config.usingLocalSecret).toBe(false);
  });

  it('accepts a valid token: reads, and a write carries the token’s user', async () => {
    const token = signed();
    const read = await t.http.get('/catalogue').set(bearer(token));
    expect(read.status).toBe(200);
    expect(jwksRequests).toBeGreaterThan(0);
    const write = await t.http
      .post('/episodes')
      .set(bearer(token))
      .send({ personnummer: '19121212-1212', therapistId: THERAPIST, diagnosisCode: 'M17.1' });
    expect(write.status).toBe(201);
    const events = await t.store.readStream(`episode-${write.body.episodeId}`);
    expect(events.length).toBeGreaterThan(0);
    expect(JSON.stringify(events[0]!.metadata)).toContain(THERAPIST);
  });

  it('accepts a token signed by jsonwebtoken with the key id, and one without a kid (single key)', async () => {
    const viaLibrary = jwt.sign({ sub: THERAPIST, role: 'unit_admin', unit: UNIT }, keys.privateKey, {
      algorithm: 'RS256',
      keyid: KID,
      issuer: ISSUER,
      audience: AUDIENCE,
      expiresIn: '5m',
    });
    expect((await t.http.get('/catalogue').set(bearer(viaLibrary))).status).toBe(200);
    expect((await t.http.get('/catalogue').set(bearer(signed(claims(), { kid: null })))).status).toBe(200);
  });

  it('refuses an expired token (past the 30 s clock tolerance)', async () => {
    await expect401(signed(claims({ iat: nowSeconds() - 7200, exp: nowSeconds() - 120 })));
  });

  it('refuses a token that is not valid yet (nbf in the future)', async () => {
    await expect401(signed(claims({ nbf: nowSeconds() + 3600 })));
  });

  it('refuses a wrong issuer, a missing issuer, a wrong audience and a missing audience', async () => {
    await expect401(signed(claims({ iss: 'https://evil.test.invalid/' })));
    const { iss: _iss, ...noIssuer } = claims();
    await expect401(signed(noIssuer));
    await expect401(signed(claims({ aud: 'some-other-service' })));
    const { aud: _aud, ...noAudience } = claims();
    await expect401(signed(noAudience));
  });

  it('refuses a token signed with another key under the published key id, and an unknown key id', async () => {
    await expect401(signed(claims(), { key: otherKeys.privateKey }));
    await expect401(signed(claims(), { key: otherKeys.privateKey, kid: 'not-published' }));
    await expect401(signed(claims(), { kid: 'not-published' }));
  });

  it('refuses HS256 tokens: with the local development secret, and with the public key as the HMAC secret', async () => {
    await expect401(jwt.sign(claims(), LOCAL_JWT_SECRET, { algorithm: 'HS256' }));
    await expect401(handMade({ alg: 'HS256', typ: 'JWT', kid: KID }, claims(), hs256(LOCAL_JWT_SECRET)));
    const pem = keys.publicKey.export({ type: 'spki', format: 'pem' });
    await expect401(handMade({ alg: 'HS256', typ: 'JWT', kid: KID }, claims(), hs256(pem)));
    await expect401(handMade({ alg: 'HS256', typ: 'JWT', kid: KID }, claims(), hs256(JSON.stringify(jwk))));
  });

  it('refuses alg none (with and without a signature) and other algorithms', async () => {
    await expect401(handMade({ alg: 'none', typ: 'JWT' }, claims(), () => ''));
    await expect401(handMade({ alg: 'None', typ: 'JWT' }, claims(), () => ''));
    await expect401(handMade({ alg: 'none', typ: 'JWT', kid: KID }, claims(), rs256(keys.privateKey)));
    await expect401(handMade({ alg: 'RS512', typ: 'JWT', kid: KID }, claims(), (input) => createSign('RSA-SHA512').update(input).sign(keys.privateKey).toString('base64url')));
    await expect401(handMade({ alg: 'PS256', typ: 'JWT', kid: KID }, claims(), rs256(keys.privateKey)));
  });

  it('refuses a well-signed token whose claims do not name a valid user', async () => {
    await expect401(signed(claims({ role: 'superuser' })));
    await expect401(signed(claims({ sub: '' })));
    const { unit: _unit, ...noUnit } = claims();
    await expect401(signed(noUnit)); // a therapist needs a unit
  });

  it('refuses tampered and malformed tokens', async () => {
    const [h, , s] = signed().split('.');
    await expect401(`${h}.${b64url(claims({ role: 'unit_admin' }))}.${s}`); // payload changed after signing
    await expect401(`${h}.${b64url(claims())}.`); // signature stripped
    await expect401('a.b.c');
    await expect401(`${b64url('{not json')}.${b64url(claims())}.x`);
  });
});

describe('RS256 when the JWKS cannot be reached', () => {
  let down: TestApp;
  beforeAll(async () => {
    // A port that was just free: nothing listens there.
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    down = await startApp({ env: { AUTH_JWKS_URL: `http://127.0.0.1:${port}/jwks.json`, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE } });
  });
  afterAll(async () => down?.stop());

  it('answers 401 with the error body, not a 5xx', async () => {
    const res = await down.http.get('/catalogue').set(bearer(signed()));
    expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
  });
});
