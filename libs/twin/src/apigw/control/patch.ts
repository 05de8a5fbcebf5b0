import { AwsError } from '../../aws/errors';

/** One of a PATCH body's `patchOperations`. */
export interface PatchOperation {
  readonly op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  readonly path: string;
  readonly value?: string;
  readonly from?: string;
}

/** How a patchable member takes its string value. */
export type PatchKind = 'string' | 'boolean' | 'integer' | 'number' | 'nullable-integer';

/**
 * A member a PATCH may change: `path` is the member (`/name`), a map entry (`/requestTemplates/*`), a set whose items
 * come as values (`/authorizationScopes`, add/remove) or a list item (`/endpointConfiguration/types/0`).
 */
export type PatchRule =
  | { readonly path: string; readonly kind: PatchKind; readonly member?: readonly string[] }
  | { readonly path: string; readonly map: PatchKind; readonly member?: readonly string[] }
  | { readonly path: string; readonly set: true; readonly member?: readonly string[] }
  /** A set whose item is the path's last segment (`/binaryMediaTypes/image~1png`), add/remove without a value. */
  | { readonly path: string; readonly pathSet: true; readonly member: readonly string[] };

const badRequest = (message: string) => new AwsError('BadRequestException', message);

/** JSON pointer escapes: `~1` is `/`, `~0` is `~`. */
export function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The value a PATCH sent (always a string on the wire) as the member's JSON type. */
function convert(value: string | undefined, kind: PatchKind, path: string): unknown {
  if (kind === 'nullable-integer' && (value === undefined || value === '' || value === 'null')) return null;
  if (value === undefined) throw badRequest(`Invalid null value for patch path ${path}`);
  switch (kind) {
    case 'string':
      return value;
    case 'boolean':
      if (value !== 'true' && value !== 'false') throw badRequest(`Invalid boolean value '${value.slice(0, 64)}' for patch path ${path}`);
      return value === 'true';
    case 'integer':
    case 'nullable-integer': {
      const n = Number(value);
      if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw badRequest(`Invalid integer value '${value.slice(0, 64)}' for patch path ${path}`);
      return n;
    }
    case 'number': {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n)) throw badRequest(`Invalid number value '${value.slice(0, 64)}' for patch path ${path}`);
      return n;
    }
  }
}

/**
 * Applies `patchOperations` to a copy of `doc`, as API Gateway's Update* operations do: each path must be one the
 * resource allows (else `BadRequestException: Invalid patch path`), values are converted from the wire's strings to
 * the member's type, map keys are JSON-pointer unescaped. Returns the new document; `doc` is left unchanged.
 * @see https://docs.aws.amazon.com/apigateway/latest/api/patch-operations.html
 */
export function applyPatch<T extends Record<string, unknown>>(doc: T, operations: unknown, rules: readonly PatchRule[]): T {
  if (!Array.isArray(operations)) throw badRequest('patchOperations must be a list of {op, path, value}');
  const out = structuredClone(doc) as Record<string, unknown>;
  for (const raw of operations) {
    if (typeof raw !== 'object' || raw === null) throw badRequest('Each patch operation must be an object with op and path');
    const op = raw as PatchOperation;
    if (!['add', 'remove', 'replace', 'move', 'copy', 'test'].includes(op.op)) throw badRequest(`Invalid patch operation specified. Must be one of: [add, remove, replace, move, copy, test]`);
    if (typeof op.path !== 'string' || !op.path.startsWith('/')) throw badRequest(`Invalid patch path ${String(op.path).slice(0, 128)}`);
    if (op.value !== undefined && op.value !== null && typeof op.value !== 'string') throw badRequest(`Invalid patch value for ${op.path}: values are strings`);
    if (op.op === 'move' || op.op === 'copy' || op.op === 'test') throw badRequest(`Patch operation ${op.op} is not supported for ${op.path}`);
    applyOne(out, op, rules);
  }
  return out as T;
}

function applyOne(doc: Record<string, unknown>, op: PatchOperation, rules: readonly PatchRule[]): void {
  const segments = op.path.slice(1).split('/');
  for (const rule of rules) {
    const ruleSegments = rule.path.slice(1).split('/');
    const target = rule.member ?? ruleSegments.filter((s) => s !== '*');
    if ('map' in rule) {
      if (segments.length !== ruleSegments.length || !ruleSegments.every((s, i) => s === '*' || s === segments[i])) continue;
      const key = unescapePointer(segments[ruleSegments.indexOf('*')]);
      const map = { ...((get(doc, target) as Record<string, unknown> | undefined) ?? {}) };
      if (op.op === 'remove') delete map[key];
      else map[key] = convert(op.value ?? undefined, rule.map, op.path);
      set(doc, target, Object.keys(map).length > 0 ? map : undefined);
      return;
    }
    if ('pathSet' in rule) {
      if (segments.length !== ruleSegments.length || !ruleSegments.every((s, i) => s === '*' || s === segments[i])) continue;
      const item = unescapePointer(segments[ruleSegments.indexOf('*')]);
      const items = ((get(doc, target) as unknown[] | undefined) ?? []).filter((x) => x !== item);
      if (op.op === 'remove') set(doc, target, items.length > 0 ? items : undefined);
      else set(doc, target, [...items, item]);
      return;
    }
    if ('set' in rule) {
      if (op.path !== rule.path) continue;
      const items = [...((get(doc, target) as unknown[] | undefined) ?? [])];
      const value = op.value ?? '';
      if (op.op === 'remove') {
        const next = items.filter((x) => x !== value);
        set(doc, target, next.length > 0 ? next : undefined);
      } else if (!items.includes(value)) set(doc, target, [...items, value]);
      return;
    }
    if (op.path !== rule.path) continue;
    if (op.op === 'remove') set(doc, target, undefined);
    else set(doc, target, convert(op.value ?? undefined, rule.kind, op.path));
    return;
  }
  throw badRequest(`Invalid patch path ${op.path.slice(0, 256)} specified for op '${op.op}'. Must be one of: [${rules.map((r) => r.path).join(', ')}]`);
}

function get(doc: Record<string, unknown>, path: readonly string[]): unknown {
  let cur: unknown = doc;
  for (const k of path) cur = typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[k] : undefined;
  return cur;
}

function set(doc: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let cur = doc;
  for (const k of path.slice(0, -1)) {
    const next = cur[k];
    if (typeof next !== 'object' || next === null) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  const last = path[path.length - 1];
  if (value === undefined) delete cur[last];
  else cur[last] = value;
}
