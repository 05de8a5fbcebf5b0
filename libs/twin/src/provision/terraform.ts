// Reading Terraform JSON arguments the way the AWS provider reads its schema: nested blocks as an object or a list
// of objects, scalars that may arrive as strings, unset members left out of the API input.

type Json = Record<string, unknown>;

/** A single nested block (Terraform JSON allows an object or a list of one object). */
export function block(v: unknown): Json | undefined {
  if (Array.isArray(v)) v = v[0];
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}

/** Repeated nested blocks (a list of objects, or one object). */
export function blocks(v: unknown): Json[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).filter((x): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x));
}

export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** A list or set of strings; undefined when unset (so the member is left out of the input). */
export function strList(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  return (Array.isArray(v) ? v : [v]).map((x) => str(x)).filter((x): x is string => x !== undefined);
}

export function bool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}

export function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** A map of strings (request templates, tags, ...); values of other types are written as JSON. */
export function stringMap(v: unknown): Record<string, string> | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined && x !== null) out[k] = typeof x === 'string' ? x : JSON.stringify(x);
  return out;
}

/** A map of booleans (method request parameters). */
export function boolMap(v: unknown): Record<string, boolean> | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const out: Record<string, boolean> = {};
  for (const [k, x] of Object.entries(v)) {
    const b = bool(x);
    if (b !== undefined) out[k] = b;
  }
  return out;
}

/** The object without its undefined members (and without empty nested objects, which the provider does not send). */
export function compact(o: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    if (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0) continue;
    out[k] = v;
  }
  return out;
}

/** snake_case → PascalCase (`minimum_length` → `MinimumLength`). */
export function pascal(name: string): string {
  return name.split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

/** A nested block with its members renamed to PascalCase, deeply (Cognito's input names follow the provider's). */
export function pascalBlock(v: unknown, renames: Readonly<Record<string, string>> = {}): Json | undefined {
  const b = block(v);
  if (!b) return undefined;
  const out: Json = {};
  for (const [k, x] of Object.entries(b)) {
    if (x === undefined || x === null) continue;
    const name = renames[k] ?? pascal(k);
    if (Array.isArray(x) && x.every((e) => typeof e === 'object' && e !== null)) out[name] = x.map((e) => pascalBlock(e, renames));
    else if (typeof x === 'object' && !Array.isArray(x)) out[name] = pascalBlock(x, renames);
    else out[name] = x;
  }
  return out;
}
