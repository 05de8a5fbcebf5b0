import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { buildSync, version as esbuildVersion, type Message } from 'esbuild';
import { zipSync } from 'fflate';

/** What a function's deployment package is built from. */
export interface BundleInput {
  /** The handler's source file (absolute). */
  readonly entry: string;
  /** The exported function Lambda calls. */
  readonly handler: string;
  /** esbuild's target, from the Lambda runtime (`node20`, `node22`). */
  readonly target: string;
}

/** A built deployment package: a zip of `index.mjs` and its source map. */
export interface Bundle {
  /** The zip file (in the workspace's cache; Terraform's asset copies it into the stack). */
  readonly zipFile: string;
  /** base64 SHA-256 of the zip: `source_code_hash`, as Terraform's `filebase64sha256` computes it. */
  readonly sha256Base64: string;
  /** hex SHA-256 of the zip. */
  readonly sha256Hex: string;
  /** The names the entry exports. */
  readonly exports: readonly string[];
  /** Whether this synth built it (false: an unchanged cache entry was reused). */
  readonly built: boolean;
}

/** Thrown when the entry cannot be bundled: the message names the file and what esbuild said. */
export class BundleError extends Error {}

/** A zip entry's time: fixed, so that the same sources make the same bytes (and the same `source_code_hash`). */
const ZIP_TIME = new Date('1980-01-01T00:00:00Z');
/** The ESM bundle's shim for dependencies that call `require` (CommonJS packages inside an ES module). */
const REQUIRE_SHIM = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/**
 * Bundles a handler with esbuild into an ES module (`index.mjs`, with a linked source map) zipped deterministically:
 * the same sources, options and esbuild version make the same bytes. The result is cached in the workspace
 * (`node_modules/.cache/secure-api-function`), keyed by entry and options and checked against the hash of every
 * input the last build read, so a synth rebuilds a function only when one of its sources changed.
 */
export function bundleFunction(input: BundleInput): Bundle {
  const root = workspaceRootOf(input.entry);
  // SECURE_API_FUNCTION_CACHE moves the cache (a test builds from an empty one, as a clean clone does).
  const cacheDir = process.env['SECURE_API_FUNCTION_CACHE'] || join(root, 'node_modules', '.cache', 'secure-api-function');
  const key = sha256Hex(JSON.stringify({ entry: relative(root, input.entry), handler: input.handler, target: input.target, esbuild: esbuildVersion, format: 2 })).slice(0, 32);
  const manifestFile = join(cacheDir, `${key}.json`);
  const zipFile = join(cacheDir, `${key}.zip`);
  const cached = readManifest(manifestFile);
  if (cached && existsSync(zipFile) && inputsUnchanged(root, cached.inputs)) {
    return { zipFile, sha256Base64: cached.sha256Base64, sha256Hex: cached.sha256Hex, exports: cached.exports, built: false };
  }

  // The output is never written where it is named: its path only makes the source map's paths relative to the
  // workspace, the same on every machine.
  const outfile = join(root, 'dist', 'functions', key, 'index.mjs');
  let result;
  try {
    result = buildSync({
      absWorkingDir: root,
      entryPoints: [input.entry],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: input.target,
      sourcemap: 'linked',
      sourcesContent: true,
      metafile: true,
      write: false,
      logLevel: 'silent',
      legalComments: 'none',
      banner: { js: REQUIRE_SHIM },
    });
  } catch (err) {
    const errors = (err as { errors?: Message[] }).errors ?? [];
    const first = errors[0];
    const where = first?.location ? ` (${first.location.file}:${first.location.line})` : '';
    throw new BundleError(`esbuild could not bundle ${relative(root, input.entry)}: ${first?.text ?? (err as Error).message}${where}`);
  }
  const files = Object.fromEntries(result.outputFiles.map((f) => [f.path.endsWith('.map') ? 'index.mjs.map' : 'index.mjs', f.contents]));
  const zip = zipSync(
    { 'index.mjs': [files['index.mjs'], { mtime: ZIP_TIME, level: 9 }], 'index.mjs.map': [files['index.mjs.map'], { mtime: ZIP_TIME, level: 9 }] },
    { mtime: ZIP_TIME },
  );
  const output = Object.entries(result.metafile.outputs).find(([path]) => path.endsWith('index.mjs'))?.[1];
  const exports = output?.exports ?? [];
  const inputs: Record<string, string> = {};
  for (const path of Object.keys(result.metafile.inputs)) {
    const file = resolve(root, path);
    if (existsSync(file)) inputs[path] = sha256Hex(readFileSync(file));
  }
  const manifest: Manifest = { inputs, exports, sha256Hex: sha256Hex(zip), sha256Base64: createHash('sha256').update(zip).digest('base64') };
  mkdirSync(cacheDir, { recursive: true });
  writeAtomic(zipFile, zip);
  writeAtomic(manifestFile, JSON.stringify(manifest));
  return { zipFile, sha256Base64: manifest.sha256Base64, sha256Hex: manifest.sha256Hex, exports, built: true };
}

interface Manifest {
  readonly inputs: Record<string, string>;
  readonly exports: string[];
  readonly sha256Hex: string;
  readonly sha256Base64: string;
}

function readManifest(file: string): Manifest | undefined {
  try {
    const m = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
    return typeof m.sha256Hex === 'string' && typeof m.inputs === 'object' && Array.isArray(m.exports) ? m : undefined;
  } catch {
    return undefined;
  }
}

function inputsUnchanged(root: string, inputs: Record<string, string>): boolean {
  for (const [path, hash] of Object.entries(inputs)) {
    const file = resolve(root, path);
    if (!existsSync(file) || sha256Hex(readFileSync(file)) !== hash) return false;
  }
  return true;
}

/** The nearest folder above the entry with a `package.json`: the workspace the paths are made relative to. */
function workspaceRootOf(entry: string): string {
  if (!isAbsolute(entry)) throw new BundleError(`entry ${entry} must be an absolute path`);
  let dir = dirname(entry);
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir || !dir.includes(sep)) return dirname(entry);
    dir = up;
  }
}

function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function writeAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}
