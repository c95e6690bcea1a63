// Verifies bearer tokens: HS256 with AUTH_JWT_SECRET (embedded default), or RS256 against
// a JWKS (AUTH_JWKS_URL) in production. Expiry is always checked; issuer and audience
// when configured.
import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt, { type JwtHeader, type SigningKeyCallback } from 'jsonwebtoken';
import { JwksClient } from 'jwks-rsa';
import type { AppConfig } from '../config';
import { Claims, actorFromClaims, type Actor } from './actor';

export class TokenVerifier {
  private readonly jwks?: JwksClient;
  /**
   * The HS256 secret as a KeyObject, made once: given a string, jsonwebtoken first tries it
   * as a PEM public key on every verify, and that failing attempt cost a millisecond a request.
   */
  private readonly secret?: KeyObject;

  constructor(private readonly config: Pick<AppConfig, 'jwtSecret' | 'jwksUrl' | 'issuer' | 'audience'>) {
    if (config.jwksUrl) this.jwks = new JwksClient({ jwksUri: config.jwksUrl, cache: true, rateLimit: true, timeout: 5000 });
    if (config.jwtSecret) this.secret = createSecretKey(Buffer.from(config.jwtSecret, 'utf8'));
  }

  /** The actor, or null for a missing, malformed, expired or wrongly signed token. */
  async verify(token: string): Promise<Actor | null> {
    const payload = await new Promise<unknown>((resolve) => {
      const header = decodeHeader(token);
      const useJwks = this.jwks !== undefined && header?.alg === 'RS256';
      const key = useJwks ? this.jwksKey : this.secret;
      if (!key) return resolve(null);
      jwt.verify(
        token,
        key,
        {
          algorithms: useJwks ? ['RS256'] : ['HS256'],
          issuer: this.config.issuer,
          audience: this.config.audience,
          clockTolerance: 30,
        },
        (err, decoded) => resolve(err ? null : decoded),
      );
    });
    if (!payload || typeof payload !== 'object') return null;
    const claims = Claims.safeParse(payload);
    return claims.success ? actorFromClaims(claims.data) : null;
  }

  private readonly jwksKey = (header: JwtHeader, callback: SigningKeyCallback) => {
    this.jwks!.getSigningKey(header.kid)
      .then((k) => callback(null, k.getPublicKey()))
      .catch((e: Error) => callback(e));
  };
}

function decodeHeader(token: string): JwtHeader | null {
  const decoded = jwt.decode(token, { complete: true });
  return decoded && typeof decoded === 'object' ? decoded.header : null;
}

/** Mint a local HS256 token (the `npm run token` command and tests). */
export function mintToken(
  secret: string,
  claims: { sub: string; role: string; unit?: string; name?: string; episode?: string },
  expiresIn: jwt.SignOptions['expiresIn'] = '12h',
): string {
  return jwt.sign(claims, secret, { algorithm: 'HS256', expiresIn });
}
