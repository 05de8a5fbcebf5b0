// Lambda's CreateFunction through the control plane, as the AWS provider sends it (REST-JSON, Code.ZipFile in base64):
// a package Lambda refuses answers InvalidParameterValueException and leaves no function behind.
// https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html
import { zipSync, strToU8 } from 'fflate';
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
