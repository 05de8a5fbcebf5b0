/** Reading the claims a Cognito user pools authorizer put in `requestContext.authorizer.claims`. */
import type { ProxyEvent } from './types';

/** Verified token claims, every value a string (as API Gateway passes them in payload format 1.0). */
export type Claims = Readonly<Record<string, string>> & { readonly sub: string };

/**
 * The verified claims of the caller, or `undefined` when the request carries none: no authorizer on the route, an
 * authorizer of another kind, or claims without a `sub` (no Cognito token lacks one). Values that are not strings
 * (a test or another integration may send them) become strings: arrays comma-joined, other values via `String`.
 */
export function readClaims(event: ProxyEvent): Claims | undefined {
  const raw = event.requestContext?.authorizer?.claims;
  if (raw === null || raw === undefined || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    const text = claimText(value);
    if (text !== undefined) claims[name] = text;
  }
  const sub = claims['sub'];
  return typeof sub === 'string' && sub !== '' ? { ...claims, sub } : undefined;
}

function claimText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(String).join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * A list claim such as `cognito:groups`. REST APIs pass arrays comma-joined (`admins,users`); HTTP APIs, and some
 * REST API paths, pass them bracketed and space-separated (`[admins users]`). Both are read; absent or empty is `[]`.
 */
export function listClaim(value: string | undefined): string[] {
  if (value === undefined) return [];
  let text = value.trim();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  const separator = text.includes(',') ? ',' : /\s+/;
  return text
    .split(separator)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** A boolean claim such as `email_verified`: `true` only for `"true"` (any case); `undefined` when absent. */
export function booleanClaim(value: string | undefined): boolean | undefined {
  return value === undefined ? undefined : value.trim().toLowerCase() === 'true';
}

/**
 * A time claim (`auth_time`, `exp`, `iat`) in seconds since the epoch. Tokens carry numbers (passed as `"1710000000"`);
 * API Gateway's REST API rewrites `exp` and `iat` as dates (`"Sat Mar 09 16:00:00 UTC 2024"`). Both are read;
 * `undefined` when absent or unreadable.
 */
export function timeClaim(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.floor(Number(text));
  const millis = Date.parse(text);
  return Number.isFinite(millis) ? Math.floor(millis / 1000) : undefined;
}

/**
 * Logs, on one line, that a request reached `route` without Cognito claims: the route has no Cognito user pools
 * authorizer (a misconfiguration; the handler answers 401).
 */
export function logMissingAuthorizer(event: ProxyEvent, route: string): void {
  const where = event.httpMethod && event.resource ? `${event.httpMethod} ${event.resource}` : route;
  const requestId = event.requestContext?.requestId ?? 'unknown';
  console.warn(`${where} has no Cognito user pools authorizer: requestContext.authorizer.claims is missing, so the request is refused with 401 (request ${requestId}).`);
}
