// Bundles a TypeScript entry into one CommonJS file under dist/run/ with esbuild. The output name carries a
// hash of every input file esbuild read, so unchanged sources reuse the previous bundle.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const workspaceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Returns a file:// URL of the bundled entry, building it when any input changed. `entry` is a file path, or
 * `{ name, contents }` for a generated entry module (resolved from the workspace root).
 */
export async function bundle(entry, { outDir = join(workspaceRoot, 'dist/run'), external = true } = {}) {
  const virtual = typeof entry === 'object';
  const entryPath = virtual ? undefined : resolve(entry);
  const rel = (external ? '' : 'full__') + (virtual ? entry.name : relative(workspaceRoot, entryPath).replace(/[\\/]/g, '__').replace(/\.ts$/, ''));
  const manifest = join(outDir, `${rel}.manifest.json`);
  const cached = readManifest(manifest);
  const salt = virtual ? entry.contents : '';
  if (cached && existsSync(cached.outfile) && hashInputs(cached.inputs, salt) === cached.hash) {
    return pathToFileURL(cached.outfile).href;
  }
  const esbuild = await import('esbuild');
  const outfile = join(outDir, `${rel}.cjs`);
  // Processes starting together (the benchmark's servers, parallel Nx tasks) may all rebuild: each writes its own
  // file and renames it into place, so none can load a bundle another is halfway through writing.
  const building = join(outDir, `${rel}.${process.pid}.building.cjs`);
  mkdirSync(outDir, { recursive: true });
  const result = await esbuild.build({
    ...(virtual
      ? { stdin: { contents: entry.contents, resolveDir: workspaceRoot, sourcefile: `${entry.name}.ts`, loader: 'ts' } }
      : { entryPoints: [entryPath] }),
    outfile: building,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: external ? 'inline' : false,
    // A full bundle keeps esbuild itself outside: its API runs the native binary found beside its own package (the
    // function construct bundles Lambda handlers at synth).
    ...(external ? { packages: 'external' } : { minifyWhitespace: true, keepNames: true, external: ['esbuild'] }),
    tsconfig: join(workspaceRoot, 'tsconfig.base.json'),
    metafile: true,
    logLevel: 'error',
  });
  const inputs = Object.keys(result.metafile.inputs)
    .filter((f) => !f.startsWith('<stdin>') && !(virtual && f.endsWith(`${entry.name}.ts`)))
    .map((f) => resolve(workspaceRoot, f));
  renameSync(building, outfile);
  const tmp = `${manifest}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ outfile, inputs, hash: hashInputs(inputs, salt) }));
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

// Dependencies are pinned by the lock file: hashing it stands for every file under node_modules.
function hashInputs(files, salt = '') {
  const h = createHash('sha256');
  h.update(salt);
  const own = files.filter((f) => !f.includes(`${sep}node_modules${sep}`));
  if (own.length !== files.length) own.push(join(workspaceRoot, 'package-lock.json'));
  for (const f of own) {
    h.update(f);
    try {
      h.update(readFileSync(f));
    } catch {
      h.update('missing');
    }
  }
  return h.digest('hex');
}
