import { resolve } from 'node:path';
import { PreflightError } from './preflight';
import { runTerraformTarget, type TerraformCommand } from './run';

const USAGE = 'usage: node libs/tooling/bin/run.mjs libs/tooling/src/terraform/cli.ts <plan|deploy|destroy|output> --env <name> [--auto-approve] [--out FILE] (or nx run <env>:<target>)';
const COMMANDS: readonly TerraformCommand[] = ['plan', 'deploy', 'destroy', 'output'];

/** Entry of the plan/deploy/destroy/output targets. Returns the exit code. */
export async function main(args: string[]): Promise<number> {
  try {
    const [command, ...rest] = args;
    if (command === '--help' || command === '-h') {
      console.log(USAGE);
      return 0;
    }
    if (!COMMANDS.includes(command as TerraformCommand)) throw new PreflightError(`unknown command "${command ?? ''}". ${USAGE}`);
    let env: string | undefined;
    let autoApprove = false;
    let outFile: string | undefined;
    // Nx forwards `--out=FILE`; people type `--out FILE`: both forms are accepted.
    const flags = rest.flatMap((a) => (/^--[a-z-]+=/.test(a) ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a]));
    for (let i = 0; i < flags.length; i++) {
      const a = flags[i];
      if (a === '--env') env = flags[++i];
      else if (a === '--auto-approve') autoApprove = true;
      else if (a === '--out') outFile = flags[++i] ?? '';
      else throw new PreflightError(`unknown flag "${a}". ${USAGE}`);
    }
    if (!env || !/^[a-z][a-z0-9-]*$/.test(env)) throw new PreflightError(`--env needs an environment name such as dev. ${USAGE}`);
    if (outFile === '') throw new PreflightError(`--out needs a file. ${USAGE}`);
    return runTerraformTarget({ command: command as TerraformCommand, env, autoApprove, outFile, root: resolve(process.env['NX_WORKSPACE_ROOT'] ?? process.cwd()) });
  } catch (err) {
    if (err instanceof PreflightError) {
      console.error(`error: ${err.message}`);
      return err.exitCode;
    }
    throw err;
  }
}
