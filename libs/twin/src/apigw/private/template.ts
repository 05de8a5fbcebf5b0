/**
 * The part of API Gateway's Velocity (VTL) mapping language that mock integrations, gateway responses and access
 * log formats use: references (`$context.requestId`, `${context.stage}`, `$!x`), property and bracket access
 * (`$context.authorizer.claims['cognito:username']`) and method calls with string or reference arguments
 * (`$input.params('id')`, `$util.escapeJavaScript($input.body)`). Directives (`#set`, `#if`, `#foreach`) are not
 * evaluated: `templateDirectives` lets the builder warn about them once at start.
 */

/** Values the template can reach: `context`, `input`, `stageVariables`, `util`, ... */
export type TemplateScope = Readonly<Record<string, unknown>>;

/** How a reference to nothing renders: `''` in mapping templates, `'-'` in access logs (as AWS writes them). */
export interface RenderOptions {
  readonly missing?: string;
}

type Step = { kind: 'prop'; name: string } | { kind: 'call'; name: string; args: Arg[] };
type Arg = { kind: 'string'; value: string } | { kind: 'ref'; ref: Ref };
interface Ref {
  readonly root: string;
  readonly steps: Step[];
  readonly quiet: boolean;
}
type Piece = string | Ref;

const compiled = new Map<string, Piece[]>();

function compiledForm(template: string): Piece[] {
  let pieces = compiled.get(template);
  if (!pieces) {
    pieces = compile(template);
    if (compiled.size < 1000) compiled.set(template, pieces);
  }
  return pieces;
}

/** Whether `template` renders to its own text whatever the scope (it holds no reference). */
export function isStaticTemplate(template: string): boolean {
  return compiledForm(template).every((p) => typeof p === 'string');
}

/**
 * Renders `template` against `scope` (or the scope a function returns, asked for only when the template holds a
 * reference). Compiled forms are cached: templates come from the stack, so few exist.
 */
export function renderTemplate(template: string, scope: TemplateScope | (() => TemplateScope), options: RenderOptions = {}): string {
  const pieces = compiledForm(template);
  if (pieces.length === 0) return '';
  if (pieces.length === 1 && typeof pieces[0] === 'string') return pieces[0];
  if (typeof scope === 'function') scope = scope();
  const missing = options.missing ?? '';
  let out = '';
  for (const p of pieces) {
    if (typeof p === 'string') out += p;
    else out += show(evaluate(p, scope as TemplateScope), p.quiet ? '' : missing);
  }
  return out;
}

/** The VTL directives in a template that the twin leaves unevaluated (for a start-up warning). */
export function templateDirectives(template: string): string[] {
  return [...new Set([...template.matchAll(/#(set|if|elseif|else|end|foreach|macro|define|include|parse|stop|break)\b/g)].map((m) => `#${m[1]}`))];
}

function show(value: unknown, missing: string): string {
  if (value === undefined || value === null) return missing;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'function') return missing;
  return JSON.stringify(value);
}

function evaluate(ref: Ref, scope: TemplateScope): unknown {
  let value: unknown = Object.prototype.hasOwnProperty.call(scope, ref.root) ? scope[ref.root] : undefined;
  for (const step of ref.steps) {
    if (value === undefined || value === null) return undefined;
    if (step.kind === 'prop') {
      value = property(value, step.name);
      continue;
    }
    const args = step.args.map((a) => (a.kind === 'string' ? a.value : evaluate(a.ref, scope)));
    const fn = property(value, step.name);
    if (typeof fn === 'function') value = (fn as (...a: unknown[]) => unknown).apply(value, args);
    else if (step.name === 'get' && typeof value === 'object') value = property(value, String(args[0]));
    else if (step.name === 'size') value = Array.isArray(value) ? value.length : typeof value === 'object' ? Object.keys(value as object).length : String(value).length;
    else if (step.name === 'toString') value = show(value, '');
    else return undefined;
  }
  return value;
}

function property(value: unknown, name: string): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  return Object.prototype.hasOwnProperty.call(value, name) || typeof (value as Record<string, unknown>)[name] === 'function'
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

function compile(template: string): Piece[] {
  const pieces: Piece[] = [];
  let text = '';
  let i = 0;
  while (i < template.length) {
    if (template[i] === '$') {
      const parsed = parseRef(template, i);
      if (parsed) {
        if (text) pieces.push(text);
        text = '';
        pieces.push(parsed.ref);
        i = parsed.end;
        continue;
      }
    }
    text += template[i];
    i++;
  }
  if (text) pieces.push(text);
  return pieces;
}

const IDENT = /[A-Za-z_][A-Za-z0-9_-]*/y;

function readIdent(s: string, at: number): string | undefined {
  IDENT.lastIndex = at;
  const m = IDENT.exec(s);
  if (!m) return undefined;
  // A trailing hyphen belongs to the text after the reference, not to the name.
  return m[0].replace(/-+$/, '');
}

function parseRef(s: string, start: number): { ref: Ref; end: number } | undefined {
  let i = start + 1;
  let quiet = false;
  if (s[i] === '!') {
    quiet = true;
    i++;
  }
  const braced = s[i] === '{';
  if (braced) i++;
  const root = readIdent(s, i);
  if (!root) return undefined;
  i += root.length;
  const steps: Step[] = [];
  for (;;) {
    if (s[i] === '.' ) {
      const name = readIdent(s, i + 1);
      if (!name) break;
      const after = i + 1 + name.length;
      if (s[after] === '(') {
        const call = parseArgs(s, after);
        if (!call) break;
        steps.push({ kind: 'call', name, args: call.args });
        i = call.end;
      } else {
        steps.push({ kind: 'prop', name });
        i = after;
      }
      continue;
    }
    if (s[i] === '[') {
      const lit = readString(s, i + 1);
      if (!lit || s[lit.end] !== ']') break;
      steps.push({ kind: 'prop', name: lit.value });
      i = lit.end + 1;
      continue;
    }
    break;
  }
  if (braced) {
    if (s[i] !== '}') return undefined;
    i++;
  }
  return { ref: { root, steps, quiet }, end: i };
}

function parseArgs(s: string, open: number): { args: Arg[]; end: number } | undefined {
  const args: Arg[] = [];
  let i = open + 1;
  const skip = () => {
    while (s[i] === ' ') i++;
  };
  skip();
  if (s[i] === ')') return { args, end: i + 1 };
  for (;;) {
    skip();
    if (s[i] === '$') {
      const nested = parseRef(s, i);
      if (!nested) return undefined;
      args.push({ kind: 'ref', ref: nested.ref });
      i = nested.end;
    } else {
      const lit = readString(s, i);
      if (!lit) return undefined;
      args.push({ kind: 'string', value: lit.value });
      i = lit.end;
    }
    skip();
    if (s[i] === ')') return { args, end: i + 1 };
    if (s[i] !== ',') return undefined;
    i++;
  }
}

function readString(s: string, at: number): { value: string; end: number } | undefined {
  const q = s[at];
  if (q !== "'" && q !== '"') return undefined;
  const close = s.indexOf(q, at + 1);
  if (close < 0) return undefined;
  return { value: s.slice(at + 1, close), end: close + 1 };
}
