import { parseArgs } from 'node:util';

/** A problem with the command line: the CLI prints it with its usage and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The flags a command takes: each a string (`--name value` or `--name=value`) or a boolean (`--name`). */
export type FlagSpec = Readonly<Record<string, { readonly type: 'string' | 'boolean'; readonly required?: boolean }>>;

/** What `parseFlags` read: the last value of each flag given, the positionals, and whether help was asked for. */
export interface ParsedFlags<S extends FlagSpec> {
  readonly values: { readonly [K in keyof S]?: S[K]['type'] extends 'boolean' ? boolean : string };
  readonly positionals: readonly string[];
  /** `--help` or `-h` was given: the CLI prints its usage and exits 0 (nothing else is checked). */
  readonly help: boolean;
}

/**
 * Reads a command line with node's `parseArgs` and words every mistake the same way in every CLI of the workspace:
 * `unknown option "--x"`, `unexpected argument "x"`, `--x needs a value` (also for an empty value, or one that is
 * the next option: a flag never swallows `--other`), `--x takes no value`, `--x is required`.
 */
export function parseFlags<S extends FlagSpec>(args: readonly string[], spec: S, options: { readonly positionals?: number } = {}): ParsedFlags<S> {
  if (args.includes('--help') || args.includes('-h')) return { values: {}, positionals: [], help: true };
  const { tokens } = parseArgs({
    args: [...args],
    options: Object.fromEntries(Object.entries(spec).map(([name, flag]) => [name, { type: flag.type }])),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  let afterTerminator = false;
  for (const token of tokens) {
    if (token.kind === 'option-terminator') {
      afterTerminator = true;
      continue;
    }
    if (token.kind === 'positional') {
      if (positionals.length >= (options.positionals ?? 0)) throw new UsageError(`unexpected argument "${afterTerminator ? `-- ${token.value}` : token.value}"`);
      positionals.push(token.value);
      continue;
    }
    const flag = Object.hasOwn(spec, token.name) ? spec[token.name] : undefined;
    if (!flag || !token.rawName.startsWith('--')) throw new UsageError(`unknown option "${args[token.index]}"`);
    if (flag.type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`${token.rawName} takes no value`);
      values[token.name] = true;
      continue;
    }
    const value = token.value;
    if (value === undefined || value === '' || (!token.inlineValue && value.startsWith('--'))) throw new UsageError(`${token.rawName} needs a value`);
    values[token.name] = value;
  }
  for (const [name, flag] of Object.entries(spec)) {
    if (flag.required && values[name] === undefined) throw new UsageError(`--${name} is required`);
  }
  return { values: values as ParsedFlags<S>['values'], positionals, help: false };
}
