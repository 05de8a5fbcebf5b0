import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { childEnv } from '@secure-api/testing/process';

jest.setTimeout(120_000);

const WORKSPACE = resolve(__dirname, '../../../..');

/** The task graphs `nx ... --graph=stdout` prints, one pretty-printed JSON document after another. */
function taskGraphs(out: string): string[][] {
  return out
    .split(/^\}\n(?=\{)/m)
    .map((doc, i, all) => (i < all.length - 1 ? `${doc}}` : doc))
    .map((doc) => Object.keys((JSON.parse(doc) as { tasks: { tasks: Record<string, unknown> } }).tasks.tasks).sort());
}

describe('npm test (libs/tooling/bin/test.mjs)', () => {
  it('hands the arguments after -- to each of its three Nx runs (npm test -- --skip-nx-cache reaches them all)', () => {
    // --graph=stdout: each run prints its task graph instead of running it.
    const r = spawnSync(process.execPath, [join(WORKSPACE, 'libs/tooling/bin/test.mjs'), '--graph=stdout'], { cwd: WORKSPACE, env: childEnv(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const [all, terraform, tls, ...more] = taskGraphs(r.stdout);
    expect(more).toEqual([]);
    expect(all).toEqual(expect.arrayContaining(['twin:lint', 'twin:typecheck', 'twin:test', 'twin:integration', 'dev:validate', 'dev:e2e', 'prod:e2e']));
    expect(terraform).toEqual(['dev:e2e', 'dev:synth', 'prod:e2e', 'prod:synth']);
    expect(tls).toEqual(['dev:e2e', 'dev:synth']);
  });
});
