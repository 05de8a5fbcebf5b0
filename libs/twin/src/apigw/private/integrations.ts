import { request as httpRequest, validateHeaderName, validateHeaderValue, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { IntegrationModel, MethodModel } from './model';
import { parameterValue, pickTemplate } from './responses';
import { isStaticTemplate, renderTemplate, type TemplateScope } from './template';

/** Everything an integration may read of the incoming request, after routing and authorization. */
export interface IntegrationRequest {
  readonly httpMethod: string;
  /** Path after the stage, as sent (`/items/42`). */
  readonly path: string;
  readonly rawQuery: string;
  readonly query: Readonly<Record<string, string>>;
  readonly multiQuery: Readonly<Record<string, string[]>>;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly pathParams: Readonly<Record<string, string>>;
  readonly stageVariables: Readonly<Record<string, string>>;
  /** `$context` (requestId, stage, authorizer.claims, identity, ...). */
  readonly context: Readonly<Record<string, unknown>>;
}

/** What an integration answered, or the gateway response it calls for. */
export type IntegrationResult =
  | { readonly kind: 'response'; readonly statusCode: number; readonly headers: Record<string, string | string[]>; readonly body: string | Buffer; readonly integrationStatus: number }
  | { readonly kind: 'error'; readonly type: 'INTEGRATION_FAILURE' | 'INTEGRATION_TIMEOUT' | 'API_CONFIGURATION_ERROR' | 'DEFAULT_5XX'; readonly message?: string; readonly detail: string };

/** A local stand-in for a Lambda function behind an AWS_PROXY integration (proxy event v1 in, proxy result out). */
export type LambdaHandler = (event: Record<string, unknown>, context: Record<string, unknown>) => unknown;

/**
 * A handler marked `serializesEvent` turns the event into JSON before anything runs on it (the Lambda runtime's, for
 * a function's own package): the proxy event then shares the request context instead of copying it for the call
 * (structuredClone was a sixth of the twin's time on a Lambda route).
 */
export type SerializingHandler = LambdaHandler & { readonly serializesEvent?: boolean };

/**
 * Finds the function an integration names (its ARN or name) among those the twin runs: its handler, `'forbidden'` when
 * the function's resource policy does not let API Gateway invoke it from `sourceArn`, or undefined when there is none.
 */
export type LambdaResolver = (functionKey: string, sourceArn: string) => LambdaHandler | 'forbidden' | undefined;

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'content-length']);

/** The scope of request mapping templates: `$context`, `$input`, `$stageVariables`, `$util`. */
export function requestScope(req: IntegrationRequest): TemplateScope {
  const bodyText = req.body.toString('utf8');
  let parsed: unknown;
  let parsedOnce = false;
  const json = () => {
    if (!parsedOnce) {
      parsedOnce = true;
      try {
        parsed = JSON.parse(bodyText);
      } catch {
        parsed = undefined;
      }
    }
    return parsed;
  };
  const headerMap: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headerMap[k] = Array.isArray(v) ? v.join(',') : v;
  return {
    context: req.context,
    stageVariables: req.stageVariables,
    util: UTIL,
    input: {
      body: bodyText,
      json: (path: string) => {
        const v = jsonPath(json(), path);
        return v === undefined ? '' : JSON.stringify(v);
      },
      path: (path: string) => jsonPath(json(), path),
      params: (name?: string) => {
        if (name === undefined) return { path: req.pathParams, querystring: req.query, header: headerMap };
        return req.pathParams[name] ?? req.query[name] ?? headerMap[name.toLowerCase()] ?? '';
      },
    },
  };
}

