import { importJWK } from 'jose';
import { KeyObject, verify as verifySignature } from 'node:crypto';
import type { TwinClock, TwinPoolView } from '../contracts';
import { type Maybe } from './maybe';
import { parseStrictJson } from './strict-json';

/** Claims as the token carries them (after the checks below, known claims have their expected types). */
export type TokenClaims = Readonly<Record<string, unknown>>;

/** A token that passed every check: its claims, the pool and key that verified it, and its use. */
export interface VerifiedToken {
  readonly ok: true;
  readonly claims: TokenClaims;
  readonly tokenUse: 'id' | 'access';
  /** `exp` in milliseconds since the epoch. */
  readonly expiresAt: number;
  readonly pool: TwinPoolView;
  /** The `kid` of the pool key the signature verified with (Cognito signs ID and access tokens with different keys). */
  readonly kid: string;
}

/**
 * Why a token was refused. `reason` is for logs and tests only: each caller answers with its own fixed texts.
 * `expired` marks a token whose only fault is its `exp`; `tooLarge` one refused for its size before any crypto.
 */
export interface RejectedToken {
  readonly ok: false;
  readonly reason: string;
  readonly expired?: boolean;
  readonly tooLarge?: boolean;
}

export type VerifyResult = VerifiedToken | RejectedToken;

/** Tunables of the verifier. */
export interface JwtVerifierOptions {
  /**
   * Tolerance for `iat` and `nbf` in the future (clock skew between the issuer and us), in seconds.
   * @default 30
   */
  readonly skewSeconds?: number;
  /**
   * Minimum time between two re-reads of the pools' keys when a token names an unknown `kid`, in milliseconds.
   * Keeps a flood of random kids from turning into key reloads.
   * @default 60000
   */
  readonly keyRefreshIntervalMs?: number;
  /**
   * Changes when the pools change (created, deleted, keys rotated): an unknown `kid` then reloads the keys at once,
   * whatever `keyRefreshIntervalMs` says.
   * @default - the pools are taken not to change
   */
  readonly poolsVersion?: () => number;
}

/** Largest token looked at, in bytes: larger ones are refused before any cryptography. */
export const MAX_TOKEN_BYTES = 16 * 1024;

/**
 * What a token's verified bytes say, read once: the key that verified it, its claims, and the outcome of every
 * check that needs no clock. The same bytes and key always read the same, so callers may keep it.
 */
export interface ReadToken {
  readonly kid: string;
  readonly key: PoolKey;
  readonly claims: TokenClaims;
  /** Why the token fails before the clock is read (claim types); `iss` is compared on every check. */
  readonly early?: string;
  readonly iss: unknown;
  /** True when `exp` is absent (checked after `iss`). */
  readonly noExp?: boolean;
  readonly expiresAt: number;
  readonly iatMs?: number;
  readonly nbfMs?: number;
  /** Why the token fails after the clock checks (token_use). */
  readonly late?: string;
  readonly tokenUse: 'id' | 'access';
}

/** One imported public key of a pool. */
export interface PoolKey {
  readonly pool: TwinPoolView;
  readonly key: KeyObject;
  /** RS256 signatures are exactly as long as the modulus. */
  readonly modulusBytes: number;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;
const MAX_KID_LENGTH = 256;
const EMBEDDED_KEY_HEADERS = ['jwk', 'jku', 'x5u', 'x5c'];
const STRING_CLAIMS = ['iss', 'sub', 'token_use', 'scope', 'client_id', 'username', 'cognito:username', 'email', 'aud', 'jti', 'origin_jti', 'event_id', 'nonce', 'at_hash'];
const NUMERIC_CLAIMS = ['exp', 'iat', 'nbf', 'auth_time', 'version'];
/** Cognito signs with 2048-bit RSA keys; anything weaker is not a key of a pool. */
const MIN_MODULUS_BITS = 2048;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The one verification of Cognito user-pool tokens in the twin, used by the API Gateway authorizer and by Cognito's
 * own endpoints (each adds only what is its own). It makes the checks that neither jose nor aws-jwt-verify makes
 * alone (missing exp, future iat, duplicate claims, unknown crit, oversize tokens): a strict parse of header and
 * payload (duplicate member names, non-objects, bad base64url, non-UTF-8), `alg` exactly RS256, no `crit`, no
 * embedded or remote keys, a string `kid` known to one of the pools, and only after the signature holds: typed
 * claims, `iss` exactly the issuing pool's, a finite `exp` after now, no `iat`/`nbf` beyond the skew, `token_use`
 * id or access. Keys come only from the pools (`TwinPoolView.jwks()`, imported once with jose, RSA of 2048 bits or
 * more), never from the network.
 *
 * `read` does everything the token's bytes decide; `check` what the clock and the pool's current issuer decide.
 */
export class JwtVerifier {
  private keys = new Map<string, PoolKey>();
  private loaded: Promise<void> | undefined;
  /** True once a load has finished: known kids are then looked up without waiting. */
  private keysReady = false;
  private lastLoad = Number.NEGATIVE_INFINITY;
  private readonly skewMs: number;
  private readonly refreshMs: number;
  private loadedVersion: number | undefined;

