import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { TwinContext } from '../contracts';
import type { LambdaHandler } from './private/integrations';
import { buildGatewayModel, currentBase, invokeBase, type GatewayModel } from './private/model';
import { gatewayResponse, type GatewayReply } from './private/responses';
import { GatewayRuntime, type GatewayRequest } from './private/runtime';

export type { LambdaHandler } from './private/integrations';
export { API_GATEWAY_RESOURCE_TYPES } from './private/model';

/** Options of the API Gateway part of the twin. */
export interface ApiGatewayOptions {
  /**
   * Receives one line per request for every stage with `access_log_settings`, in the stage's `format`.
   * @default - lines are batched and written to standard output
   */
  readonly accessLog?: (line: string) => void;
  /**
   * Local stand-ins for the Lambda functions behind AWS_PROXY integrations, keyed by the function's Terraform address
   * (`aws_lambda_function.X`), its `function_name` or its ARN. Unmapped functions answer 500 "not emulated".
   * @default {}
   */
  readonly lambdaHandlers?: Readonly<Record<string, LambdaHandler>>;
  /**
   * Token-bucket throttling per stage and method (429 "Too Many Requests"), as the stage's method settings say.
   * Turn it off only to measure the twin itself.
   * @default true
   */
  readonly throttling?: boolean;
  /**
   * Tolerance for token `iat`/`nbf` in the future, in seconds.
   * @default 30
   */
  readonly clockSkewSeconds?: number;
  /**
   * Largest request body, in bytes; larger bodies answer 413 "Request Too Long".
   * @default 10485760 (API Gateway's 10 MB payload limit)
   */
  readonly bodyLimit?: number;
}

/** A stage of a REST API and where the twin serves it. */
export interface StageInfo {
  readonly name: string;
  /** Terraform address of the `aws_api_gateway_stage`. */
  readonly address: string;
  /** `<base>/<apiId>/<stage>` (AWS's `https://<apiId>.execute-api.<region>.amazonaws.com/<stage>` before the base URL is set). */
  readonly invokeUrl: string;
  /** The same stage under API Gateway's long form, `<base>/restapis/<apiId>/<stage>/_user_request_`. */
  readonly userRequestUrl?: string;
}

/** One method of a REST API, as the demo page and tests list them. */
export interface RouteInfo {
  readonly httpMethod: string;
  /** Resource path, e.g. `/items/{id}`. */
  readonly path: string;
  /** `NONE`, `COGNITO_USER_POOLS`, ... */
  readonly authorization: string;
  /** Method OAuth scopes; empty when the method takes ID tokens. */
  readonly scopes: readonly string[];
  /** `MOCK`, `HTTP_PROXY`, `AWS_PROXY`, ...; undefined when the method has none. */
  readonly integration?: string;
}

/** A REST API of the stack as the twin serves it. */
export interface RestApiInfo {
  readonly id: string;
  readonly name: string;
  /** Terraform address of the `aws_api_gateway_rest_api`. */
  readonly address: string;
  readonly stages: readonly StageInfo[];
  readonly routes: readonly RouteInfo[];
}

/** The API Gateway part of one twin: its REST APIs, its request pipeline and its Fastify plugin. */
export interface ApiGatewayTwin {
  /** Every REST API, with invoke URLs computed from the current base URL. */
  apis(): RestApiInfo[];
  /** Registers the computed attributes again, e.g. `invoke_url` in twin form once the CLI has set the base URL. */
  registerAttributes(): void;
  /** Runs one request through the gateway (framework-independent; the plugin adapts Fastify to it). */
  handle(request: GatewayRequest): Promise<GatewayReply>;
  /** The Fastify plugin serving every stage (register it once). */
  plugin(): FastifyPluginAsync;
  /**
   * Serves a request on a stage URL straight from the HTTP server, ahead of Fastify's routing (the hot path of
   * every API call); returns false, having done nothing, for any other URL. Answers exactly as the plugin does.
   */
  serve(req: IncomingMessage, res: ServerResponse): boolean;
}

export type { GatewayRequest } from './private/runtime';
export type { GatewayReply } from './private/responses';

const built = new WeakMap<TwinContext, ApiGatewayTwin>();
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;
const EMPTY = Buffer.alloc(0);

/**
 * Reads the stack's `aws_api_gateway_*` resources (and the access log groups) into the twin's API Gateway and
 * registers their computed attributes (`id`, `root_resource_id`, `arn`, `execution_arn`, stage `invoke_url` in twin
 * form `<base>/<apiId>/<stage>`, ...). Cognito must be built first: authorizers resolve pool ARNs. Throws a
 * StackError naming the resource for a stack AWS would refuse (unknown parent, bad regex, duplicate stage...).
 */