const UTIL = {
  escapeJavaScript: (s: unknown) => JSON.stringify(String(s ?? '')).slice(1, -1).replace(/'/g, "\\'"),
  urlEncode: (s: unknown) => encodeURIComponent(String(s ?? '')),
  urlDecode: (s: unknown) => {
    try {
      return decodeURIComponent(String(s ?? ''));
    } catch {
      return String(s ?? '');
    }
  },
  base64Encode: (s: unknown) => Buffer.from(String(s ?? '')).toString('base64'),
  base64Decode: (s: unknown) => Buffer.from(String(s ?? ''), 'base64').toString('utf8'),
  parseJson: (s: unknown) => {
    try {
      return JSON.parse(String(s));
    } catch {
      return undefined;
    }
  },
};

/** `$`, `$.a.b`, `$.list[0].c`: the JSONPath subset mapping templates use in practice. */
function jsonPath(value: unknown, path: string): unknown {
  if (path === '$') return value;
  if (!path.startsWith('$')) return undefined;
  let v = value;
  for (const m of path.slice(1).matchAll(/\.([^.[\]]+)|\[(\d+)\]|\['([^']+)'\]/g)) {
    if (v === null || typeof v !== 'object') return undefined;
    const key = m[1] ?? m[3] ?? Number(m[2]);
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}

/**
 * MOCK: the request template (by Content-Type, else application/json) renders `{"statusCode": N}`; the integration
 * response whose `selection_pattern` fully matches N (else the one without a pattern) shapes the answer with its
 * template (by Accept, else application/json) and static or context headers from `response_parameters`.
 */
export function runMock(method: MethodModel, integration: IntegrationModel, req: IntegrationRequest): IntegrationResult {
  // The scopes are built only for templates that hold a reference: most mock templates are plain text.
  let scope: TemplateScope | undefined;
  const requestScopeOnce = () => (scope ??= requestScope(req));
  const sent = req.headers['content-type'];
  const contentType = sent === undefined ? 'application/json' : sent.split(';')[0].trim().toLowerCase();
  const template = integration.requestTemplates[contentType] ?? pickTemplate(integration.requestTemplates)?.[1];
  let statusCode = 200;
  if (template !== undefined && template.trim() !== '') {
    const code = mockStatus(template, requestScopeOnce);
    if (code === INVALID_JSON) return { kind: 'error', type: 'API_CONFIGURATION_ERROR', detail: `${integration.address}: the request template did not render to JSON` };
    if (code !== undefined) statusCode = Number(code);
    if (!Number.isInteger(statusCode)) return { kind: 'error', type: 'API_CONFIGURATION_ERROR', detail: `${integration.address}: statusCode ${String(code)} is not an integer` };
  }
  const status = String(statusCode);
  const selected = method.integrationResponses.find((r) => r.pattern?.test(status)) ?? method.integrationResponses.find((r) => r.pattern === undefined);
  if (!selected) return { kind: 'error', type: 'API_CONFIGURATION_ERROR', detail: `${method.address}: no integration response matches status ${statusCode}` };

  let responseScope: TemplateScope | undefined;
  const responseScopeOnce = () => {
    const base = requestScopeOnce();
    return (responseScope ??= { ...base, input: { ...(base['input'] as object), body: '', json: () => '', path: () => undefined } });
  };
  const accept = typeof req.headers['accept'] === 'string' ? req.headers['accept'] : undefined;
  const chosen = pickTemplate(selected.templates, accept);
  const headers: Record<string, string> = { 'content-type': chosen?.[0] ?? 'application/json' };
  for (const key in selected.parameters) {
    if (!key.startsWith(RESPONSE_HEADER) || key.length === RESPONSE_HEADER.length) continue;
    const value = parameterValue(selected.parameters[key], { headers: req.headers as Record<string, string>, query: req.query, pathParams: req.pathParams, stageVariables: req.stageVariables }, responseScopeOnce);
    if (value !== undefined) headers[key.slice(RESPONSE_HEADER.length)] = value;
  }
  return { kind: 'response', statusCode: selected.statusCode, headers, body: chosen ? renderTemplate(chosen[1], responseScopeOnce) : '', integrationStatus: statusCode };
}

const RESPONSE_HEADER = 'method.response.header.';
const INVALID_JSON = Symbol('invalid JSON');
/** `statusCode` of plain-text request templates (the usual `{"statusCode": 200}`), parsed once. */
const staticStatus = new Map<string, unknown>();

/** The `statusCode` member a mock request template renders to (undefined when it has none). */
function mockStatus(template: string, scope: () => TemplateScope): unknown {
  if (staticStatus.has(template)) return staticStatus.get(template);
  let parsed: unknown;
  try {
    parsed = JSON.parse(renderTemplate(template, scope));
  } catch {
    return INVALID_JSON;
  }
  const code = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)['statusCode'] : undefined;
  if (isStaticTemplate(template) && staticStatus.size < 1000) staticStatus.set(template, code);
  return code;
}

/**
 * HTTP_PROXY: method, path (variables substituted into the URI), query string, headers and body go to the backend
 * unchanged apart from Host and hop-by-hop headers; its status, headers and body come back unchanged.
 * `request_parameters` may add headers or query values (`'static'`, `method.request.*`, `context.*`).
 */
export function runHttpProxy(integration: IntegrationModel, req: IntegrationRequest): Promise<IntegrationResult> {
  const scope = requestScope(req);
  const pathValues: Record<string, string> = { ...req.pathParams };
  const extraHeaders: Record<string, string> = {};
  const extraQuery: Record<string, string> = {};
  const source = { headers: req.headers as Record<string, string>, query: req.query, pathParams: req.pathParams, stageVariables: req.stageVariables };
  for (const [target, from] of Object.entries(integration.requestParameters)) {
    const value = parameterValue(from, source, scope);
    if (value === undefined) continue;
    const m = /^integration\.request\.(path|header|querystring)\.(.+)$/.exec(target);
    if (!m) continue;
    if (m[1] === 'path') pathValues[m[2]] = value;
    else if (m[1] === 'header') extraHeaders[m[2].toLowerCase()] = value;
    else extraQuery[m[2]] = value;
  }
  const uri = integration.uri.replace(/\{([^}]+?)\+?\}/g, (_m, name: string) => {
    const value = pathValues[name] ?? pathValues[name.replace(/\+$/, '')] ?? '';
    return value.split('/').map(encodeURIComponent).join('/');
  });
  let target: URL;
  try {
    target = new URL(uri);
  } catch {
    return Promise.resolve({ kind: 'error', type: 'API_CONFIGURATION_ERROR', detail: `${integration.address}: "${uri}" is not a URL` });
  }
  const query = new URLSearchParams(target.search);
  for (const [k, v] of new URLSearchParams(req.rawQuery)) query.append(k, v);
  for (const [k, v] of Object.entries(extraQuery)) query.set(k, v);
  const search = query.toString();
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
  }
  Object.assign(headers, extraHeaders);
  if (req.body.length > 0) headers['content-length'] = String(req.body.length);

  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<IntegrationResult>((resolve) => {
    let settled = false;
    const finish = (r: IntegrationResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const outgoing = send(
      {
        protocol: target.protocol,
        hostname: target.hostname.replace(/^\[|\]$/g, ''),
        port: target.port || undefined,
        method: integration.httpMethod && integration.httpMethod !== 'ANY' ? integration.httpMethod : req.httpMethod,
        path: `${target.pathname}${search ? `?${search}` : ''}`,
        headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => finish({ kind: 'error', type: 'INTEGRATION_FAILURE', detail: `backend response failed: ${err.message}` }));
        res.on('end', () => {
          const out: Record<string, string | string[]> = {};
          for (const [k, v] of Object.entries(res.headers)) {
            if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
          }
          const status = res.statusCode ?? 502;
          finish({ kind: 'response', statusCode: status, headers: out, body: Buffer.concat(chunks), integrationStatus: status });
        });
      },
    );
    const timer = setTimeout(() => {
      finish({ kind: 'error', type: 'INTEGRATION_TIMEOUT', detail: `no answer from ${target.origin} within ${integration.timeoutMs} ms` });
      outgoing.destroy();
    }, integration.timeoutMs);
    outgoing.on('error', (err) => finish({ kind: 'error', type: 'INTEGRATION_FAILURE', detail: `backend ${target.origin} failed: ${err.message}` }));
    outgoing.end(req.body.length > 0 ? req.body : undefined);
  });
}

