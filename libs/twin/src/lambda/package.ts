import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { unzipSync } from 'fflate';

/** Lambda's quota on a function's unzipped deployment package: 250 MB (262,144,000 bytes). */
export const MAX_UNZIPPED_BYTES = 262_144_000;

/** A deployment package Lambda would refuse (CreateFunction / UpdateFunctionCode answer InvalidParameterValueException). */
export class PackageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PackageError';
  }
}

/** Why an entry name may not be extracted (absolute, or reaching out of the package: zip-slip), or undefined. */
export function entryProblem(name: string): string | undefined {
  const shown = JSON.stringify(name);
  if (name.length === 0) return 'the package holds an entry without a name';
  if (name.includes('\0')) return `the package entry ${shown} has a NUL character in its name`;
  if (/^([/\\]|[A-Za-z]:)/.test(name)) return `the package entry ${shown} has an absolute path`;
  if (name.split(/[/\\]/).includes('..')) return `the package entry ${shown} reaches outside the package ('..')`;
  return undefined;
}

/**
 * Unzips a deployment package into `dir` (created; it should not exist yet). Every entry is checked before any byte
 * is inflated: names must stay inside the package, and the sizes the zip declares must total at most
 * {@link MAX_UNZIPPED_BYTES} (fflate never inflates an entry past its declared size, so a lying header cannot
 * exceed the quota either). Throws {@link PackageError}; on error `dir` may hold part of the package.
 */
export function extractPackage(zip: Uint8Array, dir: string): { files: number; bytes: number } {
  let declared = 0;
  let problem: string | undefined;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(zip, {
      filter: (file) => {
        problem ??= entryProblem(file.name);
        declared += file.originalSize;
        if (declared > MAX_UNZIPPED_BYTES) problem ??= `Unzipped size must be smaller than ${MAX_UNZIPPED_BYTES} bytes`;
        return problem === undefined;
      },
    });
  } catch (err) {
    throw new PackageError(`Could not unzip uploaded file. Please check your file, then try to upload again. (${(err as Error).message})`);
  }
  if (problem !== undefined) throw new PackageError(problem);

  const root = resolve(dir);
  mkdirSync(root, { recursive: true, mode: 0o700 });
  let files = 0;
  let bytes = 0;
  for (const name of Object.keys(entries)) {
    const data = entries[name];
    const target = resolve(root, name);
    if (target !== root && !target.startsWith(root + sep)) throw new PackageError(`the package entry ${JSON.stringify(name)} reaches outside the package`);
    if (name.endsWith('/')) {
      mkdirSync(target, { recursive: true });
      continue;
    }
    bytes += data.length;
    if (bytes > MAX_UNZIPPED_BYTES) throw new PackageError(`Unzipped size must be smaller than ${MAX_UNZIPPED_BYTES} bytes`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, data);
    files++;
  }
  return { files, bytes };
}
