import { AwsError } from './errors';
import type { AwsCall, RestReply } from './front';

type Json = Record<string, unknown>;

/** One REST route: method, a path pattern with `{param}` segments, the operation's name and what it does. */
export interface RestRoute {
  readonly method: string;
  readonly pattern: readonly string[];
  readonly name: string;
  run(p: Readonly<Record<string, string>>, body: Json, query: URLSearchParams, call: AwsCall): RestReply | Promise<RestReply>;
}

/** A route from `METHOD`, a path like `/restapis/{api}` and the operation it is. */
export function restRoute(method: string, path: string, name: string, run: RestRoute['run']): RestRoute {
  return { method, pattern: path.split('/').slice(1), name, run };
}

/**
 * Matches REST-JSON calls to routes (segments decoded, `{param}` captured) for a service's `operationOf` and `route`:
 * an unknown method on a known path names the methods it takes; an unknown path says the twin does not emulate it.
 */
export function restRouter(service: string, routes: readonly RestRoute[]): {
  operationOf(method: string, path: string): string | undefined;
  route(method: string, path: string, query: URLSearchParams, body: unknown, call: AwsCall): RestReply | Promise<RestReply>;
} {
  const shapeOf = (segments: readonly string[]) => routes.filter((x) => x.pattern.length === segments.length && x.pattern.every((p, i) => p.startsWith('{') || p === segments[i]));
  return {
    operationOf: (method, path) => {
      try {
        const segments = path.split('/').slice(1).map(decodeSegment);
        return shapeOf(segments).find((x) => x.method === method)?.name;
      } catch {
        return undefined;
      }
    },
    route: (method, path, query, body, call) => {
      const segments = path.split('/').slice(1).map(decodeSegment);
      const shape = shapeOf(segments);
      const route = shape.find((x) => x.method === method);
      if (!route) {
        const allowed = shape.map((x) => `${x.method} (${x.name})`).join(', ');
        throw new AwsError('UnknownOperationException', allowed ? `${method} ${path.slice(0, 256)} is not an operation of ${service}; this path takes ${allowed}.` : `The local twin does not emulate ${method} ${path.slice(0, 256)}.`, 404);
      }
      const params: Record<string, string> = {};
      route.pattern.forEach((p, i) => {
        if (p.startsWith('{')) params[p.slice(1, -1)] = segments[i];
      });
      if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) throw new AwsError('SerializationException', 'The request body is not a JSON object.');
      return route.run(params, (body as Json | undefined) ?? {}, query, call);
    },
  };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new AwsError('BadRequestException', `Invalid path segment: ${segment.slice(0, 64)}`);
  }
}
