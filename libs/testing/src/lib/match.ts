/**
 * Partial matching of synthesized (snake_case) Terraform JSON, in the spirit of the AWS CDK assertions
 * library: objects match when every expected key matches; arrays match element by element with equal length,
 * unless wrapped in `Match.arrayWith`; `Match.absent()` requires a key to be missing.
 */
const MATCHER = Symbol('matcher');

export interface Matcher {
  readonly [MATCHER]: true;
  readonly name: string;
  test(actual: unknown, path: string): string | undefined;
}

function matcher(name: string, test: (actual: unknown, path: string) => string | undefined): Matcher {
  return { [MATCHER]: true, name, test };
}

function isMatcher(v: unknown): v is Matcher {
  return typeof v === 'object' && v !== null && (v as Matcher)[MATCHER] === true;
}

export const Match = {
  /** The key must be absent (or undefined). */
  absent: (): Matcher => matcher('absent', (a, p) => (a === undefined ? undefined : `${p}: expected absent, got ${fmt(a)}`)),
  /** Any value that is present. */
  anyValue: (): Matcher => matcher('anyValue', (a, p) => (a === undefined || a === null ? `${p}: expected a value` : undefined)),
  /** An array containing elements matching each of `items`, in any order. */
  arrayWith: (items: unknown[]): Matcher =>
    matcher('arrayWith', (a, p) => {
      if (!Array.isArray(a)) return `${p}: expected an array, got ${fmt(a)}`;
      for (const [i, item] of items.entries()) {
        if (!a.some((el) => mismatch(item, el, p) === undefined)) return `${p}: no element matches arrayWith[${i}] ${fmt(item)}`;
      }
      return undefined;
    }),
  /** A string matching the regular expression. */
  stringLike: (re: RegExp): Matcher =>
    matcher('stringLike', (a, p) => (typeof a === 'string' && re.test(a) ? undefined : `${p}: expected a string like ${re}, got ${fmt(a)}`)),
  /** Exact equality, no partial matching of nested objects. */
  exact: (v: unknown): Matcher =>
    matcher('exact', (a, p) => (JSON.stringify(a) === JSON.stringify(v) ? undefined : `${p}: expected exactly ${fmt(v)}, got ${fmt(a)}`)),
};

/** Returns undefined when `actual` matches `expected`, else a message naming the first difference. */
export function mismatch(expected: unknown, actual: unknown, path = '$'): string | undefined {
  if (isMatcher(expected)) return expected.test(actual, path);
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path}: expected an array, got ${fmt(actual)}`;
    if (actual.length !== expected.length) return `${path}: expected ${expected.length} elements, got ${actual.length} (${fmt(actual)})`;
    for (let i = 0; i < expected.length; i++) {
      const m = mismatch(expected[i], actual[i], `${path}[${i}]`);
      if (m) return m;
    }
    return undefined;
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return `${path}: expected an object, got ${fmt(actual)}`;
    for (const [k, v] of Object.entries(expected)) {
      const m = mismatch(v, (actual as Record<string, unknown>)[k], `${path}.${k}`);
      if (m) return m;
    }
    return undefined;
  }
  return Object.is(expected, actual) ? undefined : `${path}: expected ${fmt(expected)}, got ${fmt(actual)}`;
}

function fmt(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 200 ? `${s.slice(0, 197)}...` : s;
}
