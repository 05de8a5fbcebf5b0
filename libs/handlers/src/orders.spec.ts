import { handler } from './orders';
import { accessTokenClaims, lambdaContext, proxyEvent, SUB } from './test-support/proxy-event';

const JSON_TYPE = { 'Content-Type': 'application/json' };

interface PostOptions {
  readonly headers?: Record<string, string>;
  readonly isBase64Encoded?: boolean;
  readonly claims?: Record<string, unknown> | null;
}

async function post(body: string | null, options: PostOptions = {}) {
  const event = proxyEvent({
    method: 'POST',
    resource: '/orders',
    headers: options.headers ?? JSON_TYPE,
    body,
    isBase64Encoded: options.isBase64Encoded,
    claims: options.claims === undefined ? accessTokenClaims() : options.claims,
  });
  const result = await handler(event, lambdaContext());
  return { ...result, json: JSON.parse(result.body) as Record<string, unknown> };
}

const postJson = (value: unknown, options?: PostOptions) => post(JSON.stringify(value), options);

describe('POST /orders', () => {
  let warn: jest.SpyInstance;
  let error: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => {
    warn.mockRestore();
    error.mockRestore();
    jest.restoreAllMocks();
  });

  describe('a good order', () => {
    it('answers 201 with the order, its location and its creator', async () => {
      const before = Date.now();
      const res = await postJson({ item: '  Blue widget ', quantity: 3, note: 'Leave at the door' });
      expect(res.statusCode).toBe(201);
      expect(res.json).toEqual({
        id: expect.stringMatching(/^ord_[a-z2-7]{20}$/),
        item: 'Blue widget',
        quantity: 3,
        note: 'Leave at the door',
        status: 'received',
        createdAt: expect.any(String),
        createdBy: SUB,
      });
      expect(res.headers).toEqual({ 'content-type': 'application/json', 'cache-control': 'no-store', location: `/orders/${String(res.json['id'])}` });
      const createdAt = String(res.json['createdAt']);
      expect(new Date(createdAt).toISOString()).toBe(createdAt);
      expect(Date.parse(createdAt)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(createdAt)).toBeLessThanOrEqual(Date.now());
    });

    it('leaves note out when the request has none', async () => {
      const res = await postJson({ item: 'Widget', quantity: 1 });
      expect(res.statusCode).toBe(201);
      expect(Object.keys(res.json).sort()).toEqual(['createdAt', 'createdBy', 'id', 'item', 'quantity', 'status']);
    });

    it('gives each order its own id', async () => {
      const ids = new Set<unknown>();
      for (let i = 0; i < 20; i++) ids.add((await postJson({ item: 'Widget', quantity: 1 })).json['id']);
      expect(ids.size).toBe(20);
    });

    it.each([
      ['the smallest quantity and a one-character item', { item: 'x', quantity: 1 }],
      ['the largest quantity', { item: 'Widget', quantity: 1000 }],
      ['a 100-character item', { item: 'i'.repeat(100), quantity: 2 }],
      ['a 500-character note', { item: 'Widget', quantity: 2, note: 'n'.repeat(500) }],
      ['an empty note', { item: 'Widget', quantity: 2, note: '' }],
      ['an item of 100 emoji (characters, not UTF-16 units)', { item: '📦'.repeat(100), quantity: 2 }],
    ])('accepts %s', async (_label, body) => {
      expect((await postJson(body)).statusCode).toBe(201);
    });

    it('reads a base64-encoded body', async () => {
      const body = Buffer.from(JSON.stringify({ item: 'Grüner Tee', quantity: 2 }), 'utf8').toString('base64');
      const res = await post(body, { isBase64Encoded: true });
      expect(res.statusCode).toBe(201);
      expect(res.json).toMatchObject({ item: 'Grüner Tee', quantity: 2 });
    });

    it.each([['content-type'], ['CONTENT-TYPE'], ['Content-Type']])('finds the %s header whatever its case', async (name) => {
      const res = await postJson({ item: 'Widget', quantity: 1 }, { headers: { [name]: 'application/json' } });
      expect(res.statusCode).toBe(201);
    });

    it('accepts application/json with parameters', async () => {
      const res = await postJson({ item: 'Widget', quantity: 1 }, { headers: { 'content-type': 'Application/JSON; charset=utf-8' } });
      expect(res.statusCode).toBe(201);
    });
  });

  describe('field rules', () => {
    it.each([
      ['item missing', { quantity: 1 }, 'item is required: a string of 1 to 100 characters.'],
      ['item not a string', { item: 42, quantity: 1 }, 'item must be a string of 1 to 100 characters (got 42).'],
      ['item null', { item: null, quantity: 1 }, 'item must be a string of 1 to 100 characters (got null).'],
      ['item empty', { item: '', quantity: 1 }, 'item must not be blank: a string of 1 to 100 characters (got "").'],
      ['item blank', { item: '   ', quantity: 1 }, 'item must not be blank: a string of 1 to 100 characters (got "   ").'],
      ['item too long', { item: 'i'.repeat(101), quantity: 1 }, 'item must be a string of 1 to 100 characters (got 101 characters).'],
      ['quantity missing', { item: 'Widget' }, 'quantity is required: an integer from 1 to 1000.'],
      ['quantity a string', { item: 'Widget', quantity: '3' }, 'quantity must be an integer from 1 to 1000 (got "3").'],
      ['quantity a fraction', { item: 'Widget', quantity: 1.5 }, 'quantity must be an integer from 1 to 1000 (got 1.5).'],
      ['quantity zero', { item: 'Widget', quantity: 0 }, 'quantity must be an integer from 1 to 1000 (got 0).'],
      ['quantity negative', { item: 'Widget', quantity: -1 }, 'quantity must be an integer from 1 to 1000 (got -1).'],
      ['quantity too large', { item: 'Widget', quantity: 1001 }, 'quantity must be an integer from 1 to 1000 (got 1001).'],
      ['quantity a boolean', { item: 'Widget', quantity: true }, 'quantity must be an integer from 1 to 1000 (got true).'],
      ['quantity null', { item: 'Widget', quantity: null }, 'quantity must be an integer from 1 to 1000 (got null).'],
      ['note not a string', { item: 'Widget', quantity: 1, note: 5 }, 'note must be a string of at most 500 characters (got 5).'],
      ['note null', { item: 'Widget', quantity: 1, note: null }, 'note must be a string of at most 500 characters (got null).'],
      ['note too long', { item: 'Widget', quantity: 1, note: 'n'.repeat(501) }, 'note must be a string of at most 500 characters (got 501 characters).'],
      ['an unknown field', { item: 'Widget', quantity: 1, colour: 'blue' }, 'Unknown field "colour": the allowed fields are item, quantity and note.'],
      ['an unknown field named __proto__', JSON.parse('{"item":"Widget","quantity":1,"__proto__":{}}'), 'Unknown field "__proto__": the allowed fields are item, quantity and note.'],
    ])('refuses %s with 400 naming the field', async (_label, body, message) => {
      const res = await postJson(body);
      expect(res.statusCode).toBe(400);
      expect(res.json).toEqual({ message });
      expect(res.headers['content-type']).toBe('application/json');
    });

    it('refuses a large quantity given as 1e400 (Infinity) with 400', async () => {
      const res = await post('{"item":"Widget","quantity":1e400}');
      expect(res.statusCode).toBe(400);
      expect(res.json['message']).toBe('quantity must be an integer from 1 to 1000 (got Infinity).');
    });

    it('describes a long string instead of echoing it', async () => {
      const res = await postJson({ item: 'Widget', quantity: 'x'.repeat(5000) });
      expect(res.json['message']).toBe('quantity must be an integer from 1 to 1000 (got a string of 5000 characters).');
    });

    it.each([
      ['an array', [{ item: 'Widget', quantity: 1 }], 'The request body must be a JSON object (got an array).'],
      ['a string', 'Widget', 'The request body must be a JSON object (got "Widget").'],
      ['null', null, 'The request body must be a JSON object (got null).'],
      ['a number', 7, 'The request body must be a JSON object (got 7).'],
    ])('refuses a body that is %s with 400', async (_label, body, message) => {
      const res = await postJson(body);
      expect(res.statusCode).toBe(400);
      expect(res.json).toEqual({ message });
    });
  });

  describe('the body and its type', () => {
    it.each([
      ['not JSON', '{"item": "Widget", "quantity": 1'],
      ['text', 'item=Widget&quantity=1'],
    ])('refuses a body that is %s with 400', async (_label, body) => {
      const res = await post(body);
      expect(res.statusCode).toBe(400);
      expect(res.json).toEqual({ message: 'The request body is not valid JSON.' });
    });

    it('refuses base64 that does not decode to UTF-8 JSON with 400', async () => {
      const res = await post(Buffer.from([0xff, 0xfe, 0x7b]).toString('base64'), { isBase64Encoded: true });
      expect(res.statusCode).toBe(400);
      expect(res.json).toEqual({ message: 'The request body is not valid JSON.' });
    });

    it('does not decode a body that is not marked base64', async () => {
      const res = await post(Buffer.from(JSON.stringify({ item: 'Widget', quantity: 1 })).toString('base64'));
      expect(res.statusCode).toBe(400);
      expect(res.json).toEqual({ message: 'The request body is not valid JSON.' });
    });

    it.each([
      ['null', null],
      ['empty', ''],
      ['whitespace', '  \n'],
    ])('refuses a missing body (%s) with 400', async (_label, body) => {
      const res = await post(body);
      expect(res.statusCode).toBe(400);
      expect(res.json).toEqual({ message: 'The request body is missing: send a JSON object with item and quantity.' });
    });

    it.each([
      ['text/plain', { 'Content-Type': 'text/plain' }],
      ['form data', { 'content-type': 'application/x-www-form-urlencoded' }],
      ['a JSON look-alike', { 'content-type': 'application/json-patch+json' }],
      ['no content type', {}],
    ])('refuses %s with 415', async (_label, headers) => {
      const res = await postJson({ item: 'Widget', quantity: 1 }, { headers });
      expect(res.statusCode).toBe(415);
      expect(res.json).toEqual({ message: 'Content-Type must be application/json.' });
    });
  });

  describe('the caller', () => {
    it('answers 401 and logs one line when the route has no authorizer', async () => {
      const res = await postJson({ item: 'Widget', quantity: 1 }, { claims: null });
      expect(res.statusCode).toBe(401);
      expect(res.json).toEqual({ message: 'Unauthorized' });
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/^POST \/orders has no Cognito user pools authorizer/);
    });

    it('records the sub of an ID token too', async () => {
      const res = await postJson({ item: 'Widget', quantity: 1 }, { claims: { sub: 'another-sub', token_use: 'id' } });
      expect(res.json['createdBy']).toBe('another-sub');
    });
  });

  it('answers a fault of its own with a bare 500 and logs the cause', async () => {
    jest.spyOn(Date.prototype, 'toISOString').mockImplementation(() => {
      throw new Error('clock broke');
    });
    const res = await postJson({ item: 'Widget', quantity: 1 });
    expect(res.statusCode).toBe(500);
    expect(res.json).toEqual({ message: 'Internal server error.' });
    expect(res.body).not.toMatch(/clock broke|at /);
    expect(error).toHaveBeenCalledTimes(1);
    expect(String(error.mock.calls[0]?.[0])).toContain('clock broke');
  });
});
