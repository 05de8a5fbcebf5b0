import { createHash } from 'node:crypto';
import { Lazy, TerraformStack, type IResolveContext, type TerraformResource } from 'cdktf';
import { Construct, type IConstruct } from 'constructs';
import { ApiGatewayAccount } from '@cdktf/provider-aws/lib/api-gateway-account';
import type { ApiGatewayAuthorizer } from '@cdktf/provider-aws/lib/api-gateway-authorizer';
import { ApiGatewayDeployment } from '@cdktf/provider-aws/lib/api-gateway-deployment';
import { ApiGatewayGatewayResponse } from '@cdktf/provider-aws/lib/api-gateway-gateway-response';
import { ApiGatewayMethodSettings } from '@cdktf/provider-aws/lib/api-gateway-method-settings';
import { ApiGatewayResource } from '@cdktf/provider-aws/lib/api-gateway-resource';
import { ApiGatewayRestApi } from '@cdktf/provider-aws/lib/api-gateway-rest-api';
import { ApiGatewayStage } from '@cdktf/provider-aws/lib/api-gateway-stage';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Wafv2WebAclAssociation } from '@cdktf/provider-aws/lib/wafv2-web-acl-association';
import { atSynth, Duration, durationProp, isUnresolved, logRetentionDays, partitionOf, regionOf, validateDuration, validateRange, ValidationError, wholeAmount } from '@secure-api/core';
import type { IAuthorizer, IRestApi } from './authorizer';
import {
  CACHE_CLUSTER_SIZES,
  type CacheClusterSize,
  type CacheOptions,
  type CorsOptions,
  type LoggingLevel,
  type ThrottlingOptions,
} from './options';
import type { HttpMethod, RouteKey, RouteTable } from './routes';
import { corsResponseHeaders, validateCors, type Cors } from './private/cors';
import { checkIntegration } from './private/integration-check';
import { addPreflight, addRouteMethod, type MethodAuth, type MethodContext } from './private/methods';
import { logGroupSafe, nameFromPath } from './private/names';
import { parseRouteTable, routeProp, type ParsedRoute } from './private/route-table';

/** Properties of a {@link RestApi}. */
export interface RestApiProps {
  /**
   * The API's routes by name, e.g. `{ 'GET /hello': { integration: Integration.mock({ body: { hello: 'world' } }) } }`.
   * Every route uses the `defaultAuthorizer` unless it names its own `authorizer` or is marked `public`.
   */
  readonly routes: RouteTable;

  /**
   * The authorizer of every route that is neither public nor names its own. Without it, every route must do one
   * of those two, or the API fails to synthesize.
   * @default - none
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-integrate-with-cognito.html
   */
  readonly defaultAuthorizer?: IAuthorizer;

  /**
   * The API's name in API Gateway.
   * @default - the construct path joined with "-", e.g. `dev-SecureApi-Api`
   */
  readonly name?: string;

  /**
   * A description of the API.
   * @default - none
   */
  readonly description?: string;

  /**
   * Cross-origin access for browser clients: preflight `OPTIONS` methods on every path and CORS headers on MOCK
   * and gateway error responses. Never a wildcard unless you write one.
   * @default - no CORS: browsers on other origins cannot call the API
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html
   */
  readonly cors?: CorsOptions;

  /**
   * The stage name: the first path segment of the invoke URL.
   * @default 'v1'
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-stages.html
   */
  readonly stageName?: string;

  /**
   * Stage-wide throttling (method settings `*\/*`).
   * @default - 100 requests per second, burst 200
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html
   */
  readonly throttling?: ThrottlingOptions;

  /**
   * Execution logging level of every method. Logging needs the account's CloudWatch role: see `cloudWatchRole`.
   * @default 'INFO'
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html
   */
  readonly loggingLevel?: LoggingLevel;

  /**
   * Retention of the access log group and the execution log group: whole days, one of the values CloudWatch Logs
   * accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653).
   * @default Duration.days(365)
   * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
   */
  readonly logRetention?: Duration;

