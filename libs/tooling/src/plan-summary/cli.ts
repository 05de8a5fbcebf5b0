import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { renderPlanMarkdown } from './lib/render';
import { PlanError, compareFingerprints, fingerprint, summarizePlan } from './lib/summarize';
import type { PlanFingerprint } from './lib/summarize';

const USAGE = `usage:
  node libs/tooling/bin/run.mjs libs/tooling/src/plan-summary/cli.ts --env <env> --plan-json FILE [--plan-text FILE]
      [--out FILE] [--fingerprint-out FILE] [--commit SHA] [--run-url URL]
    Reads \`terraform show -json <planfile>\` (and optionally \`terraform show -no-color <planfile>\`), writes the
    pull-request comment Markdown to --out (or stdout) and the plan's fingerprint (addresses and actions, no values)
    to --fingerprint-out.
  node libs/tooling/bin/run.mjs libs/tooling/src/plan-summary/cli.ts compare --reviewed FILE --plan-json FILE
    Exits 1 and lists the differences when the plan no longer matches the reviewed fingerprint.`;

/** Where the CLI reads and writes; tests pass their own. */
export interface CliIo {
  readonly cwd: string;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

class UsageError extends Error {}

const FLAGS = ['env', 'plan-json', 'plan-text', 'out', 'fingerprint-out', 'commit', 'run-url', 'reviewed'] as const;
type Flag = (typeof FLAGS)[number];

function parse(args: readonly string[]): { command: 'summary' | 'compare' | 'help'; values: Map<Flag, string> } {
  const rest = [...args];
  let command: 'summary' | 'compare' | 'help' = 'summary';
  if (rest[0] === 'compare') {
    command = 'compare';
    rest.shift();
  }
  const values = new Map<Flag, string>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--help' || arg === '-h') return { command: 'help', values };
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m || !(FLAGS as readonly string[]).includes(m[1])) throw new UsageError(arg.startsWith('-') ? `unknown option "${arg}"` : `unexpected argument "${arg}"`);
    const value = m[2] ?? rest[++i];
    if (value === undefined || value === '' || (m[2] === undefined && value.startsWith('--'))) throw new UsageError(`--${m[1]} needs a value`);
    values.set(m[1] as Flag, value);
  }
  const required: Flag[] = command === 'compare' ? ['reviewed', 'plan-json'] : ['env', 'plan-json'];
  for (const flag of required) if (!values.has(flag)) throw new UsageError(`--${flag} is required`);
  const env = values.get('env');
  if (env !== undefined && !/^[a-z][a-z0-9-]*$/.test(env)) throw new UsageError(`invalid --env "${env}": lowercase letters, digits and hyphens`);
  return { command, values };
}

function readText(cwd: string, file: string, what: string): string {
  try {
    return readFileSync(resolve(cwd, file), 'utf8');
  } catch (e) {
    throw new PlanError(`cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function readJson(cwd: string, file: string, what: string): unknown {
  const text = readText(cwd, file, what);
  try {
    return JSON.parse(text);
  } catch {
    throw new PlanError(`${what} ${file} is not JSON: pass the output of \`terraform show -json <planfile>\``);
  }
}

function write(cwd: string, file: string, text: string): void {
  const path = resolve(cwd, file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** Exit codes: 0 done (or the plan matches), 1 the plan differs from the reviewed one, 2 bad usage or input. */
export async function main(args: string[], io: CliIo = processIo()): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`plan summary: ${e.message}\n\n${USAGE}\n`);
    return 2;
  }
  const { command, values } = parsed;
  if (command === 'help') {
    io.out(`${USAGE}\n`);
    return 0;
  }
  try {
    const summary = summarizePlan(readJson(io.cwd, values.get('plan-json') as string, 'plan'));
    if (command === 'compare') {
      const reviewed = readJson(io.cwd, values.get('reviewed') as string, 'reviewed fingerprint') as PlanFingerprint;
      if (!reviewed || !Array.isArray(reviewed.resources)) throw new PlanError(`${values.get('reviewed')} is not a plan fingerprint written by --fingerprint-out`);
      const differences = compareFingerprints(reviewed, fingerprint(summary));
      if (differences.length === 0) {
        io.out('The plan matches the reviewed plan.\n');
        return 0;
      }
      io.err(`The plan differs from the reviewed plan (${differences.length}):\n${differences.map((d) => `  ${d}`).join('\n')}\n`);
      return 1;
    }
    const planText = values.has('plan-text') ? readText(io.cwd, values.get('plan-text') as string, 'plan text') : undefined;
    const markdown = renderPlanMarkdown(summary, {
      env: values.get('env') as string,
      commit: values.get('commit'),
      runUrl: values.get('run-url'),
      planText,
    });
    if (values.has('out')) write(io.cwd, values.get('out') as string, markdown);
    else io.out(markdown);
    if (values.has('fingerprint-out')) write(io.cwd, values.get('fingerprint-out') as string, `${JSON.stringify(fingerprint(summary), null, 2)}\n`);
    return 0;
  } catch (e) {
    if (!(e instanceof PlanError)) throw e;
    io.err(`plan summary: ${e.message}\n`);
    return 2;
  }
}

function processIo(): CliIo {
  return { cwd: process.cwd(), out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
}
