export type { AuthorizationType, AuthorizerBinding, IAuthorizer, IRestApi } from './lib/authorizer';
export { DEFAULT_INTEGRATION_TIMEOUT, DEFAULT_INTEGRATION_TIMEOUT_MS, Integration } from './lib/integration';
export type { HttpProxyOptions, IntegrationConfig, LambdaFunctionRef, LambdaProxyOptions, MockResponse } from './lib/integration';
export { CACHE_CLUSTER_SIZES, LOG_RETENTION_DAYS } from './lib/options';
export type { CacheClusterSize, CacheOptions, CorsOptions, LoggingLevel, ThrottlingOptions } from './lib/options';
export { ACCESS_LOG_FORMAT, REST_API_DEFAULTS, RestApi } from './lib/rest-api';
export type { IWebAclRef, RestApiProps } from './lib/rest-api';
export { HTTP_METHODS } from './lib/routes';
export type { HttpMethod, RouteKey, RouteOptions, RouteTable } from './lib/routes';
