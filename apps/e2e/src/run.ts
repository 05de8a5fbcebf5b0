/**
 * `nx run <env>:e2e`: runs the walk-through suite against a deployment's outputs file (`--outputs FILE`, or
 * `E2E_OUTPUTS_FILE`), or, without one, against the local twin of the stack, which it starts on a free loopback
 * port with a fresh data directory and stops afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseFlags, processIo, runCli, UsageError, workspaceRoot, type CliIo } from '@secure-api/cli';
import { mintExpiredIdToken } from '@secure-api/twin/testing';
import { readTarget } from './lib/outputs';

const USAGE = 'usage: e2e --stack <env> [--outputs FILE]';

export async function main(args: string[], io: CliIo = processIo()): Promise<number> {
  return runCli(io, { label: 'e2e', usage: USAGE }, () => {
    const { values, help } = parseFlags(args, { stack: { type: 'string' }, outputs: { type: 'string' } });
    if (help) {
      io.out(`${USAGE}\n`);
      return 0;
    }
    const stack = values.stack ?? 'dev';
    if (!/^[a-z][a-z0-9-]*$/.test(stack)) throw new UsageError(`"${stack}" is not an environment name`);
    return run(stack, values.outputs ?? (process.env['E2E_OUTPUTS_FILE'] || undefined));
  });
}

async function run(stack: string, outputs: string | undefined): Promise<number> {
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
  console.log(`e2e: ${stack} against the local twin (data ${dataDir})`);
  const twin = spawn(process.execPath, [join(root, 'libs/tooling/bin/run.mjs'), join(root, 'libs/twin/src/cli.ts'), '--stack', stack, '--port', '0', '--data-dir', dataDir, '--outputs-file', outputsFile], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const log: string[] = [];
  twin.stdout?.on('data', (d: Buffer) => log.push(d.toString()));
  try {
    await waitFor(() => existsSync(outputsFile), twin, 60_000);
    const target = readTarget(outputsFile);
    const expired = await mintExpiredIdToken({ dataDir, userPoolId: target.userPoolId, clientId: target.clientId, issuer: target.issuerUrl, email: target.users[0] ?? 'someone@example.com' });
    return await runSuite(root, { E2E_OUTPUTS: outputsFile, E2E_EXPIRED_ID_TOKEN: expired });
  } catch (err) {
    console.error(`e2e: ${(err as Error).message}\n--- twin output ---\n${log.join('')}`);
    return 1;
  } finally {
    await stop(twin);
    rmSync(work, { recursive: true, force: true });
  }
}

function runSuite(root: string, env: Record<string, string>): Promise<number> {
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
