import type { GatewayResponseModel } from './model';
import { renderTemplate, type TemplateScope } from './template';

/** The gateway response types the twin raises, with API Gateway's default status, message and error type. */
export const GATEWAY_RESPONSE_DEFAULTS = {
  MISSING_AUTHENTICATION_TOKEN: { status: 403, message: 'Missing Authentication Token', errorType: 'MissingAuthenticationTokenException' },
  UNAUTHORIZED: { status: 401, message: 'Unauthorized', errorType: 'UnauthorizedException' },
  ACCESS_DENIED: { status: 403, message: 'User is not authorized to access this resource', errorType: 'AccessDeniedException' },
  INVALID_API_KEY: { status: 403, message: 'Forbidden', errorType: 'ForbiddenException' },
  THROTTLED: { status: 429, message: 'Too Many Requests', errorType: 'TooManyRequestsException' },
  // What API Gateway answers when the stage's web ACL blocks a request (gateway response type WAF_FILTERED).
  WAF_FILTERED: { status: 403, message: 'Forbidden', errorType: 'ForbiddenException' },
  REQUEST_TOO_LARGE: { status: 413, message: 'Request Too Long', errorType: 'RequestTooLongException' },
  // AWS documents 504 for both integration types; we answer 502 for a backend that failed and keep 504 for one
  // that did not answer in time, so that the two can be told apart.
  INTEGRATION_FAILURE: { status: 502, message: 'Internal server error', errorType: 'InternalServerErrorException' },
  INTEGRATION_TIMEOUT: { status: 504, message: 'Endpoint request timed out', errorType: 'InternalServerErrorException' },
  API_CONFIGURATION_ERROR: { status: 500, message: 'Internal server error', errorType: 'InternalServerErrorException' },
  AUTHORIZER_CONFIGURATION_ERROR: { status: 500, message: 'Internal server error', errorType: 'AuthorizerConfigurationException' },
  BAD_REQUEST_BODY: { status: 400, message: 'Invalid request body', errorType: 'BadRequestException' },
  DEFAULT_5XX: { status: 502, message: 'Internal server error', errorType: 'InternalServerErrorException' },
} as const;

export type GatewayResponseType = keyof typeof GATEWAY_RESPONSE_DEFAULTS;

/** A response ready to send. */
export interface GatewayReply {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string | Buffer;
  /** Set on gateway (error) responses: `$context.error.*` for the access log. */
  readonly error?: { readonly type: string; readonly message: string };
  /** Why the gateway failed a request (for the twin's own log, never for the client). */
  readonly diagnostic?: string;
}

/** What a gateway response may read: the request's headers, path and query, plus stage variables. */
export interface GatewayResponseInput {
  readonly requestId: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly query?: Readonly<Record<string, string>>;
  readonly pathParams?: Readonly<Record<string, string>>;
  readonly stageVariables?: Readonly<Record<string, string>>;
  /** The `$context` the template sees, beside `error`. */
  readonly context: Readonly<Record<string, unknown>>;
}

const DEFAULT_TEMPLATE = '{"message":$context.error.messageString}';

/**
 * Builds a gateway response the way API Gateway does: the stack's response for this type if declared, else its
 * DEFAULT_4XX / DEFAULT_5XX, else the built-in default; a DEFAULT_4XX/5XX status applies to every type of its family
 * that does not set its own. Headers come from `response_parameters` (`'static'` or a request value); the body from
 * the JSON template with `$context.error.messageString` (the message as a quoted JSON string).
 */
export function gatewayResponse(
  served: { readonly gatewayResponses: ReadonlyMap<string, GatewayResponseModel> } | undefined,
  type: GatewayResponseType,
  input: GatewayResponseInput,
  override: { status?: number; message?: string } = {},
): GatewayReply {
  const builtIn = GATEWAY_RESPONSE_DEFAULTS[type];
  const defaultStatus = override.status ?? builtIn.status;
  const message = override.message ?? builtIn.message;
  const own = served?.gatewayResponses.get(type);
  const family = served?.gatewayResponses.get(defaultStatus >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX');
  const status = own?.statusCode ?? family?.statusCode ?? defaultStatus;
  const spec: GatewayResponseModel | undefined = own ?? family;

  const scope: TemplateScope = {
    context: { ...input.context, requestId: input.requestId, error: { message, messageString: JSON.stringify(message), responseType: type } },
    stageVariables: input.stageVariables ?? {},
  };
  const [contentType, template] = pickTemplate(spec?.templates) ?? ['application/json', DEFAULT_TEMPLATE];
  const headers: Record<string, string> = {};
  for (const [key, source] of Object.entries(spec?.parameters ?? {})) {
    const m = /^gatewayresponse\.header\.(.+)$/.exec(key);
    if (!m) continue;
    const value = parameterValue(source, input, scope);
    if (value !== undefined) headers[m[1]] = value;
  }
  headers['content-type'] = contentType;
  headers['x-amzn-RequestId'] = input.requestId;
  headers['x-amzn-ErrorType'] = builtIn.errorType;
  return { statusCode: status, headers, body: renderTemplate(template, scope), error: { type, message } };
}

/** `application/json` when the response declares it, else the first declared content type. */
export function pickTemplate(templates: Readonly<Record<string, string>> | undefined, accept?: string): [string, string] | undefined {
  if (!templates) return undefined;
  const entries = Object.entries(templates);
  if (entries.length === 0) return undefined;
  if (accept) {
    for (const wanted of accept.split(',').map((a) => a.split(';')[0].trim().toLowerCase())) {
      const hit = entries.find(([k]) => k.toLowerCase() === wanted);
      if (hit) return hit;
    }
  }
  return entries.find(([k]) => k.toLowerCase() === 'application/json') ?? entries[0];
}

/**
 * The value of a response parameter source: `'literal'`, `method.request.header.X`, `method.request.querystring.x`,
 * `method.request.path.x`, `stageVariables.x` or `context.x.y`. Undefined when the source names nothing.
 */
export function parameterValue(
  source: string,
  input: Pick<GatewayResponseInput, 'headers' | 'query' | 'pathParams' | 'stageVariables'>,
  scope: TemplateScope | (() => TemplateScope),
): string | undefined {
  const literal = /^'(.*)'$/s.exec(source);
  if (literal) return literal[1];
  let m = /^method\.request\.header\.(.+)$/.exec(source);
  if (m) {
    const v = input.headers[m[1].toLowerCase()];
    return Array.isArray(v) ? v.join(',') : v;
  }
  m = /^method\.request\.querystring\.(.+)$/.exec(source);
  if (m) return input.query?.[m[1]];
  m = /^method\.request\.path\.(.+)$/.exec(source);
  if (m) return input.pathParams?.[m[1]];
  m = /^stageVariables\.(.+)$/.exec(source);
  if (m) return input.stageVariables?.[m[1]];
  if (/^context\.[A-Za-z0-9_.:-]+$/.test(source)) {
    const value = source
      .split('.')
      .slice(1)
      .reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), (typeof scope === 'function' ? scope() : scope)['context']);
    return value === undefined || value === null ? undefined : String(value);
  }
  return undefined;
}
