import type { TwinClock, TwinPoolView } from '../../contracts';
import { then, type Maybe } from '../../shared/maybe';
import { TokenMap } from '../../shared/token-map';
import { TokenVerifier, type TokenVerifierOptions, type VerifiedToken } from './token-verifier';

/** An `aws_api_gateway_authorizer` of type COGNITO_USER_POOLS, as the twin enforces it. */
export interface CognitoAuthorizerConfig {
  readonly id: string;
  readonly name: string;
  /** Lower-case header name from `identity_source` (`method.request.header.Authorization`). */
  readonly header: string;
  /** Cache lifetime in seconds; 0 turns the cache off. */
  readonly ttlSeconds: number;
  /** `identity_validation_expression`, when set: the token must match it before anything else. */
  readonly validation?: RegExp;
  /** The pools named by `provider_arns` that the twin knows. */
  readonly pools: () => readonly TwinPoolView[];
  /** Changes when the twin's pools change: their keys are then read again at once. */
  readonly poolsVersion?: () => number;
}

/** Outcome of authorizing one request. */
export type AuthorizeResult =
  | { readonly ok: true; readonly claims: Readonly<Record<string, string>>; readonly cached: boolean }
  | { readonly ok: false; readonly message: 'Unauthorized' | 'The incoming token has expired'; readonly reason: string; readonly tooLarge?: boolean };

interface CacheEntry {
  readonly token: VerifiedToken;
  readonly claims: Readonly<Record<string, string>>;
  readonly until: number;
}

const MAX_CACHE_ENTRIES = 10_000;
const BEARER = /^bearer\s+/i;

/**
 * One Cognito authorizer: reads the identity header, verifies the token (cached per token for the TTL, never past
 * the token's own expiry), then applies the method's rule: without scopes only an ID token passes, with scopes
 * only an access token holding any of them. The scope rule runs on every request, so one cached token cannot
 * carry a result from a method without scopes to a method with them.
 */
export class CognitoAuthorizer {
  private readonly verifier: TokenVerifier;
  private readonly cache = new TokenMap<CacheEntry>(MAX_CACHE_ENTRIES);

  constructor(
    readonly config: CognitoAuthorizerConfig,
    private readonly clock: TwinClock,
    options: TokenVerifierOptions = {},
  ) {
    this.verifier = new TokenVerifier(config.pools, clock, { ...options, poolsVersion: config.poolsVersion });
  }

  authorize(headerValue: string | undefined, scopes: readonly string[]): Maybe<AuthorizeResult> {
    if (headerValue === undefined || headerValue.trim() === '') return unauthorized('no identity header');
    if (this.config.validation && !this.config.validation.test(headerValue)) return unauthorized('identity_validation_expression did not match');
    // AWS's REST documentation is silent on the prefix; a raw token and "Bearer <token>" both work there.
    const token = headerValue.replace(BEARER, '').trim();

    const now = this.clock.now();
    const entry = this.config.ttlSeconds > 0 ? this.cache.get(token) : undefined;
    if (entry && entry.until > now) return this.applyScopes(entry, scopes, true);
    if (entry) this.cache.delete(token);
    return then(this.verifier.verify(token), (result): AuthorizeResult => {
      if (!result.ok) {
        return { ok: false, message: result.expired ? 'The incoming token has expired' : 'Unauthorized', reason: result.reason, tooLarge: result.tooLarge };
      }
      const fresh = { token: result, claims: stringClaimsOf(result.claims), until: Math.min(now + this.config.ttlSeconds * 1000, result.expiresAt) };
      if (this.config.ttlSeconds > 0) this.cache.set(token, fresh);
      return this.applyScopes(fresh, scopes, false);
    });
  }

  private applyScopes(entry: CacheEntry, scopes: readonly string[], cached: boolean): AuthorizeResult {
    if (scopes.length === 0) {
      if (entry.token.tokenUse !== 'id') return unauthorized('the method has no scopes, so only an ID token passes');
    } else {
      if (entry.token.tokenUse !== 'access') return unauthorized('the method has scopes, so only an access token passes');
      const held = new Set(String(entry.token.claims['scope'] ?? '').split(' '));
      if (!scopes.some((s) => held.has(s))) return unauthorized('the token holds none of the method scopes');
    }
    return { ok: true, claims: entry.claims, cached };
  }
}

function unauthorized(reason: string): AuthorizeResult {
  return { ok: false, message: 'Unauthorized', reason };
}

/** The verifier hands out one claims object per token: its string form is computed once, and frozen (shared). */
const stringClaims = new WeakMap<object, Readonly<Record<string, string>>>();

function stringClaimsOf(claims: Readonly<Record<string, unknown>>): Readonly<Record<string, string>> {
  let out = stringClaims.get(claims);
  if (!out) {
    out = Object.freeze(claimsAsStrings(claims));
    stringClaims.set(claims, out);
  }
  return out;
}

/**
 * API Gateway hands claims to the integration with every value a string: numbers and booleans in their JSON
 * spelling, arrays (e.g. `cognito:groups`) comma-joined, objects as JSON.
 */
export function claimsAsStrings(claims: Readonly<Record<string, unknown>>): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(claims)) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v)) out[k] = v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(',');
    else if (typeof v === 'object') out[k] = JSON.stringify(v);
    else out[k] = String(v);
  }
  return out;
}
