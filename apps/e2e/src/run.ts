/**
 * `nx run <env>:e2e`: runs the walk-through suite against a deployment's outputs file (`--outputs FILE`, or
 * `E2E_OUTPUTS_FILE`), or, without one, against the local twin of the stack, which it starts on a free loopback
 * port with a fresh data directory and stops afterwards. `nx run <env>:e2e:terraform` (`--terraform`) starts an
 * empty twin instead, applies the stack to it with real Terraform (`deploy:twin`), runs the suite on what Terraform
 * made (`output:twin`), and destroys it. `--tls` (`nx run dev:e2e:tls`, with `--terraform`) runs the twin over HTTPS
 * with its local CA trusted as a user would trust it: `AWS_CA_BUNDLE` for Terraform's provider, `NODE_EXTRA_CA_CERTS`
 * for the suite's Node clients (fetch, the AWS SDK, newman), an SPKI pin of the twin's certificate for Chromium.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseFlags, processIo, runCli, UsageError, workspaceRoot, type CliIo } from '@secure-api/cli';
import { mintExpiredIdToken } from '@secure-api/twin/testing';
import { readTarget } from './lib/outputs';

const USAGE = 'usage: e2e --stack <env> [--outputs FILE | --terraform] [--tls]';

export async function main(args: string[], io: CliIo = processIo()): Promise<number> {
  return runCli(io, { label: 'e2e', usage: USAGE }, () => {
    const { values, help } = parseFlags(args, { stack: { type: 'string' }, outputs: { type: 'string' }, terraform: { type: 'boolean' }, tls: { type: 'boolean' } });
    if (help) {
      io.out(`${USAGE}\n`);
      return 0;
    }
    const stack = values.stack ?? 'dev';
    if (!/^[a-z][a-z0-9-]*$/.test(stack)) throw new UsageError(`"${stack}" is not an environment name`);
    if (values.terraform && values.outputs) throw new UsageError('--terraform deploys to a twin of its own: leave out --outputs');
    if (values.tls && values.outputs) throw new UsageError('--tls runs a twin over HTTPS: leave out --outputs');
    const tls = values.tls === true;
    if (values.terraform) return runWithTerraform(stack, tls);
    return run(stack, values.outputs ?? (process.env['E2E_OUTPUTS_FILE'] || undefined), tls);
  });
}

async function run(stack: string, outputs: string | undefined, tls: boolean): Promise<number> {
  const root = workspaceRoot();
  if (outputs) {
    const file = resolve(outputs);
    readTarget(file);
    console.log(`e2e: ${stack} against the deployment described by ${file}`);
    return runSuite(root, { E2E_OUTPUTS: file });
  }

  const work = mkdtempSync(join(tmpdir(), `e2e-${stack}-`));
  const dataDir = join(work, 'data');
  const outputsFile = join(work, 'outputs.json');
  console.log(`e2e: ${stack} against the local twin${tls ? ' over HTTPS' : ''} (data ${dataDir})`);
  const { twin, log } = startTwin(root, ['--stack', stack, '--port', '0', '--data-dir', dataDir, '--outputs-file', outputsFile, ...(tls ? ['--tls'] : [])]);
  try {
    await waitFor(() => existsSync(outputsFile), twin, 60_000);
    const target = readTarget(outputsFile);
    const trust = tls ? trustOf(dataDir) : {};
    const expired = await expiredToken(dataDir, target, trust);
    return await runSuite(root, { E2E_OUTPUTS: outputsFile, E2E_EXPIRED_ID_TOKEN: expired, ...trust });
  } catch (err) {
    console.error(`e2e: ${(err as Error).message}\n--- twin output ---\n${log.join('')}`);
    return 1;
  } finally {
    await stop(twin);
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * An ID token of the pool that expired, signed with the pool's own key from the twin's data directory. A pool's keys
 * are made in the background once it exists; asking the twin for its JWKS makes sure they are there.
 */
async function expiredToken(dataDir: string, target: ReturnType<typeof readTarget>, trust: Trust): Promise<string> {
  await getText(`${target.issuerUrl}/.well-known/jwks.json`, trust.NODE_EXTRA_CA_CERTS);
  return mintExpiredIdToken({ dataDir, userPoolId: target.userPoolId, clientId: target.clientId, issuer: target.issuerUrl, email: target.users[0] ?? 'someone@example.com' });
}

/** How the suite's processes trust a twin over HTTPS, as a user would: the CA file for Node, a pin for Chromium. */
interface Trust {
  NODE_EXTRA_CA_CERTS?: string;
  E2E_CA_FILE?: string;
  E2E_TLS_SPKI?: string;
}

function trustOf(dataDir: string): Trust {
  const ca = join(dataDir, 'tls', 'ca.pem');
  const cert = new X509Certificate(readFileSync(join(dataDir, 'tls', 'server.pem')));
  const spki = createHash('sha256').update(cert.publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
  return { NODE_EXTRA_CA_CERTS: ca, E2E_CA_FILE: ca, E2E_TLS_SPKI: spki };
}

/** GET a URL (this process started before the twin made its CA: the CA is passed, not read from the environment). */
function getText(url: string, caFile: string | undefined): Promise<string> {
  if (!url.startsWith('https://')) return fetch(url).then((r) => r.text());
  return new Promise((done, fail) => {
    httpsGet(url, { ca: caFile ? readFileSync(caFile) : undefined }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d));
      res.on('end', () => done(body));
    }).on('error', fail);
  });
}

