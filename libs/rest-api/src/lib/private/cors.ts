import type { IConstruct } from 'constructs';
import { Duration, durationProp, isUnresolved, validateDuration, validateRange, ValidationError, wholeAmount } from '@secure-api/core';
import type { CorsOptions } from '../options';
import { HTTP_METHODS, type HttpMethod } from '../routes';

export const DEFAULT_ALLOW_HEADERS: readonly string[] = ['Authorization', 'Content-Type'];
const HEADER_NAME = /^[A-Za-z0-9-]+$/;

/** CORS options checked and with their defaults applied. */
export interface Cors {
  readonly origins: readonly string[];
  readonly allowMethods?: readonly HttpMethod[];
  readonly allowHeaders: readonly string[];
  readonly allowCredentials: boolean;
  readonly maxAgeSeconds?: number;
}

export function validateCors(scope: IConstruct, cors: CorsOptions): Cors {
  const origins = cors.allowOrigins ?? [];
  if (origins.length === 0) {
    throw new ValidationError(scope, 'cors.allowOrigins', origins, 'is empty', 'list the origins allowed to call the API, e.g. ["https://app.example.com"], or leave cors out');
  }
  origins.forEach((origin, i) => validateOrigin(scope, `cors.allowOrigins[${i}]`, origin, origins.length, cors.allowCredentials ?? false));
  for (const [i, m] of (cors.allowMethods ?? []).entries()) {
    if (!HTTP_METHODS.includes(m) || (m as HttpMethod) === 'ANY') {
      throw new ValidationError(scope, `cors.allowMethods[${i}]`, m, 'is not an HTTP method', `use ${HTTP_METHODS.filter((x) => x !== 'ANY').join(', ')}`);
    }
  }
  const allowHeaders = cors.allowHeaders ?? DEFAULT_ALLOW_HEADERS;
  for (const [i, h] of allowHeaders.entries()) {
    if (!isUnresolved(h) && !HEADER_NAME.test(h)) {
      throw new ValidationError(scope, `cors.allowHeaders[${i}]`, h, 'is not a header name', 'use letters, digits and "-", e.g. "X-Request-Id"');
    }
  }
  validateRange(scope, 'cors.maxAgeSeconds', cors.maxAgeSeconds, 0, 86400, 'seconds');
  const maxAge = durationProp(scope, 'cors.maxAge', cors.maxAge, 'cors.maxAgeSeconds', cors.maxAgeSeconds, 'seconds');
  validateDuration(scope, 'cors.maxAge', maxAge, Duration.seconds(0), Duration.days(1));
  return {
    origins,
    allowMethods: cors.allowMethods,
    allowHeaders,
    allowCredentials: cors.allowCredentials ?? false,
    maxAgeSeconds: maxAge === undefined ? undefined : wholeAmount(scope, 'cors.maxAge', maxAge, 'seconds'),
  };
}

function validateOrigin(scope: IConstruct, prop: string, origin: string, count: number, credentials: boolean): void {
  if (isUnresolved(origin)) return;
  if (origin === '*') {
    if (count > 1) throw new ValidationError(scope, prop, origin, '"*" allows every origin, so listing others beside it is contradictory', 'list only the origins you need, or only "*"');
    if (credentials) throw new ValidationError(scope, prop, origin, 'browsers refuse "*" together with allowCredentials', 'list the exact origins that send credentials');
    return;
  }
  let url: URL | undefined;
  try {
    url = new URL(origin);
  } catch {
    url = undefined;
  }
  if (!url || url.origin !== origin) {
    throw new ValidationError(scope, prop, origin, 'is not an origin (scheme, host and optional port, no path or trailing slash)', `write it as ${url && url.origin !== 'null' ? JSON.stringify(url.origin) : '"https://app.example.com"'}`);
  }
  if (url.protocol === 'http:' && url.hostname !== 'localhost') {
    throw new ValidationError(scope, prop, origin, 'uses http for a host other than localhost', `use ${JSON.stringify(origin.replace(/^http:/, 'https:'))}`);
  }
}

/** The methods a path's preflight allows: the option, or the path's own methods (every one for ANY), plus OPTIONS. */
export function preflightMethods(cors: Cors, routeMethods: readonly HttpMethod[]): string {
  const declared = cors.allowMethods ?? (routeMethods.includes('ANY') ? HTTP_METHODS : [...routeMethods, 'OPTIONS']);
  const set = new Set<HttpMethod>([...declared, 'OPTIONS']);
  return HTTP_METHODS.filter((m) => m !== 'ANY' && set.has(m)).join(',');
}

/** A VTL prelude that answers with the request's origin when it is one of the allowed origins after the first. */
export function originOverrideTemplate(cors: Cors): string {
  if (cors.origins.length < 2) return '';
  const others = cors.origins.slice(1).map((o) => `$origin == "${o}"`).join(' || ');
  return [
    '#set($origin = $input.params().header.get("Origin"))',
    '#if($origin == "")#set($origin = $input.params().header.get("origin"))#end',
    `#if(${others})`,
    '#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)',
    '#end',
    '',
  ].join('\n');
}

/**
 * Header name → static mapping value (`'value'`), for method, integration and gateway responses. A static header
 * can name one origin only: the first; where a mapping template runs (MOCK and preflight responses),
 * {@link originOverrideTemplate} swaps in the caller's origin when it is one of the others.
 */
export function corsResponseHeaders(cors: Cors): Record<string, string> {
  const headers: Record<string, string> = { 'Access-Control-Allow-Origin': `'${cors.origins[0]}'` };
  if (cors.allowCredentials) headers['Access-Control-Allow-Credentials'] = "'true'";
  if (cors.origins.length > 1) headers['Vary'] = "'Origin'";
  return headers;
}
