// The Lambda runtime without child processes: packages, configuration, and calls that fail before an instance starts.
import { strToU8, zipSync } from 'fflate';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LambdaError } from './errors';
import { functionOf, packageOf } from './lambda.fixture';
import { entryProblem, extractPackage, MAX_UNZIPPED_BYTES } from './package';
import { LambdaRuntime, memoryFlags } from './runtime';

let dataDir: string;
let runtime: LambdaRuntime;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'twin-lambda-'));
  runtime = new LambdaRuntime({ dataDir });
});
afterEach(async () => {
  await runtime.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The error `fn` throws (fails the test when it throws none). */
function thrown(fn: () => unknown): LambdaError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(LambdaError);
    return err as LambdaError;
  }
  throw new Error('expected an error');
}

/** Sets the uncompressed size fflate reads from every central directory entry (the zip's own claim). */
function declareSize(zip: Uint8Array, size: number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  let entries = 0;
  for (let i = 0; i + 46 <= out.length; i++) {
    if (view.getUint32(i, true) === 0x02014b50) {
      view.setUint32(i + 24, size, true);
      entries++;
    }
  }
  expect(entries).toBeGreaterThan(0);
  return out;
}

describe('deployment packages', () => {
  it('unzips files and folders into the function folder, keyed by the zip hash', () => {
    const fn = functionOf('unzip', { 'index.mjs': 'export const handler = async () => 1;', 'lib/util/strings.js': 'module.exports = 1;', 'empty/': '' });
    runtime.register(fn);
    const codeDirs = readdirSync(join(dataDir, 'lambda', 'unzip'));
    expect(codeDirs).toHaveLength(1);
    expect(codeDirs[0]).toMatch(/^[0-9a-f]{16}$/);
    const root = join(dataDir, 'lambda', 'unzip', codeDirs[0]);
    expect(readFileSync(join(root, 'index.mjs'), 'utf8')).toBe('export const handler = async () => 1;');
    expect(readFileSync(join(root, 'lib/util/strings.js'), 'utf8')).toBe('module.exports = 1;');
    expect(readdirSync(join(root, 'empty'))).toEqual([]);
  });

  it.each([['../evil.js'], ['a/../../evil.js'], ['/tmp/evil.js'], ['..\\evil.js'], ['C:/evil.js']])('refuses the zip-slip entry %s and writes nothing', (entry) => {
    const zip = zipSync({ 'index.mjs': strToU8('export const handler = async () => 1;'), [entry]: strToU8('pwned') });
    const err = thrown(() => runtime.register({ ...functionOf('slip', {}), zip }));
    expect(err.name).toBe('InvalidParameterValueException');
    expect(err.message).toContain(JSON.stringify(entry));
    expect(existsSync(join(dataDir, 'lambda', 'evil.js'))).toBe(false);
    expect(existsSync(join(dataDir, 'evil.js'))).toBe(false);
    expect(existsSync('/tmp/evil.js') && readFileSync('/tmp/evil.js', 'utf8') === 'pwned').toBe(false);
    // Neither the code folder nor its temporary folder is left behind, and the function does not exist.
    expect(readdirSync(join(dataDir, 'lambda', 'slip'))).toEqual([]);
    return expect(runtime.invoke('slip', {})).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('names entries that are absolute or climb out, and accepts ordinary ones', () => {
    expect(entryProblem('index.mjs')).toBeUndefined();
    expect(entryProblem('node_modules/a/..b/c.js')).toBeUndefined();
    expect(entryProblem('./index.js')).toBeUndefined();
    expect(entryProblem('../x')).toMatch(/outside the package/);
    expect(entryProblem('/x')).toMatch(/absolute/);
    expect(entryProblem('')).toMatch(/without a name/);
  });

  it('refuses a package whose entries claim more than 250 MB unzipped, before inflating any', () => {
    const one = declareSize(packageOf({ 'index.mjs': 'export const handler = async () => 1;' }), MAX_UNZIPPED_BYTES + 1);
    expect(thrown(() => runtime.register({ ...functionOf('big', {}), zip: one })).message).toContain(`Unzipped size must be smaller than ${MAX_UNZIPPED_BYTES} bytes`);
    // Two entries under the quota each, over it together.
    const two = declareSize(packageOf({ 'a.js': 'a', 'b.js': 'b' }), Math.ceil(MAX_UNZIPPED_BYTES / 2) + 1);
    expect(() => extractPackage(two, join(dataDir, 'two'))).toThrow(/Unzipped size must be smaller/);
    expect(existsSync(join(dataDir, 'two'))).toBe(false);
  });

  it('refuses bytes that are not a zip', () => {
    const err = thrown(() => runtime.register({ ...functionOf('notzip', {}), zip: strToU8('#!/bin/sh\necho hello\n') }));
    expect(err.name).toBe('InvalidParameterValueException');
    expect(err.message).toContain('Could not unzip uploaded file');
  });

  it('keeps one code folder per function: the same bytes are unzipped once, replaced code is removed', () => {
    const v1 = functionOf('versions', { 'index.mjs': 'export const handler = async () => 1;' });
    runtime.register(v1);
    runtime.register({ ...v1, zip: v1.zip.slice() });
    const first = readdirSync(join(dataDir, 'lambda', 'versions'));
    expect(first).toHaveLength(1);
    runtime.register(functionOf('versions', { 'index.mjs': 'export const handler = async () => 2;' }));
    const second = readdirSync(join(dataDir, 'lambda', 'versions'));
    expect(second).toHaveLength(1);
    expect(second[0]).not.toBe(first[0]);
  });

  it('writes the bootstrap as a plain ES module in the data directory', () => {
    const files = readdirSync(join(dataDir, 'lambda', '.runtime'));
    expect(files).toEqual([expect.stringMatching(/^bootstrap-[0-9a-f]{12}\.mjs$/)]);
    const source = readFileSync(join(dataDir, 'lambda', '.runtime', files[0]), 'utf8');
    expect(source).toContain("from 'node:module'");
    expect(JSON.parse(readFileSync(join(dataDir, 'lambda', 'package.json'), 'utf8'))).toEqual({ type: 'commonjs' });
  });
});

describe('configuration', () => {
  it('refuses what Lambda refuses', () => {
    const ok = functionOf('config', { 'index.mjs': 'export const handler = async () => 1;' });
    const cases: [Partial<typeof ok>, RegExp][] = [
      [{ name: 'bad/name' }, /function name/],
      [{ name: '' }, /function name/],
      [{ arn: 'not-an-arn' }, /not a function ARN/],
      [{ runtime: 'python3.12' as 'nodejs20.x' }, /not emulated/],
      [{ memoryMB: 64 }, /memory size/],
      [{ memoryMB: 128.5 }, /memory size/],
      [{ timeoutSeconds: 0 }, /timeout/],
      [{ timeoutSeconds: 901 }, /timeout/],
      [{ handler: 'index handler' }, /handler/],
      [{ environment: { AWS_REGION: 'us-west-2', AWS_SECRET_ACCESS_KEY: 'x' } }, /Reserved keys used in this request: AWS_REGION, AWS_SECRET_ACCESS_KEY/],
      [{ environment: { '1BAD': 'x' } }, /environment variable name/],
    ];
    for (const [override, message] of cases) {
      const err = thrown(() => runtime.register({ ...ok, ...override }));
      expect(err.name).toBe('InvalidParameterValueException');
      expect(err.message).toMatch(message);
    }
    expect(() => runtime.register({ ...ok, environment: { TZ: 'Europe/Paris', NODE_OPTIONS: '--enable-source-maps', LANG: 'C' } })).not.toThrow();
  });
});

describe('calls that fail before any instance starts', () => {
  it('answers ResourceNotFoundException for unknown and unregistered functions', async () => {
    await expect(runtime.invoke('nope', {})).rejects.toMatchObject({ name: 'ResourceNotFoundException', errorType: 'ResourceNotFoundException', message: 'Function not found: nope' });
    runtime.register(functionOf('gone', { 'index.mjs': 'export const handler = async () => 1;' }));
    expect(runtime.unregister('gone')).toBe(true);
    expect(runtime.unregister('gone')).toBe(false);
    await expect(runtime.handler('gone')({}, {})).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('refuses events that are not JSON or too large, and bad request ids', async () => {
    runtime.register(functionOf('events', { 'index.mjs': 'export const handler = async () => 1;' }));
    await expect(runtime.invoke('events', { n: 1n })).rejects.toMatchObject({ name: 'InvalidRequestContentException' });
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    await expect(runtime.invoke('events', circular)).rejects.toMatchObject({ name: 'InvalidRequestContentException' });
    await expect(runtime.invoke('events', { body: 'x'.repeat(6_291_456) })).rejects.toMatchObject({ name: 'RequestEntityTooLargeException' });
    await expect(runtime.invoke('events', {}, { requestId: 'two words' })).rejects.toMatchObject({ name: 'InvalidRequestContentException' });
    await expect(runtime.invoke('events', {}, { requestId: 'a\nSTART RequestId: forged' })).rejects.toMatchObject({ name: 'InvalidRequestContentException' });
  });

  it('refuses everything once closed, and closes once', async () => {
    const closing = runtime.close();
    expect(runtime.close()).toBe(closing);
    await closing;
    await expect(runtime.invoke('x', {})).rejects.toMatchObject({ name: 'ServiceException' });
    expect(() => runtime.register(functionOf('late', { 'index.mjs': '' }))).toThrow(LambdaError);
  });
});

describe('memoryFlags', () => {
  // Lambda's Node.js bootstrap: new_space=$(expr $mem / 10); semi_space=$(expr $new_space / 2); old_space=$(expr $mem - $new_space).
  it.each([
    [128, '--max-semi-space-size=6', '--max-old-space-size=116'],
    [256, '--max-semi-space-size=12', '--max-old-space-size=231'],
    [1769, '--max-semi-space-size=88', '--max-old-space-size=1593'],
    [10240, '--max-semi-space-size=512', '--max-old-space-size=9216'],
  ])('sizes the heap of a %i MB function as Lambda does', (memory, semi, old) => {
    expect(memoryFlags(memory)).toEqual([semi, old]);
  });
});
