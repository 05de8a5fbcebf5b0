import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from './flags';

/** Where a CLI reads and writes; tests pass their own. */
export interface CliIo {
  readonly cwd: string;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** The process's own standard streams and working directory. */
export function processIo(): CliIo {
  return { cwd: process.cwd(), out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
}

/**
 * Runs a CLI's body and turns a UsageError into `<label>: <message>` on stderr, followed by the usage when one is
 * given, and exit code 2. Any other error is the body's to handle.
 */
export async function runCli(io: CliIo, cli: { readonly label: string; readonly usage?: string }, body: () => Promise<number> | number): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`${cli.label}: ${err.message}\n${cli.usage ? `\n${cli.usage}\n` : ''}`);
    return 2;
  }
}

/**
 * The workspace root: `NX_WORKSPACE_ROOT` when Nx runs the command, else the nearest directory up from `from` that
 * holds nx.json, else `from` itself.
 */
export function workspaceRoot(from: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  if (env['NX_WORKSPACE_ROOT']) return resolve(env['NX_WORKSPACE_ROOT']);
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return resolve(from);
    dir = up;
  }
}