  /**
   * Retention, in days, of the access log group and the execution log group.
   * @deprecated Use `logRetention`, e.g. `logRetention: Duration.days(365)`.
   * @default 365
   */
  readonly logRetentionDays?: number;

  /**
   * AWS X-Ray tracing of the stage.
   * @default true
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-xray.html
   */
  readonly tracingEnabled?: boolean;

  /**
   * A stage cache for GET responses, encrypted at rest.
   * @default - no cache
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html
   */
  readonly cache?: CacheOptions;

  /**
   * ARN of a WAF (wafv2) web ACL of scope REGIONAL, in the API's region, to associate with the stage.
   * @default - no web ACL
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-aws-waf.html
   */
  readonly webAclArn?: string;

  /**
   * A web ACL to associate with the stage (a `WebAcl` of `@secure-api/waf`, or anything with its ARN). Give this
   * or `webAclArn`, not both.
   * @default - no web ACL
   */
  readonly webAcl?: IWebAclRef;

  /**
   * A KMS key ARN that encrypts the access log group and the execution log group.
   * @default - CloudWatch Logs' own encryption
   * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/logs/encrypt-log-data-kms.html
   */
  readonly logKmsKeyArn?: string;

  /**
   * Creates the IAM role API Gateway uses to write access and execution logs and sets it in the account settings
   * (`aws_api_gateway_account`). The setting is one per account and region: turn this on in exactly one stack, or
   * set the role once outside Terraform. Without the role, the stage fails to deploy with "CloudWatch Logs role
   * ARN must be set in account settings to enable logging".
   * @default false
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html#set-up-access-logging-permissions
   */
  readonly cloudWatchRole?: boolean;
}

/** A WAFv2 web ACL, by ARN: what `RestApiProps.webAcl` takes. */
export interface IWebAclRef {
  readonly webAclArn: string;
}

/** The defaults of {@link RestApiProps}, documented there. */
export const REST_API_DEFAULTS = {
  stageName: 'v1',
  rateLimit: 100,
  loggingLevel: 'INFO' as LoggingLevel,
  logRetentionDays: 365,
  cacheSize: '0.5' as CacheClusterSize,
  cacheTtlSeconds: 300,
} as const;

/**
 * The JSON access log line of every request: one line per request, with the caller, the route, the outcome
 * and, when a Cognito authorizer let the request in, the user's `sub`.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html#context-variable-reference
 */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  path: '$context.path',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  sub: '$context.authorizer.claims.sub',
  errorMessage: '$context.error.message',
  xrayTraceId: '$context.xrayTraceId',
});

/** API Gateway's default gateway-response body, kept when headers are added. */
const ERROR_TEMPLATE = '{"message":$context.error.messageString}';
const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/;
const WEB_ACL_ARN = /^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:\d{12}:(regional|global)\/webacl\/[^/]+\/[^/]+$/;
const LOGGING_LEVELS: readonly LoggingLevel[] = ['INFO', 'ERROR', 'OFF'];

/**
 * A REGIONAL API Gateway REST API built from a typed route table, deployed to one stage, denying by default.
 *
 * - Every route uses the `defaultAuthorizer` unless it names its own or is marked `public` with a reason.
 * - The deployment is replaced whenever routes, integrations, CORS, gateway responses or the authorizers change
 *   (trigger hash, `create_before_destroy`), so the stage never serves a stale API.
 * - The stage writes JSON access logs, traces with X-Ray, emits metrics, logs execution at `INFO` and throttles
 *   (100 requests/s, burst 200) unless told otherwise; data tracing stays off; a cache is always encrypted.
 * - API Gateway's own 4XX and 5XX responses keep their `{"message": ...}` body and carry CORS headers when CORS is on.
 *
 * Construct ids (and so Terraform addresses): `Resource` (the API); `Routes/<segment>/.../Resource` (path
 * resources) and `Routes/<segment>/.../<METHOD>/{Resource,Integration,MethodResponse,IntegrationResponse,
 * InvokePermission}` (methods; `OPTIONS` for CORS preflights); `Deployment`, `Stage`, `MethodSettings`,
 * `AccessLogs`, `ExecutionLogs`, `Default4xx`, `Default5xx`, `WebAcl`, `CloudWatchRole`, `CloudWatchRolePolicy`,
 * `Account`.
 *
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-rest-api.html
 */
