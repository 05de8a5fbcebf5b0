import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkAwsCredentials, checkTerraform, explainInitFailure, PreflightError } from './preflight';

export type TerraformCommand = 'plan' | 'deploy' | 'destroy' | 'output';

export interface TerraformTargetOptions {
  readonly command: TerraformCommand;
  /** Environment (stack) name. */
  readonly env: string;
  /** Workspace root; stacks live in `<root>/cdktf.out/stacks/<env>`. */
  readonly root: string;
  /** Apply or destroy without a saved plan / without a prompt. */
  readonly autoApprove?: boolean;
  /** Where `output` writes `terraform output -json`. @default <stack>/outputs.json */
  readonly outFile?: string;
  readonly env_?: NodeJS.ProcessEnv;
  /** Receives progress lines. */
  readonly log?: (line: string) => void;
}

export const PLAN_FILE = 'plan.tfplan';

/**
 * Runs one terraform target on a synthesized stack. Every missing prerequisite (stack, terraform, credentials,
 * providers) stops it at once with a PreflightError whose message is one line naming the fix.
 */
export function runTerraformTarget(opts: TerraformTargetOptions): number {
  const env = opts.env_ ?? process.env;
  const log = opts.log ?? ((l: string) => console.log(l));
  const dir = join(opts.root, 'cdktf.out', 'stacks', opts.env);
  if (!existsSync(join(dir, 'cdk.tf.json'))) {
    const known = existsSync(join(opts.root, 'apps', opts.env, 'src', 'main.ts'));
    throw new PreflightError(known
      ? `stack "${opts.env}" is not synthesized (${dir}/cdk.tf.json missing): run \`nx run ${opts.env}:synth\` first.`
      : `unknown environment "${opts.env}": there is no apps/${opts.env}/src/main.ts. Use an environment app's name, such as dev.`);
  }
  if (opts.command !== 'output' && (env['CI'] || env['GITHUB_ACTIONS']) && usesLocalBackend(join(dir, 'cdk.tf.json'))) {
    throw new PreflightError(`stack "${opts.env}" keeps its state in a local file, which a CI runner throws away: set \`backend\` in apps/${opts.env}/src/config.ts (the bucket of apps/bootstrap) before planning or deploying from CI.`);
  }
  const version = checkTerraform(env);
  const credentials = checkAwsCredentials(env);
  log(`terraform ${version}, AWS credentials from ${credentials}, stack ${dir}`);

  const tf = (args: string[], capture = false): SpawnSyncReturns<string> => {
    log(`$ terraform ${args.join(' ')}`);
    const res = spawnSync('terraform', args, { cwd: dir, env: { ...env, TF_IN_AUTOMATION: '1' }, encoding: 'utf8', stdio: capture ? 'pipe' : 'inherit', maxBuffer: 256 * 1024 * 1024 });
    if (res.error) throw new PreflightError(`could not run terraform: ${res.error.message}`);
    return res;
  };

  const init = tf(['init', '-input=false', '-no-color'], true);
  if (init.status !== 0) throw new PreflightError(explainInitFailure(`${init.stdout}\n${init.stderr}`), init.status ?? 1);

  const planFile = join(dir, PLAN_FILE);
  switch (opts.command) {
    case 'plan': {
      const plan = tf(['plan', '-input=false', `-out=${PLAN_FILE}`]);
      if (plan.status !== 0) return plan.status ?? 1;
      const text = tf(['show', '-no-color', PLAN_FILE], true);
      writeFileSync(join(dir, 'plan.txt'), text.stdout ?? '');
      const json = tf(['show', '-json', PLAN_FILE], true);
      writeFileSync(join(dir, 'plan.json'), json.stdout ?? '');
      log(`plan saved: ${planFile} (text: plan.txt, JSON: plan.json)`);
      return 0;
    }
    case 'deploy': {
      if (existsSync(planFile)) {
        const apply = tf(['apply', '-input=false', PLAN_FILE]);
        if (apply.status === 0) rmSync(planFile);
        return apply.status ?? 1;
      }
      if (!opts.autoApprove) {
        throw new PreflightError(`no saved plan for "${opts.env}": run \`nx run ${opts.env}:plan\` and review it, or deploy with --auto-approve to plan and apply in one step.`);
      }
      return tf(['apply', '-input=false', '-auto-approve']).status ?? 1;
    }
    case 'destroy': {
      if (!opts.autoApprove) {
        throw new PreflightError(`destroy of "${opts.env}" needs --auto-approve (nothing is destroyed without it; prod user pools also have deletion protection).`);
      }
      return tf(['destroy', '-input=false', '-auto-approve']).status ?? 1;
    }
    case 'output': {
      const out = tf(['output', '-json'], true);
      if (out.status !== 0) {
        process.stderr.write(out.stderr ?? '');
        return out.status ?? 1;
      }
      const file = resolve(opts.outFile ?? join(dir, 'outputs.json'));
      writeFileSync(file, out.stdout, { mode: 0o600 });
      log(`outputs written: ${file}`);
      return 0;
    }
  }
}

/** Whether a synthesized stack uses the local backend (state in a file next to it), or no backend at all. */
function usesLocalBackend(file: string): boolean {
  try {
    const backend = (JSON.parse(readFileSync(file, 'utf8')) as { terraform?: { backend?: Record<string, unknown> } }).terraform?.backend;
    return !backend || 'local' in backend;
  } catch {
    return false;
  }
}
