import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import type { TwinClock } from '../contracts';
import { JwtVerifier, type TokenClaims } from '../shared/jwt';
import type { TwinStore, UserRecord } from '../store/store';
import { sha256, uuid } from '../shared/ids';
import { newRefreshToken } from './ids';
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
  readonly claims: TokenClaims;
  readonly user?: UserRecord;
}

const ATTRIBUTE_BOOLEANS = new Set(['email_verified', 'phone_number_verified']);

/** Issues and checks tokens the way Cognito does (RS256, one kid for ID tokens, another for access tokens). */
export class TokenService {
  /** The twin's one token verification; what Cognito's endpoints add is below (access key only, revocation). */
  private readonly verifier: JwtVerifier;

  constructor(private readonly directory: CognitoDirectory, private readonly store: TwinStore, private readonly clock: TwinClock) {
    this.verifier = new JwtVerifier(() => directory.all(), clock);
  }

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
   * Verifies an access token of one of the twin's pools as Cognito's own endpoints do: the shared verification
   * (signature, issuer, expiry, claim types), then what only these endpoints check: the pool's access-token key,
   * the access token's required claims, and revocation (which only Cognito's endpoints know).
   */
  async verifyAccessToken(token: string): Promise<VerifiedAccessToken> {
    const result = await this.verifier.verify(token);
    if (!result.ok) throw new AccessTokenError(result.expired ? 'expired' : 'invalid');
    const pool = this.directory.all().find((p) => p === result.pool);
    if (!pool || result.kid !== pool.accessKey.kid || result.tokenUse !== 'access') throw new AccessTokenError('invalid');
    const claims = result.claims;
    if (typeof claims['sub'] !== 'string' || typeof claims['client_id'] !== 'string' || typeof claims['iat'] !== 'number') throw new AccessTokenError('invalid');
    const originJti = claims['origin_jti'];
    if (claims['sub'] === claims['client_id'] && originJti === undefined) return { pool, claims };
    if (typeof originJti !== 'string') throw new AccessTokenError('invalid');
    if (this.store.isOriginRevoked(originJti)) throw new AccessTokenError('revoked');
    const user = this.store.userBySub(pool.id, claims['sub']);
    if (!user) throw new AccessTokenError('invalid');
    if (claims['iat'] < Math.floor(user.tokensValidAfter / 1000)) throw new AccessTokenError('revoked');
    return { pool, claims, user };
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