export class RestApi extends Construct implements IRestApi {
  /** The API id. */
  readonly restApiId: string;
  /** The id of the root resource `/`. */
  readonly rootResourceId: string;
  /** `arn:aws:execute-api:<region>:<account>:<api id>`, the prefix of method ARNs. */
  readonly executionArn: string;
  /** The API's ARN (`arn:aws:apigateway:<region>::/restapis/<id>`), for IAM policies on the API itself. */
  readonly restApiArn: string;
  /** The id of the current deployment. */
  readonly deploymentId: string;
  /** The stage name (a literal string). */
  readonly stageName: string;
  /** The stage ARN, as WAF associations name it. */
  readonly stageArn: string;
  /** `https://<api id>.execute-api.<region>.amazonaws.com/<stage>`: the base URL of every route. */
  readonly invokeUrl: string;
  /** The access log group's name. */
  readonly logGroupName: string;
  /** The API's name in API Gateway: the `ApiName` dimension of its CloudWatch metrics. */
  readonly name: string;
  /** The web ACL associated with the stage, if any. */
  readonly webAclArn?: string;
  /** Every route's name, in construct order (sorted by path, then method). */
  readonly routes: readonly RouteKey[];
  /** Routes marked public, by name, with the reason given: for reviews and the security policy assertions. */
  readonly publicRoutes: Readonly<Record<string, string>>;

  /** The underlying `aws_api_gateway_rest_api`, for escape-hatch overrides. */
  readonly resource: ApiGatewayRestApi;
  private readonly bindings = new Map<IAuthorizer, string | undefined>();
  private readonly scopeChecks: (() => void)[] = [];

