import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseFlags, processIo, runCli, UsageError, type CliIo } from '@secure-api/cli';
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

interface Options {
  readonly env: string;
  readonly base: string;
  readonly markdown?: string;
  readonly allowDanger: boolean;
  readonly ackLabel: string;
}

const FLAGS = { env: { type: 'string', required: true }, base: { type: 'string', required: true }, markdown: { type: 'string' }, 'allow-danger': { type: 'boolean' }, 'ack-label': { type: 'string' } } as const;

function parseOptions(args: readonly string[]): Options | 'help' {
  const { values, help } = parseFlags(args, FLAGS);
  if (help) return 'help';
  const env = values.env as string;
  if (!/^[a-z][a-z0-9-]*$/.test(env)) throw new UsageError(`invalid --env "${env}": use the app name, lowercase letters, digits and hyphens`);
  return { env, base: values.base as string, markdown: values.markdown, allowDanger: values['allow-danger'] ?? false, ackLabel: values['ack-label'] ?? DEFAULT_ACK_LABEL };
}

/**
 * `nx run <env>:diff --base <ref>`: the offline stack diff. Returns the exit code: 0 clean (or DANGER allowed),
 * 1 DANGER, 2 bad usage or a failure to synthesize either side.
 */
export async function main(args: string[], io: CliIo = processIo()): Promise<number> {
  return runCli(io, { label: 'stack diff', usage: USAGE }, async () => {
    const options = parseOptions(args);
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
  });
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
