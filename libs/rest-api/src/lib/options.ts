import type { Duration } from '@secure-api/core';
import type { HttpMethod } from './routes';

/**
 * Cross-origin access for browsers. API Gateway answers preflight requests (`OPTIONS`, no authorization) on every
 * path of the API, adds `Access-Control-Allow-Origin` to MOCK responses and to its own 4XX/5XX responses.
 * Proxy backends send their own CORS headers on actual responses.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html
 */
export interface CorsOptions {
  /**
   * Origins allowed to call the API, e.g. `['https://app.example.com']`: `https://` (or `http://localhost`), host
   * and port, no path. `'*'` (any origin) is accepted only alone and without credentials. With several origins,
   * API Gateway's own error responses (401, 403, 429, 5XX) name only the first: they run no mapping template that
   * could pick the caller's, and echoing the request's `Origin` would allow every origin.
   */
  readonly allowOrigins: readonly string[];

  /**
   * Methods allowed in cross-origin calls.
   * @default - the methods of the routes on the path (every method for `ANY`), plus `OPTIONS`
   */
  readonly allowMethods?: readonly Exclude<HttpMethod, 'ANY'>[];

  /**
   * Request headers allowed in cross-origin calls.
   * @default ['Authorization', 'Content-Type']
   */
  readonly allowHeaders?: readonly string[];

  /**
   * Lets browsers send cookies and read responses to credentialed calls (`Access-Control-Allow-Credentials: true`).
   * @default false
   */
  readonly allowCredentials?: boolean;

  /**
   * How long browsers may cache a preflight answer (whole seconds, up to 1 day).
   * @default - no `Access-Control-Max-Age` header (browsers keep the answer 5 seconds)
   */
  readonly maxAge?: Duration;

  /**
   * How long browsers may cache a preflight answer, in seconds (0 to 86,400).
   * @deprecated Use `maxAge`, e.g. `maxAge: Duration.minutes(10)`.
   * @default - no `Access-Control-Max-Age` header
   */
  readonly maxAgeSeconds?: number;
}

/**
 * Stage-wide request throttling: a token bucket refilled at `rateLimit` per second that holds `burstLimit` tokens.
 * Requests beyond it get `429 Too Many Requests`.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html
 */
export interface ThrottlingOptions {
  /**
   * Steady-state requests per second (above 0; the account-wide limit is 10,000).
   * @default 100
   */
  readonly rateLimit?: number;

  /**
   * Requests allowed at once: a whole number, at least the rate limit.
   * @default - twice the rate limit (200 with the default rate)
   */
  readonly burstLimit?: number;
}

/**
 * How much API Gateway writes to the `API-Gateway-Execution-Logs_<api id>/<stage>` log group.
 * `INFO` includes the authorizer's decisions; `ERROR` only failures. Request and response bodies are never logged
 * (data trace stays off).
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html
 */
export type LoggingLevel = 'INFO' | 'ERROR' | 'OFF';

/**
 * Size of the stage cache in GB.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html
 */
export type CacheClusterSize = '0.5' | '1.6' | '6.1' | '13.5' | '28.4' | '58.2' | '118' | '237';

/** The cache sizes API Gateway offers. */
export const CACHE_CLUSTER_SIZES: readonly CacheClusterSize[] = ['0.5', '1.6', '6.1', '13.5', '28.4', '58.2', '118', '237'];

/**
 * A stage cache for GET responses, always encrypted. The cache key holds the path parameters and, for protected
 * routes, the `Authorization` header, so that one caller never receives a response cached for another.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html
 */
export interface CacheOptions {
  /**
   * Cache size in GB.
   * @default '0.5'
   */
  readonly size?: CacheClusterSize;

  /**
   * How long a response stays cached (whole seconds, up to 1 hour).
   * @default Duration.minutes(5)
   */
  readonly ttl?: Duration;

  /**
   * How long a response stays cached, in seconds (0 to 3,600).
   * @deprecated Use `ttl`, e.g. `ttl: Duration.minutes(5)`.
   * @default 300
   */
  readonly ttlSeconds?: number;
}

/** Retention periods CloudWatch Logs accepts, in days (kept here for existing imports; defined in core). */
export { LOG_RETENTION_DAYS } from '@secure-api/core';