/**
 * AWS_PROXY: the twin calls the function (one the twin runs from its own package, or a local handler mapped to it)
 * with a proxy event (format 1.0) and maps its result as API Gateway does (a malformed result is a 502).
 */
export async function runAwsProxy(integration: IntegrationModel, req: IntegrationRequest, resourcePath: string, handlers: Readonly<Record<string, LambdaHandler>>, resolve?: LambdaResolver, sourceArn = ''): Promise<IntegrationResult> {
  let key = integration.functionKeys.find((k) => handlers[k] !== undefined);
  let handler = key === undefined ? undefined : handlers[key];
  for (const k of key === undefined && resolve ? integration.functionKeys : []) {
    const found = resolve?.(k, sourceArn);
    if (found === 'forbidden') {
      // API Gateway: "Execution failed due to configuration error: Invalid permissions on Lambda function" (500).
      return { kind: 'error', type: 'API_CONFIGURATION_ERROR', detail: `${integration.address}: the resource policy of ${k} does not let API Gateway invoke it from ${sourceArn} (Invalid permissions on Lambda function)` };
    }
    if (found) {
      key = k;
      handler = found;
      break;
    }
  }
  if (!key || !handler) {
    const name = integration.functionKeys.find((k) => !k.startsWith('arn:')) ?? integration.uri;
    return {
      kind: 'error',
      type: 'API_CONFIGURATION_ERROR',
      message: `No Lambda function ${name} in the twin: deploy it (aws_lambda_function), or map a local handler to it.`,
      detail: `${integration.address}: no function ${name}`,
    };
  }
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    headers[k] = Array.isArray(v) ? v[v.length - 1] : v;
    multiValueHeaders[k] = Array.isArray(v) ? v : [v];
  }
  const text = req.body.toString('utf8');
  const binary = req.body.length > 0 && !Buffer.from(text, 'utf8').equals(req.body);
  const event = {
    resource: resourcePath,
    path: req.path,
    httpMethod: req.httpMethod,
    headers,
    multiValueHeaders,
    queryStringParameters: Object.keys(req.query).length ? req.query : null,
    multiValueQueryStringParameters: Object.keys(req.multiQuery).length ? req.multiQuery : null,
    pathParameters: Object.keys(req.pathParams).length ? req.pathParams : null,
    stageVariables: Object.keys(req.stageVariables).length ? req.stageVariables : null,
    // A copy per invocation, as Lambda receives fresh JSON: a handler that edits its event cannot reach the next one.
    // A handler that serializes the event (the function's own package, in its instance) gets a copy anyway, maybe
    // after a wait in its queue: one level is copied, as the gateway replaces its context's members (access log
    // variables such as integrationLatency), never edits them.
    requestContext: (handler as SerializingHandler).serializesEvent === true ? { ...req.context } : structuredClone(req.context),
    body: req.body.length === 0 ? null : binary ? req.body.toString('base64') : text,
    isBase64Encoded: binary,
  };
  let result: unknown;
  let timer: NodeJS.Timeout | undefined;
  try {
    result = await Promise.race([
      Promise.resolve().then(() => (handler as LambdaHandler)(event, { functionName: key, awsRequestId: String(req.context['requestId']) })),
      new Promise((_r, fail) => {
        timer = setTimeout(() => fail(new TimeoutError()), integration.timeoutMs);
      }),
    ]);
  } catch (err) {
    if (err instanceof TimeoutError) return { kind: 'error', type: 'INTEGRATION_TIMEOUT', detail: `${key} did not answer within ${integration.timeoutMs} ms` };
    return { kind: 'error', type: 'DEFAULT_5XX', detail: `${key} threw: ${(err as Error)?.message ?? String(err)}` };
  } finally {
    clearTimeout(timer);
  }
  if (typeof result !== 'object' || result === null) return { kind: 'error', type: 'DEFAULT_5XX', detail: `${key} returned no proxy result object` };
  const r = result as Record<string, unknown>;
  const status = r['statusCode'] === undefined ? 200 : Number(r['statusCode']);
  if (!Number.isInteger(status) || status < 100 || status > 599) return { kind: 'error', type: 'DEFAULT_5XX', detail: `${key} returned statusCode ${String(r['statusCode'])}` };
  if (r['body'] !== undefined && r['body'] !== null && typeof r['body'] !== 'string') return { kind: 'error', type: 'DEFAULT_5XX', detail: `${key} returned a body that is not a string` };
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries((r['multiValueHeaders'] as Record<string, unknown>) ?? {})) if (Array.isArray(v)) out[k.toLowerCase()] = v.map(String);
  for (const [k, v] of Object.entries((r['headers'] as Record<string, unknown>) ?? {})) if (v !== undefined && v !== null) out[k.toLowerCase()] = String(v);
  for (const [name, value] of Object.entries(out)) {
    try {
      validateHeaderName(name);
      for (const v of Array.isArray(value) ? value : [value]) validateHeaderValue(name, v);
    } catch {
      return { kind: 'error', type: 'DEFAULT_5XX', detail: `${key} returned header ${JSON.stringify(name)} with a name or value HTTP cannot carry` };
    }
  }
  const body = typeof r['body'] === 'string' ? (r['isBase64Encoded'] === true ? Buffer.from(r['body'], 'base64') : r['body']) : '';
  if (out['content-type'] === undefined) out['content-type'] = 'application/json';
  return { kind: 'response', statusCode: status, headers: out, body, integrationStatus: 200 };
}

class TimeoutError extends Error {}