  constructor(
    private readonly pools: () => readonly TwinPoolView[],
    private readonly clock: TwinClock,
    options: JwtVerifierOptions = {},
  ) {
    this.skewMs = (options.skewSeconds ?? 30) * 1000;
    this.refreshMs = options.keyRefreshIntervalMs ?? 60_000;
    this.version = options.poolsVersion;
  }

  private readonly version: (() => number) | undefined;

  /** Reads and checks a token: `read`, then `check`. */
  verify(token: string): Maybe<VerifyResult> {
    const read = this.read(token);
    if (read instanceof Promise) return read.then((r) => (r.ok === false ? r : this.check(r)));
    return read.ok === false ? read : this.check(read);
  }

  /** Whether a token read earlier was read with a key the pools still publish (same kid, same key). */
  isCurrent(read: ReadToken): boolean {
    return this.keysReady && this.keys.get(read.kid) === read.key;
  }

  /** Everything the token's bytes decide: shape, header, key, signature and claim types. */
  read(token: string): Maybe<(ReadToken & { readonly ok?: undefined }) | RejectedToken> {
    if (typeof token !== 'string' || token.length === 0) return reject('no token');
    if (Buffer.byteLength(token) > MAX_TOKEN_BYTES) return { ok: false, reason: `token over ${MAX_TOKEN_BYTES} bytes`, tooLarge: true };
    const parts = token.split('.');
    if (parts.length !== 3) return reject(`${parts.length} segments (a JWS has 3)`);
    const [headerB64, payloadB64] = parts;
    for (const seg of parts) {
      if (!SEGMENT.test(seg) || !canonicalBase64Url(seg)) return reject('a segment is not base64url');
    }

    const header = decodeObject(headerB64);
    if (typeof header === 'string') return reject(`header ${header}`);
    if (header['alg'] !== 'RS256') return reject(`alg ${JSON.stringify(header['alg'])} is not RS256`);
    if (header['crit'] !== undefined) return reject('crit names extensions we do not process');
    for (const name of EMBEDDED_KEY_HEADERS) {
      if (header[name] !== undefined) return reject(`header carries "${name}": keys come only from the pool`);
    }
    const kid = header['kid'];
    if (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH) return reject('kid missing or not a string');

    const known = this.loaded && this.keysReady ? this.keys.get(kid) : undefined;
    if (known) return this.readSigned(token, kid, payloadB64, known);
    return this.keyFor(kid).then((key) => (key ? this.readSigned(token, kid, payloadB64, key) : reject('unknown kid')));
  }

  /** The checks that depend on the clock and the issuer, in API Gateway's order around the ones read once. */
  check(read: ReadToken): VerifyResult {
    if (read.early) return reject(read.early);
    // The pool's issuer follows the twin's base URL, which may change after a token was first read.
    if (read.iss !== read.key.pool.issuer) return reject('iss is not the issuing pool');
    if (read.noExp) return reject('no exp');
    const now = this.clock.now();
    if (read.expiresAt <= now) return { ok: false, reason: 'expired', expired: true };
    if (read.iatMs !== undefined && read.iatMs > now + this.skewMs) return reject('iat in the future');
    if (read.nbfMs !== undefined && read.nbfMs > now + this.skewMs) return reject('nbf in the future');
    if (read.late) return reject(read.late);
    return { ok: true, claims: read.claims, tokenUse: read.tokenUse, expiresAt: read.expiresAt, pool: read.key.pool, kid: read.kid };
  }

  private readSigned(token: string, kid: string, payloadB64: string, key: PoolKey): ReadToken | RejectedToken {
    // RS256 over the first two segments as sent. jose imported and checked the key; the check itself goes straight
    // to OpenSSL: WebCrypto's asynchronous verify (what jose's compactVerify uses) costs about 1.7x the CPU per
    // token and a thread-pool round trip, which the authorizer pays on every request when its cache is off.
    const dot = token.lastIndexOf('.');
    const signature = Buffer.from(token.slice(dot + 1), 'base64url');
    if (signature.length !== key.modulusBytes) return reject('bad signature');
    let valid = false;
    try {
      valid = verifySignature('sha256', Buffer.from(token.slice(0, dot)), key.key, signature);
    } catch {
      valid = false;
    }
    if (!valid) return reject('bad signature');
    const claims = decodeObject(payloadB64);
    if (typeof claims === 'string') return reject(`payload ${claims}`);
    return readClaims(kid, key, claims);
  }