export function buildApiGateway(ctx: TwinContext, options: ApiGatewayOptions = {}): ApiGatewayTwin {
  const model = buildGatewayModel(ctx, { skewSeconds: options.clockSkewSeconds });
  const runtime = new GatewayRuntime(model, ctx, {
    accessLog: options.accessLog ?? stdoutLines(),
    lambdaHandlers: options.lambdaHandlers ?? {},
    throttling: options.throttling ?? true,
  });
  const twin: ApiGatewayTwin = {
    apis: () => describe(model, ctx),
    registerAttributes: () => {
      const base = currentBase(ctx);
      for (const [address, attrs] of model.attributes) ctx.stack.register(address, attrs(base));
    },
    handle: (request) => Promise.resolve(runtime.handle(request)),
    plugin: () => gatewayPlugin(runtime, options.bodyLimit ?? DEFAULT_BODY_LIMIT),
    serve: (req, res) => serveRaw(runtime, options.bodyLimit ?? DEFAULT_BODY_LIMIT, req, res),
  };
  built.set(ctx, twin);
  return twin;
}

/**
 * The Fastify plugin serving `/restapis/<apiId>/<stage>/_user_request_/*` and `/<apiId>/<stage>/*`. Uses the
 * gateway `buildApiGateway` built for this context, or builds it with `options`.
 */
export function apiGatewayPlugin(ctx: TwinContext, options: ApiGatewayOptions = {}): FastifyPluginAsync {
  return async (app) => {
    const twin = built.get(ctx) ?? buildApiGateway(ctx, options);
    await twin.plugin()(app, {});
  };
}

function gatewayPlugin(runtime: GatewayRuntime, bodyLimit: number): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    // API Gateway passes bodies through untouched: no JSON parsing, no media-type refusal.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_req, body, done) => done(null, body));
    app.setErrorHandler((err: FastifyError, request, reply) => {
      const type = err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'REQUEST_TOO_LARGE' : (err.statusCode ?? 500) < 500 ? 'BAD_REQUEST_BODY' : 'API_CONFIGURATION_ERROR';
      if (type === 'API_CONFIGURATION_ERROR') request.log.error({ err }, 'API Gateway twin failed a request');
      const answer = gatewayResponse(undefined, type, { requestId: randomUUID(), headers: request.headers as Record<string, string>, context: {} });
      return send(reply, answer);
    });
    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      const answer = await runtime.handle({
        method: request.method,
        url: request.raw.url ?? request.url,
        headers: request.headers,
        rawHeaders: request.raw.rawHeaders,
        body: Buffer.isBuffer(request.body) ? request.body : EMPTY,
        sourceIp: request.ip,
        protocol: `HTTP/${request.raw.httpVersion}`,
      });
      if (answer.diagnostic) request.log.warn({ requestId: answer.headers['x-amzn-RequestId'] }, answer.diagnostic);
      return send(reply, answer);
    };
    const urls = new Set(['/restapis', '/restapis/*']);
    for (const api of runtime.model.apis.values()) {
      urls.add(`/${api.id}`);
      urls.add(`/${api.id}/*`);
    }
    for (const url of urls) app.route({ method: METHODS, url, exposeHeadRoute: false, config: { errorStyle: 'apigw' }, handler });
  };
}

function send(reply: FastifyReply, answer: GatewayReply): void {
  reply.hijack();
  deliver(reply.raw, answer);
}

/**
 * Writes an answer; when HTTP cannot carry it (a header value outside Latin-1 from a stack's static value or a
 * claim, say), answers 500 API_CONFIGURATION_ERROR instead, and when even that cannot be written, ends the
 * connection: one bad answer costs one request, never the server. Never throws.
 */
function deliver(res: ServerResponse, answer: GatewayReply): void {
  try {
    write(res, answer);
  } catch {
    try {
      if (res.headersSent) throw new Error('answer half written');
      const requestId = answer.headers['x-amzn-RequestId'] ?? randomUUID();
      write(res, gatewayResponse(undefined, 'API_CONFIGURATION_ERROR', { requestId, headers: {}, context: {} }));
    } catch {
      res.destroy();
    }
  }
}

/**
 * Writes a gateway answer to the socket: the integration's headers and body exactly as chosen (Fastify would append
 * a charset to the content type), head and body in one write (a second write per response halved the throughput
 * in the benchmark).
 */
function write(res: ServerResponse, answer: GatewayReply): void {
  const body = answer.body;
  // A flat [name, value, ...] list goes to the head as is, without one header map update per name.
  const head: string[] = [];
  for (const name in answer.headers) head.push(name, answer.headers[name]);
  head.push('content-length', String(typeof body === 'string' ? Buffer.byteLength(body) : body.length));
  res.writeHead(answer.statusCode, head);
  // Node joins head and body into one write only for a string body; latin1 carries a Buffer's bytes unchanged.
  if (typeof body === 'string') res.end(body, 'utf8');
  else res.end(body.toString('latin1'), 'latin1');
}

