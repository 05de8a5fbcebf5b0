import { createHash } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors, JWTPayload, jwtVerify, SignJWT } from 'jose';
import type { TwinClock } from '../contracts';
import type { TwinStore, UserRecord } from '../store/store';
import { newRefreshToken, sha256, uuid } from './ids';
import type { SigningKey } from './keys';
import type { AppClient, CognitoDirectory, UserPool } from './pools';

/** What a sign-in produced. */
export interface IssuedTokens {
  readonly idToken?: string;
  readonly accessToken: string;
  readonly refreshToken?: string;
  /** Seconds the access token lives. */
  readonly expiresIn: number;
  readonly tokenType: 'Bearer';
}

/** One authentication of a user through one client. */
export interface UserGrant {
  readonly client: AppClient;
  readonly user: UserRecord;
  readonly scopes: readonly string[];
  /** Seconds since the epoch of the authentication. */
  readonly authTime: number;
  readonly withIdToken: boolean;
  readonly withRefreshToken: boolean;
  /** Hosted UI sign-ins carry `at_hash` in the ID token. */
  readonly hostedUi: boolean;
  readonly nonce?: string;
  /** Hosted UI session, so that /logout revokes the refresh token. */
  readonly sessionId?: string;
  /** Set when refreshing: new tokens stay tied to the original authentication. */
  readonly originJti?: string;
}

/** Why an access token is not accepted by the Cognito endpoints. */
export type TokenProblem = 'invalid' | 'expired' | 'revoked';

export class AccessTokenError extends Error {
  constructor(readonly problem: TokenProblem) {
    super(problem);
    this.name = 'AccessTokenError';
  }
}

/** A verified access token: its pool, claims and (for user tokens) user. */
export interface VerifiedAccessToken {
  readonly pool: UserPool;
  readonly claims: JWTPayload & Record<string, unknown>;
  readonly user?: UserRecord;
}

const ATTRIBUTE_BOOLEANS = new Set(['email_verified', 'phone_number_verified']);

/** Issues and checks tokens the way Cognito does (RS256, one kid for ID tokens, another for access tokens). */
export class TokenService {
  private readonly keySets = new Map<string, ReturnType<typeof createLocalJWKSet>>();

  constructor(private readonly directory: CognitoDirectory, private readonly store: TwinStore, private readonly clock: TwinClock) {}

  /** ID, access and (optionally) refresh token for a user. */
  async issueForUser(grant: UserGrant): Promise<IssuedTokens> {
    const { client, user } = grant;
    const pool = client.pool;
    const now = this.clock.now();
    const iat = Math.floor(now / 1000);
    const originJti = grant.originJti ?? uuid();
    const eventId = uuid();
    const accessExp = iat + Math.floor(client.settings.accessTokenValidityMs / 1000);
    const accessToken = await sign(pool.accessKey, {
      sub: user.sub,
      iss: pool.issuer,
      client_id: client.id,
      origin_jti: originJti,
      event_id: eventId,
      token_use: 'access',
      scope: grant.scopes.join(' '),
      auth_time: grant.authTime,
      exp: accessExp,
      iat,
      jti: uuid(),
      username: user.username,
      version: 2,
    });
    let idToken: string | undefined;
    if (grant.withIdToken) {
      const claims: Record<string, unknown> = { sub: user.sub };
      for (const [name, value] of Object.entries(user.attributes)) {
        if (name === 'sub') continue;
        claims[name] = ATTRIBUTE_BOOLEANS.has(name) ? value === 'true' : value;
      }
      Object.assign(claims, {
        ...(grant.hostedUi ? { at_hash: atHash(accessToken) } : {}),
        iss: pool.issuer,
        'cognito:username': user.username,
        ...(grant.nonce !== undefined ? { nonce: grant.nonce } : {}),
        origin_jti: originJti,
        aud: client.id,
        event_id: eventId,
        token_use: 'id',
        auth_time: grant.authTime,
        exp: iat + Math.floor(client.settings.idTokenValidityMs / 1000),
        iat,
        jti: uuid(),
      });
      idToken = await sign(pool.idKey, claims);
    }
    let refreshToken: string | undefined;
    const refreshExpiresAt = now + client.settings.refreshTokenValidityMs;
    this.store.transaction(() => {
      if (grant.withRefreshToken) {
        refreshToken = newRefreshToken();
        this.store.insertRefreshToken({
          tokenHash: sha256(refreshToken),
          poolId: pool.id,
          clientId: client.id,
          sub: user.sub,
          originJti,
          sessionId: grant.sessionId ?? null,
          scopes: grant.scopes.join(' '),
          authTime: grant.authTime,
          issuedAt: now,
          expiresAt: refreshExpiresAt,
          revokedAt: null,
        });
      }
      this.store.recordOrigin(originJti, pool.id, user.sub, Math.max(accessExp * 1000, grant.withRefreshToken ? refreshExpiresAt : 0));
    });
    return { idToken, accessToken, refreshToken, expiresIn: accessExp - iat, tokenType: 'Bearer' };
  }

