import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { SignJWT, importJWK, type CryptoKey, type JWK } from 'jose';
import type { PoolDirectory, TwinPoolView } from '../contracts';
import type { TestClock } from './clock';
import { reusableKey } from './keys';

interface TestKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly jwk: JsonWebKey;
}

// A kid always names the same key within one test file; the RSA material comes from the run's reusable keys.
const keys = new Map<string, Promise<TestKey>>();

function keyFor(kid: string): Promise<TestKey> {
  let key = keys.get(kid);
  if (!key) {
    const { privateJwk } = reusableKey();
    key = (async () => {
      const privateKey = (await importJWK(JSON.parse(privateJwk) as JWK, 'RS256', { extractable: true })) as CryptoKey;
      const pub = createPublicKey({ key: JSON.parse(privateJwk) as JsonWebKey, format: 'jwk' }).export({ format: 'jwk' });
      return { kid, privateKey, jwk: { kty: 'RSA', n: pub.n, e: pub.e, kid, alg: 'RS256', use: 'sig' } as JsonWebKey };
    })();
    keys.set(kid, key);
  }
  return key;
}

/** A user pool with its own RSA keys (one kid for ID tokens, one for access tokens), like the Cognito part's. */
export class FakePool implements TwinPoolView {
  readonly arn: string;
  private readonly publicJwks: JsonWebKey[];

  private constructor(
    readonly id: string,
    private readonly base: () => string,
    readonly idKey: { kid: string; privateKey: CryptoKey },
    readonly accessKey: { kid: string; privateKey: CryptoKey },
    publicJwks: JsonWebKey[],
    region: string,
  ) {
    this.arn = `arn:aws:cognito-idp:${region}:123456789012:userpool/${id}`;
    this.publicJwks = publicJwks;
  }

  static async create(id: string, base: () => string, region = 'eu-west-1'): Promise<FakePool> {
    const idKey = await keyFor(`${id}-id`);
    const accessKey = await keyFor(`${id}-access`);
    return new FakePool(id, base, idKey, accessKey, [idKey.jwk, accessKey.jwk], region);
  }

  get issuer(): string {
    return `${this.base()}/${this.id}`;
  }

  jwks(): { keys: JsonWebKey[] } {
    return { keys: this.publicJwks.map((k) => ({ ...k })) };
  }

  /** An ID token as Cognito issues it, with `overrides` merged into the claims (undefined removes a claim). */
  idToken(clock: TestClock, overrides: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> {
    return this.sign(this.idKey, {
      sub: 'b1c2d3e4-0000-4000-8000-000000000001',
      aud: 'client123',
      email: 'demo@example.com',
      email_verified: true,
      'cognito:username': 'demo',
      'cognito:groups': ['admins', 'users'],
      token_use: 'id',
      auth_time: clock.seconds,
      iss: this.issuer,
      exp: clock.seconds + 3600,
      iat: clock.seconds,
      jti: 'jti-1',
      origin_jti: 'ojti-1',
      event_id: 'ev-1',
      ...overrides,
    }, header);
  }

  /** An access token as Cognito issues it (scope space-separated, no aud). */
  accessToken(clock: TestClock, scope: string, overrides: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> {
    return this.sign(this.accessKey, {
      sub: 'b1c2d3e4-0000-4000-8000-000000000001',
      client_id: 'client123',
      username: 'demo',
      scope,
      token_use: 'access',
      version: 2,
      auth_time: clock.seconds,
      iss: this.issuer,
      exp: clock.seconds + 3600,
      iat: clock.seconds,
      jti: 'jti-2',
      origin_jti: 'ojti-1',
      event_id: 'ev-1',
      ...overrides,
    }, header);
  }

  private sign(key: { kid: string; privateKey: CryptoKey }, claims: Record<string, unknown>, header: Record<string, unknown>): Promise<string> {
    const payload = Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: key.kid, ...header }).sign(key.privateKey);
  }
}

/** A PoolDirectory over fake pools. */
export function poolDirectory(pools: FakePool[]): PoolDirectory {
  return { byArn: (arn) => pools.find((p) => p.arn === arn), all: () => pools };
}

/** Base64url of a JSON value or raw string, for hand-made tokens. */
export function b64(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}