  constructor(scope: Construct, id: string, props: RestApiProps) {
    super(scope, id);
    const stage = stageSettings(this, props);
    const cors = props.cors ? validateCors(this, props.cors) : undefined;
    const routes = parseRouteTable(this, props.routes);
    const auths = routes.map((r) => this.authorizationOf(r, props.defaultAuthorizer));
    routes.forEach((r) => checkIntegration(this, `${routeProp(r.key)}.integration`, r.options.integration.config, r.segments));
    if (cors) {
      const options = routes.find((r) => r.method === 'OPTIONS');
      if (options) {
        throw new ValidationError(this, routeProp(options.key), options.key, 'collides with the CORS preflight method that cors adds on every path', 'remove the OPTIONS route, or leave cors out and answer preflights yourself');
      }
    }
    if (props.name !== undefined && !isUnresolved(props.name) && (props.name.trim() === '' || props.name.length > 1024)) {
      throw new ValidationError(this, 'name', props.name, 'must have 1 to 1024 characters', 'give the API a short name, or leave name out');
    }

    const name = props.name ?? nameFromPath(this);
    this.name = name;
    this.resource = new ApiGatewayRestApi(this, 'Resource', {
      name,
      description: props.description,
      endpointConfiguration: { types: ['REGIONAL'] },
    });
    this.restApiId = this.resource.id;
    this.rootResourceId = this.resource.rootResourceId;
    this.executionArn = this.resource.executionArn;
    this.restApiArn = this.resource.arn;
    this.routes = routes.map((r) => r.key);
    this.publicRoutes = Object.fromEntries(routes.filter((r) => r.options.public !== undefined).map((r) => [r.key, r.options.public as string]));

    const ctx: MethodContext = {
      restApiId: this.restApiId,
      executionArn: this.executionArn,
      stageName: stage.stageName,
      region: () => regionOf(this),
      cors,
      cacheOn: stage.cache !== undefined,
      model: [],
      deploymentDeps: [],
    };
    this.addRoutes(routes, auths, ctx);
    this.addGatewayResponses(cors, ctx);

    const deployment = new ApiGatewayDeployment(this, 'Deployment', {
      restApiId: this.restApiId,
      description: 'Replaced whenever the routes, integrations or authorizers change',
      triggers: { redeployment: Lazy.stringValue({ produce: (c: IResolveContext) => this.deploymentHash(ctx.model, c) }) },
      lifecycle: { createBeforeDestroy: true },
      dependsOn: ctx.deploymentDeps,
    });
    this.deploymentId = deployment.id;

    const account = props.cloudWatchRole ? this.addCloudWatchRole() : undefined;
    const accessLogs = new CloudwatchLogGroup(this, 'AccessLogs', {
      name: `/aws/apigateway/${isUnresolved(name) ? name : logGroupSafe(name)}/${stage.stageName}/access`,
      retentionInDays: stage.retentionDays,
      kmsKeyId: props.logKmsKeyArn,
    });
    const stageResource = new ApiGatewayStage(this, 'Stage', {
      restApiId: this.restApiId,
      deploymentId: deployment.id,
      stageName: stage.stageName,
      xrayTracingEnabled: stage.tracing,
      accessLogSettings: { destinationArn: accessLogs.arn, format: ACCESS_LOG_FORMAT },
      cacheClusterEnabled: stage.cache ? true : undefined,
      cacheClusterSize: stage.cache?.size,
      dependsOn: account ? [account] : undefined,
    });
    // API Gateway creates this group itself, without retention, on the first logged request unless it exists.
    const executionLogs =
      stage.loggingLevel === 'OFF'
        ? undefined
        : new CloudwatchLogGroup(this, 'ExecutionLogs', {
            name: `API-Gateway-Execution-Logs_${this.restApiId}/${stage.stageName}`,
            retentionInDays: stage.retentionDays,
            kmsKeyId: props.logKmsKeyArn,
          });
    // Logging must find its group (with retention) and the account's role in place before it is switched on.
    const settingsDeps = [executionLogs, account].filter((d): d is CloudwatchLogGroup | ApiGatewayAccount => d !== undefined);
    new ApiGatewayMethodSettings(this, 'MethodSettings', {
      restApiId: this.restApiId,
      stageName: stageResource.stageName,
      methodPath: '*/*',
      settings: {
        metricsEnabled: true,
        loggingLevel: stage.loggingLevel,
        dataTraceEnabled: false,
        throttlingRateLimit: stage.rateLimit,
        throttlingBurstLimit: stage.burstLimit,
        ...(stage.cache && {
          cachingEnabled: true,
          cacheDataEncrypted: true,
          cacheTtlInSeconds: stage.cache.ttlSeconds,
          requireAuthorizationForCacheControl: true,
          unauthorizedCacheControlHeaderStrategy: 'FAIL_WITH_403',
        }),
      },
      dependsOn: settingsDeps.length ? settingsDeps : undefined,
    });
    const webAclArn = props.webAcl?.webAclArn ?? props.webAclArn;
    if (webAclArn !== undefined) {
      new Wafv2WebAclAssociation(this, 'WebAcl', { resourceArn: stageResource.arn, webAclArn });
    }
    this.webAclArn = webAclArn;

    this.stageName = stage.stageName;
    this.stageArn = stageResource.arn;
    this.invokeUrl = stageResource.invokeUrl;
    this.logGroupName = accessLogs.name;

    // Resource servers (and so the scopes an authorizer can grant) may be declared after the API: check the
    // scopes once the tree is complete, at synth, before anything is written.
    atSynth(this, () => this.scopeChecks.forEach((check) => check()));
  }