  /** An access token for a confidential client itself (client_credentials): `sub` is the client id. */
  async issueForClient(client: AppClient, scopes: readonly string[]): Promise<IssuedTokens> {
    const pool = client.pool;
    const iat = Math.floor(this.clock.now() / 1000);
    const exp = iat + Math.floor(client.settings.accessTokenValidityMs / 1000);
    const accessToken = await sign(pool.accessKey, {
      sub: client.id,
      token_use: 'access',
      scope: scopes.join(' '),
      auth_time: iat,
      iss: pool.issuer,
      exp,
      iat,
      version: 2,
      jti: uuid(),
      client_id: client.id,
    });
    return { accessToken, expiresIn: exp - iat, tokenType: 'Bearer' };
  }

  /**
   * Verifies an access token of one of the twin's pools as Cognito's own endpoints do: signature with the
   * pool's access key, issuer, expiry, token_use, and revocation (which only Cognito's endpoints know).
   */
  async verifyAccessToken(token: string): Promise<VerifiedAccessToken> {
    let iss: unknown;
    let kid: unknown;
    try {
      iss = decodeJwt(token).iss;
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw new AccessTokenError('invalid');
    }
    const pool = this.directory.all().find((p) => p.issuer === iss);
    if (!pool || kid !== pool.accessKey.kid) throw new AccessTokenError('invalid');
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, this.keySet(pool), {
        issuer: pool.issuer,
        algorithms: ['RS256'],
        currentDate: new Date(this.clock.now()),
        requiredClaims: ['exp', 'iat', 'sub', 'client_id', 'token_use'],
      }));
    } catch (err) {
      throw new AccessTokenError(err instanceof errors.JWTExpired ? 'expired' : 'invalid');
    }
    if (claims['token_use'] !== 'access' || typeof claims.sub !== 'string' || typeof claims['client_id'] !== 'string') throw new AccessTokenError('invalid');
    const originJti = claims['origin_jti'];
    if (claims.sub === claims['client_id'] && originJti === undefined) return { pool, claims: claims as VerifiedAccessToken['claims'] };
    if (typeof originJti !== 'string') throw new AccessTokenError('invalid');
    if (this.store.isOriginRevoked(originJti)) throw new AccessTokenError('revoked');
    const user = this.store.userBySub(pool.id, claims.sub);
    if (!user) throw new AccessTokenError('invalid');
    if ((claims.iat ?? 0) < Math.floor(user.tokensValidAfter / 1000)) throw new AccessTokenError('revoked');
    return { pool, claims: claims as VerifiedAccessToken['claims'], user };
  }

  private keySet(pool: UserPool): ReturnType<typeof createLocalJWKSet> {
    let set = this.keySets.get(pool.id);
    if (!set) {
      set = createLocalJWKSet({ keys: [pool.accessKey.publicJwk as Record<string, string>] });
      this.keySets.set(pool.id, set);
    }
    return set;
  }
}

function sign(key: SigningKey, claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ kid: key.kid, alg: 'RS256' }).sign(key.privateKey);
}

/** OIDC `at_hash`: base64url of the left half of SHA-256 over the access token. */
export function atHash(accessToken: string): string {
  const digest = createHash('sha256').update(accessToken, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
