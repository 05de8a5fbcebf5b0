import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from './flags';
import { runCli, workspaceRoot } from './run';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { cwd: '/', out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('runCli', () => {
  it('returns the body’s exit code', async () => {
    expect(await runCli(io().io, { label: 'x' }, () => 3)).toBe(3);
  });

  it('prints a usage error with the label and the usage, and exits 2', async () => {
    const c = io();
    expect(await runCli(c.io, { label: 'stack diff', usage: 'usage: diff --env <env>' }, () => {
      throw new UsageError('--env is required');
    })).toBe(2);
    expect(c.err.join('')).toBe('stack diff: --env is required\n\nusage: diff --env <env>\n');
    const bare = io();
    await runCli(bare.io, { label: 'error' }, () => {
      throw new UsageError('unknown flag "--x". usage: ...');
    });
    expect(bare.err.join('')).toBe('error: unknown flag "--x". usage: ...\n');
  });

  it('leaves other errors to the caller', async () => {
    await expect(runCli(io().io, { label: 'x' }, () => {
      throw new Error('boom');
    })).rejects.toThrow('boom');
  });
});

describe('workspaceRoot', () => {
  it('is NX_WORKSPACE_ROOT, else the nearest directory holding nx.json, else where it started', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-root-'));
    try {
      mkdirSync(join(dir, 'a/b'), { recursive: true });
      writeFileSync(join(dir, 'nx.json'), '{}');
      expect(workspaceRoot(join(dir, 'a/b'), {})).toBe(dir);
      expect(workspaceRoot(join(dir, 'a/b'), { NX_WORKSPACE_ROOT: '/elsewhere' })).toBe('/elsewhere');
      expect(workspaceRoot('/', {})).toBe('/');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