/**
 * Answers made in one event-loop turn, written together at its end. Every write wakes the client's reader; written
 * one by one between requests, nearly each wake-up found the client asleep, and in the benchmark those wake-ups cost
 * as much CPU as the gateway itself. Batched, one wake-up serves many answers (kernel time per request fell by about
 * a third). The wait is at most the rest of the turn; a connection's answers keep their order.
 */
const queued: Array<ServerResponse | GatewayReply> = [];

function flushQueued(): void {
  const batch = queued.splice(0);
  for (let i = 0; i < batch.length; i += 2) deliver(batch[i] as ServerResponse, batch[i + 1] as GatewayReply);
}

function deliverSoon(res: ServerResponse, answer: GatewayReply): void {
  if (queued.length === 0) setImmediate(flushQueued);
  queued.push(res, answer);
}

/** Whether a URL names a stage of one of the model's APIs (`/restapis/...` or `/<apiId>/...`). */
function isGatewayUrl(model: GatewayModel, url: string): boolean {
  if (url.startsWith('/restapis/')) return true;
  const end = url.indexOf('/', 1);
  return end > 1 && model.apis.has(url.slice(1, end));
}

function serveRaw(runtime: GatewayRuntime, bodyLimit: number, req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url ?? '/';
  if (!METHODS.includes(req.method ?? '') || !isGatewayUrl(runtime.model, url)) return false;
  const failed = () => deliver(res, gatewayResponse(undefined, 'API_CONFIGURATION_ERROR', { requestId: randomUUID(), headers: req.headers as Record<string, string>, context: {} }));
  const respond = (body: Buffer) => {
    // Most calls (MOCK integrations, cached authorizer results, known keys) are answered in the same tick.
    try {
      const answer = runtime.handle({ method: req.method ?? 'GET', url, headers: req.headers, rawHeaders: req.rawHeaders, body, sourceIp: req.socket.remoteAddress ?? '', protocol: `HTTP/${req.httpVersion}` });
      if (answer instanceof Promise) answer.then((a) => deliver(res, a), failed);
      else deliverSoon(res, answer);
    } catch {
      failed();
    }
  };
  const length = req.headers['content-length'];
  if (req.headers['transfer-encoding'] === undefined && (length === undefined || length === '0')) {
    respond(EMPTY);
    return true;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let refused = false;
  const refuse = (type: 'REQUEST_TOO_LARGE' | 'BAD_REQUEST_BODY') => {
    if (refused) return;
    refused = true;
    res.setHeader('connection', 'close');
    deliver(res, gatewayResponse(undefined, type, { requestId: randomUUID(), headers: req.headers as Record<string, string>, context: {} }));
    req.resume();
  };
  if (length !== undefined && !(Number(length) <= bodyLimit)) {
    refuse(/^\d+$/.test(length) ? 'REQUEST_TOO_LARGE' : 'BAD_REQUEST_BODY');
    return true;
  }
  req.on('data', (chunk: Buffer) => {
    if (refused) return;
    size += chunk.length;
    if (size > bodyLimit) refuse('REQUEST_TOO_LARGE');
    else chunks.push(chunk);
  });
  req.on('end', () => {
    if (!refused) respond(Buffer.concat(chunks, size));
  });
  req.on('error', () => refuse('BAD_REQUEST_BODY'));
  return true;
}

function describe(model: GatewayModel, ctx: TwinContext): RestApiInfo[] {
  const base = currentBase(ctx);
  return [...model.apis.values()].map((api) => {
    const routes: RouteInfo[] = [];
    for (const resource of api.resources.values()) {
      for (const method of resource.methods.values()) {
        routes.push({ httpMethod: method.httpMethod, path: resource.path, authorization: method.authorization, scopes: method.scopes, integration: method.integration?.type });
      }
    }
    routes.sort((a, b) => a.path.localeCompare(b.path) || a.httpMethod.localeCompare(b.httpMethod));
    return {
      id: api.id,
      name: api.name,
      address: api.address,
      stages: [...api.stages.values()].map((s) => ({
        name: s.name,
        address: s.address,
        invokeUrl: `${invokeBase(base, api.id, api.region)}/${s.name}`,
        userRequestUrl: base ? `${base}/restapis/${api.id}/${s.name}/_user_request_` : undefined,
      })),
      routes,
    };
  });
}

/** Access-log lines to stdout, batched per event-loop turn so that logging never costs a write per request. */
function stdoutLines(): (line: string) => void {
  let pending: string[] = [];
  const flush = () => {
    const text = pending.join('\n') + '\n';
    pending = [];
    process.stdout.write(text);
  };
  return (line) => {
    if (pending.length === 0) setImmediate(flush);
    pending.push(line);
  };
}
