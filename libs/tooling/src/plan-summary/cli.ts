import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseFlags, processIo, runCli, UsageError, type CliIo } from '@secure-api/cli';
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

const FLAGS = {
  env: { type: 'string' }, 'plan-json': { type: 'string' }, 'plan-text': { type: 'string' }, out: { type: 'string' },
  'fingerprint-out': { type: 'string' }, commit: { type: 'string' }, 'run-url': { type: 'string' }, reviewed: { type: 'string' },
} as const;
type Values = ReturnType<typeof parseFlags<typeof FLAGS>>['values'];

function parse(args: readonly string[]): { command: 'summary' | 'compare' | 'help'; values: Values } {
  const { values, positionals, help } = parseFlags(args, FLAGS, { positionals: 1 });
  if (help) return { command: 'help', values };
  if (positionals.length > 0 && (positionals[0] !== 'compare' || args[0] !== 'compare')) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const command = positionals[0] === 'compare' ? 'compare' : 'summary';
  const required = command === 'compare' ? (['reviewed', 'plan-json'] as const) : (['env', 'plan-json'] as const);
  for (const flag of required) if (values[flag] === undefined) throw new UsageError(`--${flag} is required`);
  const env = values.env;
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
  return runCli(io, { label: 'plan summary', usage: USAGE }, () => summary(parse(args), io));
}

function summary({ command, values }: ReturnType<typeof parse>, io: CliIo): number {
  if (command === 'help') {
    io.out(`${USAGE}\n`);
    return 0;
  }
  try {
    const summary = summarizePlan(readJson(io.cwd, values['plan-json'] as string, 'plan'));
    if (command === 'compare') {
      const reviewed = readJson(io.cwd, values.reviewed as string, 'reviewed fingerprint') as PlanFingerprint;
      if (!reviewed || !Array.isArray(reviewed.resources)) throw new PlanError(`${values.reviewed} is not a plan fingerprint written by --fingerprint-out`);
      const differences = compareFingerprints(reviewed, fingerprint(summary));
      if (differences.length === 0) {
        io.out('The plan matches the reviewed plan.\n');
        return 0;
      }
      io.err(`The plan differs from the reviewed plan (${differences.length}):\n${differences.map((d) => `  ${d}`).join('\n')}\n`);
      return 1;
    }
    const planText = values['plan-text'] !== undefined ? readText(io.cwd, values['plan-text'], 'plan text') : undefined;
    const markdown = renderPlanMarkdown(summary, {
      env: values.env as string,
      commit: values.commit,
      runUrl: values['run-url'],
      planText,
    });
    if (values.out !== undefined) write(io.cwd, values.out, markdown);
    else io.out(markdown);
    if (values['fingerprint-out'] !== undefined) write(io.cwd, values['fingerprint-out'], `${JSON.stringify(fingerprint(summary), null, 2)}\n`);
    return 0;
  } catch (e) {
    if (!(e instanceof PlanError)) throw e;
    io.err(`plan summary: ${e.message}\n`);
    return 2;
  }
}
