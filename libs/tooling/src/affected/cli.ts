import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseFlags, processIo, runCli, UsageError, type CliIo } from '@secure-api/cli';
import { listEnvironments } from '../diff/lib/workspace';

const USAGE = `usage: node libs/tooling/bin/run.mjs libs/tooling/src/affected/cli.ts --affected FILE [--changed FILE]

Reads the JSON array that \`nx show projects --affected --json\` prints and writes, in GITHUB_OUTPUT form, the
affected environment apps with the names of the repository variables that hold their AWS roles, and the
environments whose e2e suites run:
  envs=[{"env":"dev","plan_role":"DEV_PLAN_ROLE_ARN","deploy_role":"DEV_DEPLOY_ROLE_ARN"}]
  count=1
  e2e=dev
The e2e suites run against the twin, through the Terraform runner: when the twin or the tooling is affected, or a
file of the suite itself changed (--changed: the paths \`git diff --name-only\` prints, one a line), every
environment's suite runs, not only the affected environments'.`;

/** The projects the e2e suites run against (by path, not by import), and the suites' own folder. */
const SUITE_RUNS_AGAINST = ['twin', 'tooling'];
const SUITE_ROOT = 'apps/e2e/';

/** One matrix entry per affected environment. */
export interface EnvironmentTarget {
  readonly env: string;
  /** Repository variable with the read-only role that plans, e.g. `DEV_PLAN_ROLE_ARN`. */
  readonly plan_role: string;
  /** Repository variable with the role that applies, e.g. `DEV_DEPLOY_ROLE_ARN`. */
  readonly deploy_role: string;
}

/** The affected environments among `affected`, in name order. */
export function environmentTargets(affected: readonly string[], environments: readonly string[]): EnvironmentTarget[] {
  return environments
    .filter((env) => affected.includes(env))
    .map((env) => {
      const prefix = env.toUpperCase().replace(/-/g, '_');
      return { env, plan_role: `${prefix}_PLAN_ROLE_ARN`, deploy_role: `${prefix}_DEPLOY_ROLE_ARN` };
    });
}

/**
 * The environments whose e2e suites run: every one when what the suites run against (the twin, the Terraform runner)
 * is affected or a file of the suite changed, else the affected ones. Names in order.
 */
export function e2eEnvironments(affected: readonly string[], environments: readonly string[], changed: readonly string[]): string[] {
  const all = SUITE_RUNS_AGAINST.some((p) => affected.includes(p)) || changed.some((f) => f.startsWith(SUITE_ROOT));
  return environments.filter((env) => all || affected.includes(env));
}

export async function main(args: string[], io: CliIo = processIo()): Promise<number> {
  return runCli(io, { label: 'affected environments', usage: USAGE }, () => {
    const parsed = (() => {
      try {
        return parseFlags(args, { affected: { type: 'string', required: true }, changed: { type: 'string' } });
      } catch (e) {
        if (e instanceof UsageError) throw new UsageError('expected --affected FILE and at most --changed FILE');
        throw e;
      }
    })();
    if (parsed.help) {
      io.out(`${USAGE}\n`);
      return 0;
    }
    const file = parsed.values.affected as string;
    let affected: unknown;
    try {
      affected = JSON.parse(readFileSync(resolve(io.cwd, file), 'utf8'));
    } catch (e) {
      io.err(`affected environments: cannot read ${file} as JSON (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): write it with \`nx show projects --affected --json > ${file}\`\n`);
      return 2;
    }
    if (!Array.isArray(affected) || !affected.every((p) => typeof p === 'string')) {
      io.err(`affected environments: ${file} is not a JSON array of project names (the output of \`nx show projects --affected --json\`)\n`);
      return 2;
    }
    const changedFile = parsed.values.changed as string | undefined;
    let changed: string[] = [];
    if (changedFile !== undefined) {
      try {
        changed = readFileSync(resolve(io.cwd, changedFile), 'utf8').split('\n').map((line) => line.trim()).filter(Boolean);
      } catch (e) {
        io.err(`affected environments: cannot read ${changedFile} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): write it with \`git diff --name-only BASE HEAD > ${changedFile}\`\n`);
        return 2;
      }
    }
    const environments = listEnvironments(io.cwd);
    const targets = environmentTargets(affected, environments);
    io.out(`envs=${JSON.stringify(targets)}\ncount=${targets.length}\ne2e=${e2eEnvironments(affected, environments, changed).join(',')}\n`);
    return 0;
  });
}
