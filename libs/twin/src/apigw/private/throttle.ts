import type { TwinClock } from '../../contracts';

/** Rate (requests per second, steady state) and burst (bucket size) of one throttle. */
export interface ThrottleLimits {
  readonly rate: number;
  readonly burst: number;
}

/** API Gateway's account-level default, which applies where a stage sets no method throttling. */
export const ACCOUNT_DEFAULT_LIMITS: ThrottleLimits = { rate: 10_000, burst: 5_000 };

/**
 * A token bucket as API Gateway describes it: the bucket holds up to `burst` tokens, refills at `rate` per second,
 * and each request takes one; an empty bucket answers 429. Time comes from the injected clock.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly limits: ThrottleLimits,
    private readonly clock: TwinClock,
  ) {
    this.tokens = limits.burst;
    this.last = clock.now();
  }

  take(): boolean {
    const now = this.clock.now();
    if (now > this.last) {
      this.tokens = Math.min(this.limits.burst, this.tokens + ((now - this.last) / 1000) * this.limits.rate);
      this.last = now;
    }
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }
}

/** One `aws_api_gateway_method_settings` block reduced to what throttling needs. */
export interface MethodThrottleSetting {
  /** Resource path (`/items/{id}`) or `*`. */
  readonly resourcePath: string;
  /** HTTP method (`GET`, `ANY`) or `*`. */
  readonly httpMethod: string;
  readonly rate?: number;
  readonly burst?: number;
}

/**
 * Parses `method_path` of `aws_api_gateway_method_settings`: `*` + `/` + `*` for every method, otherwise the resource
 * path without its leading slash, a slash, and the method (`items/{id}/GET`; the root is `/GET`).
 */
export function parseMethodPath(methodPath: string): { resourcePath: string; httpMethod: string } | undefined {
  const text = methodPath.replace(/~1/g, '/');
  const cut = text.lastIndexOf('/');
  if (cut < 0) return undefined;
  const resource = text.slice(0, cut).replace(/^\/+/, '');
  const httpMethod = text.slice(cut + 1).toUpperCase();
  if (!httpMethod) return undefined;
  return { resourcePath: resource === '*' ? '*' : `/${resource}`, httpMethod };
}

/**
 * Throttles one stage: every method gets its own bucket, limited by the most specific method setting (exact method,
 * then the stage-wide `*`+`/`+`*`), else the account default. AWS treats -1 and an absent value as "inherit".
 */
export class StageThrottle {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly settings: readonly MethodThrottleSetting[],
    private readonly clock: TwinClock,
  ) {}

  allow(resourcePath: string, httpMethod: string): boolean {
    const key = `${httpMethod} ${resourcePath}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.limitsFor(resourcePath, httpMethod), this.clock);
      this.buckets.set(key, bucket);
    }
    return bucket.take();
  }

  limitsFor(resourcePath: string, httpMethod: string): ThrottleLimits {
    let rate: number | undefined;
    let burst: number | undefined;
    const specificity = (s: MethodThrottleSetting) => (s.resourcePath === '*' ? 0 : 2) + (s.httpMethod === '*' ? 0 : 1);
    const matching = this.settings
      .filter((s) => (s.resourcePath === '*' || s.resourcePath === resourcePath) && (s.httpMethod === '*' || s.httpMethod === httpMethod))
      .sort((a, b) => specificity(b) - specificity(a));
    for (const s of matching) {
      if (rate === undefined && s.rate !== undefined && s.rate >= 0) rate = s.rate;
      if (burst === undefined && s.burst !== undefined && s.burst >= 0) burst = s.burst;
    }
    return { rate: rate ?? ACCOUNT_DEFAULT_LIMITS.rate, burst: burst ?? ACCOUNT_DEFAULT_LIMITS.burst };
  }
}
