import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceRoot } from '@secure-api/cli';
import { twinAccount, type TwinAccount } from './offline';

/**
 * An empty twin (`npm run twin -- --empty`) in a child process, on a free loopback port, with a data directory of its
 * own that `stop` removes: an AWS account to apply a stack to and throw away (tests, the benchmark).
 */
export class EmptyTwin {
  private constructor(private readonly child: ChildProcess, readonly dir: string, readonly outputsFile: string, readonly account: TwinAccount, private readonly log: string[]) {}

  static async start(options: { readonly timingsFile?: string } = {}): Promise<EmptyTwin> {
    const root = workspaceRoot();
    const dir = mkdtempSync(join(tmpdir(), 'twin-tf-'));
    const outputsFile = join(dir, 'twin-outputs.json');
    const log: string[] = [];
    const child = spawn(process.execPath, [join(root, 'libs/tooling/bin/run.mjs'), join(root, 'libs/twin/src/cli.ts'), '--empty', '--port', '0', '--data-dir', join(dir, 'data'), '--outputs-file', outputsFile, ...(options.timingsFile ? ['--timings-file', options.timingsFile] : [])], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => log.push(d.toString()));
    child.stderr?.on('data', (d: Buffer) => log.push(d.toString()));
    const started = Date.now();
    while (!existsSync(outputsFile)) {
      if (child.exitCode !== null) throw new Error(`the twin exited: ${log.join('')}`);
      if (Date.now() - started > 60_000) throw new Error(`the twin was not ready after 60 s: ${log.join('')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return new EmptyTwin(child, dir, outputsFile, twinAccount(root, { ...process.env, SECURE_API_TWIN_OUTPUTS: outputsFile }), log);
  }

  /** What the twin printed (shown when a test fails). */
  output(): string {
    return this.log.join('');
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      await new Promise<void>((done) => {
        this.child.once('exit', () => done());
        this.child.kill('SIGTERM');
      });
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

