// Bundles a TypeScript entry into one CommonJS file under dist/run/ with esbuild. The output name carries a
// hash of every input file esbuild read, so unchanged sources reuse the previous bundle.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const workspaceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Returns a file:// URL of the bundled entry, building it when any input changed. */
export async function bundle(entry, { outDir = join(workspaceRoot, 'dist/run') } = {}) {
  const entryPath = resolve(entry);
  const rel = relative(workspaceRoot, entryPath).replace(/[\\/]/g, '__').replace(/\.ts$/, '');
  const manifest = join(outDir, `${rel}.manifest.json`);
  const cached = readManifest(manifest);
  if (cached && existsSync(cached.outfile) && hashInputs(cached.inputs) === cached.hash) {
    return pathToFileURL(cached.outfile).href;
  }
  const esbuild = await import('esbuild');
  const outfile = join(outDir, `${rel}.cjs`);
  mkdirSync(outDir, { recursive: true });
  const result = await esbuild.build({
    entryPoints: [entryPath],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    packages: 'external',
    tsconfig: join(workspaceRoot, 'tsconfig.base.json'),
    metafile: true,
    logLevel: 'error',
  });
  const inputs = Object.keys(result.metafile.inputs).map((f) => resolve(workspaceRoot, f));
  const tmp = `${manifest}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ outfile, inputs, hash: hashInputs(inputs) }));
  renameSync(tmp, manifest);
  return pathToFileURL(outfile).href;
}

function readManifest(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function hashInputs(files) {
  const h = createHash('sha256');
  for (const f of files) {
    h.update(f);
    try {
      h.update(readFileSync(f));
    } catch {
      h.update('missing');
    }
  }
  return h.digest('hex');
}
