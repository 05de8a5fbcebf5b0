import { Construct } from 'constructs';
import type { TerraformResource } from 'cdktf';
import { ApiGatewayIntegration, type ApiGatewayIntegrationConfig } from '@cdktf/provider-aws/lib/api-gateway-integration';
import { ApiGatewayIntegrationResponse } from '@cdktf/provider-aws/lib/api-gateway-integration-response';
import { ApiGatewayMethod, type ApiGatewayMethodConfig } from '@cdktf/provider-aws/lib/api-gateway-method';
import { ApiGatewayMethodResponse } from '@cdktf/provider-aws/lib/api-gateway-method-response';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { partitionOf } from '@secure-api/core';
import type { IntegrationConfig } from '../integration';
import type { HttpMethod } from '../routes';
import { corsResponseHeaders, originOverrideTemplate, preflightMethods, type Cors } from './cors';
import { timeoutMillisecondsOf, urlParams } from './integration-check';
import type { ParsedRoute } from './route-table';

/** What every method of one API shares. */
export interface MethodContext {
  readonly restApiId: string;
  readonly executionArn: string;
  /** The one stage: a Lambda permission names it, so that no other stage (or test invoke) can call the function. */
  readonly stageName: string;
  /** The API's region; read only when a Lambda integration needs it. */
  readonly region: () => string;
  readonly cors?: Cors;
  readonly cacheOn: boolean;
  /** Configuration the deployment's trigger hash covers. */
  readonly model: unknown[];
  /** Resources the deployment must wait for. */
  readonly deploymentDeps: TerraformResource[];
}

/** A method's authorization, decided by the API. */
export interface MethodAuth {
  readonly authorization: string;
  readonly authorizerId?: string;
  readonly scopes?: readonly string[];
}

const JSON_TYPE = 'application/json';

/** The `{param}` names of a route's path (`proxy` for `{proxy+}`). */
function pathParams(route: ParsedRoute): string[] {
  return route.segments.filter((s) => s.name !== undefined).map((s) => s.name as string);
}

/** `/items/*` for `/items/{id}`: the resource part of the method ARN that invoke permissions name. */
function pathForArn(path: string): string {
  return path.replace(/\{[^}]*\}/g, '*');
}

function headerParams(prefix: string, headers: Record<string, string>, value: (v: string) => string | boolean) {
  return Object.fromEntries(Object.entries(headers).map(([name, v]) => [`${prefix}.header.${name}`, value(v)]));
}

/**
 * Adds one route's method under its path node: `<node>/<METHOD>` with the method (`Resource`), its integration,
 * and for MOCK its method and integration responses, for Lambda its invoke permission.
 */
export function addRouteMethod(node: Construct, resourceId: string, route: ParsedRoute, auth: MethodAuth, ctx: MethodContext): Construct {
  const scope = new Construct(node, route.method);
  const params = pathParams(route);
  const requestParameters: Record<string, boolean> = Object.fromEntries(params.map((p) => [`method.request.path.${p}`, true]));
  const cacheKeys = ctx.cacheOn ? params.map((p) => `method.request.path.${p}`) : [];
  if (ctx.cacheOn && auth.authorization !== 'NONE') {
    // The cache key must tell callers apart, or one caller would be served another's cached response.
    requestParameters['method.request.header.Authorization'] = true;
    cacheKeys.push('method.request.header.Authorization');
  }
  const methodConfig: ApiGatewayMethodConfig = {
    restApiId: ctx.restApiId,
    resourceId,
    httpMethod: route.method,
    authorization: auth.authorization,
    authorizerId: auth.authorizerId,
    authorizationScopes: auth.scopes?.length ? [...auth.scopes] : undefined,
    requestParameters: Object.keys(requestParameters).length ? requestParameters : undefined,
  };
  const method = new ApiGatewayMethod(scope, 'Resource', methodConfig);
  const integration = route.options.integration.config;
  const integrationConfig = integrationConfigOf(route, integration, ctx, cacheKeys);
  const integrationResource = new ApiGatewayIntegration(scope, 'Integration', { restApiId: ctx.restApiId, resourceId, httpMethod: method.httpMethod, ...integrationConfig });
  ctx.deploymentDeps.push(method, integrationResource);
  const entry: Record<string, unknown> = { route: route.key, method: methodConfig, integration: integrationConfig };

  if (integration.type === 'MOCK') {
    const cors = ctx.cors ? corsResponseHeaders(ctx.cors) : {};
    const headers = { ...cors, ...Object.fromEntries(Object.entries(integration.headers).map(([k, v]) => [k, `'${v}'`])) };
    const template = (ctx.cors ? originOverrideTemplate(ctx.cors) : '') + JSON.stringify(integration.body);
    const response = addMockResponses(scope, resourceId, method, integrationResource, String(integration.statusCode), headers, { [JSON_TYPE]: template }, ctx);
    entry['responses'] = response;
  }
  if (integration.type === 'AWS_PROXY' && integration.grantInvoke) {
    new LambdaPermission(scope, 'InvokePermission', {
      action: 'lambda:InvokeFunction',
      functionName: integration.functionArn,
      principal: 'apigateway.amazonaws.com',
      // execute-api ARN: <api>/<stage>/<method>/<path>; scoped to this stage, method and path, never */*.
      // @see https://docs.aws.amazon.com/apigateway/latest/developerguide/arn-format-reference.html
      sourceArn: `${ctx.executionArn}/${ctx.stageName}/${route.method === 'ANY' ? '*' : route.method}${pathForArn(route.path)}`,
    });
  }
  ctx.model.push(entry);
  return scope;
}

