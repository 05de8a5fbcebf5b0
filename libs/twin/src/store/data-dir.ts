import { accessSync, constants, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Thrown when a data directory cannot be used. The message names the directory, the problem and the fix. */
export class DataDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirError';
  }
}

/** File name of the store inside a data directory. */
export const STORE_FILE = 'twin.sqlite';

/**
 * Checks `dir` before anything is written: it must be a readable, writable directory that either holds a twin
 * store file or is empty (or absent, then it is created with mode 0700). Returns the store file path and whether it
 * already exists. Never writes into a directory that holds anything else.
 */
export function prepareDataDir(dir: string): { file: string; exists: boolean } {
  let stat;
  try {
    stat = statSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new DataDirError(`the data directory ${dir} is unreadable (${(err as NodeJS.ErrnoException).code}). Fix: check its permissions or pass another --data-dir.`);
    }
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (mkErr) {
      throw new DataDirError(`cannot create the data directory ${dir} (${(mkErr as NodeJS.ErrnoException).code}). Fix: pass a --data-dir in a writable location.`);
    }
    return { file: join(dir, STORE_FILE), exists: false };
  }
  if (!stat.isDirectory()) {
    throw new DataDirError(`the data directory ${dir} is not a directory. Fix: pass --data-dir to a directory (new or one a twin created).`);
  }
  let entries: string[];
  try {
    accessSync(dir, constants.R_OK | constants.W_OK | constants.X_OK);
    entries = readdirSync(dir);
  } catch (err) {
    throw new DataDirError(`the data directory ${dir} is unreadable (${(err as NodeJS.ErrnoException).code}). Fix: check its permissions or pass another --data-dir.`);
  }
  const file = join(dir, STORE_FILE);
  if (entries.includes(STORE_FILE)) {
    try {
      accessSync(file, constants.R_OK | constants.W_OK);
    } catch (err) {
      throw new DataDirError(`the twin store ${file} is unreadable (${(err as NodeJS.ErrnoException).code}). Fix: check its permissions or pass another --data-dir.`);
    }
    if (!statSync(file).isFile()) throw new DataDirError(`${file} is not a file. Fix: pass another --data-dir.`);
    return { file, exists: true };
  }
  // Only an empty directory is ours to initialise: even a stray `twin.sqlite-wal` may belong to a lost store.
  const foreign = entries;
  if (foreign.length > 0) {
    throw new DataDirError(
      `the data directory ${dir} is not a twin data directory: it holds ${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''} and no ${STORE_FILE}. ` +
        'The twin never writes into a directory it did not create. Fix: pass --data-dir to an empty or new directory.',
    );
  }
  return { file, exists: false };
}
