import { importJWK, SignJWT, type JWK } from 'jose';
import { randomUUID } from 'node:crypto';
import { TwinStore } from '../store/store';

export interface ExpiredTokenOptions {
  /** The running twin's data directory (its keys live there). */
  readonly dataDir: string;
  readonly userPoolId: string;
  readonly clientId: string;
  /** The pool's issuer as the twin serves it (`<base>/<poolId>`). */
  readonly issuer: string;
  readonly email: string;
  /** How long ago the token expired. @default 60 */
  readonly expiredSecondsAgo?: number;
}

export interface IdTokenOptions extends Omit<ExpiredTokenOptions, 'expiredSecondsAgo'> {
  /** Expiry, seconds since the epoch. */
  readonly exp: number;
}

/**
 * An ID token signed with the pool's real ID-token key that expired a minute ago: the one token a test cannot
 * get from the hosted UI without waiting out its validity. For end-to-end tests of the twin only; the key never
 * leaves the data directory otherwise.
 */
export function mintExpiredIdToken(o: ExpiredTokenOptions): Promise<string> {
  return mintIdToken({ ...o, exp: Math.floor(Date.now() / 1000) - (o.expiredSecondsAgo ?? 60) });
}

/**
 * An ID token for any expiry, signed with the pool's real ID-token key from the data directory: for tests and
 * benchmarks that need a token without a browser sign-in.
 */
export async function mintIdToken(o: IdTokenOptions): Promise<string> {
  const store = TwinStore.open(o.dataDir);
  try {
    const key = store.signingKey(o.userPoolId, 'id', () => {
      throw new Error(`the data directory ${o.dataDir} has no ID-token key for pool ${o.userPoolId}: start the twin on it first`);
    }, Date.now());
    const jwk = JSON.parse(key.privateJwk) as JWK;
    const exp = o.exp;
    return await new SignJWT({ email: o.email, email_verified: true, 'cognito:username': o.email, token_use: 'id', auth_time: exp - 3600, origin_jti: randomUUID(), event_id: randomUUID() })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid })
      .setSubject(randomUUID())
      .setIssuer(o.issuer)
      .setAudience(o.clientId)
      .setIssuedAt(exp - 3600)
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(await importJWK(jwk, 'RS256'));
  } finally {
    store.close();
  }
}
