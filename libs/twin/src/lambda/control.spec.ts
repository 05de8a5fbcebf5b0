// Lambda's CreateFunction through the control plane, as the AWS provider sends it (REST-JSON, Code.ZipFile in base64):
// a package Lambda refuses answers InvalidParameterValueException and leaves no function behind.
// https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html
import Database from 'better-sqlite3';
import { zipSync, strToU8 } from 'fflate';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STORE_FILE } from '../store/data-dir';
import { packageOf } from './lambda.fixture';
import { signedCall } from '../test-support/signed';
import { startTwin, type RunningTwin } from '../test-support';

let t: RunningTwin;
beforeAll(async () => {
  t = await startTwin({ empty: true });
});
afterAll(async () => {
  await t?.close();
});

const create = (name: string, zip: Uint8Array) =>
  signedCall(t, {
    service: 'lambda', path: '/2015-03-31/functions', contentType: 'application/json',
    body: JSON.stringify({ FunctionName: name, Runtime: 'nodejs20.x', Role: 'arn:aws:iam::123456789012:role/fn', Handler: 'index.handler', Code: { ZipFile: Buffer.from(zip).toString('base64') } }),
  });
const get = (name: string) => signedCall(t, { service: 'lambda', method: 'GET', path: `/2015-03-31/functions/${name}` });

/** A zip whose directory is intact but whose compressed data is not a deflate stream. */
function brokenDeflate(): Uint8Array {
  const zip = zipSync({ 'index.mjs': strToU8('export const handler = async () => "x".repeat(1000);\n'.repeat(50)) }, { level: 9 });
  const view = new DataView(zip.buffer, zip.byteOffset);
  expect(view.getUint32(0, true)).toBe(0x04034b50);
  const start = 30 + view.getUint16(26, true) + view.getUint16(28, true);
  const size = view.getUint32(18, true);
  zip.fill(0xff, start, start + size);
  return zip;
}

