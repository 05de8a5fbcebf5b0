import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyPluginAsync } from 'fastify';
import type { TwinContext } from '../contracts';
import type { LambdaHandler, LambdaResolver } from './private/integrations';
import { GatewayModels, invokeBase, type GatewayModel } from './private/model';
import { gatewayResponse, type GatewayReply } from './private/responses';
import { GatewayRuntime, type GatewayRequest } from './private/runtime';
import { readBody } from '../shared/body';
import { aheadOfFastify } from '../shared/serve-ahead';

export type { LambdaHandler, LambdaResolver } from './private/integrations';

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
   * The functions the twin runs (Lambda's control plane and runtime): found by ARN or name, allowed by their resource
   * policy. Mapped `lambdaHandlers` come first.
   * @default - none
   */
  readonly lambda?: LambdaResolver;
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
  /** `<base>/<apiId>/<stage>`. */
  readonly invokeUrl: string;
  /** The same stage under API Gateway's long form, `<base>/restapis/<apiId>/<stage>/_user_request_`. */
  readonly userRequestUrl: string;
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

/** A REST API as the twin serves it: the routes of each stage are those of the deployment the stage serves. */
export interface RestApiInfo {
  readonly id: string;
  readonly name: string;
  readonly stages: readonly StageInfo[];
  /** The routes of the first stage (stages of one API usually serve one deployment). */
  readonly routes: readonly RouteInfo[];
}

/** The API Gateway part of one twin: its REST APIs, its request pipeline and its Fastify plugin. */
export interface ApiGatewayTwin {
  /** Every REST API that has a stage, with invoke URLs computed from the current base URL. */
  apis(): RestApiInfo[];
  /** What the twin does not emulate in what the stages serve, one line each. */
  warnings(): readonly string[];
  /** Runs one request through the gateway (framework-independent). */
  handle(request: GatewayRequest): Promise<GatewayReply>;
  /**
   * The Fastify plugin that hands every stage URL to `serve` before Fastify reads the body (register it once, on the
   * root). It is how `inject` reaches the gateway; a server built with `serve` in front never gets there.
   */
  plugin(): FastifyPluginAsync;
  /**
   * Serves a request on a stage URL (`/restapis/<api>/<stage>/_user_request_/...` or `/<api>/<stage>/...`): the one
   * request path of the gateway, with its one body reader and error mapping. Returns false, having done nothing, for
   * any other URL.
   */
  serve(req: IncomingMessage, res: ServerResponse): boolean;
}

export type { GatewayRequest } from './private/runtime';
export type { GatewayReply } from './private/responses';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;

/**
 * The API Gateway part of the twin: serves the stages of the REST APIs in the store (each stage the deployment it
 * points at), as the control plane or the stack loader made them, and rebuilds what it serves whenever they change.
 */
export function buildApiGateway(ctx: TwinContext, options: ApiGatewayOptions = {}): ApiGatewayTwin {
  const models = new GatewayModels({ store: ctx.store, pools: ctx.pools, clock: ctx.clock, verifier: { skewSeconds: options.clockSkewSeconds } });
  const runtime = new GatewayRuntime(models, ctx, {
    accessLog: options.accessLog ?? stdoutLines(),
    lambdaHandlers: options.lambdaHandlers ?? {},
    lambda: options.lambda,
    throttling: options.throttling ?? true,
  });
  const front = new GatewayFront(runtime, options.bodyLimit ?? DEFAULT_BODY_LIMIT);
  return {
    apis: () => describe(models.current(), ctx.baseUrl().replace(/\/+$/, '')),
    warnings: () => models.current().warnings,
    handle: (request) => Promise.resolve(runtime.handle(request)),
    plugin: () => front.plugin(),
    serve: (req, res) => front.serve(req, res),
  };
}

/**
 * The HTTP side of one gateway: reads a request's body (refusing what API Gateway refuses), runs it through the
 * runtime, and writes the answer. Everything it keeps (the answers waiting for the end of the event-loop turn) is its
 * own, never shared between twins.
 */
class GatewayFront {
  /** Answers made in the current event-loop turn: response, answer, response, answer, ... */
  private readonly queued: Array<ServerResponse | GatewayReply> = [];
  private readonly flush = () => {
    const batch = this.queued.splice(0);
    for (let i = 0; i < batch.length; i += 2) deliver(batch[i] as ServerResponse, batch[i + 1] as GatewayReply);
  };

  constructor(private readonly runtime: GatewayRuntime, private readonly bodyLimit: number) {}

  /** Whether a URL names a stage of one of the model's APIs (`/restapis/...` or `/<apiId>/...`). */
  handles(method: string | undefined, url: string): boolean {
    if (!METHODS.includes(method ?? '')) return false;
    if (url.startsWith('/restapis/')) return true;
    let end = url.indexOf('/', 1);
    if (end < 0) end = url.indexOf('?', 1);
    const first = end < 0 ? url.slice(1) : url.slice(1, end);
    return first === 'restapis' || (first !== '' && this.runtime.models.current().apis.has(first));
  }

  serve(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url ?? '/';
    if (!this.handles(req.method, url)) return false;
    // API Gateway passes bodies through untouched, up to the limit.
    readBody(req, this.bodyLimit, (body) => {
      if (body === 'too-large' || body === 'bad') {
        this.refuse(req, res, body === 'too-large' ? 'REQUEST_TOO_LARGE' : 'BAD_REQUEST_BODY');
        return;
      }
      // Most calls (MOCK integrations, cached authorizer results, known keys) are answered in the same tick.
      try {
        const answer = this.runtime.handle({ method: req.method ?? 'GET', url, headers: req.headers, rawHeaders: req.rawHeaders, body, sourceIp: req.socket?.remoteAddress ?? '', protocol: `HTTP/${req.httpVersion}` });
        if (answer instanceof Promise) answer.then((a) => deliver(res, a), () => this.refuse(req, res, 'API_CONFIGURATION_ERROR'));
        else this.deliverSoon(res, answer);
      } catch {
        this.refuse(req, res, 'API_CONFIGURATION_ERROR');
      }
    });
    return true;
  }

  /** The Fastify side: stage URLs go to `serve` from the first hook, before Fastify parses a body. */
  plugin(): FastifyPluginAsync {
    return aheadOfFastify(this);
  }

  /** The one error mapping for what fails outside the runtime's pipeline: a gateway response, connection closed for bodies. */
  private refuse(req: IncomingMessage, res: ServerResponse, type: 'REQUEST_TOO_LARGE' | 'BAD_REQUEST_BODY' | 'API_CONFIGURATION_ERROR'): void {
    if (type !== 'API_CONFIGURATION_ERROR' && !res.headersSent) res.setHeader('connection', 'close');
    deliver(res, gatewayResponse(undefined, type, { requestId: randomUUID(), headers: req.headers as Record<string, string>, context: {} }));
  }

  /**
   * Answers made in one event-loop turn, written together at its end. Every write wakes the client's reader; written
   * one by one between requests, nearly each wake-up found the client asleep, and in the benchmark those wake-ups cost
   * as much CPU as the gateway itself. Batched, one wake-up serves many answers (kernel time per request fell by about
   * a third). The wait is at most the rest of the turn; a connection's answers keep their order.
   */
  private deliverSoon(res: ServerResponse, answer: GatewayReply): void {
    if (this.queued.length === 0) setImmediate(this.flush);
    this.queued.push(res, answer);
  }
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

function describe(model: GatewayModel, base: string): RestApiInfo[] {
  return [...model.apis.values()].filter((api) => api.stages.size > 0).map((api) => {
    const stages = [...api.stages.values()];
    const routes: RouteInfo[] = [];
    for (const resource of stages[0].resources.values()) {
      for (const method of resource.methods.values()) {
        routes.push({ httpMethod: method.httpMethod, path: resource.path, authorization: method.authorization, scopes: method.scopes, integration: method.integration?.type });
      }
    }
    routes.sort((a, b) => a.path.localeCompare(b.path) || a.httpMethod.localeCompare(b.httpMethod));
    return {
      id: api.id,
      name: api.name,
      stages: stages.map((s) => ({ name: s.name, invokeUrl: `${invokeBase(base, api.id, api.region)}/${s.name}`, userRequestUrl: `${base}/restapis/${api.id}/${s.name}/_user_request_` })),
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
