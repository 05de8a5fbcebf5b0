import { randomFillSync, randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { TwinContext } from '../../contracts';
import { runAwsProxy, runHttpProxy, runMock, type IntegrationRequest, type IntegrationResult, type LambdaHandler, type LambdaResolver } from './integrations';
import type { GatewayModels, MethodModel, ResourceModel, RestApiModel, StageModel } from './model';
import { gatewayResponse, type GatewayReply, type GatewayResponseType } from './responses';
import { matchResource, methodFor, pathSegments } from './router';
import { then, type Maybe } from '../../shared/maybe';
import { renderTemplate } from './template';
import type { WebAclEnforcer } from '../../wafv2/enforce';

/** The request as the gateway sees it, independent of the HTTP framework. */
export interface GatewayRequest {
  readonly method: string;
  /** Path and query as sent (`/abc123defg/dev/items?x=1`). */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** Alternating names and values as received (to measure the header block). */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly protocol: string;
}

/** Options of the runtime (see `ApiGatewayOptions` for their documentation). */
export interface RuntimeOptions {
  readonly accessLog: (line: string) => void;
  readonly lambdaHandlers: Readonly<Record<string, LambdaHandler>>;
  readonly lambda?: LambdaResolver;
  readonly throttling: boolean;
}

/** API Gateway's limit on the request line and headers together (10,240 bytes, API Gateway quotas). */
export const MAX_HEADER_BYTES = 10_240;

interface Target {
  readonly api?: RestApiModel;
  readonly stage?: StageModel;
  /** The path after the stage (`/items/42`), when the URL has the invoke shape. */
  readonly rest?: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * One request through API Gateway's stages, in its order: header limit → API and stage → resource and method
 * (403 Missing Authentication Token) → throttle (429) → authorization (401) → integration → response, with an
 * `x-amzn-RequestId` on every answer and one access-log line per request in the stage's format.
 */
export class GatewayRuntime {
  /** 12 random bytes per X-Ray trace id, drawn from a pool refilled in one call (a call per request costs more). */
  private readonly tracePool = Buffer.alloc(TRACE_BYTES * 512);
  private traceOffset = this.tracePool.length;
  /** `$context.requestTime` of the current second: requests within one second share the text. */
  private clfSecond = -1;
  private clfText = '';

  constructor(
    readonly models: GatewayModels,
    private readonly ctx: TwinContext,
    private readonly options: RuntimeOptions,
  ) {}

  handle(req: GatewayRequest): Maybe<GatewayReply> {
    const started = performance.now();
    const now = this.ctx.clock.now();
    const requestId = randomUUID();
    const q = req.url.indexOf('?');
    const rawPath = q < 0 ? req.url : req.url.slice(0, q);
    const rawQuery = q < 0 ? '' : req.url.slice(q + 1);
    const target = this.target(rawPath);
    const host = typeof req.headers.host === 'string' ? req.headers.host : '';
    const context: Record<string, unknown> = {
      requestId,
      extendedRequestId: requestId,
      apiId: target.api?.id,
      stage: target.stage?.name,
      httpMethod: req.method,
      path: target.stage ? `/${target.stage.name}${target.rest ?? ''}` : rawPath,
      protocol: req.protocol,
      requestTime: this.clfTime(now),
      requestTimeEpoch: now,
      accountId: target.api?.accountId,
      domainName: host,
      domainPrefix: target.api?.id,
      identity: { sourceIp: req.sourceIp, userAgent: req.headers['user-agent'] },
    };
    if (target.stage?.xray) context['xrayTraceId'] = `Root=1-${Math.floor(now / 1000).toString(16)}-${this.traceHex()}`;
    const log: Record<string, unknown> = {};
    const failed = (err: unknown): GatewayReply => {
      log['failure'] = (err as Error)?.message;
      return this.fail(target.stage, 'API_CONFIGURATION_ERROR', req, context);
    };
    const finish = (reply: GatewayReply): GatewayReply => {
      if (context['xrayTraceId']) reply.headers['X-Amzn-Trace-Id'] = String(context['xrayTraceId']);
      if (target.stage?.accessLogFormat) this.writeAccessLog(target.stage.accessLogFormat, context, reply, started, log);
      const diagnostic = log['failure'] ?? log['integrationError'];
      return diagnostic === undefined ? reply : { ...reply, diagnostic: String(diagnostic) };
    };
    let reply: Maybe<GatewayReply>;
    try {
      reply = this.pipeline(req, target, rawQuery, context, log);
    } catch (err) {
      reply = failed(err);
    }
    return reply instanceof Promise ? reply.then(finish, (err: unknown) => finish(failed(err))) : finish(reply);
  }

  private pipeline(req: GatewayRequest, target: Target, rawQuery: string, context: Record<string, unknown>, log: Record<string, unknown>): Maybe<GatewayReply> {
    if (headerBytes(req.rawHeaders) > MAX_HEADER_BYTES) {
      return this.fail(target.stage, 'REQUEST_TOO_LARGE', req, context, { status: 431, message: 'Request Header Fields Too Large' });
    }
    const { api, stage, rest } = target;
    if (!api || !stage || rest === undefined) return this.fail(stage, 'MISSING_AUTHENTICATION_TOKEN', req, context);
    // WAF inspects a protected stage's requests before API Gateway routes, throttles or authorizes them.
    if (stage.waf && this.filtered(stage.waf, req, String(context['path']), rawQuery, context)) return this.fail(stage, 'WAF_FILTERED', req, context);
    const match = matchResource(stage.root, pathSegments(rest));
    const method = match ? methodFor(match.resource, req.method) : undefined;
    if (!match || !method) return this.fail(stage, 'MISSING_AUTHENTICATION_TOKEN', req, context);
    const resource: ResourceModel = match.resource;
    context['resourceId'] = resource.id;
    context['resourcePath'] = resource.path;

    if (this.options.throttling && !stage.throttle.allow(resource.path, method.httpMethod)) {
      return this.fail(stage, 'THROTTLED', req, context, {}, match.params);
    }

    return then(this.authorize(method, req, context, log), (denied) => {
      if (denied) return this.fail(stage, denied.type, req, context, denied.override, match.params);
      return this.integrateAndRespond(req, stage, resource, method, rest, rawQuery, match.params, context, log);
    });
  }

  /** Whether the stage's web ACL blocks the request; `$context.waf*` tell the access log what it decided. */
  private filtered(waf: WebAclEnforcer, req: GatewayRequest, path: string, rawQuery: string, context: Record<string, unknown>): boolean {
    const verdict = waf.inspect({ method: req.method, headers: req.headers, body: req.body, sourceIp: req.sourceIp, path, rawQuery }, Number(context['requestTimeEpoch']));
    context['webaclArn'] = waf.arn;
    context['wafResponseCode'] = verdict.action === 'BLOCK' ? 'WAF_BLOCK' : 'WAF_ALLOW';
    return verdict.action === 'BLOCK';
  }

  private integrateAndRespond(
    req: GatewayRequest,
    stage: StageModel,
    resource: ResourceModel,
    method: MethodModel,
    rest: string,
    rawQuery: string,
    params: Readonly<Record<string, string>>,
    context: Record<string, unknown>,
    log: Record<string, unknown>,
  ): Maybe<GatewayReply> {
    const query: Record<string, string> = {};
    const multiQuery: Record<string, string[]> = {};
    if (rawQuery !== '') {
      for (const [k, v] of new URLSearchParams(rawQuery)) {
        query[k] = v;
        (multiQuery[k] ??= []).push(v);
      }
    }
    const integrationRequest: IntegrationRequest = {
      httpMethod: req.method,
      path: rest,
      rawQuery,
      query,
      multiQuery,
      headers: req.headers,
      body: req.body,
      pathParams: params,
      stageVariables: stage.variables,
      context,
    };
    const integrationStart = performance.now();
    return then(this.integrate(method, resource, integrationRequest), (result) => {
      context['integrationLatency'] = Math.round(performance.now() - integrationStart);
      context['integration'] = { latency: context['integrationLatency'], status: result.kind === 'response' ? result.integrationStatus : undefined, error: result.kind === 'error' ? result.detail : undefined };
      if (result.kind === 'error') {
        log['integrationError'] = result.detail;
        return this.fail(stage, result.type, req, context, result.message ? { message: result.message } : {}, params);
      }
      context['integrationStatus'] = result.integrationStatus;
      const headers: Record<string, string> = {};
      for (const k in result.headers) {
        const v = result.headers[k];
        headers[k] = Array.isArray(v) ? v.join(', ') : v;
      }
      headers['x-amzn-RequestId'] = String(context['requestId']);
      return { statusCode: result.statusCode, headers, body: result.body };
    });
  }

  private authorize(
    method: MethodModel,
    req: GatewayRequest,
    context: Record<string, unknown>,
    log: Record<string, unknown>,
  ): Maybe<{ type: GatewayResponseType; override?: { status?: number; message?: string } } | undefined> {
    if (method.authorization === 'NONE') {
      return method.apiKeyRequired ? { type: 'INVALID_API_KEY' } : undefined;
    }
    if (method.authorization === 'AWS_IAM') return { type: 'MISSING_AUTHENTICATION_TOKEN' };
    if (!method.authorizer) return { type: 'AUTHORIZER_CONFIGURATION_ERROR' };
    const raw = req.headers[method.authorizer.config.header];
    const value = Array.isArray(raw) ? raw[0] : raw;
    const started = performance.now();
    return then(method.authorizer.authorize(value, method.scopes), (result) => {
      context['authorizer'] = { latency: Math.round(performance.now() - started), ...(result.ok ? { claims: result.claims } : { error: result.message }) };
      if (!result.ok) {
        log['authorizer'] = result.reason;
        if (result.tooLarge) return { type: 'REQUEST_TOO_LARGE' as const };
        return { type: 'UNAUTHORIZED' as const, override: { message: result.message } };
      }
      if (method.apiKeyRequired) return { type: 'INVALID_API_KEY' as const };
      return undefined;
    });
  }

  private integrate(method: MethodModel, resource: ResourceModel, req: IntegrationRequest): Maybe<IntegrationResult> {
    const integration = method.integration;
    if (!integration) return { kind: 'error', type: 'API_CONFIGURATION_ERROR', detail: `${method.address} has no integration` };
    switch (integration.type) {
      case 'MOCK':
        return runMock(method, integration, req);
      case 'HTTP_PROXY':
      case 'HTTP':
        return runHttpProxy(integration, req);
      case 'AWS_PROXY':
        return runAwsProxy(integration, req, resource.path, this.options.lambdaHandlers, this.options.lambda, this.sourceArn(req));
      default:
        return { kind: 'error', type: 'API_CONFIGURATION_ERROR', detail: `${integration.address}: integration type ${integration.type} is not emulated` };
    }
  }

  /** The execute-api ARN a Lambda permission's `SourceArn` is matched against: `<api ARN>/<stage>/<METHOD><path>`. */
  private sourceArn(req: IntegrationRequest): string {
    const c = req.context;
    const api = this.models.current().apis.get(String(c['apiId']));
    return `arn:aws:execute-api:${api?.region ?? ''}:${String(c['accountId'] ?? '')}:${String(c['apiId'])}/${String(c['stage'])}/${req.httpMethod}${req.path}`;
  }

  private fail(
    stage: StageModel | undefined,
    type: GatewayResponseType,
    req: GatewayRequest,
    context: Record<string, unknown>,
    override: { status?: number; message?: string } = {},
    pathParams: Readonly<Record<string, string>> = {},
  ): GatewayReply {
    const reply = gatewayResponse(stage, type, { requestId: String(context['requestId']), headers: req.headers as Record<string, string>, pathParams, stageVariables: stage?.variables, context }, override);
    context['error'] = { message: reply.error?.message, messageString: JSON.stringify(reply.error?.message ?? ''), responseType: type };
    return reply;
  }

  /** Parses `/restapis/<api>/<stage>/_user_request_/<path>` or `/<api>/<stage>/<path>`. */
  private target(rawPath: string): Target {
    // The segments `rawPath.split('/')` would give, read one by one without building the array (a hot path).
    let pos = rawPath.indexOf('/') + 1;
    if (pos === 0) return {};
    const segment = (): string | undefined => {
      if (pos > rawPath.length) return undefined;
      const end = rawPath.indexOf('/', pos);
      const text = end < 0 ? rawPath.slice(pos) : rawPath.slice(pos, end);
      pos = end < 0 ? rawPath.length + 1 : end + 1;
      return text;
    };
    let apiId = segment();
    let stageName: string | undefined;
    let hasRest = false;
    if (apiId === 'restapis') {
      apiId = segment();
      stageName = segment();
      hasRest = segment() === '_user_request_';
    } else {
      stageName = segment();
      hasRest = stageName !== undefined && stageName !== '';
    }
    const api = apiId ? this.models.current().apis.get(apiId) : undefined;
    const stage = api && stageName ? api.stages.get(stageName) : undefined;
    if (!stage || !hasRest) return { api, stage };
    return { api, stage, rest: pos > rawPath.length ? '/' : `/${rawPath.slice(pos)}` };
  }

  /** 24 random hex digits, the last part of an X-Ray trace id. */
  private traceHex(): string {
    if (this.traceOffset === this.tracePool.length) {
      randomFillSync(this.tracePool);
      this.traceOffset = 0;
    }
    this.traceOffset += TRACE_BYTES;
    return this.tracePool.toString('hex', this.traceOffset - TRACE_BYTES, this.traceOffset);
  }

  /** Common Log Format time of `ms`. */
  private clfTime(ms: number): string {
    const second = Math.floor(ms / 1000);
    if (second !== this.clfSecond) {
      this.clfSecond = second;
      this.clfText = formatClf(ms);
    }
    return this.clfText;
  }

  private writeAccessLog(format: string, context: Record<string, unknown>, reply: GatewayReply, started: number, log: Record<string, unknown>): void {
    context['status'] = reply.statusCode;
    context['responseLength'] = typeof reply.body === 'string' ? Buffer.byteLength(reply.body) : reply.body.length;
    context['responseLatency'] = Math.round(performance.now() - started);
    if (context['authorizer']) context['authorize'] = { status: log['authorizer'] ? 401 : 200, error: log['authorizer'] };
    try {
      this.options.accessLog(renderTemplate(format, { context }, { missing: '-' }));
    } catch {
      // A sink that fails must not fail the request it logs.
    }
  }
}

function headerBytes(raw: readonly string[]): number {
  let n = 0;
  for (const part of raw) n += part.length;
  return n;
}

const TRACE_BYTES = 12;

/** `$context.requestTime` in CLF: `26/Nov/2026:09:05:25 +0000`. */
function formatClf(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}
