import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TerraformJson } from './types';

/** A failure the CLI reports as one clear line, without a stack trace. */
export class DiffError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DiffError';
  }
}

interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command without a shell, so that refs and paths are never interpreted. */
export function run(cmd: string, args: readonly string[], cwd: string, timeoutMs = 300_000): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => resolve({ code: 127, stdout, stderr: `${stderr}${e.message}` }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr: signal ? `${stderr}killed by ${signal}` : stderr }));
  });
}

async function git(cwd: string, ...args: string[]): Promise<RunResult> {
  return run('git', args, cwd, 60_000);
}

/** The top of the git work tree that contains `cwd`. */
export async function gitRoot(cwd: string): Promise<string> {
  const r = await git(cwd, 'rev-parse', '--show-toplevel');
  if (r.code !== 0) throw new DiffError(`${cwd} is not inside a git work tree: run the diff from the repository.`);
  return r.stdout.trim();
}

/** The commit a ref names; a clear error when it names none. */
export async function resolveCommit(root: string, ref: string): Promise<string> {
  if (ref.startsWith('-')) throw new DiffError(`invalid --base "${ref}": a git ref cannot start with "-".`);
  const r = await git(root, 'rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`);
  if (r.code !== 0) {
    throw new DiffError(
      `unknown git ref "${ref}": no such branch, tag or commit here. Fetch it first (git fetch origin <branch>; in ` +
        `GitHub Actions check out with fetch-depth: 0), or pass a commit SHA.`,
    );
  }
  return r.stdout.trim();
}

export async function shortCommit(root: string, sha: string): Promise<string> {
  const r = await git(root, 'rev-parse', '--short', sha);
  return r.code === 0 ? r.stdout.trim() : sha.slice(0, 7);
}

/** True when the work tree has uncommitted changes (they are part of the head side). */
export async function isDirty(root: string): Promise<boolean> {
  const r = await git(root, 'status', '--porcelain', '--untracked-files=no');
  return r.code === 0 && r.stdout.trim() !== '';
}

/** Whether `path` exists in the tree of `commit`. */
export async function existsAt(root: string, commit: string, path: string): Promise<boolean> {
  return (await git(root, 'cat-file', '-e', `${commit}:${path}`)).code === 0;
}

export const SYNTH_SCRIPT = 'libs/tooling/bin/synth.mjs';

/**
 * The environments of a checkout: apps whose project.json carries the tag `scope:<app name>` (apps/dev is
 * `scope:dev`); shared apps such as the state bootstrap are `scope:shared` and are not environments.
 */
export function listEnvironments(root: string): string[] {
  const apps = join(root, 'apps');
  if (!existsSync(apps)) return [];
  return readdirSync(apps)
    .filter((name) => {
      try {
        const project = JSON.parse(readFileSync(join(apps, name, 'project.json'), 'utf8')) as { tags?: unknown };
        return Array.isArray(project.tags) && project.tags.includes(`scope:${name}`);
      } catch {
        return false;
      }
    })
    .sort();
}

/** Runs the workspace's synth script for one stack into `outdir` and reads the result. */
export async function synthesize(checkout: string, env: string, outdir: string, label: string): Promise<TerraformJson> {
  const r = await run(process.execPath, [SYNTH_SCRIPT, env, '--outdir', outdir], checkout);
  const file = join(outdir, 'stacks', env, 'cdk.tf.json');
  if (r.code !== 0 || !existsSync(file)) {
    const tail = `${r.stderr}\n${r.stdout}`.trim().split('\n').slice(-15).join('\n');
    throw new DiffError(`synth of stack "${env}" at ${label} failed (exit ${r.code}):\n${tail || `(no output; expected ${file})`}`);
  }
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as TerraformJson;
  } catch (e) {
    throw new DiffError(`synth of stack "${env}" at ${label} wrote invalid JSON to ${file}: ${(e as Error).message}`);
  }
}

/**
 * Checks `commit` out into a temporary git worktree that shares the main checkout's node_modules, runs `fn` in
 * it, and always removes it again.
 */
export async function withWorktree<T>(root: string, commit: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const parent = mkdtempSync(join(tmpdir(), 'stack-diff-base-'));
  const dir = join(parent, 'checkout');
  const add = await git(root, 'worktree', 'add', '--detach', '--quiet', dir, commit);
  if (add.code !== 0) {
    rmSync(parent, { recursive: true, force: true });
    throw new DiffError(`could not check out ${commit} into a temporary worktree: ${add.stderr.trim()}`);
  }
  try {
    const modules = join(root, 'node_modules');
    if (existsSync(modules) && !existsSync(join(dir, 'node_modules'))) symlinkSync(modules, join(dir, 'node_modules'), 'dir');
    return await fn(dir);
  } finally {
    await git(root, 'worktree', 'remove', '--force', dir);
    rmSync(parent, { recursive: true, force: true });
    await git(root, 'worktree', 'prune');
  }
}