describe('CreateFunction', () => {
  it('keeps a good package: 201, then GetFunction finds it with its code hash', async () => {
    const zip = packageOf({ 'index.mjs': 'export const handler = async () => ({ statusCode: 200, body: "ok" });' });
    const created = await create('good', zip);
    expect(created.status).toBe(201);
    const found = await get('good');
    expect(found.status).toBe(200);
    expect((found.json()['Configuration'] as Record<string, unknown>)['CodeSha256']).toBe(created.json()['CodeSha256']);
  });

  it.each([
    ['bytes that are not a zip', () => strToU8('not a zip at all'), 'Could not unzip uploaded file'],
    ['a zip whose compressed data is broken', brokenDeflate, 'Could not unzip uploaded file'],
    ['a zip-slip entry', () => packageOf({ '../evil.js': 'x' }), "reaches outside the package ('..')"],
    ['an empty zip', () => zipSync({}), 'Could not unzip uploaded file'],
  ])('refuses %s with InvalidParameterValueException, and no function is left', async (_what, zip, message) => {
    const name = `bad-${_what.replace(/[^a-z]+/g, '-')}`.slice(0, 64);
    const res = await create(name, zip());
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toContain('InvalidParameterValueException');
    expect(res.text).toContain(message);
    expect(res.text).not.toMatch(/\bat \S+ \(/);
    expect((await get(name)).status).toBe(404);
  });

  it('refuses tags that are not strings before it runs anything: InvalidParameterValueException, no function', async () => {
    const res = await signedCall(t, {
      service: 'lambda', path: '/2015-03-31/functions', contentType: 'application/json',
      body: JSON.stringify({ FunctionName: 'badtags', Runtime: 'nodejs20.x', Role: 'arn:aws:iam::123456789012:role/fn', Handler: 'index.handler', Tags: { a: { b: 1 } }, Code: { ZipFile: Buffer.from(packageOf({ 'index.mjs': 'export const handler = async () => 1;' })).toString('base64') } }),
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Tags must be a map of string keys to string values');
    expect((await get('badtags')).status).toBe(404);
  });

  it('keeps the function as it was when UpdateFunctionCode sends a package Lambda refuses', async () => {
    const created = await create('kept', packageOf({ 'index.mjs': 'export const handler = async () => 1;' }));
    expect(created.status).toBe(201);
    const update = await signedCall(t, {
      service: 'lambda', method: 'PUT', path: '/2015-03-31/functions/kept/code', contentType: 'application/json',
      body: JSON.stringify({ ZipFile: Buffer.from(packageOf({ '../evil.js': 'x' })).toString('base64') }),
    });
    expect(update.status).toBe(400);
    expect(update.headers.get('x-amzn-errortype')).toContain('InvalidParameterValueException');
    const found = await get('kept');
    expect((found.json()['Configuration'] as Record<string, unknown>)['CodeSha256']).toBe(created.json()['CodeSha256']);
  });
});

describe('the packages and unpacked code in the data directory follow the stored functions', () => {
  let d: RunningTwin;
  beforeAll(async () => {
    d = await startTwin({ empty: true });
  });
  afterAll(async () => {
    await d?.close();
  });

  const call = (method: string, path: string, body?: unknown) =>
    signedCall(d, { service: 'lambda', method, path: `/2015-03-31/functions${path}`, contentType: 'application/json', ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const createIn = (name: string, zip: Uint8Array, runtime = 'nodejs20.x') =>
    call('POST', '', { FunctionName: name, Runtime: runtime, Role: 'arn:aws:iam::123456789012:role/fn', Handler: 'index.handler', Code: { ZipFile: Buffer.from(zip).toString('base64') } });
  const codeOf = (res: { json: () => Record<string, unknown> }) => `${Buffer.from(String(res.json()['CodeSha256']), 'base64').toString('hex')}.zip`;
  /** The packages kept in lambda-code/, and the code the runtime has unpacked for a function (lambda/<name>/<hash>). */
  const kept = () => (existsSync(join(d.dataDir, 'lambda-code')) ? readdirSync(join(d.dataDir, 'lambda-code')).sort() : []);
  const unpacked = (name: string) => (existsSync(join(d.dataDir, 'lambda', name)) ? readdirSync(join(d.dataDir, 'lambda', name)).filter((e) => /^[0-9a-f]{16}$/.test(e)) : []);
  const handlerReturning = (x: number) => packageOf({ 'index.mjs': `export const handler = async () => ${x};` });

  it('keeps no package for a create Lambda refuses (a zip-slip entry, a runtime it does not run)', async () => {
    expect((await createIn('slip', packageOf({ '../evil.js': 'x' }))).status).toBe(400);
    expect((await createIn('python', handlerReturning(1), 'python3.12')).status).toBe(400);
    expect(kept()).toEqual([]);
    expect(unpacked('slip')).toEqual([]);
  });

  it('keeps only the current package: UpdateFunctionCode lets the replaced one go, DeleteFunction the last', async () => {
    const first = await createIn('follows', handlerReturning(1));
    expect(first.status).toBe(201);
    expect(kept()).toEqual([codeOf(first)]);
    const update = await call('PUT', '/follows/code', { ZipFile: Buffer.from(handlerReturning(2)).toString('base64') });
    expect(update.status).toBe(200);
    expect(kept()).toEqual([codeOf(update)]);
    expect((await call('DELETE', '/follows')).status).toBe(204);
    expect(kept()).toEqual([]);
    expect(unpacked('follows')).toEqual([]);
  });

  it('answers a committed change as it succeeded when a stray entry in lambda-code/ cannot be deleted (a folder), and keeps it', async () => {
    mkdirSync(join(d.dataDir, 'lambda-code', 'stray.zip'), { recursive: true });
    writeFileSync(join(d.dataDir, 'lambda-code', 'stray.zip', 'inside'), 'x');
    const res = await createIn('beside-stray', handlerReturning(4));
    expect(res.status).toBe(201);
    expect(kept()).toEqual([codeOf(res), 'stray.zip'].sort());
    expect((await call('DELETE', '/beside-stray')).status).toBe(204);
    expect(kept()).toEqual(['stray.zip']);
    rmSync(join(d.dataDir, 'lambda-code', 'stray.zip'), { recursive: true, force: true });
  });

  // The store's write lock held by another connection: the twin's write fails once its busy timeout (5 s) is over,
  // a real SQLite failure after the runtime has taken the code.
  function withStoreLocked<T>(run: () => Promise<T>): Promise<T> {
    const other = new Database(join(d.dataDir, STORE_FILE));
    other.exec('BEGIN IMMEDIATE');
    return run().finally(() => {
      other.exec('ROLLBACK');
      other.close();
    });
  }

  it('runs nothing the store did not keep: a CreateFunction whose save fails leaves no function, package or unpacked code', async () => {
    const res = await withStoreLocked(() => createIn('unsaved', handlerReturning(3)));
    expect(res.status).toBe(500);
    expect(res.text).not.toMatch(/\bat \S+ \(|SQLITE/);
    expect((await call('GET', '/unsaved')).status).toBe(404);
    expect(kept()).toEqual([]);
    expect(unpacked('unsaved')).toEqual([]);
  }, 20_000);

  it('runs the code the store kept: an UpdateFunctionCode whose save fails leaves the function on its old code', async () => {
    const created = await createIn('stays', handlerReturning(4));
    expect(created.status).toBe(201);
    const before = unpacked('stays');
    expect(before).toHaveLength(1);
    const res = await withStoreLocked(() => call('PUT', '/stays/code', { ZipFile: Buffer.from(handlerReturning(5)).toString('base64') }));
    expect(res.status).toBe(500);
    const found = await call('GET', '/stays');
    expect((found.json()['Configuration'] as Record<string, unknown>)['CodeSha256']).toBe(created.json()['CodeSha256']);
    expect(kept()).toEqual([codeOf(created)]);
    expect(unpacked('stays')).toEqual(before);
  }, 20_000);
});
