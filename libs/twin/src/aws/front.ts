import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyPluginAsync } from 'fastify';
import type { TwinClock, TwinErrorResponse } from '../contracts';
import { uuid } from '../shared/ids';
import { readBody } from '../shared/body';
import { aheadOfFastify } from '../shared/serve-ahead';
import { then, type Maybe } from '../shared/maybe';
import { AwsError, renderAwsError, xml, type AwsProtocol } from './errors';
import { verifySigV4, type TwinCredentials } from './sigv4';

/** What every operation knows of the request it serves. */
export interface AwsCall {
  /** The region of the signature's credential scope, or the twin's default region for an unsigned call. */
  readonly region: string;
  readonly accountId: string;
  readonly requestId: string;
  /** Whether a signature with the twin's credentials covers the call. */
  readonly signed: boolean;
  readonly headers: IncomingHttpHeaders;
  /**
   * Ids to give the resource a create makes, when the stack loader recorded them at an earlier start (so that ids
   * and URLs survive restarts). Never set for a request that came over HTTP.
   */
  readonly reuse?: Readonly<Record<string, string>>;
}

/** An operation of a JSON 1.1 service: its input is the parsed body, its output the reply body. */
export interface JsonOperation {
  /** `sigv4`: only a request signed with the twin's credentials may call it (AWS's IAM-authorized operations). */
  readonly auth: 'sigv4' | 'none';
  run(input: Record<string, unknown>, call: AwsCall): unknown;
}

/** A JSON 1.1 service (`X-Amz-Target: <prefix>.<Operation>`). */
export interface JsonService {
  /** `AWSCognitoIdentityProviderService`, `Logs_20140328`. */
  readonly targetPrefix: string;
  /** The SigV4 service name (`cognito-idp`, `logs`). */
  readonly signingName: string;
  readonly operations: Readonly<Record<string, JsonOperation>>;
  /** The largest body it takes, in bytes. */
  readonly bodyLimit: number;
}

/** A REST-JSON service answer: status and body (no body for 202/204). */
export interface RestReply {
  readonly status: number;
  readonly body?: unknown;
}

/** A REST-JSON service (API Gateway's control plane): every call is signed. */
export interface RestService {
  readonly signingName: string;
  /** Whether the path belongs to this service. */
  handles(path: string): boolean;
  /** Answers one call; an unknown route throws AWS's unknown-operation error. */
  route(method: string, path: string, query: URLSearchParams, body: unknown, call: AwsCall): RestReply | Promise<RestReply>;
  /** The operation a method and path name (`GetRestApi`), if any. */
  operationOf(method: string, path: string): string | undefined;
  readonly bodyLimit: number;
}

/** An action of a Query service, answering the inner XML of its `<Action>Result>`. */
export interface QueryAction {
  readonly auth: 'sigv4' | 'none';
  run(params: URLSearchParams, call: AwsCall): string;
}

/** A Query service (STS, IAM): form-encoded `Action=...&Version=...`, XML answers. */
export interface QueryService {
  readonly signingName: string;
  readonly version: string;
  readonly xmlns: string;
  readonly actions: Readonly<Record<string, QueryAction>>;
}

/** Where the AWS APIs find the account they act for and the keys that may act. */
export interface AwsAccount {
  readonly accountId: string;
  readonly defaultRegion: string;
  credentials(): TwinCredentials;
}

/** One answered AWS API call, for latency figures. */
export interface AwsCallRecord {
  /** The SigV4 service name: `cognito-idp`, `apigateway`, `logs`, `sts`, `iam`. */
  readonly service: string;
  /** `CreateUserPool`, `GetRestApi`, ...; `unknown` when the request names none the twin knows. */
  readonly operation: string;
  readonly status: number;
  /** From the request's arrival (its headers) to the answer written, in milliseconds. */
  readonly ms: number;
  /**
   * From the request's arrival to its whole body read: the client still sending (an SDK may write the body apart
   * from the headers), or the twin busy elsewhere when it arrived.
   */
  readonly readMs: number;
  /**
   * From the whole body read to the answer handed to the socket: the twin's own work on the call, without the waits
   * for the client's bytes, for a CPU, or behind other calls.
   */
  readonly handledMs: number;
}