  private authorizationOf(route: ParsedRoute, defaultAuthorizer: IAuthorizer | undefined): { public: true } | { authorizer: IAuthorizer; scopes?: readonly string[] } {
    const prop = routeProp(route.key);
    const { options } = route;
    const scopes = options.authorizationScopes ?? [];
    if (options.public !== undefined) {
      if (typeof options.public !== 'string' || options.public.trim() === '') {
        throw new ValidationError(this, `${prop}.public`, options.public, 'must say why the route is public', `write the reason, e.g. public: 'health check for the load balancer'`);
      }
      if (options.authorizer) throw new ValidationError(this, `${prop}.authorizer`, route.key, 'is set on a public route', 'remove the authorizer, or remove public');
      if (scopes.length) throw new ValidationError(this, `${prop}.authorizationScopes`, scopes, 'are set on a public route, which no token reaches', 'remove the scopes, or remove public');
      return { public: true };
    }
    const authorizer = options.authorizer ?? defaultAuthorizer;
    if (!authorizer) {
      throw new ValidationError(this, prop, route.key, 'has no authorizer and is not marked public', `set defaultAuthorizer on the API (e.g. a CognitoUserPoolsAuthorizer), give the route an authorizer, or mark it public with a reason: public: 'why anyone may call it'`);
    }
    scopes.forEach((s, i) => {
      if (!isUnresolved(s) && (typeof s !== 'string' || !/^\S+$/.test(s))) {
        throw new ValidationError(this, `${prop}.authorizationScopes[${i}]`, s, 'is not a scope name', 'write the full scope name, e.g. "orders/write"');
      }
    });
    if (scopes.length && authorizer.authorizationType !== 'COGNITO_USER_POOLS') {
      throw new ValidationError(this, `${prop}.authorizationScopes`, scopes, `need a COGNITO_USER_POOLS authorizer, but the route's authorizer is ${authorizer.authorizationType}`, 'use a CognitoUserPoolsAuthorizer for this route, or remove the scopes');
    }
    return { authorizer, scopes: scopes.length ? scopes : undefined };
  }

  private bind(authorizer: IAuthorizer): string | undefined {
    if (!this.bindings.has(authorizer)) this.bindings.set(authorizer, authorizer.bind(this).authorizerId);
    return this.bindings.get(authorizer);
  }

  private addRoutes(routes: ParsedRoute[], auths: ReturnType<RestApi['authorizationOf']>[], ctx: MethodContext): void {
    type PathNode = { node: Construct; resourceId: string; methods: HttpMethod[] };
    const root: PathNode = { node: new Construct(this, 'Routes'), resourceId: this.rootResourceId, methods: [] };
    const nodes = new Map<string, PathNode>([['', root]]);
    const nodeFor = (route: ParsedRoute): PathNode => {
      let key = '';
      let current = root;
      for (const segment of route.segments) {
        key = `${key}/${segment.text}`;
        let next = nodes.get(key);
        if (!next) {
          const node = new Construct(current.node, segment.text);
          const resource = new ApiGatewayResource(node, 'Resource', { restApiId: this.restApiId, parentId: current.resourceId, pathPart: segment.text });
          next = { node, resourceId: resource.id, methods: [] };
          nodes.set(key, next);
        }
        current = next;
      }
      return current;
    };
    routes.forEach((route, i) => {
      const path = nodeFor(route);
      path.methods.push(route.method);
      const choice = auths[i];
      let auth: MethodAuth;
      if ('public' in choice) {
        auth = { authorization: 'NONE' };
      } else {
        auth = { authorization: choice.authorizer.authorizationType, authorizerId: this.bind(choice.authorizer), scopes: choice.scopes };
      }
      const method = addRouteMethod(path.node, path.resourceId, route, auth, ctx);
      const { scopes } = auth;
      if ('authorizer' in choice && scopes && choice.authorizer.validateScopes) {
        const authorizer = choice.authorizer;
        this.scopeChecks.push(() => authorizer.validateScopes?.(method, scopes));
      }
    });
    if (ctx.cors) {
      for (const { node, resourceId, methods } of nodes.values()) {
        if (methods.length) addPreflight(node, resourceId, methods, ctx.cors, ctx);
      }
    }
  }

