import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findMirror, mirrorEnv, twinAccount, twinEnv, type TwinAccount } from './offline';
import { checkAwsCredentials, checkTerraform, explainInitFailure, PreflightError } from './preflight';

export type TerraformCommand = 'plan' | 'deploy' | 'destroy' | 'output' | 'validate';

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
  /** Receives what terraform prints, instead of the terminal (tests keep it to show on failure). @default - inherited */
  readonly output?: (text: string) => void;
  /**
   * Act on the local twin instead of AWS (the `twin` configuration): the same commands against the twin's endpoint
   * and credentials, with a local state of its own in `workDir`, never the stack's backend.
   */
  readonly twin?: boolean;
  /** The twin configuration's working directory. @default <stack>/twin */
  readonly workDir?: string;
  /** The synthesized stack's folder (tests point it at a variant of a stack). @default <root>/cdktf.out/stacks/<env> */
  readonly stackDir?: string;
}

export const PLAN_FILE = 'plan.tfplan';

/**
 * Runs one terraform target on a synthesized stack. Every missing prerequisite (stack, terraform, credentials,
 * providers) stops it at once with a PreflightError whose message is one line naming the fix.
 */
export function runTerraformTarget(opts: TerraformTargetOptions): number {
  const env = opts.env_ ?? process.env;
  const log = opts.log ?? ((l: string) => console.log(l));
  const dir = opts.stackDir ?? join(opts.root, 'cdktf.out', 'stacks', opts.env);
  if (!existsSync(join(dir, 'cdk.tf.json'))) {
    const known = existsSync(join(opts.root, 'apps', opts.env, 'src', 'main.ts'));
    throw new PreflightError(known
      ? `stack "${opts.env}" is not synthesized (${dir}/cdk.tf.json missing): run \`nx run ${opts.env}:synth\` first.`
      : `unknown environment "${opts.env}": there is no apps/${opts.env}/src/main.ts. Use an environment app's name, such as dev.`);
  }
  if (opts.command === 'validate') return validate(opts.env, dir, env, log, opts.output);
  const twin: TwinAccount | undefined = opts.twin ? twinAccount(opts.root, env) : undefined;
  if (!twin && opts.command !== 'output' && (env['CI'] || env['GITHUB_ACTIONS']) && usesLocalBackend(join(dir, 'cdk.tf.json'))) {
    throw new PreflightError(`stack "${opts.env}" keeps its state in a local file, which a CI runner throws away: set \`backend\` in apps/${opts.env}/src/config.ts (the bucket of apps/bootstrap) before planning or deploying from CI.`);
  }
  const version = checkTerraform(env);
  let cwd = dir;
  let tfEnv = env;
  if (twin) {
    ({ cwd, env: tfEnv } = twinRun(twin, dir, opts.workDir, env));
    log(`terraform ${version}, the local twin at ${twin.endpoint} (account ${twin.accountId}, from ${twin.file}), stack ${cwd} (state of its own there)`);
  } else {
    const credentials = checkAwsCredentials(env);
    log(`terraform ${version}, AWS credentials from ${credentials}, stack ${dir}`);
  }

  const tf = (args: string[], capture = false): SpawnSyncReturns<string> => {
    log(`$ terraform ${args.join(' ')}`);
    const piped = capture || opts.output !== undefined;
    const res = spawnSync('terraform', args, { cwd, env: { ...tfEnv, TF_IN_AUTOMATION: '1' }, encoding: 'utf8', stdio: piped ? 'pipe' : 'inherit', maxBuffer: 256 * 1024 * 1024 });
    if (res.error) throw new PreflightError(`could not run terraform: ${res.error.message}`);
    if (!capture && opts.output) opts.output(`${res.stdout ?? ''}${res.stderr ?? ''}`);
    return res;
  };

  const init = tf(['init', '-input=false', '-no-color'], true);
  if (init.status !== 0) throw new PreflightError(explainInitFailure(`${init.stdout}\n${init.stderr}`), init.status ?? 1);

  const planFile = join(cwd, PLAN_FILE);
  switch (opts.command) {
    case 'plan': {
      const plan = tf(['plan', '-input=false', `-out=${PLAN_FILE}`]);
      if (plan.status !== 0) return plan.status ?? 1;
      const text = tf(['show', '-no-color', PLAN_FILE], true);
      writeFileSync(join(cwd, 'plan.txt'), text.stdout ?? '');
      const json = tf(['show', '-json', PLAN_FILE], true);
      writeFileSync(join(cwd, 'plan.json'), json.stdout ?? '');
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
        const target = `${opts.env}:plan${twin ? ':twin' : ''}`;
        throw new PreflightError(`no saved plan for "${opts.env}": run \`nx run ${target}\` and review it, or deploy with --auto-approve to plan and apply in one step.`);
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
      if (twin) return mapToTwin(opts.root, twin, out.stdout, resolve(opts.outFile ?? join(dir, 'outputs.twin.json')), cwd, log);
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

/**
 * Where and how the twin configuration runs terraform: a working directory with the synthesized stack as it is and an
 * override that gives it a local state file of its own there (Terraform merges `*_override.tf.json` into the
 * configuration; its backend replaces the stack's), so that nothing a twin run does reaches the stack's real backend
 * or state; and an environment with the twin's endpoint and keys, the provider from the mirror when there is one.
 */
export function twinRun(twin: TwinAccount, stackDir: string, workDir: string | undefined, env: NodeJS.ProcessEnv): { cwd: string; env: NodeJS.ProcessEnv } {
  refuseElsewhere(join(stackDir, 'cdk.tf.json'));
  const cwd = resolve(workDir ?? join(stackDir, 'twin'));
  mkdirSync(cwd, { recursive: true });
  copyFileSync(join(stackDir, 'cdk.tf.json'), join(cwd, 'cdk.tf.json'));
  // The stack's assets (Lambda packages: `filename = "assets/..."`) beside it, as Terraform resolves them.
  rmSync(join(cwd, 'assets'), { recursive: true, force: true });
  if (existsSync(join(stackDir, 'assets'))) cpSync(join(stackDir, 'assets'), join(cwd, 'assets'), { recursive: true });
  writeFileSync(join(cwd, 'twin_override.tf.json'), `${JSON.stringify({ terraform: { backend: { local: { path: 'terraform.tfstate' } } } }, null, 2)}\n`);
  // No profile, SSO session or credentials file of the user's reaches a twin run: empty ones stand in for them.
  const empty = join(cwd, 'no-aws-config');
  writeFileSync(empty, '');
  return { cwd, env: { ...mirrorEnv(cwd, findMirror(env), twinEnv(twin, env)), AWS_CONFIG_FILE: empty, AWS_SHARED_CREDENTIALS_FILE: empty } };
}

/** Provider arguments that would send a twin run's calls, or take its credentials, from somewhere else than the twin. */
const ELSEWHERE = ['profile', 'assume_role', 'assume_role_with_web_identity', 'shared_config_files', 'shared_credentials_files', 'endpoints', 'access_key', 'secret_key', 'token'];

/** Refuses a stack whose `provider "aws"` blocks name credentials or endpoints: the twin configuration must not reach AWS. */
function refuseElsewhere(file: string): void {
  let json: { provider?: { aws?: unknown } };
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as { provider?: { aws?: unknown } };
  } catch {
    throw new PreflightError(`${file} is not a synthesized stack (not JSON): run the stack's synth target again.`);
  }
  const blocks = json.provider?.aws === undefined ? [] : Array.isArray(json.provider.aws) ? json.provider.aws : [json.provider.aws];
  for (const block of blocks as Record<string, unknown>[]) {
    const found = ELSEWHERE.filter((k) => block && block[k] !== undefined);
    if (found.length > 0) {
      throw new PreflightError(`the stack's provider "aws"${block['alias'] ? ` (alias ${String(block['alias'])})` : ''} sets ${found.join(', ')}: a twin run would take credentials or endpoints from there instead of the twin. Fix: set them through the environment (AWS_PROFILE, AWS_ENDPOINT_URL_*) for AWS runs, not in the stack.`);
    }
  }
}

/** `terraform output -json` of the twin run, mapped to the twin's URLs by the twin's own CLI (it owns the mapping). */
function mapToTwin(root: string, twin: TwinAccount, terraformOutputs: string, out: string, cwd: string, log: (line: string) => void): number {
  const raw = join(cwd, 'outputs.terraform.json');
  writeFileSync(raw, terraformOutputs, { mode: 0o600 });
  const res = spawnSync(process.execPath, [join(root, 'libs/tooling/bin/run.mjs'), join(root, 'libs/twin/src/cli.ts'), 'map-outputs', '--terraform-outputs', raw, '--twin-outputs', twin.file, '--out', out], { cwd: root, encoding: 'utf8' });
  if (res.status !== 0) throw new PreflightError(`mapping the outputs to the twin failed: ${(res.stderr || res.stdout || '').trim().split('\n')[0]}`, res.status ?? 1);
  log(`outputs (mapped to the twin) written: ${out}`);
  return 0;
}

/**
 * `terraform init -backend=false` and `terraform validate` of a copy of the stack in a folder of its own (nothing
 * touches the stack's backend, state or lock file), the AWS provider from the machine's mirror when there is one.
 * Without Terraform, or without a mirror and a registry to install from, it says so in one line and passes, except
 * in CI, where it fails.
 */
function validate(envName: string, stackDir: string, env: NodeJS.ProcessEnv, log: (line: string) => void, output?: (text: string) => void): number {
  const ci = Boolean(env['CI'] && env['CI'] !== 'false') || Boolean(env['GITHUB_ACTIONS']);
  let version: string;
  try {
    version = checkTerraform(env);
  } catch (err) {
    if (ci || !(err instanceof PreflightError)) throw err;
    log(`validate ${envName}: skipped, ${err.message}`);
    return 0;
  }
  const mirror = findMirror(env);
  if (!mirror && ci) throw new PreflightError(`validate ${envName}: no provider mirror (set SECURE_API_TF_MIRROR to the folder above registry.terraform.io, or provide /opt/tf-plugins): CI validates against a mirror, never the network.`);
  const dir = join(stackDir, 'validate');
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(stackDir, 'cdk.tf.json'), join(dir, 'cdk.tf.json'));
  const tfEnv = { ...mirrorEnv(dir, mirror, env), TF_IN_AUTOMATION: '1' };
  log(`validate ${envName}: terraform ${version}, hashicorp/aws from ${mirror ? `the mirror ${mirror.path} (${mirror.versions.join(', ')})` : 'the registry'}, in ${dir}`);
  const init = spawnSync('terraform', ['init', '-backend=false', '-input=false', '-no-color'], { cwd: dir, env: tfEnv, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (init.status !== 0) {
    const why = explainInitFailure(`${init.stdout}\n${init.stderr}`);
    if (!mirror && !ci && /could not install the AWS provider/.test(why)) {
      log(`validate ${envName}: skipped, ${why}`);
      return 0;
    }
    throw new PreflightError(why, init.status ?? 1);
  }
  const res = spawnSync('terraform', ['validate', '-no-color'], { cwd: dir, env: tfEnv, encoding: 'utf8' });
  if (output) output(`${res.stdout ?? ''}${res.stderr ?? ''}`);
  else {
    process.stdout.write(res.stdout ?? '');
    process.stderr.write(res.stderr ?? '');
  }
  const provider = /provider "registry\.terraform\.io\/hashicorp\/aws" \{\s*version\s*=\s*"([^"]+)"/.exec(existsSync(join(dir, '.terraform.lock.hcl')) ? readFileSync(join(dir, '.terraform.lock.hcl'), 'utf8') : '')?.[1];
  if (res.status === 0) log(`validate ${envName}: valid with hashicorp/aws ${provider ?? '(version unknown)'}`);
  return res.status ?? 1;
}
