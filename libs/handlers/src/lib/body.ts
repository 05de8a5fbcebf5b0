/** Reading a proxy event's body. */
import type { ProxyEvent } from './types';

/** The outcome of reading a request body as JSON. */
export type JsonBody = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: 'missing' | 'invalid' };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The body as text: decoded from base64 when `isBase64Encoded` (API Gateway does so for binary media types), then
 * read as UTF-8. `undefined` for no body or an empty one; `null` when the bytes are not UTF-8.
 */
export function bodyText(event: ProxyEvent): string | undefined | null {
  const body = event.body;
  if (body === undefined || body === null || body === '') return undefined;
  if (!event.isBase64Encoded) return body;
  try {
    return utf8.decode(Buffer.from(body, 'base64'));
  } catch {
    return null;
  }
}

/** The body parsed as JSON; `missing` for no body (or only whitespace), `invalid` when it does not parse. */
export function readJsonBody(event: ProxyEvent): JsonBody {
  const text = bodyText(event);
  if (text === null) return { ok: false, reason: 'invalid' };
  if (text === undefined || text.trim() === '') return { ok: false, reason: 'missing' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, reason: 'invalid' };
  }
}
