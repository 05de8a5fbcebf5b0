// Real Terraform with the real AWS provider against an empty twin, for the tests that prove what a stack does on
// apply: an empty twin in a child process (its CLI, as a user starts it), the terraform targets' own code for the twin
// configuration, and `terraform plan -detailed-exitcode` / `show -json` where a test needs the plan itself.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EmptyTwin } from '../terraform/empty-twin';
import { findMirror } from '../terraform/offline';
import { which } from '../terraform/preflight';
import { runTerraformTarget, twinRun, type TerraformCommand } from '../terraform/run';

type Json = Record<string, unknown>;

export { EmptyTwin };

export const WORKSPACE = resolve(__dirname, '../../../..');

/** Why real Terraform cannot run here, or undefined when it can (Terraform on PATH and the provider in a mirror). */
export function terraformUnavailable(): string | undefined {
  if (!which('terraform')) return 'terraform is not on PATH';
  try {
    if (!findMirror()) return 'no provider mirror (SECURE_API_TF_MIRROR or /opt/tf-plugins)';
  } catch (err) {
    return (err as Error).message;
  }
  return undefined;
}

/**
 * `describe` that runs where real Terraform can, and is reported as skipped, by name, where it cannot. In CI
 * (`CI=true`) a missing Terraform or mirror fails instead.
 */
export function describeWithTerraform(name: string, body: () => void): void {
  const why = terraformUnavailable();
  if (why && process.env['CI'] === 'true') {
    describe(name, () => it('needs Terraform and the AWS provider mirror', () => { throw new Error(`${why}: CI runs these tests with real Terraform.`); }));
    return;
  }
  (why ? describe.skip : describe)(why ? `${name} (skipped: ${why})` : name, body);
}

const synthesized = new Map<string, { text: string; dir: string }>();

/**
 * A stack as cdktf synthesizes it now, into a folder of this process (never cdktf.out, which a parallel synth target
 * may be rewriting), kept with its assets (the Lambda packages) until the process exits; a fresh copy each call, for
 * tests that change it.
 */
export function stackJson(env: string): Json {
  return JSON.parse(synthesize(env).text) as Json;
}

function synthesize(env: string): { text: string; dir: string } {
  let done = synthesized.get(env);
  if (done === undefined) {
    const outdir = mkdtempSync(join(tmpdir(), `synth-${env}-`));
    process.once('exit', () => rmSync(outdir, { recursive: true, force: true }));
    execFileSync(process.execPath, [join(WORKSPACE, 'libs/tooling/bin/synth.mjs'), env, '--outdir', outdir], { cwd: WORKSPACE, stdio: 'pipe' });
    done = { text: readFileSync(join(outdir, 'stacks', env, 'cdk.tf.json'), 'utf8'), dir: join(outdir, 'stacks', env) };
    synthesized.set(env, done);
  }
  return done;
}

/** One stack (a variant of dev or prod) applied to a twin through the terraform targets' twin configuration. */
export class TwinStack {
  readonly stackDir: string;
  readonly workDir: string;
  /** What the targets logged and terraform printed, to show when a test fails. */
  readonly lines: string[] = [];

  constructor(readonly twin: EmptyTwin, readonly env: string, name = env) {
    this.stackDir = join(twin.dir, 'stacks', name);
    this.workDir = join(twin.dir, 'work', name);
    mkdirSync(this.stackDir, { recursive: true });
    // The packages the stack's functions name (`filename = "assets/..."`), beside it as synth writes them.
    if (env === 'dev' || env === 'prod') {
      const assets = join(synthesize(env).dir, 'assets');
      if (existsSync(assets)) cpSync(assets, join(this.stackDir, 'assets'), { recursive: true });
    }
  }

  /** Writes the configuration the next command runs. */
  use(json: Json): this {
    writeFileSync(join(this.stackDir, 'cdk.tf.json'), JSON.stringify(json, null, 2));
    return this;
  }

  /** A terraform target (`deploy`, `destroy`, `output`, `plan`) of the twin configuration, as `nx run <env>:<target>:twin` runs it. */
  target(command: Exclude<TerraformCommand, 'validate'>, outFile?: string): number {
    const env = { ...process.env, SECURE_API_TWIN_OUTPUTS: this.twin.outputsFile };
    const from = this.lines.length;
    const status = runTerraformTarget({ command, env: this.env, root: WORKSPACE, stackDir: this.stackDir, workDir: this.workDir, twin: true, autoApprove: true, outFile, env_: env, log: (l) => this.lines.push(l), output: (t) => this.lines.push(t) });
    if (status !== 0) process.stderr.write(`${command} of ${this.env} exited ${status}:\n${this.lines.slice(from).join('\n')}\n--- twin ---\n${this.twin.output()}\n`);
    return status;
  }

