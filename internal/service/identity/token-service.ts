import { randomUUID } from 'node:crypto';
import type * as Jose from 'jose';
import { UnauthorizedError } from '../../exception/app-error.js';
import { BoundedCache } from '../../lib/bounded-cache.js';
import { deriveKey } from '../../lib/crypto.js';

export interface AccessTokenClaims {
  accountId: string;
  /** Unique per token, so logout can revoke exactly this one. */
  jti: string;
  /** The account's token version at issue time; a password change bumps it. */
  version: number;
  expiresAt: Date;
}

export interface IssuedToken {
  accessToken: string;
  expiresAt: Date;
}

const ISSUER = 'llmops';
const AUDIENCE = 'console';
/** Tokens whose signature was checked, kept so a console session pays for HMAC once, not per request. */
const VERIFIED_MAX = 10_000;

let jose: Promise<typeof Jose> | undefined;
/** The JWT library loads with the first token, or with the warm-up after the server listens: start-up does not need it. */
export function loadJose(): Promise<typeof Jose> {
  return (jose ??= import('jose'));
}

/** Signs and verifies console access tokens (HS256 with a key derived from SECRET_KEY). */
export class TokenService {
  private readonly key: Uint8Array;
  // Claims are a pure function of the token's bytes and the key; only the clock can change the answer (exp is checked on each hit).
  private readonly verified = new BoundedCache<string, AccessTokenClaims>(VERIFIED_MAX);

  constructor(
    secretKey: string,
    private readonly ttlSeconds: number,
  ) {
    this.key = deriveKey(secretKey, 'console-jwt');
  }

  async issue(accountId: string, version: number): Promise<IssuedToken> {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const exp = nowSeconds + this.ttlSeconds;
    const { SignJWT } = await loadJose();
    const accessToken = await new SignJWT({ ver: version })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(accountId)
      .setJti(randomUUID())
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(nowSeconds)
      .setExpirationTime(exp)
      .sign(this.key);
    return { accessToken, expiresAt: new Date(exp * 1000) };
  }

  async verify(token: string): Promise<AccessTokenClaims> {
    const known = this.verified.get(token);
    // Past its expiry a known token goes through the full check again, which says it has expired.
    if (known && known.expiresAt.getTime() > Date.now()) return known;
    const claims = await this.verifySignature(token);
    this.verified.set(token, claims);
    return claims;
  }

  private async verifySignature(token: string): Promise<AccessTokenClaims> {
    const { errors: joseErrors, jwtVerify } = await loadJose();
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
      if (!payload.sub || !payload.jti || typeof payload.ver !== 'number' || !payload.exp) {
        throw new UnauthorizedError('access token is malformed');
      }
      return { accountId: payload.sub, jti: payload.jti, version: payload.ver, expiresAt: new Date(payload.exp * 1000) };
    } catch (err) {
      if (err instanceof UnauthorizedError) throw err;
      if (err instanceof joseErrors.JWTExpired) throw new UnauthorizedError('access token has expired; log in again');
      throw new UnauthorizedError('access token is invalid');
    }
  }
}