function integrationConfigOf(route: ParsedRoute, integration: IntegrationConfig, ctx: MethodContext, cacheKeys: string[]) {
  const cacheKeyParameters = cacheKeys.length ? cacheKeys : undefined;
  switch (integration.type) {
    case 'MOCK':
      return {
        type: 'MOCK',
        requestTemplates: { [JSON_TYPE]: `{"statusCode": ${integration.statusCode}}` },
        // Another content type would reach the mock unmapped and fail with 500; NEVER answers 415 instead.
        passthroughBehavior: 'NEVER',
        cacheKeyParameters,
      } satisfies Partial<ApiGatewayIntegrationConfig>;
    case 'HTTP_PROXY': {
      const mapped = urlParams(integration.url).map((p) => [`integration.request.path.${p}`, `method.request.path.${p}`]);
      return {
        type: 'HTTP_PROXY',
        integrationHttpMethod: route.method,
        uri: integration.url,
        requestParameters: mapped.length ? Object.fromEntries(mapped) : undefined,
        timeoutMilliseconds: timeoutMillisecondsOf(integration.timeout),
        cacheKeyParameters,
      } satisfies Partial<ApiGatewayIntegrationConfig>;
    }
    case 'AWS_PROXY': {
      const region = ctx.region();
      return {
        type: 'AWS_PROXY',
        // Lambda is always invoked with POST, whatever the client's method.
        integrationHttpMethod: 'POST',
        uri: `arn:${partitionOf(region)}:apigateway:${region}:lambda:path/2015-03-31/functions/${integration.functionArn}/invocations`,
        timeoutMilliseconds: timeoutMillisecondsOf(integration.timeout),
        cacheKeyParameters,
      } satisfies Partial<ApiGatewayIntegrationConfig>;
    }
  }
}

function addMockResponses(
  scope: Construct,
  resourceId: string,
  method: ApiGatewayMethod,
  integration: ApiGatewayIntegration,
  statusCode: string,
  headers: Record<string, string>,
  responseTemplates: Record<string, string> | undefined,
  ctx: MethodContext,
) {
  const methodResponseParameters = headerParams('method.response', headers, () => true);
  const integrationResponseParameters = headerParams('method.response', headers, (v) => v);
  const methodResponse = new ApiGatewayMethodResponse(scope, 'MethodResponse', {
    restApiId: ctx.restApiId,
    resourceId,
    httpMethod: method.httpMethod,
    statusCode,
    responseParameters: Object.keys(methodResponseParameters).length ? (methodResponseParameters as Record<string, boolean>) : undefined,
  });
  const integrationResponse = new ApiGatewayIntegrationResponse(scope, 'IntegrationResponse', {
    restApiId: ctx.restApiId,
    resourceId,
    httpMethod: method.httpMethod,
    statusCode: methodResponse.statusCode,
    responseTemplates,
    responseParameters: Object.keys(integrationResponseParameters).length ? (integrationResponseParameters as Record<string, string>) : undefined,
    dependsOn: [integration],
  });
  ctx.deploymentDeps.push(methodResponse, integrationResponse);
  return { statusCode, headers, responseTemplates };
}

/**
 * Adds the CORS preflight `OPTIONS` method of one path: no authorization (browsers never send credentials with a
 * preflight), a MOCK answering 204 with the allowed origin, methods and headers.
 */
export function addPreflight(node: Construct, resourceId: string, routeMethods: readonly HttpMethod[], cors: Cors, ctx: MethodContext): Construct {
  const scope = new Construct(node, 'OPTIONS');
  const methodConfig: ApiGatewayMethodConfig = { restApiId: ctx.restApiId, resourceId, httpMethod: 'OPTIONS', authorization: 'NONE' };
  const method = new ApiGatewayMethod(scope, 'Resource', methodConfig);
  const integrationConfig = { type: 'MOCK', requestTemplates: { [JSON_TYPE]: '{"statusCode": 204}' }, passthroughBehavior: 'NEVER' };
  const integration = new ApiGatewayIntegration(scope, 'Integration', { restApiId: ctx.restApiId, resourceId, httpMethod: method.httpMethod, ...integrationConfig });
  ctx.deploymentDeps.push(method, integration);
  const headers: Record<string, string> = {
    'Access-Control-Allow-Headers': `'${cors.allowHeaders.join(',')}'`,
    'Access-Control-Allow-Methods': `'${preflightMethods(cors, routeMethods)}'`,
    ...corsResponseHeaders(cors),
  };
  if (cors.maxAgeSeconds !== undefined) headers['Access-Control-Max-Age'] = `'${cors.maxAgeSeconds}'`;
  const prelude = originOverrideTemplate(cors);
  const responses = addMockResponses(scope, resourceId, method, integration, '204', headers, prelude ? { [JSON_TYPE]: prelude } : undefined, ctx);
  ctx.model.push({ preflight: true, method: methodConfig, integration: integrationConfig, responses });
  return scope;
}
