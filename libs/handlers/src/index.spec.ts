import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { HANDLER_ENTRIES, HANDLER_EXPORT } from './index';

/** Every module specifier `file` imports, and those of the relative files it imports, transitively. */
function importsOf(file: string, seen = new Map<string, string[]>()): Map<string, string[]> {
  if (seen.has(file)) return seen;
  const specifiers = ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((f) => f.fileName);
  seen.set(file, specifiers);
  for (const s of specifiers.filter((s) => s.startsWith('.'))) importsOf(path.resolve(path.dirname(file), `${s}.ts`), seen);
  return seen;
}

describe('HANDLER_ENTRIES', () => {
  it('names an absolute, existing entry file for each handler', () => {
    expect(Object.keys(HANDLER_ENTRIES).sort()).toEqual(['me', 'orders']);
    for (const [name, entry] of Object.entries(HANDLER_ENTRIES)) {
      expect(path.isAbsolute(entry)).toBe(true);
      expect(path.basename(entry)).toBe(`${name}.ts`);
      expect(existsSync(entry)).toBe(true);
    }
  });

  it.each(Object.entries(HANDLER_ENTRIES))('%s exports the handler function', async (_name, entry) => {
    const module = (await import(entry)) as Record<string, unknown>;
    expect(typeof module[HANDLER_EXPORT]).toBe('function');
  });

  it.each(Object.entries(HANDLER_ENTRIES))('%s imports only node built-ins and files of this folder', (_name, entry) => {
    const root = path.dirname(entry);
    const imports = importsOf(entry);
    expect(imports.size).toBeGreaterThan(1);
    for (const [file, specifiers] of imports) {
      expect(file.startsWith(root + path.sep)).toBe(true);
      expect(existsSync(file)).toBe(true);
      expect(specifiers.filter((s) => !s.startsWith('.') && !s.startsWith('node:'))).toEqual([]);
      expect(specifiers.filter((s) => s.includes('test-support'))).toEqual([]);
    }
  });
});