  private addGatewayResponses(cors: Cors | undefined, ctx: MethodContext): void {
    const headers = cors ? corsResponseHeaders(cors) : {};
    const responseParameters = Object.keys(headers).length ? Object.fromEntries(Object.entries(headers).map(([k, v]) => [`gatewayresponse.header.${k}`, v])) : undefined;
    for (const [id, responseType] of [['Default4xx', 'DEFAULT_4XX'], ['Default5xx', 'DEFAULT_5XX']] as const) {
      const config = { responseType, responseTemplates: { 'application/json': ERROR_TEMPLATE }, responseParameters };
      ctx.deploymentDeps.push(new ApiGatewayGatewayResponse(this, id, { restApiId: this.restApiId, ...config }));
      ctx.model.push({ gatewayResponse: config });
    }
  }

  private addCloudWatchRole(): ApiGatewayAccount {
    const role = new IamRole(this, 'CloudWatchRole', {
      description: 'Lets API Gateway write execution logs to CloudWatch Logs',
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    });
    const attachment = new IamRolePolicyAttachment(this, 'CloudWatchRolePolicy', {
      role: role.name,
      policyArn: `arn:${partitionOf(regionOf(this))}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs`,
    });
    return new ApiGatewayAccount(this, 'Account', { cloudwatchRoleArn: role.arn, dependsOn: [attachment] });
  }

  /** sha1 of everything a deployment snapshots: routes, integrations, responses and this API's authorizers. */
  private deploymentHash(model: unknown[], context: IResolveContext): string {
    const authorizers = TerraformStack.of(this)
      .node.findAll()
      .filter((c): c is ApiGatewayAuthorizer => (c as Partial<TerraformResource>).terraformResourceType === 'aws_api_gateway_authorizer')
      .filter((a) => a.restApiIdInput === this.restApiId)
      .map((a) => ({
        name: a.nameInput,
        type: a.typeInput,
        providerArns: a.providerArnsInput,
        identitySource: a.identitySourceInput,
        identityValidationExpression: a.identityValidationExpressionInput,
        resultTtl: a.authorizerResultTtlInSecondsInput,
        uri: a.authorizerUriInput,
        credentials: a.authorizerCredentialsInput,
      }));
    const resolved: unknown = context.resolve({ routes: model, authorizers });
    return createHash('sha1').update(JSON.stringify(resolved)).digest('hex');
  }
}

interface StageSettings {
  readonly stageName: string;
  readonly rateLimit: number;
  readonly burstLimit: number;
  readonly loggingLevel: LoggingLevel;
  readonly retentionDays: number;
  readonly tracing: boolean;
  readonly cache?: { readonly size: CacheClusterSize; readonly ttlSeconds: number };
}

function stageSettings(scope: IConstruct, props: RestApiProps): StageSettings {
  const stageName = props.stageName ?? REST_API_DEFAULTS.stageName;
  if (!isUnresolved(stageName) && !STAGE_NAME.test(stageName)) {
    throw new ValidationError(scope, 'stageName', stageName, 'must be 1 to 128 letters, digits, "-" or "_"', 'use a name such as "v1" or "prod"');
  }
  const { rateLimit, burstLimit } = throttlingOf(scope, props.throttling);
  const loggingLevel = props.loggingLevel ?? REST_API_DEFAULTS.loggingLevel;
  if (!LOGGING_LEVELS.includes(loggingLevel)) {
    throw new ValidationError(scope, 'loggingLevel', loggingLevel, 'is not a logging level', `use one of ${LOGGING_LEVELS.join(', ')}`);
  }
  const retentionDays = retentionDaysOf(scope, props);
  if (props.webAcl !== undefined && props.webAclArn !== undefined) {
    throw new ValidationError(scope, 'webAcl', props.webAclArn, 'is given together with webAclArn; a stage takes one web ACL', 'keep webAcl (the construct) and remove webAclArn');
  }
  if (props.webAclArn !== undefined && !isUnresolved(props.webAclArn)) {
    const match = WEB_ACL_ARN.exec(props.webAclArn);
    if (!match) throw new ValidationError(scope, 'webAclArn', props.webAclArn, 'is not a wafv2 web ACL ARN', 'pass the ARN of an aws_wafv2_web_acl, e.g. arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/api/1234abcd-...');
    if (match[1] === 'global') {
      throw new ValidationError(scope, 'webAclArn', props.webAclArn, 'names a CloudFront (global) web ACL; a REGIONAL API accepts only scope REGIONAL', "use a web ACL with scope = 'REGIONAL' in the API's region");
    }
  }
  return { stageName, rateLimit, burstLimit, loggingLevel, retentionDays, tracing: props.tracingEnabled ?? true, cache: cacheOf(scope, props.cache) };
}

