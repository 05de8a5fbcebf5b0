/** A difference at one leaf path between two JSON values. */
export interface LeafChange {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep equality of JSON values; object key order does not matter. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}

/**
 * The leaf paths where `after` differs from `before`. Objects are compared key by key; a list of scalars is one
 * value (Terraform shows it whole); a list of blocks is compared element by element.
 */
export function diffValues(before: unknown, after: unknown, path = ''): LeafChange[] {
  if (jsonEqual(before, after)) return [];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffValues(before[k], after[k], joinKey(path, k)));
  }
  if (Array.isArray(before) && Array.isArray(after) && (before.some(isObject) || after.some(isObject))) {
    const n = Math.max(before.length, after.length);
    const out: LeafChange[] = [];
    for (let i = 0; i < n; i++) out.push(...diffValues(before[i], after[i], `${path}[${i}]`));
    return out;
  }
  return [{ path: path || '(root)', before, after }];
}

function joinKey(path: string, key: string): string {
  const part = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (!path) return part;
  return part.startsWith('[') ? `${path}${part}` : `${path}.${part}`;
}

/** `a[0].b["c"]` → `a.b.c`: the form `lifecycle.ignore_changes` and force-new rules are compared in. */
export function barePath(path: string): string {
  return path.replace(/\[\d+\]/g, '').replace(/\["((?:[^"\\]|\\.)*)"\]/g, '.$1').replace(/^\./, '');
}

/** Whether `path` is covered by one of the `lifecycle.ignore_changes` entries (`all` covers everything). */
export function isIgnored(path: string, ignoreChanges: unknown): boolean {
  if (ignoreChanges === 'all') return true;
  if (!Array.isArray(ignoreChanges)) return false;
  const bare = barePath(path);
  return ignoreChanges.some((entry) => {
    if (typeof entry !== 'string') return false;
    if (entry === 'all') return true;
    const e = barePath(entry);
    return bare === e || bare.startsWith(`${e}.`);
  });
}
