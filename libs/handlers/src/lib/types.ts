/**
 * The shapes API Gateway (REST API, Lambda proxy integration, payload format 1.0) hands a function and expects back,
 * reduced to what these handlers read. Every field API Gateway may send as `null` is typed so.
 *
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format
 */

/** Claims as a Cognito user pools authorizer passes them: in format 1.0 every value is a string. */
export type RawClaims = Readonly<Record<string, unknown>>;

/** `requestContext.authorizer`: `claims` (and `scopes`) when a Cognito user pools authorizer ran, else absent or null. */
export interface ProxyAuthorizer {
  readonly claims?: RawClaims | null;
  readonly scopes?: readonly string[] | null;
  readonly [key: string]: unknown;
}

/** `requestContext` of a proxy event (the fields these handlers use; API Gateway sends more). */
export interface ProxyRequestContext {
  readonly requestId?: string;
  readonly resourcePath?: string;
  readonly httpMethod?: string;
  readonly stage?: string;
  readonly authorizer?: ProxyAuthorizer | null;
  readonly [key: string]: unknown;
}

/** The event of a REST API Lambda proxy integration (payload format 1.0). */
export interface ProxyEvent {
  readonly resource?: string;
  readonly path?: string;
  readonly httpMethod?: string;
  readonly headers?: Readonly<Record<string, string | undefined>> | null;
  readonly multiValueHeaders?: Readonly<Record<string, readonly string[] | undefined>> | null;
  readonly queryStringParameters?: Readonly<Record<string, string | undefined>> | null;
  readonly multiValueQueryStringParameters?: Readonly<Record<string, readonly string[] | undefined>> | null;
  readonly pathParameters?: Readonly<Record<string, string | undefined>> | null;
  readonly stageVariables?: Readonly<Record<string, string | undefined>> | null;
  readonly requestContext?: ProxyRequestContext;
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
}

/** What a proxy integration returns: API Gateway turns it into the HTTP response. */
export interface ProxyResult {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly isBase64Encoded?: boolean;
}

/** The Lambda context object (the fields these handlers may use). */
export interface LambdaContext {
  readonly awsRequestId?: string;
  readonly functionName?: string;
  getRemainingTimeInMillis?(): number;
}

/** A REST API proxy handler. */
export type ProxyHandler = (event: ProxyEvent, context: LambdaContext) => Promise<ProxyResult>;
