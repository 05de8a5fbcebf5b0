#!/usr/bin/env node
// `npm start`: synthesizes the dev stack and runs it in the local twin on http://localhost:4010 (the port of the
// dev callback URL), with its state in .twin/dev. Ctrl+C stops it; state survives restarts. `npm run start:tls` (or
// `npm start -- --tls`) serves https://localhost:4010 instead, with the local CA of .twin/dev/tls.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { workspaceRoot } from './bundle.mjs';

const PORT = '4010';
const synth = spawnSync(process.execPath, [join(workspaceRoot, 'libs/tooling/bin/synth.mjs'), 'dev'], { cwd: workspaceRoot, stdio: 'inherit' });
if (synth.status !== 0) process.exit(synth.status ?? 1);

const twin = spawn(
  process.execPath,
  [
    join(workspaceRoot, 'libs/tooling/bin/run.mjs'),
    join(workspaceRoot, 'libs/twin/src/cli.ts'),
    '--stack', 'dev',
    '--port', PORT,
    '--data-dir', join(workspaceRoot, '.twin/dev'),
    '--outputs-file', join(workspaceRoot, '.twin/dev/outputs.json'),
    ...process.argv.slice(2),
  ],
  { cwd: workspaceRoot, stdio: 'inherit' },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => twin.kill(signal));
twin.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