/** The twin's CLI in a child process; its output is kept to show when something fails. */
function startTwin(root: string, args: string[]): { twin: ChildProcess; log: string[] } {
  const twin = spawn(process.execPath, [join(root, 'libs/tooling/bin/run.mjs'), join(root, 'libs/twin/src/cli.ts'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const log: string[] = [];
  twin.stdout?.on('data', (d: Buffer) => log.push(d.toString()));
  return { twin, log };
}

/** An empty twin, the stack applied to it by real Terraform, the suite on what Terraform made, then destroy. */
async function runWithTerraform(stack: string, tls: boolean): Promise<number> {
  const root = workspaceRoot();
  const work = mkdtempSync(join(tmpdir(), `e2e-${stack}-terraform-`));
  const dataDir = join(work, 'data');
  const twinOutputs = join(work, 'twin-outputs.json');
  const outputsFile = join(work, 'outputs.twin.json');
  console.log(`e2e: ${stack} applied by Terraform to an empty twin${tls ? ' over HTTPS' : ''} (data ${dataDir})`);
  const { twin, log } = startTwin(root, ['--empty', '--port', '0', '--data-dir', dataDir, '--outputs-file', twinOutputs, ...(tls ? ['--tls'] : [])]);
  // Over HTTPS, Terraform's provider trusts the twin's CA through AWS_CA_BUNDLE, as the twin tells a user to.
  const terraform = (command: string, ...extra: string[]) =>
    spawnSync(process.execPath, [join(root, 'libs/tooling/bin/run.mjs'), join(root, 'libs/tooling/src/terraform/cli.ts'), command, '--env', stack, '--twin', '--work-dir', join(work, 'terraform'), ...extra], {
      cwd: root,
      env: { ...process.env, SECURE_API_TWIN_OUTPUTS: twinOutputs, ...(tls ? { AWS_CA_BUNDLE: join(dataDir, 'tls', 'ca.pem') } : {}) },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  const show = (res: ReturnType<typeof terraform>) => {
    process.stdout.write(res.stdout ?? '');
    process.stderr.write(res.stderr ?? '');
  };
  let code = 1;
  let applied = false;
  try {
    await waitFor(() => existsSync(twinOutputs), twin, 60_000);
    const deploy = terraform('deploy', '--auto-approve');
    show(deploy);
    applied = true;
    if (deploy.status !== 0) throw new Error(`terraform apply to the twin failed (exit ${deploy.status})`);
    // What Terraform applied reads back the same: a second plan has nothing to do.
    const replan = terraform('plan');
    show(replan);
    if (replan.status !== 0) throw new Error(`terraform plan after the apply failed (exit ${replan.status})`);
    const pending = pendingChanges(join(work, 'terraform', 'plan.json'));
    if (pending.length > 0) throw new Error(`the plan after the apply is not empty: ${pending.join(', ')}`);
    const output = terraform('output', '--out', outputsFile);
    show(output);
    if (output.status !== 0) throw new Error(`terraform output of the twin failed (exit ${output.status})`);
    const target = readTarget(outputsFile);
    const trust = tls ? trustOf(dataDir) : {};
    const expired = await expiredToken(dataDir, target, trust);
    code = await runSuite(root, { E2E_OUTPUTS: outputsFile, E2E_EXPIRED_ID_TOKEN: expired, ...trust });
  } catch (err) {
    console.error(`e2e: ${(err as Error).message}\n--- twin output ---\n${log.join('')}`);
    code = 1;
  } finally {
    if (applied) {
      const destroy = terraform('destroy', '--auto-approve');
      show(destroy);
      if (destroy.status !== 0) {
        if (/deletion protection is activated/.test(`${destroy.stdout}${destroy.stderr}`)) {
          console.log(`e2e: destroy stopped at the user pool's deletion protection, as on AWS (${stack} keeps it on); the twin's account goes with its data directory.`);
        } else {
          console.error(`e2e: terraform destroy on the twin failed (exit ${destroy.status})`);
          code = code || 1;
        }
      }
    }
    await stop(twin);
    rmSync(work, { recursive: true, force: true });
  }
  return code;
}

/** The resources a saved plan (`terraform show -json`) would change. */
function pendingChanges(planJson: string): string[] {
  const plan = JSON.parse(readFileSync(planJson, 'utf8')) as { resource_changes?: { address: string; change: { actions: string[] } }[] };
  return (plan.resource_changes ?? []).filter((r) => r.change.actions.join() !== 'no-op').map((r) => `${r.address} (${r.change.actions.join('+')})`);
}

function runSuite(root: string, env: Record<string, string | undefined>): Promise<number> {
  return new Promise((done) => {
    const jest = spawn(process.execPath, [join(root, 'node_modules/jest/bin/jest.js'), '-c', join(root, 'apps/e2e/jest.e2e.config.js'), '--ci'], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: 'inherit',
    });
    jest.on('exit', (code) => done(code ?? 1));
  });
}

function waitFor(ready: () => boolean, child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((done, fail) => {
    const started = Date.now();
    const onExit = (code: number | null) => fail(new Error(`the twin exited (code ${code}) before it was ready`));
    child.once('exit', onExit);
    const tick = setInterval(() => {
      if (ready()) {
        clearInterval(tick);
        child.off('exit', onExit);
        done();
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(tick);
        child.off('exit', onExit);
        fail(new Error(`the twin was not ready after ${timeoutMs / 1000} s`));
      }
    }, 100);
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      done();
    });
    child.kill('SIGTERM');
  });
}
