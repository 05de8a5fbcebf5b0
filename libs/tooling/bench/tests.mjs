#!/usr/bin/env node
// Benchmark: every project's unit tests cold (no Nx cache, no Jest transform cache), then the same run again
// with nothing changed, which Nx must serve from its cache. Target: cold in at most 30 s; second run all cached.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { workspaceRoot } from '../bin/bundle.mjs';

const nx = join(workspaceRoot, 'node_modules/.bin/nx');
const env = { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', FORCE_COLOR: '0' };
const run = (args) => {
  const t0 = process.hrtime.bigint();
  const res = spawnSync(nx, args, { cwd: workspaceRoot, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (res.status !== 0) throw new Error(`nx ${args.join(' ')} failed:\n${res.stdout}\n${res.stderr}`);
  return { seconds, output: res.stdout };
};

spawnSync(join(workspaceRoot, 'node_modules/.bin/jest'), ['--clearCache'], { cwd: workspaceRoot, env });
spawnSync(nx, ['reset'], { cwd: workspaceRoot, env });
const cold = run(['run-many', '-t', 'test', '--output-style=static']);
const warm = run(['run-many', '-t', 'test', '--output-style=static']);
const projects = Number(/ran target test for (\d+) projects/.exec(warm.output)?.[1] ?? NaN);
const cached = Number(/Nx read the output from the cache instead of running the command for (\d+) out of (\d+) tasks/.exec(warm.output)?.[1] ?? NaN);
console.log(`unit tests of ${projects} projects (nx run-many -t test), 2 cores`);
console.log(`cold (nx reset, Jest cache cleared)    : ${cold.seconds.toFixed(1)} s`);
console.log(`second run, nothing changed:            ${warm.seconds.toFixed(1)} s, ${cached} of ${projects} tasks from the Nx cache`);
const ok = cold.seconds <= 30 && cached === projects;
console.log(`targets (cold <= 30 s, second run fully cached): ${ok ? 'met' : 'NOT met'}`);
process.exitCode = ok ? 0 : 1;
