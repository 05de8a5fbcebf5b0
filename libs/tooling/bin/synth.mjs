#!/usr/bin/env node
// Synthesizes environment stacks without the cdktf CLI and without a TypeScript compile: the selected apps'
// `defineStack(app)` functions are bundled into one prebuilt JavaScript file (rebuilt only when a source
// changes) and run in this process.
// Usage: node libs/tooling/bin/synth.mjs [env...] [--outdir DIR]   (default: every app with src/main.ts)
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bundle, workspaceRoot } from './bundle.mjs';

export function environments() {
  const apps = join(workspaceRoot, 'apps');
  return readdirSync(apps).filter((name) => existsSync(join(apps, name, 'src/main.ts'))).sort();
}

/** A generated entry module whose `synthesize(outdir)` adds each environment's stack to one App and synthesizes. */
export function synthEntry(envs, name = `synth__${envs.join('_')}`) {
  const contents = [
    "import { App } from 'cdktf';",
    ...envs.map((env, i) => `import { defineStack as s${i} } from './apps/${env}/src/main';`),
    'export function synthesize(outdir: string): string[] {',
    '  const app = new App({ outdir, stackTraces: false });',
    `  const stacks = [${envs.map((_, i) => `s${i}(app)`).join(', ')}];`,
    '  app.synth();',
    '  return stacks.map((s) => s.node.id);',
    '}',
  ].join('\n');
  return { name, contents };
}

export async function synth(envs, outdir) {
  const known = environments();
  for (const env of envs) {
    if (!/^[a-z][a-z0-9-]*$/.test(env) || !known.includes(env)) {
      throw new Error(`unknown environment "${env}". Fix: use one of ${known.join(', ')} (an app in apps/<env> with src/main.ts).`);
    }
  }
  const file = await bundle(synthEntry(envs), { external: false });
  const mod = await import(file);
  return mod.synthesize(outdir);
}

async function cli(argv) {
  // node:util's parseArgs, as the TypeScript CLIs use it through @secure-api/cli (this launcher runs unbundled).
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { outdir: { type: 'string' } }, allowPositionals: true, strict: true });
  } catch (err) {
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new Error('--outdir needs a directory. Fix: --outdir cdktf.out');
    const flag = /'(-[^']*)'/.exec(err.message)?.[1] ?? '';
    throw new Error(`unknown flag ${flag}. Fix: synth.mjs [env...] [--outdir DIR]`);
  }
  if (parsed.values.outdir === '') throw new Error('--outdir needs a directory. Fix: --outdir cdktf.out');
  const envs = parsed.positionals;
  const outdir = parsed.values.outdir ? resolve(parsed.values.outdir) : join(workspaceRoot, 'cdktf.out');
  const selected = envs.length ? envs : environments();
  const ids = await synth(selected, outdir);
  for (const id of ids) console.log(`synthesized ${id} -> ${join(outdir, 'stacks', id, 'cdk.tf.json')}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  cli(process.argv.slice(2)).catch((err) => {
    console.error(`synth: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
