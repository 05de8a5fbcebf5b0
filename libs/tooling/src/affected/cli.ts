import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseFlags, processIo, runCli, UsageError, type CliIo } from '@secure-api/cli';
import { listEnvironments } from '../diff/lib/workspace';

const USAGE = `usage: node libs/tooling/bin/run.mjs libs/tooling/src/affected/cli.ts --affected FILE

Reads the JSON array that \`nx show projects --affected --json\` prints and writes, in GITHUB_OUTPUT form, the
affected environment apps with the names of the repository variables that hold their AWS roles:
  envs=[{"env":"dev","plan_role":"DEV_PLAN_ROLE_ARN","deploy_role":"DEV_DEPLOY_ROLE_ARN"}]
  count=1`;

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

export async function main(args: string[], io: CliIo = processIo()): Promise<number> {
  return runCli(io, { label: 'affected environments', usage: USAGE }, () => {
    const parsed = (() => {
      try {
        return parseFlags(args, { affected: { type: 'string', required: true } });
      } catch (e) {
        if (e instanceof UsageError) throw new UsageError('expected exactly --affected FILE');
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
    const targets = environmentTargets(affected, listEnvironments(io.cwd));
    io.out(`envs=${JSON.stringify(targets)}\ncount=${targets.length}\n`);
    return 0;
  });
}
