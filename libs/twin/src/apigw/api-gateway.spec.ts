import Fastify, { type FastifyInstance } from 'fastify';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import type { TwinContext } from '../contracts';
import type { StackModel } from '../stack/stack-model';
import { buildApiGateway, type ApiGatewayOptions, type ApiGatewayTwin } from './api-gateway';
import { gatewayContext, type FakePool, type FixtureOptions, type TestClock } from '../test-support';

interface Running {
  app: FastifyInstance;
  ctx: TwinContext & { stack: StackModel };
  base: string;
  twin: ApiGatewayTwin;
  pool: FakePool;
  other: FakePool;
  clock: TestClock;
  lines: string[];
  apiId: string;
  url: (path: string) => string;
}

async function start(fixture: FixtureOptions = {}, options: ApiGatewayOptions = {}): Promise<Running> {
  const { ctx, pool, other, clock } = await gatewayContext(fixture);
  const lines: string[] = [];
  const twin = buildApiGateway(ctx, { accessLog: (l) => lines.push(l), ...options });
  const app = Fastify();
  await app.register(twin.plugin());
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  ctx.setBase(base);
  const apiId = twin.apis()[0].id;
  return { app, ctx, base, twin, pool, other, clock, lines, apiId, url: (path) => `${base}/${apiId}/dev${path}` };
}

async function call(url: string, init: RequestInit = {}) {
  const res = await fetch(url, init);
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json: json as Record<string, unknown> };
}

const auth = (token: string) => ({ headers: { Authorization: token } });

interface Seen {
  method?: string;
  url?: string;
  headers: IncomingMessage['headers'];
  body: string;
}

