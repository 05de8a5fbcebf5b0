// Child processes of the twin's specs: a TypeScript entry run through the workspace's launcher, its output kept.
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { childEnv } from '@secure-api/testing/process';

const WORKSPACE = resolve(__dirname, '../../../..');

/** A running child: the process, what it printed so far, and its exit code once it exits. */
export interface ChildRun {
  readonly child: ChildProcess;
  out(): string;
  err(): string;
  readonly exit: Promise<number | null>;
}

/**
 * `node libs/tooling/bin/run.mjs <args>` from the workspace root, with a plain environment unless one is given. Never
 * spawnSync: a twin under test may be answering from this process's event loop.
 */
export function runEntry(args: readonly string[], env: NodeJS.ProcessEnv = childEnv()): ChildRun {
  const child = spawn(process.execPath, [join(WORKSPACE, 'libs/tooling/bin/run.mjs'), ...args], { cwd: WORKSPACE, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, out: () => out, err: () => err, exit };
}

/** What the twin's CLI printed once it says `Ready.`; throws with its output when it exits or takes over a minute. */
export async function untilReady(r: ChildRun, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!r.out().includes('Ready.')) {
    if (r.child.exitCode !== null) throw new Error(`the twin exited: ${r.out()} ${r.err()}`);
    if (Date.now() > deadline) throw new Error(`the twin did not start: ${r.out()} ${r.err()}`);
    await new Promise((res) => setTimeout(res, 100));
  }
  return r.out();
}