export interface AwsFrontOptions {
  readonly account: AwsAccount;
  readonly clock: TwinClock;
  readonly json: readonly JsonService[];
  readonly rest: readonly RestService[];
  readonly query: readonly QueryService[];
  /** Receives every answered call (the control-plane benchmark's figures). @default - none */
  readonly onCall?: (record: AwsCallRecord) => void;
}

const JSON_TYPES = ['application/x-amz-json-1.1', 'application/x-amz-json-1.0', 'application/json'];
const QUERY_BODY_LIMIT = 64 * 1024;

/**
 * The AWS APIs of the twin, on one endpoint as `AWS_ENDPOINT_URL` points every SDK at it: JSON 1.1 services by
 * `X-Amz-Target` on `POST /`, Query services by the form's `Action` on `POST /`, and REST-JSON services by path. It
 * reads each body once, verifies SigV4 where an operation needs it, and answers errors in each protocol's shape,
 * never a 5xx for bad input and never internals.
 */
export class AwsFront {
  constructor(private readonly options: AwsFrontOptions) {}

  /** Whether a request is an AWS API call (`POST /`, or a REST service's path). */
  handles(method: string | undefined, url: string): boolean {
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    if (path === '/') return method === 'POST';
    return this.options.rest.some((s) => s.handles(path));
  }

  /** Serves an AWS API call; false, having done nothing, for any other request. */
  serve(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url ?? '/';
    if (!this.handles(req.method, url)) return false;
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const rest = path === '/' ? undefined : this.options.rest.find((s) => s.handles(path));
    const limit = rest?.bodyLimit ?? Math.max(QUERY_BODY_LIMIT, ...this.options.json.map((s) => s.bodyLimit));
    const requestId = uuid();
    const protocol: AwsProtocol = rest ? 'rest-json' : req.headers['x-amz-target'] !== undefined || !isForm(req.headers) ? 'json' : 'query';
    const started = this.options.onCall ? performance.now() : 0;
    let read = started;
    let handled = started;
    let name = () => 'unknown';
    let service = rest?.signingName ?? 'unknown';
    if (this.options.onCall) {
      const onCall = this.options.onCall;
      res.once('finish', () => onCall({ service, operation: name(), status: res.statusCode, ms: performance.now() - started, readMs: read - started, handledMs: handled - read }));
    }
    const answer = (a: TwinErrorResponse) => {
      if (this.options.onCall) handled = performance.now();
      this.send(res, a);
    };
    readBody(req, limit, (body) => {
      if (this.options.onCall) {
        read = performance.now();
        ({ name, service } = this.identify(req, path, rest, protocol, body, service));
      }
      if (body === 'too-large') {
        answer(renderAwsError(tooLarge(protocol), protocol, requestId));
        return;
      }
      if (body === 'bad') {
        res.destroy();
        return;
      }
      let reply: Promise<TwinErrorResponse> | TwinErrorResponse;
      try {
        reply = rest ? this.rest(rest, req, url, path, body, requestId) : protocol === 'json' ? this.json(req, url, body, requestId) : this.query(req, url, body, requestId);
      } catch (err) {
        reply = this.failure(err, protocol, requestId);
      }
      if (!(reply instanceof Promise)) {
        answer(reply);
        return;
      }
      reply.then(answer, (err: unknown) => answer(this.failure(err, protocol, requestId)));
    });
    return true;
  }

