import { parseFlags, processIo, runCli, UsageError, workspaceRoot, type CliIo } from '@secure-api/cli';
import { PreflightError } from './preflight';
import { runTerraformTarget, type TerraformCommand } from './run';

const USAGE = 'usage: node libs/tooling/bin/run.mjs libs/tooling/src/terraform/cli.ts <plan|deploy|destroy|output|validate> --env <name> [--auto-approve] [--out FILE] [--twin [--work-dir DIR]] (or nx run <env>:<target>[:twin])';
const COMMANDS: readonly TerraformCommand[] = ['plan', 'deploy', 'destroy', 'output', 'validate'];
const ENV_PROBLEM = `--env needs an environment name such as dev. ${USAGE}`;

/** Entry of the plan/deploy/destroy/output targets. Returns the exit code. */
export async function main(args: string[], io: CliIo = processIo()): Promise<number> {
  return runCli(io, { label: 'error' }, () => {
    let parsed;
    try {
      parsed = parseFlags(args, { env: { type: 'string' }, 'auto-approve': { type: 'boolean' }, out: { type: 'string' }, twin: { type: 'boolean' }, 'work-dir': { type: 'string' } }, { positionals: 1 });
    } catch (err) {
      // The usage follows the problem on the same line, as every preflight error of these targets reads.
      if (err instanceof UsageError) throw new UsageError(err.message === '--env needs a value' ? ENV_PROBLEM : `${err.message.replace(/^unknown option/, 'unknown flag')}. ${USAGE}`);
      throw err;
    }
    if (parsed.help) {
      io.out(`${USAGE}\n`);
      return 0;
    }
    const [command] = parsed.positionals;
    if (!COMMANDS.includes(command as TerraformCommand)) throw new UsageError(`unknown command "${command ?? ''}". ${USAGE}`);
    const { env, out: outFile, twin } = parsed.values;
    if (!env || !/^[a-z][a-z0-9-]*$/.test(env)) throw new UsageError(ENV_PROBLEM);
    if (parsed.values['work-dir'] && !twin) throw new UsageError(`--work-dir is the twin configuration's: give it with --twin. ${USAGE}`);
    if (twin && command === 'validate') throw new UsageError(`validate makes no calls: it takes no --twin. ${USAGE}`);
    try {
      return runTerraformTarget({ command: command as TerraformCommand, env, autoApprove: parsed.values['auto-approve'] ?? false, outFile, root: workspaceRoot(), twin, workDir: parsed.values['work-dir'] });
    } catch (err) {
      if (err instanceof PreflightError) {
        io.err(`error: ${err.message}\n`);
        return err.exitCode;
      }
      throw err;
    }
  });
}
