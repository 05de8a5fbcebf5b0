/** Header lookup in proxy events. */
import type { ProxyEvent } from './types';

/**
 * The value of the request header `name`, whatever its case in the event (HTTP header names are case-insensitive
 * and API Gateway passes them as the client spelled them). Looks in `headers`, then in `multiValueHeaders` (first
 * value); `undefined` when absent.
 */
export function header(event: ProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const single = findKey(event.headers, wanted);
  if (single !== undefined) return single;
  const multi = findKey(event.multiValueHeaders, wanted);
  return multi?.[0];
}

function findKey<T>(record: Readonly<Record<string, T | undefined>> | null | undefined, lowerName: string): T | undefined {
  if (!record) return undefined;
  for (const [key, value] of Object.entries(record)) {
    if (key.toLowerCase() === lowerName && value !== undefined && value !== null) return value;
  }
  return undefined;
}

/** The media type of a `Content-Type` value, lower case, without parameters (`Application/JSON; charset=utf-8` → `application/json`). */
export function mediaType(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const type = contentType.split(';', 1)[0]?.trim().toLowerCase();
  return type ? type : undefined;
}
