/** JSON responses for proxy integrations. */
import type { ProxyResult } from './types';

/** The headers every response carries: a JSON body that no cache may store (it describes the caller). */
export const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'application/json',
  'cache-control': 'no-store',
});

/** A response with `body` as JSON, the {@link JSON_HEADERS} and any `headers` given (which win on a clash). */
export function jsonResponse(statusCode: number, body: unknown, headers: Readonly<Record<string, string>> = {}): ProxyResult {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/** An error response: `{"message": message}`. */
export function errorResponse(statusCode: number, message: string): ProxyResult {
  return jsonResponse(statusCode, { message });
}

/** The 401 a handler answers when the request reached it without verified claims. */
export function unauthorized(): ProxyResult {
  return errorResponse(401, 'Unauthorized');
}

/** The 500 a handler answers for a fault of its own: the cause goes to the log, never to the caller. */
export function internalError(): ProxyResult {
  return errorResponse(500, 'Internal server error.');
}