function throttlingOf(scope: IConstruct, throttling: ThrottlingOptions | undefined): { rateLimit: number; burstLimit: number } {
  const rateLimit = throttling?.rateLimit ?? REST_API_DEFAULTS.rateLimit;
  if (!isUnresolved(rateLimit) && !(Number.isFinite(rateLimit) && rateLimit > 0)) {
    throw new ValidationError(scope, 'throttling.rateLimit', rateLimit, 'must be a number of requests per second above 0', 'set a positive rate, e.g. 100');
  }
  const burstLimit = throttling?.burstLimit ?? (isUnresolved(rateLimit) ? 2 * REST_API_DEFAULTS.rateLimit : Math.ceil(2 * rateLimit));
  if (isUnresolved(burstLimit)) return { rateLimit, burstLimit };
  if (!Number.isInteger(burstLimit) || burstLimit < 1) {
    throw new ValidationError(scope, 'throttling.burstLimit', burstLimit, 'must be a whole number of requests of at least 1', 'set a burst of at least the rate limit, e.g. twice the rate');
  }
  if (!isUnresolved(rateLimit) && burstLimit < rateLimit) {
    throw new ValidationError(scope, 'throttling.burstLimit', burstLimit, `is below the rate limit ${rateLimit}: the bucket could not hold one second of traffic`, `set burstLimit to at least ${Math.ceil(rateLimit)}, e.g. ${Math.ceil(2 * rateLimit)}`);
  }
  return { rateLimit, burstLimit };
}

function cacheOf(scope: IConstruct, cache: CacheOptions | undefined): StageSettings['cache'] {
  if (cache === undefined) return undefined;
  const size = cache.size ?? REST_API_DEFAULTS.cacheSize;
  if (!CACHE_CLUSTER_SIZES.includes(size)) {
    throw new ValidationError(scope, 'cache.size', size, 'is not a cache size API Gateway offers', `use one of ${CACHE_CLUSTER_SIZES.map((s) => `'${s}'`).join(', ')}`);
  }
  validateRange(scope, 'cache.ttlSeconds', cache.ttlSeconds, 0, 3600, 'seconds');
  const ttl = durationProp(scope, 'cache.ttl', cache.ttl, 'cache.ttlSeconds', cache.ttlSeconds, 'seconds') ?? Duration.seconds(REST_API_DEFAULTS.cacheTtlSeconds);
  validateDuration(scope, 'cache.ttl', ttl, Duration.seconds(0), Duration.hours(1));
  return { size, ttlSeconds: wholeAmount(scope, 'cache.ttl', ttl, 'seconds') };
}

/** Days of log retention, from `logRetention` or the deprecated `logRetentionDays`: one CloudWatch Logs accepts. */
function retentionDaysOf(scope: IConstruct, props: RestApiProps): number {
  const legacy = props.logRetentionDays !== undefined;
  const prop = legacy ? 'logRetentionDays' : 'logRetention';
  const retention = durationProp(scope, 'logRetention', props.logRetention, 'logRetentionDays', props.logRetentionDays, 'days') ?? Duration.days(REST_API_DEFAULTS.logRetentionDays);
  return logRetentionDays(scope, prop, retention, legacy);
}