  /** `terraform <args>` in the working directory, with the twin configuration's environment; output captured. */
  /** The addresses in the stack's state, sorted. */
  stateList(): string[] {
    return this.terraform('state', 'list').stdout.trim().split('\n').filter((l) => l !== '').sort();
  }

  /**
   * Destroys the stack, then refreshes the state from before the destroy with the real provider: what that state
   * still lists afterwards is what the provider can still read (nothing, for a clean destroy; data sources stay).
   */
  destroyThenRefreshOldState(): { destroyed: string[]; refreshed: string[] } {
    const saved = join(this.workDir, 'before-destroy.tfstate');
    copyFileSync(join(this.workDir, 'terraform.tfstate'), saved);
    if (this.target('destroy') !== 0) throw new Error(`destroy failed:\n${this.lines.join('\n')}`);
    const destroyed = this.stateList();
    copyFileSync(saved, join(this.workDir, 'terraform.tfstate'));
    const refresh = this.terraform('apply', '-refresh-only', '-auto-approve', '-input=false', '-no-color');
    if (refresh.status !== 0) throw new Error(`refreshing the old state failed:\n${refresh.stderr}`);
    return { destroyed, refreshed: this.stateList() };
  }

  terraform(...args: string[]): { status: number; stdout: string; stderr: string } {
    const { cwd, env } = twinRun(this.twin.account, this.stackDir, this.workDir, process.env);
    const res = spawnSync('terraform', args, { cwd, env: { ...env, TF_IN_AUTOMATION: '1' }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    return { status: res.status ?? 1, stdout: res.stdout ?? '', stderr: res.stderr ?? '' };
  }

  /** A saved plan of the current configuration, as `terraform show -json` renders it. */
  planJson(): { json: Json; text: string } {
    const plan = this.terraform('plan', '-input=false', '-no-color', '-out=test.tfplan');
    if (plan.status !== 0) throw new Error(`terraform plan failed:\n${plan.stdout}\n${plan.stderr}`);
    const show = this.terraform('show', '-json', 'test.tfplan');
    return { json: JSON.parse(show.stdout) as Json, text: plan.stdout };
  }

  /** `terraform plan -detailed-exitcode`: 0 no changes, 2 changes, 1 error. */
  detailedPlan(): { status: number; stdout: string; stderr: string } {
    return this.terraform('plan', '-input=false', '-no-color', '-detailed-exitcode');
  }
}

/** The addresses a plan deletes or replaces, with their actions (`terraform show -json` resource_changes). */
export function destructiveChanges(plan: Json): Map<string, string> {
  const out = new Map<string, string>();
  for (const rc of (plan['resource_changes'] as Json[] | undefined) ?? []) {
    const actions = ((rc['change'] as Json)['actions'] as string[]).join(',');
    if (actions.includes('delete')) out.set(String(rc['address']), actions.includes('create') ? 'replace' : 'delete');
  }
  return out;
}

/** The actions a plan takes per address, for the resources it changes at all. */
export function plannedActions(plan: Json): Map<string, string> {
  const out = new Map<string, string>();
  for (const rc of (plan['resource_changes'] as Json[] | undefined) ?? []) {
    const actions = ((rc['change'] as Json)['actions'] as string[]).join(',');
    if (actions !== 'no-op' && actions !== 'read') out.set(String(rc['address']), actions);
  }
  return out;
}

/**
 * `terraform plan -detailed-exitcode` must exit 0 ("No changes"): what the provider reads back is what it sent. On a
 * difference, the failure shows the planned changes themselves.
 */
export function expectCleanPlan(stack: TwinStack): void {
  const plan = stack.detailedPlan();
  const changes = plan.status === 0 ? '' : `${plan.stdout}${plan.stderr}`.split('\n').filter((l) => /^\s*[~+-] |will be|must be|Error/.test(l)).join('\n');
  expect({ status: plan.status, changes }).toEqual({ status: 0, changes: '' });
  expect(plan.stdout).toMatch(/No changes\./);
}
