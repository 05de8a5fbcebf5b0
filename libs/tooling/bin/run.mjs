#!/usr/bin/env node
// Runs a TypeScript entry file without a TypeScript compile step: esbuild bundles it (dependencies stay
// external) into dist/run/, keyed by a hash of the inputs, so a second run with nothing changed starts at once.
// Usage: node libs/tooling/bin/run.mjs <entry.ts> [args...]
import { bundle } from './bundle.mjs';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node libs/tooling/bin/run.mjs <entry.ts> [args...]');
  process.exit(2);
}
const file = await bundle(entry);
process.argv = [process.argv[0], file, ...args];
const mod = await import(file);
if (typeof mod.main === 'function') {
  const code = await mod.main(args);
  if (typeof code === 'number') process.exitCode = code;
} else if (typeof mod.default?.main === 'function') {
  const code = await mod.default.main(args);
  if (typeof code === 'number') process.exitCode = code;
}