  private async keyFor(kid: string): Promise<PoolKey | undefined> {
    if (!this.loaded) this.loaded = this.load();
    await this.loaded;
    const found = this.keys.get(kid);
    if (found) return found;
    // Pools may have rotated keys since the last load; re-read them, but not more often than refreshMs unless the
    // pools themselves changed.
    const changed = this.version !== undefined && this.version() !== this.loadedVersion;
    if (!changed && this.clock.now() - this.lastLoad < this.refreshMs) return undefined;
    this.loaded = this.load();
    await this.loaded;
    return this.keys.get(kid);
  }

  private async load(): Promise<void> {
    this.lastLoad = this.clock.now();
    this.loadedVersion = this.version?.();
    this.keysReady = false;
    const next = new Map<string, PoolKey>();
    for (const pool of this.pools()) {
      for (const jwk of pool.jwks().keys) {
        if (jwk.kty !== 'RSA' || typeof jwk.kid !== 'string') continue;
        if (jwk.alg !== undefined && jwk.alg !== 'RS256') continue;
        if (jwk.use !== undefined && jwk.use !== 'sig') continue;
        const reused = this.keys.get(jwk.kid);
        if (reused && reused.pool === pool) {
          next.set(jwk.kid, reused);
          continue;
        }
        try {
          const imported = await importJWK({ kty: 'RSA', n: jwk.n, e: jwk.e }, 'RS256');
          const key = imported instanceof Uint8Array ? undefined : KeyObject.from(imported as Parameters<typeof KeyObject.from>[0]);
          const bits = key?.asymmetricKeyDetails?.modulusLength ?? 0;
          if (key && key.asymmetricKeyType === 'rsa' && bits >= MIN_MODULUS_BITS) next.set(jwk.kid, { pool, key, modulusBytes: Math.ceil(bits / 8) });
        } catch {
          // A malformed published key verifies nothing; tokens naming it are refused as an unknown kid.
        }
      }
    }
    this.keys = next;
    this.keysReady = true;
  }
}

/** Claim types, `exp` present, `token_use` id or access: what never changes for the same bytes and key. */
function readClaims(kid: string, key: PoolKey, claims: Record<string, unknown>): ReadToken {
  Object.freeze(claims);
  const read = { kid, key, claims, iss: claims['iss'], expiresAt: 0, tokenUse: 'id' as const };
  for (const name of STRING_CLAIMS) {
    if (claims[name] !== undefined && typeof claims[name] !== 'string') return { ...read, early: `claim ${name} is not a string` };
  }
  for (const name of NUMERIC_CLAIMS) {
    const v = claims[name];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) return { ...read, early: `claim ${name} is not a finite number` };
  }
  const exp = claims['exp'];
  if (typeof exp !== 'number') return { ...read, noExp: true };
  const iat = claims['iat'];
  const nbf = claims['nbf'];
  const tokenUse = claims['token_use'];
  return {
    ...read,
    expiresAt: exp * 1000,
    iatMs: typeof iat === 'number' ? iat * 1000 : undefined,
    nbfMs: typeof nbf === 'number' ? nbf * 1000 : undefined,
    tokenUse: tokenUse === 'access' ? 'access' : 'id',
    late: tokenUse !== 'id' && tokenUse !== 'access' ? 'token_use is neither id nor access' : undefined,
  };
}

function reject(reason: string): RejectedToken {
  return { ok: false, reason };
}

/** Node's decoder skips characters it does not know; a strict token must round-trip exactly. */
function canonicalBase64Url(seg: string): boolean {
  if (seg.length % 4 === 1) return false;
  return Buffer.from(seg, 'base64url').toString('base64url') === seg;
}

/** Decodes one segment to a JSON object, or returns what is wrong with it. */
function decodeObject(seg: string): Record<string, unknown> | string {
  let text: string;
  try {
    text = utf8.decode(Buffer.from(seg, 'base64url'));
  } catch {
    return 'is not UTF-8';
  }
  let value: unknown;
  try {
    value = parseStrictJson(text);
  } catch (err) {
    return `is not strict JSON (${(err as Error).message})`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'is not a JSON object';
  return value as Record<string, unknown>;
}