describe('API Gateway twin over HTTP', () => {
  let backend: Server;
  let backendUrl: string;
  const seen: Seen[] = [];
  let run: Running;

  beforeAll(async () => {
    backend = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() });
        if (req.url?.startsWith('/svc/slow')) {
          setTimeout(() => res.end('late'), 1500).unref();
          return;
        }
        res.writeHead(201, { 'content-type': 'text/plain', 'x-backend': 'yes', 'set-cookie': ['a=1', 'b=2'] });
        res.end(`backend saw ${req.method} ${req.url}`);
      });
    });
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
    run = await start({ backendUrl, backendTimeoutMs: 300, methodThrottle: { 'items/special/GET': [1, 2] } });
  });

  afterAll(async () => {
    await run?.app.close();
    backend.closeAllConnections();
    await new Promise<void>((resolve) => backend.close(() => resolve()));
  });

  describe('stack attributes', () => {
    it('registers the stage invoke URL as Terraform computes it, and serves the stage under the twin base URL', () => {
      expect(run.apiId).toMatch(/^[a-z0-9]{10}$/);
      expect(run.ctx.stack.resolve('${aws_api_gateway_stage.Dev.invoke_url}', 'test')).toBe(`https://${run.apiId}.execute-api.eu-west-1.amazonaws.com/dev`);
      expect(run.twin.apis()[0].stages[0]).toMatchObject({ name: 'dev', invokeUrl: `${run.base}/${run.apiId}/dev`, userRequestUrl: `${run.base}/restapis/${run.apiId}/dev/_user_request_` });
    });

    it('lists the routes of each API', () => {
      expect(run.twin.apis()[0].routes).toEqual(
        expect.arrayContaining([
          { httpMethod: 'GET', path: '/public', authorization: 'NONE', scopes: [], integration: 'MOCK' },
          { httpMethod: 'GET', path: '/scoped', authorization: 'COGNITO_USER_POOLS', scopes: ['api/read', 'api/admin'], integration: 'MOCK' },
          { httpMethod: 'ANY', path: '/backend/{proxy+}', authorization: 'NONE', scopes: [], integration: 'HTTP_PROXY' },
        ]),
      );
    });
  });

  describe('public routes and responses', () => {
    it('serves a public MOCK route with its template, static headers and API Gateway headers', async () => {
      const r = await call(run.url('/public'));
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ message: 'hello from a public route', requestId: r.headers.get('x-amzn-requestid') });
      expect(r.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.headers.get('x-route')).toBe('PublicGet');
      expect(r.headers.get('content-type')).toBe('application/json');
      expect(r.headers.get('x-amzn-trace-id')).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
      expect(r.headers.get('x-amzn-errortype')).toBeNull();
    });

    it('serves the same stage under /restapis/<id>/<stage>/_user_request_', async () => {
      const r = await call(`${run.base}/restapis/${run.apiId}/dev/_user_request_/public`);
      expect(r.status).toBe(200);
      expect(r.json['message']).toBe('hello from a public route');
    });

    it('serves the root resource', async () => {
      expect((await call(run.url('/'))).json).toEqual({ route: 'root' });
      expect((await call(run.url(''))).json).toEqual({ route: 'root' });
    });

    it.each([
      ['an unknown method on a known resource', 'POST', '/public'],
      ['an unknown stage', 'GET', '/../prod/public'],
      ['the API without a stage', 'GET', '/..'],
    ])('answers 403 Missing Authentication Token for %s', async (_what, method, path) => {
      const url = path.startsWith('/..') ? `${run.base}/${run.apiId}${path.slice(3)}` : run.url(path);
      const r = await call(url, { method });
      expect(r.status).toBe(403);
      expect(r.json).toEqual({ message: 'Missing Authentication Token' });
      expect(r.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
      expect(r.headers.get('x-amzn-requestid')).toBeTruthy();
    });

    it('answers 403 for an unknown API under /restapis and for a long-form URL without _user_request_', async () => {
      expect((await call(`${run.base}/restapis/zzzzzzzzzz/dev/_user_request_/public`)).status).toBe(403);
      expect((await call(`${run.base}/restapis/${run.apiId}/dev/public`)).json).toEqual({ message: 'Missing Authentication Token' });
    });

    it('routes static before variable before greedy, and selects the integration response by status', async () => {
      expect((await call(run.url('/items/special'))).json).toEqual({ route: 'special' });
      expect((await call(run.url('/nothing/here'), { method: 'DELETE' })).json).toEqual({ route: 'greedy', proxy: 'nothing/here', method: 'DELETE' });
      const token = await run.pool.idToken(run.clock);
      const ok = await call(run.url('/items/42?code=200&q=x'), auth(token));
      expect(ok.status).toBe(200);
      expect(ok.json).toEqual({ route: 'item', id: '42', q: 'x' });
      const missing = await call(run.url('/items/7?code=404'), auth(token));
      expect(missing.status).toBe(404);
      expect(missing.json).toEqual({ message: 'no item 7' });
    });

    it('falls back to the integration response without a selection pattern', async () => {
      const r = await call(run.url('/items/7?code=302'), auth(await run.pool.idToken(run.clock)));
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ route: 'item', id: '7', q: '' });
    });
  });

  describe('Cognito authorizer', () => {
    it('refuses a call without a token: 401 Unauthorized', async () => {
      const r = await call(run.url('/items'));
      expect(r.status).toBe(401);
      expect(r.json).toEqual({ message: 'Unauthorized' });
      expect(r.headers.get('x-amzn-errortype')).toBe('UnauthorizedException');
    });

    it('accepts the ID token, raw or as Bearer, and passes its claims as strings', async () => {
      const token = await run.pool.idToken(run.clock);
      for (const value of [token, `Bearer ${token}`]) {
        const r = await call(run.url('/items'), auth(value));
        expect(r.status).toBe(200);
        expect(r.json).toEqual({ route: 'items', sub: 'b1c2d3e4-0000-4000-8000-000000000001', email: 'demo@example.com', groups: 'admins,users', verified: 'true', exp: String(run.clock.seconds + 3600) });
      }
    });

    it('refuses an access token on a method without scopes', async () => {
      expect((await call(run.url('/items'), auth(await run.pool.accessToken(run.clock, 'api/read')))).status).toBe(401);
    });

    it('accepts an access token holding a method scope, refuses others', async () => {
      const ok = await call(run.url('/scoped'), auth(await run.pool.accessToken(run.clock, 'openid api/read')));
      expect(ok.status).toBe(200);
      expect(ok.json).toEqual({ route: 'scoped', client: 'client123', scope: 'openid api/read' });
      expect((await call(run.url('/scoped'), auth(await run.pool.accessToken(run.clock, 'openid')))).status).toBe(401);
      expect((await call(run.url('/scoped'), auth(await run.pool.idToken(run.clock)))).status).toBe(401);
    });

    it('answers "The incoming token has expired" for an expired token', async () => {
      const r = await call(run.url('/items'), auth(await run.pool.idToken(run.clock, { exp: run.clock.seconds - 1 })));
      expect(r.status).toBe(401);
      expect(r.json).toEqual({ message: 'The incoming token has expired' });
    });

    it('refuses a token of another pool, a tampered token and garbage', async () => {
      const tampered = (await run.pool.idToken(run.clock)).replace(/\.(.)/, (_m, c: string) => `.${c === 'e' ? 'f' : 'e'}`);
      for (const value of [await run.other.idToken(run.clock), tampered, 'Bearer', 'x.y.z', 'Bearer a.b.c.d.e', '{"alg":"none"}']) {
        const r = await call(run.url('/items'), auth(value));
        expect(r.status).toBe(401);
        expect(r.json).toEqual({ message: 'Unauthorized' });
      }
    });

    it('refuses a token naming a key URL without fetching it', async () => {
      const before = seen.length;
      const token = await run.pool.idToken(run.clock, {}, { jku: `${backendUrl}/svc/jwks.json`, x5u: `${backendUrl}/svc/cert.pem` });
      expect((await call(run.url('/items'), auth(token))).status).toBe(401);
      expect(seen.length).toBe(before);
    });

    it('answers 431 for headers over 10,240 bytes, before looking at the token', async () => {
      const r = await call(run.url('/items'), { headers: { Authorization: `Bearer ${'a'.repeat(11_000)}` } });
      expect(r.status).toBe(431);
      expect(r.json).toEqual({ message: 'Request Header Fields Too Large' });
      expect((await call(run.url('/public'), { headers: { 'x-pad': 'p'.repeat(10_300) } })).status).toBe(431);
    });
  });

  describe('throttling', () => {
    it('answers 429 Too Many Requests when the method bucket is empty, and refills with time', async () => {
      run.clock.advance(10_000);
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await call(run.url('/items/special'))).status);
      expect(statuses).toEqual([200, 200, 429]);
      const r = await call(run.url('/items/special'));
      expect(r.json).toEqual({ message: 'Too Many Requests' });
      expect(r.headers.get('x-amzn-errortype')).toBe('TooManyRequestsException');
      expect((await call(run.url('/public'))).status).toBe(200);
      run.clock.advance(1000);
      expect((await call(run.url('/items/special'))).status).toBe(200);
    });
  });

  describe('HTTP_PROXY', () => {
    it('passes method, path, query, headers and body through, and the answer back', async () => {
      const r = await call(run.url('/backend/a/b%20c?x=1&x=2&y=z'), {
        method: 'POST',
        headers: { 'content-type': 'application/xml', 'x-custom': 'kept', Authorization: 'anything' },
        body: '<a>1</a>',
      });
      expect(r.status).toBe(201);
      expect(r.text).toBe('backend saw POST /svc/a/b%20c?x=1&x=2&y=z');
      expect(r.headers.get('x-backend')).toBe('yes');
      expect(r.headers.get('x-amzn-requestid')).toBeTruthy();
      const got = seen[seen.length - 1];
      expect(got).toMatchObject({ method: 'POST', url: '/svc/a/b%20c?x=1&x=2&y=z', body: '<a>1</a>' });
      expect(got.headers).toMatchObject({ 'content-type': 'application/xml', 'x-custom': 'kept', authorization: 'anything', 'x-stage': 'dev' });
      expect(got.headers.host).toBe(new URL(backendUrl).host);
    });

    it('answers 504 when the backend does not answer within the integration timeout', async () => {
      const r = await call(run.url('/backend/slow'));
      expect(r.status).toBe(504);
      expect(r.json).toEqual({ message: 'Endpoint request timed out' });
    });

    it('answers 502 when the backend cannot be reached', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const dead = await start({ backendUrl: `http://127.0.0.1:${port}` });
      try {
        const r = await call(dead.url('/backend/x'));
        expect(r.status).toBe(502);
        expect(r.json).toEqual({ message: 'Internal server error' });
        expect(r.headers.get('x-amzn-errortype')).toBe('InternalServerErrorException');
      } finally {
        await dead.app.close();
      }
    });
  });

  describe('AWS_PROXY', () => {
    it('answers 500 naming the function the twin does not have', async () => {
      const r = await call(run.url('/lambda'), auth(await run.pool.idToken(run.clock)));
      expect(r.status).toBe(500);
      expect(String(r.json['message'])).toMatch(/No Lambda function fixture-fn in the twin: deploy it \(aws_lambda_function\), or map a local handler to it/);
    });

    it('calls a mapped local handler with a proxy event and maps its result', async () => {
      const events: Record<string, unknown>[] = [];
      const withHandler = await start({}, {
        lambdaHandlers: {
          'fixture-fn': async (event) => {
            events.push(event);
            return { statusCode: 202, headers: { 'X-Fn': 'local' }, body: JSON.stringify({ got: event['body'] }) };
          },
        },
      });
      try {
        const r = await call(withHandler.url('/lambda?a=1'), { method: 'PUT', body: 'payload', headers: { Authorization: await withHandler.pool.idToken(withHandler.clock) } });
        expect(r.status).toBe(202);
        expect(r.json).toEqual({ got: 'payload' });
        expect(r.headers.get('x-fn')).toBe('local');
        expect(events[0]).toMatchObject({
          resource: '/lambda',
          path: '/lambda',
          httpMethod: 'PUT',
          queryStringParameters: { a: '1' },
          isBase64Encoded: false,
          requestContext: { stage: 'dev', resourcePath: '/lambda', authorizer: { claims: { email: 'demo@example.com', email_verified: 'true' } } },
        });
      } finally {
        await withHandler.app.close();
      }
    });

    it('hands each invocation its own event: a handler editing the claims cannot reach the next call', async () => {
      const groups: unknown[] = [];
      const withHandler = await start(
        { authorizerTtl: 0 },
        {
          lambdaHandlers: {
            'fixture-fn': (event) => {
              const claims = ((event['requestContext'] as Record<string, Record<string, Record<string, unknown>>>)['authorizer'])['claims'];
              groups.push(claims['email']);
              claims['email'] = 'edited@example.com';
              return { statusCode: 200, body: '{}' };
            },
          },
        },
      );
      try {
        const token = await withHandler.pool.idToken(withHandler.clock);
        for (let i = 0; i < 2; i++) expect((await call(withHandler.url('/lambda'), auth(token))).status).toBe(200);
        expect(groups).toEqual(['demo@example.com', 'demo@example.com']);
      } finally {
        await withHandler.app.close();
      }
    });

    it('answers 502 for a malformed handler result', async () => {
      const bad = await start({}, { lambdaHandlers: { 'fixture-fn': () => 'not a proxy result' } });
      try {
        const r = await call(bad.url('/lambda'), auth(await bad.pool.idToken(bad.clock)));
        expect(r.status).toBe(502);
        expect(r.json).toEqual({ message: 'Internal server error' });
      } finally {
        await bad.app.close();
      }
    });
    it('answers 502 for a handler result with a header HTTP cannot carry, and keeps serving', async () => {
      const bad = await start({}, { lambdaHandlers: { 'fixture-fn': () => ({ statusCode: 200, headers: { 'x-note': 'line\nbreak' }, body: '{}' }) } });
      try {
        const token = await bad.pool.idToken(bad.clock);
        const r = await call(bad.url('/lambda'), auth(token));
        expect(r.status).toBe(502);
        expect(r.json).toEqual({ message: 'Internal server error' });
        expect((await call(bad.url('/public'))).status).toBe(200);
      } finally {
        await bad.app.close();
      }
    });
  });

  describe('access log', () => {
    it("writes one line per request in the stage's format", async () => {
      run.lines.length = 0;
      const token = await run.pool.idToken(run.clock);
      const ok = await call(run.url('/items'), auth(token));
      const denied = await call(run.url('/items'));
      const unknown = await call(run.url('/public'), { method: 'PATCH' });
      await new Promise((r) => setImmediate(r));
      expect(run.lines).toHaveLength(3);
      const [a, b, c] = run.lines.map((l) => JSON.parse(l) as Record<string, string>);
      expect(a).toEqual({ requestId: ok.headers.get('x-amzn-requestid'), ip: '127.0.0.1', method: 'GET', path: '/dev/items', resourcePath: '/items', status: '200', length: String(ok.text.length), error: '-', sub: 'b1c2d3e4-0000-4000-8000-000000000001' });
      expect(b).toMatchObject({ requestId: denied.headers.get('x-amzn-requestid'), status: '401', error: 'UNAUTHORIZED', sub: '-' });
      expect(c).toMatchObject({ requestId: unknown.headers.get('x-amzn-requestid'), status: '403', error: 'MISSING_AUTHENTICATION_TOKEN', resourcePath: '-' });
    });
  });
});

