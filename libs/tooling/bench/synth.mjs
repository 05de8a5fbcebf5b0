#!/usr/bin/env node
// Benchmark: synthesizes every environment stack in one process from the prebuilt bundle (deep-path provider
// imports, everything bundled), then the same stacks in a second process that loads the AWS provider through
// its package root, and prints wall time, peak RSS and the ratio. Targets: at most 1 s and 150 MB.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundle, workspaceRoot } from '../bin/bundle.mjs';
import { environments, synthEntry } from '../bin/synth.mjs';

const envs = environments().filter((e) => e !== 'bootstrap');
const runs = Number(process.env.BENCH_RUNS ?? 5);


// The "root" variant maps every deep import to the namespace of the package root, as code written against
// `import { cognitoUserPool } from '@cdktf/provider-aws'` would load it.
const rootImports = {
  name: 'provider-root',
  setup(build) {
    build.onResolve({ filter: /^@cdktf\/provider-aws\/lib\/[a-z0-9-]+$/ }, (args) => ({ path: args.path, namespace: 'provider-root' }));
    build.onLoad({ filter: /.*/, namespace: 'provider-root' }, (args) => {
      const ns = args.path.split('/').pop().replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
      return { contents: `module.exports = require('@cdktf/provider-aws').${ns};`, loader: 'js', resolveDir: workspaceRoot };
    });
  },
};

async function buildRootVariant() {
  const esbuild = await import('esbuild');
  const outfile = join(workspaceRoot, 'dist/run/bench__synth_root.cjs');
  const e = synthEntry(envs, 'bench__synth_root');
  await esbuild.build({
    stdin: { contents: e.contents, resolveDir: workspaceRoot, sourcefile: 'bench.ts', loader: 'ts' },
    outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'error',
    external: ['@cdktf/provider-aws', 'cdktf', 'constructs'],
    tsconfig: join(workspaceRoot, 'tsconfig.base.json'),
    plugins: [rootImports],
  });
  return `file://${outfile}`;
}

function measure(file) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const outdir = mkdtempSync(join(tmpdir(), 'bench-synth-'));
    const t0 = process.hrtime.bigint();
    const res = spawnSync(process.execPath, [join(workspaceRoot, 'libs/tooling/bench/synth-child.mjs'), file, outdir], { encoding: 'utf8' });
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    rmSync(outdir, { recursive: true, force: true });
    if (res.status !== 0) throw new Error(`synth failed:\n${res.stderr}`);
    samples.push({ ...JSON.parse(res.stdout.trim().split('\n').pop()), wallMs: Math.round(wallMs) });
  }
  const median = (k) => samples.map((s) => s[k]).sort((a, b) => a - b)[Math.floor(samples.length / 2)];
  return { stacks: samples[0].stacks, wallMs: median('wallMs'), synthMs: median('synthMs'), peakRssMB: median('peakRssMB') };
}

const deep = measure(await bundle(synthEntry(envs), { external: false }));
const root = measure(await buildRootVariant());
const row = (label, r) => `${label.padEnd(34)} ${String(r.wallMs).padStart(7)} ms ${String(r.synthMs).padStart(9)} ms ${String(r.peakRssMB).padStart(8)} MB`;
console.log(`synth benchmark: stacks ${deep.stacks.join(', ')}; median of ${runs} runs, one process each`);
console.log(`${'variant'.padEnd(34)} ${'wall'.padStart(10)} ${'in-process'.padStart(12)} ${'peak RSS'.padStart(11)}`);
console.log(row('prebuilt bundle, deep imports', deep));
console.log(row('package root', root));
console.log(`ratio root/deep: wall ${(root.wallMs / deep.wallMs).toFixed(1)}x, peak RSS ${(root.peakRssMB / deep.peakRssMB).toFixed(1)}x`);
const ok = deep.wallMs <= 1000 && deep.peakRssMB <= 150;
console.log(`targets (all stacks <= 1000 ms, <= 150 MB): ${ok ? 'met' : 'NOT met'}`);
process.exitCode = ok ? 0 : 1;
