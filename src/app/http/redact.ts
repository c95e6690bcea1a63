// Personal data never reaches the logs in clear: personnummer-like digit runs and bearer
// tokens are masked in anything we log.
const IDENTITY_NUMBER = /(?<!\d)(?:\d{2})?\d{6}[-+]?\d{4}(?!\d)/g;
const BEARER = /Bearer\s+[A-Za-z0-9._~+/=-]+/gi;
const JWT = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

export function redact(text: string): string {
  return text.replace(BEARER, 'Bearer [redacted]').replace(JWT, '[token]').replace(IDENTITY_NUMBER, '[personnummer]');
}