describe('gateway responses declared in the stack', () => {
  let run: Running;

  beforeAll(async () => {
    run = await start(
      {
        methodThrottle: { 'public/GET': [0, 0] },
        gatewayResponses: {
          UNAUTHORIZED: {
            status_code: '401',
            response_parameters: { 'gatewayresponse.header.WWW-Authenticate': "'Bearer'", 'gatewayresponse.header.X-Echo': 'method.request.header.x-echo' },
            response_templates: { 'application/json': '{"error":$context.error.messageString,"type":"$context.error.responseType","requestId":"$context.requestId"}' },
          },
          MISSING_AUTHENTICATION_TOKEN: { status_code: '404', response_templates: { 'application/json': '{"message":"Not Found"}' } },
          DEFAULT_4XX: { response_parameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': "'https://app.example'" } },
        },
      },
      { bodyLimit: 1024 },
    );
  });

  afterAll(() => run?.app.close());

  it('overrides status, headers and template of a response type', async () => {
    const r = await call(run.url('/items'), { headers: { 'x-echo': 'echoed' } });
    expect(r.status).toBe(401);
    expect(r.json).toEqual({ error: 'Unauthorized', type: 'UNAUTHORIZED', requestId: r.headers.get('x-amzn-requestid') });
    expect(r.headers.get('www-authenticate')).toBe('Bearer');
    expect(r.headers.get('x-echo')).toBe('echoed');
    expect(r.headers.get('x-amzn-errortype')).toBe('UnauthorizedException');
    const expired = await call(run.url('/items'), auth(await run.pool.idToken(run.clock, { exp: run.clock.seconds - 5 })));
    expect(expired.json['error']).toBe('The incoming token has expired');
  });

  it('uses the declared status for unknown routes', async () => {
    const r = await call(run.url('/public'), { method: 'PUT' });
    expect(r.status).toBe(404);
    expect(r.json).toEqual({ message: 'Not Found' });
  });

  it('applies DEFAULT_4XX to types the stack does not declare', async () => {
    const r = await call(run.url('/public'));
    expect(r.status).toBe(429);
    expect(r.json).toEqual({ message: 'Too Many Requests' });
    expect(r.headers.get('access-control-allow-origin')).toBe('https://app.example');
  });

  it('answers 500 when a declared response header cannot travel over HTTP, and keeps serving', async () => {
    const bad = await start({ gatewayResponses: { UNAUTHORIZED: { response_parameters: { 'gatewayresponse.header.X-Note': "'checked \u2713'" } } } });
    try {
      const r = await call(bad.url('/scoped'));
      expect(r.status).toBe(500);
      expect(r.json).toEqual({ message: 'Internal server error' });
      expect(r.headers.get('x-amzn-errortype')).toBe('InternalServerErrorException');
      expect((await call(bad.url('/public'))).status).toBe(200);
    } finally {
      await bad.app.close();
    }
  });

  it('answers 413 Request Too Long for a body over the limit', async () => {
    const r = await call(run.url('/anything'), { method: 'POST', body: 'x'.repeat(2048), headers: { 'content-type': 'text/plain' } });
    expect(r.status).toBe(413);
    expect(r.json).toEqual({ message: 'Request Too Long' });
    expect(r.headers.get('x-amzn-requestid')).toBeTruthy();
  });
});

describe('API calls served ahead of Fastify (serve)', () => {
  let server: Server;
  let base: string;
  let url: (path: string) => string;

  beforeAll(async () => {
    const { ctx } = await gatewayContext();
    const twin = buildApiGateway(ctx, { accessLog: () => undefined, bodyLimit: 1024 });
    server = createServer((req, res) => {
      if (twin.serve(req, res)) return;
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('fallback');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    ctx.setBase(base);
    const apiId = twin.apis()[0].id;
    url = (path) => `${base}/${apiId}/dev${path}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** Sends raw bytes on one connection and collects what comes back until `done` says so (or 5 s pass). */
  function raw(bytes: string, done: (text: string) => boolean, opts: { leaveEarly?: boolean } = {}): Promise<string> {
    const { port } = server.address() as AddressInfo;
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(bytes);
        if (opts.leaveEarly) {
          clearTimeout(timer);
          socket.destroy();
          resolve('');
        }
      });
      let text = '';
      const timer: NodeJS.Timeout = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no complete answer; got ${JSON.stringify(text)}`));
      }, 5000);
      socket.on('data', (chunk) => {
        text += chunk.toString('latin1');
        if (done(text)) {
          clearTimeout(timer);
          socket.destroy();
          resolve(text);
        }
      });
      socket.on('error', (err) => {
        clearTimeout(timer);
        if (!opts.leaveEarly) reject(err);
      });
    });
  }

  it('answers exactly as the plugin does', async () => {
    const r = await call(url('/public'));
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ message: 'hello from a public route', requestId: r.headers.get('x-amzn-requestid') });
    expect(r.headers.get('x-route')).toBe('PublicGet');
    expect(r.headers.get('content-type')).toBe('application/json');
    expect((await call(url('/scoped'))).json).toEqual({ message: 'Unauthorized' });
  });

  it('gives each of 60 concurrent calls its own answer (answers are written together once per event-loop turn)', async () => {
    const calls = Array.from({ length: 60 }, (_, i) =>
      i % 3 === 0 ? { path: `/item-${i}`, method: 'GET', status: 200 } : i % 3 === 1 ? { path: '/scoped', method: 'GET', status: 401 } : { path: '/public', method: 'DELETE', status: 403 },
    );
    const answers = await Promise.all(calls.map((c) => call(url(c.path), { method: c.method })));
    answers.forEach((r, i) => {
      expect(r.status).toBe(calls[i].status);
      if (r.status === 200) expect(r.json).toEqual({ route: 'greedy', proxy: calls[i].path.slice(1), method: 'GET' });
    });
    expect(new Set(answers.map((r) => r.headers.get('x-amzn-requestid'))).size).toBe(60);
    // A correctness test, not a timed one: on 2 cores shared with the rest of CI, 60 connections can take seconds.
  }, 30_000);

  it('answers pipelined requests on one connection in order', async () => {
    const path = new URL(url('/public')).pathname;
    const request = (method: string, p: string) => `${method} ${p} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
    const text = await raw(request('GET', path) + request('DELETE', path) + request('GET', path.replace('/public', '/third')), (t) => t.includes('"proxy":"third"'));
    expect(text.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 403', 'HTTP/1.1 200']);
  });

  it('keeps serving after clients leave before their answers', async () => {
    const path = new URL(url('/public')).pathname;
    await Promise.all(Array.from({ length: 10 }, () => raw(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, () => true, { leaveEarly: true })));
    expect((await call(url('/public'))).status).toBe(200);
  });

  it('writes every good answer of a turn even when one of them cannot travel over HTTP', async () => {
    const { ctx } = await gatewayContext({ gatewayResponses: { UNAUTHORIZED: { response_parameters: { 'gatewayresponse.header.X-Note': "'checked \u2713'" } } } });
    const twin = buildApiGateway(ctx, { accessLog: () => undefined });
    const other = createServer((req, res) => {
      if (!twin.serve(req, res)) res.end();
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const otherBase = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
      ctx.setBase(otherBase);
        const at = (path: string) => `${otherBase}/${twin.apis()[0].id}/dev${path}`;
      const paths = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? '/scoped' : '/public'));
      const answers = await Promise.all(paths.map((p) => call(at(p))));
      answers.forEach((r, i) => expect(r.status).toBe(paths[i] === '/scoped' ? 500 : 200));
    } finally {
      other.closeAllConnections();
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });

  it('answers 413 for a body over the limit and leaves other URLs to the server', async () => {
    const r = await call(url('/public'), { method: 'POST', body: 'x'.repeat(2048), headers: { 'content-type': 'text/plain' } });
    expect(r.status).toBe(413);
    expect(r.json).toEqual({ message: 'Request Too Long' });
    const other = await call(`${base}/elsewhere`);
    expect(other.status).toBe(404);
    expect(other.text).toBe('fallback');
  });
});
