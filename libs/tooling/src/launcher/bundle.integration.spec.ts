import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { childEnv } from '@secure-api/testing/process';

jest.setTimeout(60_000);

const WORKSPACE = resolve(__dirname, '../../../..');
const BUNDLE = pathToFileURL(join(WORKSPACE, 'libs/tooling/bin/bundle.mjs')).href;

/**
 * Runs one process that bundles an entry exporting `answer` and a few megabytes of `padding` (so that a reader could
 * catch a writer halfway) into `outDir`, loads the bundle and prints what it exports.
 */
function bundleAndLoad(outDir: string): Promise<{ code: number | null; out: string; err: string }> {
  const script = `
    const { bundle } = await import(${JSON.stringify(BUNDLE)});
    const contents = 'export const answer = 42; export const padding = ' + JSON.stringify('x'.repeat(4000000)) + ';';
    const url = await bundle({ name: 'race', contents }, { outDir: ${JSON.stringify(outDir)} });
    const mod = await import(url);
    console.log(mod.answer ?? mod.default?.answer, mod.padding?.length ?? mod.default?.padding?.length);`;
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: WORKSPACE, env: childEnv() });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => done({ code, out, err }));
  });
}

describe('bundle (the esbuild launcher behind run.mjs and synth.mjs)', () => {
  let outDir: string;
  beforeEach(() => (outDir = mkdtempSync(join(tmpdir(), 'bundle-race-'))));
  afterEach(() => rmSync(outDir, { recursive: true, force: true }));

  it('lets processes that build the same entry at once each load a whole bundle', async () => {
    const runs = await Promise.all(Array.from({ length: 4 }, () => bundleAndLoad(outDir)));
    for (const run of runs) {
      expect(run.err).toBe('');
      expect(run.code).toBe(0);
      expect(run.out.trim()).toBe('42 4000000');
    }
    // Only the bundle and its manifest remain: no half-written build files.
    expect(readdirSync(outDir).sort()).toEqual(['race.cjs', 'race.manifest.json']);
  });

  it('synthesizes the Lambda packages from an empty package cache: the full synth bundle reaches esbuild as a package', async () => {
    // A clean clone has no cached package: synth.mjs (whose bundle holds every dependency) must call esbuild itself.
    const cache = join(outDir, 'function-cache');
    const out = join(outDir, 'synth');
    const run = await new Promise<{ code: number | null; err: string }>((done) => {
      const child = spawn(process.execPath, [join(WORKSPACE, 'libs/tooling/bin/synth.mjs'), 'dev', '--outdir', out], { cwd: WORKSPACE, env: { ...childEnv(), SECURE_API_FUNCTION_CACHE: cache }, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      child.on('exit', (code) => done({ code, err }));
    });
    expect(run).toEqual({ code: 0, err: '' });
    expect(readdirSync(cache).filter((f) => f.endsWith('.zip'))).toHaveLength(2);
    expect(readdirSync(join(out, 'stacks/dev/assets')).sort()).toEqual([expect.stringMatching(/^MeFunction_Code_/), expect.stringMatching(/^OrdersFunction_Code_/)]);
  }, 120_000);
});
