import type { IConstruct } from 'constructs';
import { ValidationError } from '@secure-api/core';
import { HTTP_METHODS, type HttpMethod, type RouteKey, type RouteOptions, type RouteTable } from '../routes';

/** One path segment: `items` (literal), `{id}` (param) or `{proxy+}` (greedy, last only). */
export interface Segment {
  readonly text: string;
  readonly kind: 'literal' | 'param' | 'greedy';
  /** The parameter name, for `param` and `greedy`. */
  readonly name?: string;
}

export interface ParsedRoute {
  readonly key: RouteKey;
  readonly method: HttpMethod;
  /** `/items/{id}`, `/` for the root. */
  readonly path: string;
  readonly segments: readonly Segment[];
  readonly options: RouteOptions;
}

// API Gateway's rule for path parts: letters, digits, `._-`, or one of those in braces with an optional `+`.
const LITERAL = /^[A-Za-z0-9._-]+$/;
const PARAM = /^\{([A-Za-z0-9._-]+)(\+?)\}$/;
const RESERVED_SEGMENTS = new Set<string>([...HTTP_METHODS, 'Resource']);
const EXAMPLE = 'e.g. "GET /items/{id}"';

/** The prop name of one route in error messages: `routes["GET /items/{id}"]`. */
export const routeProp = (key: string): string => `routes[${JSON.stringify(key)}]`;

/** Parses and checks one route key, throwing a ValidationError that names the route. */
export function parseRouteKey(scope: IConstruct, key: string): { method: HttpMethod; path: string; segments: Segment[] } {
  const prop = routeProp(key);
  const match = /^(\S+) (\S+)$/.exec(key);
  if (!match) throw new ValidationError(scope, prop, key, 'is not "<METHOD> <path>" with one space between', `write the route as ${EXAMPLE}`);
  const [, method, path] = match;
  if (!HTTP_METHODS.includes(method as HttpMethod)) {
    const fix = HTTP_METHODS.includes(method.toUpperCase() as HttpMethod) ? `write the method in upper case: "${method.toUpperCase()} ${path}"` : `use one of ${HTTP_METHODS.join(', ')}`;
    throw new ValidationError(scope, prop, key, `has an unknown method "${method}"`, fix);
  }
  if (!path.startsWith('/')) throw new ValidationError(scope, prop, key, 'has a path that does not start with "/"', `start the path with "/", ${EXAMPLE}`);
  if (path === '/') return { method: method as HttpMethod, path, segments: [] };
  if (path.endsWith('/')) throw new ValidationError(scope, prop, key, 'has a path ending in "/"', `remove the trailing slash: "${method} ${path.replace(/\/+$/, '') || '/'}"`);
  const segments: Segment[] = [];
  const names = new Set<string>();
  const parts = path.slice(1).split('/');
  for (const [i, text] of parts.entries()) {
    if (text === '') throw new ValidationError(scope, prop, key, 'has an empty path segment ("//")', 'remove the doubled slash');
    const param = PARAM.exec(text);
    if (param) {
      const [, name, plus] = param;
      if (plus && i !== parts.length - 1) {
        throw new ValidationError(scope, prop, key, `has the greedy parameter ${text} before the last segment`, `make ${text} the last segment, or drop the "+"`);
      }
      if (names.has(name)) throw new ValidationError(scope, prop, key, `names the path parameter "${name}" twice`, 'give each path parameter its own name');
      names.add(name);
      segments.push({ text, kind: plus ? 'greedy' : 'param', name });
    } else if (RESERVED_SEGMENTS.has(text)) {
      // A path node's construct children are its methods and its `Resource`; a segment of the same name would clash.
      throw new ValidationError(scope, prop, key, `has the path segment "${text}", which this construct reserves for its methods and resources`, `rename the segment, e.g. "${text.toLowerCase()}"`);
    } else if (LITERAL.test(text)) {
      segments.push({ text, kind: 'literal' });
    } else {
      throw new ValidationError(scope, prop, key, `has the path segment "${text}" with characters API Gateway refuses`, 'use letters, digits, ".", "_" and "-", or a parameter "{name}" ("{name+}" as the last segment)');
    }
  }
  return { method: method as HttpMethod, path, segments };
}

/**
 * Parses every route and checks the table as a whole: at least one route, no two routes for the same method
 * and path, and at most one parameter segment among siblings (API Gateway refuses `/items/{id}` beside
 * `/items/{itemId}`). Routes come back sorted by path, then method, so that construct order never depends on
 * the order of the table.
 */
export function parseRouteTable(scope: IConstruct, table: RouteTable): ParsedRoute[] {
  const entries = Object.entries(table ?? {}) as [RouteKey, RouteOptions][];
  if (entries.length === 0) throw new ValidationError(scope, 'routes', table, 'has no route', `add at least one route, ${EXAMPLE}: { integration: Integration.mock() }`);
  const routes = entries.map(([key, options]): ParsedRoute => {
    if (typeof options !== 'object' || options === null || options.integration === undefined) {
      throw new ValidationError(scope, routeProp(key), options, 'has no integration', 'give the route an integration, e.g. { integration: Integration.mock({ body: { ok: true } }) }');
    }
    return { key, ...parseRouteKey(scope, key), options };
  });

  // Routes are the same when their paths differ only in parameter names: both would be one API Gateway method.
  const shape = (r: ParsedRoute) => `${r.method} /${r.segments.map((s) => (s.kind === 'literal' ? s.text : s.kind)).join('/')}`;
  const byShape = new Map<string, ParsedRoute>();
  for (const r of routes) {
    const other = byShape.get(shape(r));
    if (other) throw new ValidationError(scope, routeProp(r.key), r.key, `duplicates the route "${other.key}": both are the same method on the same resource`, 'keep one of the two routes');
    byShape.set(shape(r), r);
  }

  const variableChild = new Map<string, { text: string; route: ParsedRoute }>();
  for (const r of routes) {
    r.segments.forEach((s, i) => {
      if (s.kind === 'literal') return;
      const parent = r.segments.slice(0, i).map((p) => p.text).join('/');
      const seen = variableChild.get(parent);
      if (seen && seen.text !== s.text) {
        throw new ValidationError(scope, routeProp(r.key), r.key, `has the parameter segment ${s.text} where "${seen.route.key}" has ${seen.text}: API Gateway allows one parameter segment per level`, `use the same parameter name on both routes, e.g. ${seen.text}`);
      }
      if (!seen) variableChild.set(parent, { text: s.text, route: r });
    });
  }
  return routes.sort((a, b) => (a.path === b.path ? HTTP_METHODS.indexOf(a.method) - HTTP_METHODS.indexOf(b.method) : a.path < b.path ? -1 : 1));
}

