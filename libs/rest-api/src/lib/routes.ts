import type { IAuthorizer } from './authorizer';
import type { Integration } from './integration';

/**
 * A method a route answers. `ANY` answers every method that has no route of its own on the same path.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-settings-method-request.html
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS' | 'ANY';

/** Every method of {@link HttpMethod}, `ANY` last. */
export const HTTP_METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'];

/**
 * A route's name: the method, one space, the path. Path segments are literals (`items`), parameters (`{id}`) or,
 * as the last segment only, a greedy parameter (`{proxy+}`) that matches the rest of the path.
 * Examples: `'GET /'`, `'GET /items/{id}'`, `'ANY /files/{proxy+}'`.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-settings-method-request.html#setup-method-resources
 */
export type RouteKey = `${HttpMethod} /${string}`;

/** How one route is served and who may call it. */
export interface RouteOptions {
  /** Where the request goes: `Integration.mock(...)`, `Integration.httpProxy(...)` or `Integration.lambdaProxy(...)`. */
  readonly integration: Integration;

  /**
   * Makes the route callable without any token, and says why: `public: 'health check for the load balancer'`.
   * Routes are protected by the API's `defaultAuthorizer` unless marked public here; the reason is kept on the
   * API (`RestApi.publicRoutes`) for security reviews and the policy assertions.
   * @default - not public: the route uses `authorizer` or the API's `defaultAuthorizer`
   */
  readonly public?: string;

  /**
   * The authorizer of this route, instead of the API's `defaultAuthorizer`.
   * @default - the API's `defaultAuthorizer`
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-integrate-with-cognito.html
   */
  readonly authorizer?: IAuthorizer;

  /**
   * OAuth scopes (`identifier/scope`) of which the caller's access token must hold at least one. With scopes the
   * Cognito authorizer accepts access tokens only; without, ID tokens only. Only for `COGNITO_USER_POOLS`
   * authorizers, and every scope must be defined by a resource server of one of the authorizer's user pools.
   * @default - none: the route takes an ID token
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-enable-cognito-user-pool.html
   */
  readonly authorizationScopes?: readonly string[];
}

/**
 * The routes of a REST API, by name: `{ 'GET /hello': { integration: Integration.mock({ body: { hello: 'world' } }) } }`.
 */
export type RouteTable = Readonly<Record<RouteKey, RouteOptions>>;
