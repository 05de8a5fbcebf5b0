#!/usr/bin/env node
// `npm test`: the suite's three Nx runs in order (every target of every project; real Terraform applying each stack
// to a twin; dev over HTTPS), stopping at the first that fails. Arguments after `--` go to each of the three
// (`npm test -- --skip-nx-cache` runs everything afresh, not only the last), as an npm script's `a && b && c` cannot.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { workspaceRoot } from './bundle.mjs';

const RUNS = [
  ['run-many', '-t', 'lint', 'typecheck', 'test', 'validate', 'integration', 'e2e'],
  ['run-many', '-t', 'e2e', '-c', 'terraform'],
  ['run', 'dev:e2e:tls'],
];

const nxPackage = createRequire(join(workspaceRoot, 'package.json')).resolve('nx/package.json');
const nx = join(dirname(nxPackage), 'dist/bin/nx.js');
for (const run of RUNS) {
  const r = spawnSync(process.execPath, [nx, ...run, '--output-style=stream-without-prefixes', ...process.argv.slice(2)], { cwd: workspaceRoot, stdio: 'inherit' });
  if (r.error) {
    console.error(`npm test: cannot run nx (${r.error.message}): run npm ci first`);
    process.exit(1);
  }
  if (r.status !== 0) process.exit(r.status ?? 1);
}
