import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { listEnvironments } from '../diff/lib/workspace';

const USAGE = `usage: node libs/tooling/bin/run.mjs libs/tooling/src/affected/cli.ts --affected FILE

Reads the JSON array that \`nx show projects --affected --json\` prints and writes, in GITHUB_OUTPUT form, the
affected environment apps with the names of the repository variables that hold their AWS roles:
  envs=[{"env":"dev","plan_role":"DEV_PLAN_ROLE_ARN","deploy_role":"DEV_DEPLOY_ROLE_ARN"}]
  count=1`;

/** Where the CLI reads and writes; tests pass their own. */
export interface CliIo {
  readonly cwd: string;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

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
  if (args.includes('--help') || args.includes('-h')) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  const m = args.length === 1 ? /^--affected=(.+)$/.exec(args[0]) : args.length === 2 && args[0] === '--affected' ? [args[0], args[1]] : null;
  if (!m || !m[1] || m[1].startsWith('--')) {
    io.err(`affected environments: expected exactly --affected FILE\n\n${USAGE}\n`);
    return 2;
  }
  let affected: unknown;
  try {
    affected = JSON.parse(readFileSync(resolve(io.cwd, m[1]), 'utf8'));
  } catch (e) {
    io.err(`affected environments: cannot read ${m[1]} as JSON (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): write it with \`nx show projects --affected --json > ${m[1]}\`\n`);
    return 2;
  }
  if (!Array.isArray(affected) || !affected.every((p) => typeof p === 'string')) {
    io.err(`affected environments: ${m[1]} is not a JSON array of project names (the output of \`nx show projects --affected --json\`)\n`);
    return 2;
  }
  const targets = environmentTargets(affected, listEnvironments(io.cwd));
  io.out(`envs=${JSON.stringify(targets)}\ncount=${targets.length}\n`);
  return 0;
}

function processIo(): CliIo {
  return { cwd: process.cwd(), out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
}
