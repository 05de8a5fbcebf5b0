/**
 * Proxy events for unit tests, after the example input of a Lambda proxy integration in AWS's documentation, with
 * `requestContext.authorizer.claims` filled as a Cognito user pools authorizer fills them (every value a string).
 *
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format
 */
import type { LambdaContext, ProxyEvent, RawClaims } from '../lib/types';

export const POOL_ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example';
export const CLIENT_ID = '3n4b5urk1ft4fl3mg5e62d9ado';
export const SUB = '8f2a1c3e-5b6d-4e7f-8a9b-0c1d2e3f4a5b';

/** Claims of an ID token as API Gateway's REST API passes them (`exp`/`iat` rewritten as dates). */
export function idTokenClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sub: SUB,
    'cognito:groups': 'admins,readers',
    email_verified: 'true',
    iss: POOL_ISSUER,
    'cognito:username': 'jane',
    origin_jti: '1b2c3d4e-0000-4000-8000-000000000001',
    aud: CLIENT_ID,
    event_id: '5e6f7a8b-0000-4000-8000-000000000002',
    token_use: 'id',
    auth_time: '1710000000',
    exp: 'Sat Mar 09 17:00:00 UTC 2024',
    iat: 'Sat Mar 09 16:00:00 UTC 2024',
    jti: '9a8b7c6d-0000-4000-8000-000000000003',
    email: 'jane@example.com',
    ...overrides,
  };
}

/** Claims of an access token (no `aud`; `client_id`, `username` and `scope` instead). */
export function accessTokenClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sub: SUB,
    iss: POOL_ISSUER,
    client_id: CLIENT_ID,
    origin_jti: '1b2c3d4e-0000-4000-8000-000000000001',
    event_id: '5e6f7a8b-0000-4000-8000-000000000002',
    token_use: 'access',
    scope: 'api/orders.write',
    auth_time: '1710000000',
    exp: '1710003600',
    iat: '1710000000',
    jti: '9a8b7c6d-0000-4000-8000-000000000004',
    username: 'jane',
    ...overrides,
  };
}

export interface EventOptions {
  readonly method?: string;
  readonly resource?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
  /** The authorizer's claims; `null` builds the event of a route without an authorizer (`authorizer` absent). */
  readonly claims?: RawClaims | null;
}

/** A proxy event shaped like the documentation's example. */
export function proxyEvent(options: EventOptions = {}): ProxyEvent {
  const method = options.method ?? 'GET';
  const resource = options.resource ?? '/me';
  const headers = { Accept: 'application/json', Authorization: 'eyJraWQiOi.example.token', Host: 'id.execute-api.us-east-1.amazonaws.com', 'User-Agent': 'jest', ...options.headers };
  const claims = options.claims === undefined ? idTokenClaims() : options.claims;
  return {
    resource,
    path: resource,
    httpMethod: method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'id',
      ...(claims === null ? {} : { authorizer: { claims, scopes: null } }),
      domainName: 'id.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'id',
      extendedRequestId: 'request-id',
      httpMethod: method,
      identity: { accessKey: null, accountId: null, caller: null, sourceIp: '192.0.2.1', user: null, userAgent: 'jest', userArn: null },
      path: `/prod${resource}`,
      protocol: 'HTTP/1.1',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      requestTime: '09/Mar/2024:16:00:00 +0000',
      requestTimeEpoch: 1710000000000,
      resourceId: 'abc123',
      resourcePath: resource,
      stage: 'prod',
    },
    pathParameters: null,
    stageVariables: null,
    body: options.body === undefined ? null : options.body,
    isBase64Encoded: options.isBase64Encoded ?? false,
  };
}

/** A Lambda context with the fields a handler may read. */
export function lambdaContext(): LambdaContext {
  return { awsRequestId: 'c0ffee00-0000-4000-8000-000000000000', functionName: 'test', getRemainingTimeInMillis: () => 3000 };
}
