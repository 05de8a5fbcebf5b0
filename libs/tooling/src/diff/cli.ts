import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { diffStacks } from './lib/diff-stacks';
import { DEFAULT_ACK_LABEL, renderMarkdown, renderText } from './lib/render';
import type { TerraformJson } from './lib/types';
import { DiffError, SYNTH_SCRIPT, existsAt, gitRoot, isDirty, listEnvironments, resolveCommit, shortCommit, synthesize, withWorktree } from './lib/workspace';

const USAGE = `usage: node libs/tooling/bin/run.mjs libs/tooling/src/diff/cli.ts --env <env> --base <git ref> [--markdown FILE] [--allow-danger] [--ack-label NAME]

Synthesizes stack <env> at <git ref> and in the work tree, prints a plan-like resource diff, and exits 1 when a
change is DANGER (a delete, a rename, or a force-new change of a stateful resource) unless --allow-danger is given.
  --env          environment app to diff (apps/<env>, tagged scope:<env>)
  --base         branch, tag or commit to compare against, e.g. origin/main
  --markdown     also write the pull-request comment Markdown to FILE
  --allow-danger report DANGER but exit 0 (CI passes it when the pull request carries the acknowledgement label)
  --ack-label    the label name the report tells reviewers to add (default ${DEFAULT_ACK_LABEL})`;

/** Where the CLI reads and writes; tests pass their own. */
export interface CliIo {
  readonly cwd: string;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

interface Options {
  readonly env: string;
  readonly base: string;
  readonly markdown?: string;
  readonly allowDanger: boolean;
  readonly ackLabel: string;
}

class UsageError extends Error {}

function parseArgs(args: readonly string[]): Options | 'help' {
  const values = new Map<string, string>();
  let allowDanger = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--allow-danger') {
      allowDanger = true;
      continue;
    }
    const m = /^--(env|base|markdown|ack-label)(?:=(.*))?$/.exec(arg);
    if (!m) throw new UsageError(arg.startsWith('-') ? `unknown option "${arg}"` : `unexpected argument "${arg}"`);
    const value = m[2] ?? args[++i];
    if (value === undefined || value === '' || (m[2] === undefined && value.startsWith('--'))) throw new UsageError(`--${m[1]} needs a value`);
    values.set(m[1], value);
  }
  const env = values.get('env');
  const base = values.get('base');
  if (!env) throw new UsageError('--env is required');
  if (!base) throw new UsageError('--base is required');
  if (!/^[a-z][a-z0-9-]*$/.test(env)) throw new UsageError(`invalid --env "${env}": use the app name, lowercase letters, digits and hyphens`);
  return { env, base, markdown: values.get('markdown'), allowDanger, ackLabel: values.get('ack-label') ?? DEFAULT_ACK_LABEL };
}

/**
 * `nx run <env>:diff --base <ref>`: the offline stack diff. Returns the exit code: 0 clean (or DANGER allowed),
 * 1 DANGER, 2 bad usage or a failure to synthesize either side.
 */
export async function main(args: string[], io: CliIo = processIo()): Promise<number> {
  let options: Options | 'help';
  try {
    options = parseArgs(args);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`stack diff: ${e.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options === 'help') {
    io.out(`${USAGE}\n`);
    return 0;
  }
  try {
    return await diff(options, io);
  } catch (e) {
    if (!(e instanceof DiffError)) throw e;
    io.err(`stack diff: ${e.message}\n`);
    return 2;
  }
}

async function diff(options: Options, io: CliIo): Promise<number> {
  const { env } = options;
  const root = await gitRoot(io.cwd);
  const envs = listEnvironments(root);
  if (!envs.includes(env)) {
    throw new DiffError(`unknown environment "${env}": no apps/${env}/project.json tagged scope:${env}. Known environments: ${envs.join(', ') || '(none)'}.`);
  }
  const baseCommit = await resolveCommit(root, options.base);
  const baseLabel = `${options.base} (${await shortCommit(root, baseCommit)})`;
  const headLabel = `HEAD (${await shortCommit(root, 'HEAD')}${(await isDirty(root)) ? ' + uncommitted changes' : ''})`;

  const tmp = mkdtempSync(join(tmpdir(), 'stack-diff-'));
  try {
    // Both sides at once; wait for both, so that nothing still writes into tmp when it is removed.
    const [baseResult, headResult] = await Promise.allSettled([
      synthesizeBase(root, baseCommit, env, join(tmp, 'base'), baseLabel, io),
      synthesize(root, env, join(tmp, 'head'), headLabel),
    ]);
    if (baseResult.status === 'rejected') throw baseResult.reason;
    if (headResult.status === 'rejected') throw headResult.reason;
    const [base, head] = [baseResult.value, headResult.value];
    const result = diffStacks(base, head);
    const ctx = { env, base: baseLabel, head: headLabel, ackLabel: options.ackLabel };
    io.out(renderText(result, ctx));
    if (options.markdown) {
      const file = resolve(io.cwd, options.markdown);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, renderMarkdown(result, ctx));
    }
    if (!result.danger) return 0;
    if (options.allowDanger) {
      io.out('DANGER acknowledged (--allow-danger): not failing.\n');
      return 0;
    }
    io.err(`stack diff: DANGER in stack "${env}". Fix the change, or have a maintainer add the "${options.ackLabel}" label to the pull request.\n`);
    return 1;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The base stack, or `undefined` when the base revision has no such environment (everything is then new). */
async function synthesizeBase(root: string, commit: string, env: string, outdir: string, label: string, io: CliIo): Promise<TerraformJson | undefined> {
  // The synth script's contract: an environment is an app with src/main.ts exporting defineStack.
  if (!(await existsAt(root, commit, `apps/${env}/src/main.ts`))) {
    io.err(`stack diff: ${label} has no apps/${env}/src/main.ts: every resource of "${env}" is shown as new.\n`);
    return undefined;
  }
  if (!(await existsAt(root, commit, SYNTH_SCRIPT))) {
    io.err(`stack diff: ${label} predates ${SYNTH_SCRIPT} and cannot be synthesized: every resource of "${env}" is shown as new.\n`);
    return undefined;
  }
  return withWorktree(root, commit, (dir) => synthesize(dir, env, outdir, label));
}

function processIo(): CliIo {
  return { cwd: process.cwd(), out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
}