  /** The service and operation a call names, for its latency record. */
  private identify(req: IncomingMessage, path: string, rest: RestService | undefined, protocol: AwsProtocol, body: Buffer | string, service: string): { name: () => string; service: string } {
    if (rest) return { name: () => rest.operationOf(req.method ?? 'GET', path) ?? 'unknown', service };
    if (protocol === 'json') {
      const target = String(req.headers['x-amz-target'] ?? '');
      const dot = target.lastIndexOf('.');
      const json = this.options.json.find((s) => s.targetPrefix === target.slice(0, dot));
      return { name: () => target.slice(dot + 1) || 'unknown', service: json?.signingName ?? service };
    }
    const params = typeof body === 'string' ? new URLSearchParams() : new URLSearchParams(body.toString('utf8'));
    const scoped = /Credential=[^/]*\/[^/]*\/[^/]*\/([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
    return { name: () => params.get('Action') ?? 'unknown', service: scoped ?? 'sts' };
  }

  /** The Fastify side, for `inject`: AWS calls go to `serve` from the first hook, before Fastify reads a body. */
  plugin(): FastifyPluginAsync {
    return aheadOfFastify(this);
  }

  private json(req: IncomingMessage, url: string, body: Buffer, requestId: string): Maybe<TwinErrorResponse> {
    const targetHeader = req.headers['x-amz-target'];
    const target = typeof targetHeader === 'string' ? targetHeader : '';
    const dot = target.lastIndexOf('.');
    const service = this.options.json.find((s) => target.slice(0, dot) === s.targetPrefix);
    const name = dot < 0 ? '' : target.slice(dot + 1);
    if (!service) {
      throw new AwsError('UnknownOperationException', 'Missing or unknown X-Amz-Target. Fix: send X-Amz-Target: <Service>.<Operation>, e.g. AWSCognitoIdentityProviderService.InitiateAuth.');
    }
    const op = Object.hasOwn(service.operations, name) ? service.operations[name] : undefined;
    if (!op) throw new AwsError('UnknownOperationException', `The local twin does not emulate ${name.slice(0, 64)}. It emulates: ${Object.keys(service.operations).join(', ')}.`);
    const mediaType = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (!JSON_TYPES.includes(mediaType)) throw new AwsError('SerializationException', 'Unsupported Content-Type.', 415);
    if (body.length > service.bodyLimit) throw tooLarge('json');
    const call = this.call(req, url, body, requestId, service.signingName, op.auth === 'sigv4', 400);
    let input: unknown;
    try {
      const text = body.toString('utf8');
      input = text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      throw new AwsError('SerializationException', 'The request body is not valid JSON.');
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new AwsError('SerializationException', 'The request body is not a JSON object.');
    return then(op.run(input as Record<string, unknown>, call) as Maybe<unknown>, (output) => ({
      statusCode: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId },
      body: JSON.stringify(output ?? {}),
    }));
  }

  private rest(service: RestService, req: IncomingMessage, url: string, path: string, body: Buffer, requestId: string): Maybe<TwinErrorResponse> {
    const call = this.call(req, url, body, requestId, service.signingName, true, 403);
    let input: unknown;
    if (body.length > 0) {
      try {
        input = JSON.parse(body.toString('utf8'));
      } catch {
        throw new AwsError('SerializationException', 'The request body is not valid JSON.');
      }
    }
    const q = url.indexOf('?');
    const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
    return then(service.route(req.method ?? 'GET', path, query, input, call), (reply) => {
      // A 202/204 carries no body at all: a stray one confuses keep-alive clients into retrying the next request.
      const empty = reply.status === 204 || reply.body === undefined;
      return {
        statusCode: reply.status,
        headers: { ...(empty ? {} : { 'content-type': 'application/json' }), 'x-amzn-requestid': requestId },
        body: empty ? '' : JSON.stringify(reply.body),
      };
    });
  }

  private query(req: IncomingMessage, url: string, body: Buffer, requestId: string): TwinErrorResponse {
    const params = new URLSearchParams(body.toString('utf8'));
    const action = params.get('Action') ?? '';
    const version = params.get('Version') ?? '';
    const scoped = /Credential=[^/]*\/[^/]*\/[^/]*\/([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
    const service = this.options.query.find((s) => (scoped ? s.signingName === scoped : s.version === version)) ?? this.options.query.find((s) => s.version === version);
    if (!service) throw new AwsError('InvalidAction', `The action ${action.slice(0, 64)} is not valid for this web service.`);
    const act = Object.hasOwn(service.actions, action) ? service.actions[action] : undefined;
    if (!act) throw new AwsError('InvalidAction', `The action ${action.slice(0, 64)} is not valid for this web service (the local twin emulates ${Object.keys(service.actions).join(', ')}).`);
    let result: string;
    try {
      result = act.run(params, this.call(req, url, body, requestId, service.signingName, act.auth === 'sigv4', 403));
    } catch (err) {
      // Each Query service answers its errors in its own namespace (`http://monitoring.amazonaws.com/doc/2010-08-01/`).
      if (err instanceof AwsError) return renderAwsError(queryError(err), 'query', requestId, service.xmlns);
      throw err;
    }
    return {
      statusCode: 200,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body: `<${action}Response xmlns="${service.xmlns}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${xml(requestId)}</RequestId></ResponseMetadata></${action}Response>`,
    };
  }

  /** The call's context; a signature is verified when the operation needs one or the request carries one. */
  private call(req: IncomingMessage, url: string, body: Buffer, requestId: string, signingName: string, required: boolean, authStatus: number): AwsCall {
    const { account, clock } = this.options;
    const base = { accountId: account.accountId, requestId, headers: req.headers };
    if (!required && req.headers.authorization === undefined) return { ...base, region: account.defaultRegion, signed: false };
    try {
      const signed = verifySigV4({ method: req.method ?? 'GET', url, headers: req.headers, rawHeaders: req.rawHeaders, body }, signingName, account.credentials(), clock.now());
      return { ...base, region: signed.region, signed: true };
    } catch (err) {
      if (!(err instanceof AwsError)) throw err;
      if (!required) return { ...base, region: account.defaultRegion, signed: false };
      throw new AwsError(err.code, err.message, authStatus);
    }
  }

  /** An answer for what went wrong: AWS errors as they are, anything else as the protocol's internal error, no details. */
  private failure(err: unknown, protocol: AwsProtocol, requestId: string): TwinErrorResponse {
    if (err instanceof AwsError) return renderAwsError(protocol === 'query' ? queryError(err) : err, protocol, requestId);
    const internal = protocol === 'rest-json' ? new AwsError('InternalServerErrorException', 'Internal server error', 500) : new AwsError('InternalErrorException', 'Internal error.', 500);
    return renderAwsError(internal, protocol, requestId);
  }

  private send(res: ServerResponse, answer: TwinErrorResponse): void {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(answer.statusCode, { ...answer.headers, ...(answer.body ? { 'content-length': Buffer.byteLength(answer.body) } : { 'content-length': 0 }) });
    res.end(answer.body);
  }
}

function isForm(headers: IncomingHttpHeaders): boolean {
  return String(headers['content-type'] ?? '').split(';')[0].trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

function tooLarge(protocol: AwsProtocol): AwsError {
  return protocol === 'rest-json' ? new AwsError('RequestEntityTooLargeException', 'Request Too Long', 413) : new AwsError('RequestEntityTooLargeException', 'Request body is too large.', 413);
}

/** Query services name the signature errors their own way (`InvalidClientTokenId`, `SignatureDoesNotMatch`). */
function queryError(err: AwsError): AwsError {
  const codes: Record<string, string> = {
    MissingAuthenticationTokenException: 'MissingAuthenticationToken',
    UnrecognizedClientException: 'InvalidClientTokenId',
    IncompleteSignatureException: 'IncompleteSignature',
  };
  if (err.code === 'InvalidSignatureException') return new AwsError(/expired|not yet current/.test(err.message) ? 'SignatureExpired' : 'SignatureDoesNotMatch', err.message, err.statusCode);
  return codes[err.code] ? new AwsError(codes[err.code], err.message, err.statusCode) : err;
}
