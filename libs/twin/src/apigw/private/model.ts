import { StackError, type StackResource } from '../../stack/stack-model';
import type { TwinContext, TwinPoolView } from '../../contracts';
import { CognitoAuthorizer } from './authorizer';
import { stableId } from '../../shared/ids';
import { templateDirectives } from './template';
import { StageThrottle, parseMethodPath, type MethodThrottleSetting } from './throttle';
import type { TokenVerifierOptions } from './token-verifier';

/** Terraform resource types the API Gateway part reads. */
export const API_GATEWAY_RESOURCE_TYPES = [
  'aws_api_gateway_rest_api',
  'aws_api_gateway_resource',
  'aws_api_gateway_method',
  'aws_api_gateway_integration',
  'aws_api_gateway_method_response',
  'aws_api_gateway_integration_response',
  'aws_api_gateway_authorizer',
  'aws_api_gateway_deployment',
  'aws_api_gateway_stage',
  'aws_api_gateway_method_settings',
  'aws_api_gateway_gateway_response',
  'aws_cloudwatch_log_group',
] as const;

export interface IntegrationResponseModel {
  readonly address: string;
  readonly statusCode: number;
  /** Full-match regex of `selection_pattern`; absent for the default response. */
  readonly pattern?: RegExp;
  readonly templates: Readonly<Record<string, string>>;
  readonly parameters: Readonly<Record<string, string>>;
}

export interface IntegrationModel {
  readonly address: string;
  readonly type: 'MOCK' | 'HTTP_PROXY' | 'HTTP' | 'AWS_PROXY' | 'AWS';
  /** Resolved URI (for AWS_PROXY possibly the raw, unresolvable reference). */
  readonly uri: string;
  readonly httpMethod?: string;
  readonly requestTemplates: Readonly<Record<string, string>>;
  readonly requestParameters: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** For AWS_PROXY: the names a local handler may be mapped under (Terraform address, function name, ARN). */
  readonly functionKeys: readonly string[];
}

export interface MethodModel {
  readonly address: string;
  readonly httpMethod: string;
  readonly authorization: string;
  readonly authorizer?: CognitoAuthorizer;
  readonly scopes: readonly string[];
  readonly apiKeyRequired: boolean;
  integration?: IntegrationModel;
  readonly integrationResponses: IntegrationResponseModel[];
}

export interface ResourceModel {
  readonly id: string;
  readonly address: string;
  /** `/`, `/items`, `/items/{id}`, `/{proxy+}`. */
  readonly path: string;
  readonly pathPart: string;
  readonly children: ResourceModel[];
  readonly methods: Map<string, MethodModel>;
}

export interface StageModel {
  readonly address: string;
  readonly name: string;
  readonly variables: Readonly<Record<string, string>>;
  readonly accessLogFormat?: string;
  readonly xray: boolean;
  readonly throttle: StageThrottle;
}

export interface GatewayResponseModel {
  readonly type: string;
  readonly statusCode?: number;
  readonly templates: Readonly<Record<string, string>>;
  readonly parameters: Readonly<Record<string, string>>;
}

export interface RestApiModel {
  readonly id: string;
  readonly address: string;
  readonly name: string;
  readonly root: ResourceModel;
  readonly resources: Map<string, ResourceModel>;
  readonly stages: Map<string, StageModel>;
  readonly gatewayResponses: Map<string, GatewayResponseModel>;
  readonly region: string;
  readonly accountId: string;
}

/** Every REST API of the stack, with the attributes the builder registered for each Terraform address. */
export interface GatewayModel {
  readonly apis: Map<string, RestApiModel>;
  readonly region: string;
  readonly accountId: string;
  /** Address → attributes, registered with `ctx.stack.register` (again after the base URL is known). */
  readonly attributes: Map<string, (baseUrl: string | undefined) => Record<string, unknown>>;
}

const HTTP_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY']);
const DEFAULT_TIMEOUT_MS = 29_000;

/** Reads every API Gateway resource of the stack into a model, registering ids and ARNs as it goes. */
export function buildGatewayModel(ctx: TwinContext, verifierOptions: TokenVerifierOptions = {}): GatewayModel {
  const { stack } = ctx;
  const region = stackRegion(ctx);
  const accountId = accountOf(ctx.pools.all());
  const attributes = new Map<string, (baseUrl: string | undefined) => Record<string, unknown>>();
  const apis = new Map<string, RestApiModel>();
  const register = (address: string, attrs: (baseUrl: string | undefined) => Record<string, unknown>) => {
    attributes.set(address, attrs);
    stack.register(address, attrs(currentBase(ctx)));
  };
  const resolve = <T>(r: StackResource, key: string): T => stack.resolve<T>(r.config[key], r.address);
  const apiOf = (r: StackResource): RestApiModel => {
    const id = resolve<string>(r, 'rest_api_id');
    const api = apis.get(id);
    if (!api) throw new StackError(`${r.address}: rest_api_id "${id}" is not a REST API of this stack.`);
    return api;
  };

  for (const r of stack.resources('aws_api_gateway_rest_api')) {
    const id = stableId(`restapi:${r.address}`, 10);
    if (apis.has(id)) throw new StackError(`${r.address}: its twin id ${id} collides with another REST API. Fix: rename one of them.`);
    if (r.config['body'] !== undefined) ctx.warnings.push(`${r.address}: the OpenAPI "body" is not read by the twin; only aws_api_gateway_* resources define its routes.`);
    const root: ResourceModel = { id: stableId(`root:${r.address}`, 10), address: r.address, path: '/', pathPart: '', children: [], methods: new Map() };
    const api: RestApiModel = {
      id,
      address: r.address,
      name: String(resolve<string>(r, 'name') ?? r.name),
      root,
      resources: new Map([[root.id, root]]),
      stages: new Map(),
      gatewayResponses: new Map(),
      region,
      accountId,
    };
    apis.set(id, api);
    register(r.address, () => ({
      id,
      root_resource_id: root.id,
      arn: `arn:aws:apigateway:${region}::/restapis/${id}`,
      execution_arn: `arn:aws:execute-api:${region}:${accountId}:${id}`,
      name: api.name,
      created_date: new Date(0).toISOString(),
    }));
  }

  buildResources(ctx, apiOf, register);

  const authorizers = new Map<string, CognitoAuthorizer>();
  for (const r of stack.resources('aws_api_gateway_authorizer')) {
    const api = apiOf(r);
    const id = stableId(`authorizer:${r.address}`, 6);
    const type = String(resolve<string>(r, 'type') ?? 'TOKEN');
    register(r.address, () => ({ id, rest_api_id: api.id, arn: `arn:aws:apigateway:${region}::/restapis/${api.id}/authorizers/${id}` }));
    if (type !== 'COGNITO_USER_POOLS') {
      ctx.warnings.push(`${r.address}: authorizer type ${type} is not emulated; methods using it answer 500.`);
      continue;
    }
    const arns = resolve<unknown>(r, 'provider_arns');
    const providerArns = Array.isArray(arns) ? arns.map(String) : [];
    if (providerArns.length === 0) throw new StackError(`${r.address}: a COGNITO_USER_POOLS authorizer needs provider_arns (AWS refuses it without them).`);
    for (const arn of providerArns) {
      if (!ctx.pools.byArn(arn)) ctx.warnings.push(`${r.address}: provider ARN ${arn} is not a user pool of this stack; its tokens are refused.`);
    }
    const identitySource = String(resolve<string>(r, 'identity_source') ?? 'method.request.header.Authorization');
    const m = /^method\.request\.header\.([A-Za-z0-9!#$%&'*+.^_`|~-]+)$/.exec(identitySource);
    if (!m) throw new StackError(`${r.address}: identity_source "${identitySource}" is not a request header (method.request.header.<Name>).`);
    const ttlRaw = resolve<unknown>(r, 'authorizer_result_ttl_in_seconds');
    const ttl = ttlRaw === undefined || ttlRaw === null ? 300 : Number(ttlRaw);
    if (!Number.isInteger(ttl) || ttl < 0 || ttl > 3600) throw new StackError(`${r.address}: authorizer_result_ttl_in_seconds ${String(ttlRaw)} is outside 0..3600.`);
    const expr = resolve<string | undefined>(r, 'identity_validation_expression');
    let validation: RegExp | undefined;
    if (expr) validation = compileFullMatch(expr, r.address, 'identity_validation_expression');
    const authorizer = new CognitoAuthorizer(
      {
        id,
        name: String(resolve<string>(r, 'name') ?? r.name),
        header: m[1].toLowerCase(),
        ttlSeconds: ttl,
        validation,
        pools: () => providerArns.map((a) => ctx.pools.byArn(a)).filter((p): p is TwinPoolView => p !== undefined),
      },
      ctx.clock,
      verifierOptions,
    );
    authorizers.set(id, authorizer);
  }

  const methods = new Map<string, MethodModel>();
  const methodKey = (api: RestApiModel, resourceId: string, httpMethod: string) => `${api.id}/${resourceId}/${httpMethod}`;
  const locate = (r: StackResource) => {
    const api = apiOf(r);
    const resourceId = resolve<string>(r, 'resource_id');
    const resource = api.resources.get(resourceId);
    if (!resource) throw new StackError(`${r.address}: resource_id "${resourceId}" is not a resource of ${api.address}.`);
    const httpMethod = String(resolve<string>(r, 'http_method') ?? '').toUpperCase();
    if (!HTTP_METHODS.has(httpMethod)) throw new StackError(`${r.address}: http_method "${httpMethod}" is not one of ${[...HTTP_METHODS].join(', ')}.`);
    return { api, resource, httpMethod };
  };

  for (const r of stack.resources('aws_api_gateway_method')) {
    const { api, resource, httpMethod } = locate(r);
    const authorization = String(resolve<string>(r, 'authorization') ?? 'NONE').toUpperCase();
    let authorizer: CognitoAuthorizer | undefined;
    if (authorization === 'COGNITO_USER_POOLS') {
      const authorizerId = resolve<string>(r, 'authorizer_id');
      authorizer = authorizers.get(authorizerId);
      if (!authorizer) throw new StackError(`${r.address}: authorization COGNITO_USER_POOLS needs authorizer_id naming a COGNITO_USER_POOLS authorizer of the stack (got "${String(authorizerId)}").`);
    } else if (authorization !== 'NONE') {
      ctx.warnings.push(`${r.address}: authorization ${authorization} is not emulated; the twin refuses every request to ${httpMethod} ${resource.path}.`);
    }
    const scopes = resolve<unknown>(r, 'authorization_scopes');
    const apiKeyRequired = resolve<unknown>(r, 'api_key_required') === true;
    if (apiKeyRequired) ctx.warnings.push(`${r.address}: API keys are not emulated; the twin refuses every request to ${httpMethod} ${resource.path} with 403.`);
    const method: MethodModel = {
      address: r.address,
      httpMethod,
      authorization,
      authorizer,
      scopes: Array.isArray(scopes) ? scopes.map(String) : [],
      apiKeyRequired,
      integrationResponses: [],
    };
    resource.methods.set(httpMethod, method);
    methods.set(methodKey(api, resource.id, httpMethod), method);
    register(r.address, () => ({ id: `agm-${api.id}-${resource.id}-${httpMethod}`, rest_api_id: api.id, resource_id: resource.id, http_method: httpMethod, authorization }));
  }

  const methodOf = (r: StackResource): { api: RestApiModel; resource: ResourceModel; method: MethodModel } => {
    const { api, resource, httpMethod } = locate(r);
    const method = methods.get(methodKey(api, resource.id, httpMethod));
    if (!method) throw new StackError(`${r.address}: there is no aws_api_gateway_method ${httpMethod} on ${resource.path} of ${api.address}.`);
    return { api, resource, method };
  };

  for (const r of stack.resources('aws_api_gateway_integration')) {
    const { api, resource, method } = methodOf(r);
    method.integration = integrationOf(ctx, r);
    register(r.address, () => ({ id: `agi-${api.id}-${resource.id}-${method.httpMethod}`, rest_api_id: api.id, resource_id: resource.id, http_method: method.httpMethod }));
  }
  for (const r of stack.resources('aws_api_gateway_method_response')) {
    const { api, resource, method } = methodOf(r);
    const status = resolve<string>(r, 'status_code');
    register(r.address, () => ({ id: `agmr-${api.id}-${resource.id}-${method.httpMethod}-${status}`, rest_api_id: api.id, resource_id: resource.id, http_method: method.httpMethod, status_code: status }));
  }
  for (const r of stack.resources('aws_api_gateway_integration_response')) {
    const { api, resource, method } = methodOf(r);
    const status = Number(resolve<string>(r, 'status_code'));
    if (!Number.isInteger(status) || status < 100 || status > 599) throw new StackError(`${r.address}: status_code must be an HTTP status (100-599).`);
    const selection = resolve<string | undefined>(r, 'selection_pattern');
    const templates = stringMap(resolve(r, 'response_templates'));
    warnDirectives(ctx, r.address, templates);
    method.integrationResponses.push({
      address: r.address,
      statusCode: status,
      pattern: selection ? compileFullMatch(selection, r.address, 'selection_pattern') : undefined,
      templates,
      parameters: stringMap(resolve(r, 'response_parameters')),
    });
    register(r.address, () => ({ id: `agir-${api.id}-${resource.id}-${method.httpMethod}-${status}`, rest_api_id: api.id, resource_id: resource.id, http_method: method.httpMethod, status_code: String(status) }));
  }

  for (const r of stack.resources('aws_cloudwatch_log_group')) {
    if (stack.attributesOf(r.address)) continue;
    const name = String(resolve<string>(r, 'name') ?? r.name);
    register(r.address, () => ({ id: name, name, arn: `arn:aws:logs:${region}:${accountId}:log-group:${name}` }));
  }

  const deployments = new Set<string>();
  for (const r of stack.resources('aws_api_gateway_deployment')) {
    const api = apiOf(r);
    const id = stableId(`deployment:${r.address}`, 6);
    deployments.add(id);
    register(r.address, (base) => ({
      id,
      created_date: new Date(0).toISOString(),
      execution_arn: `arn:aws:execute-api:${region}:${accountId}:${api.id}/`,
      invoke_url: `${invokeBase(base, api.id, region)}/`,
    }));
  }

  // Stages come before their method settings: cdktf writes `stage_name` of a setting as a reference to the stage.
  const settingsByStage = new Map<string, MethodThrottleSetting[]>();
  for (const r of stack.resources('aws_api_gateway_stage')) {
    const api = apiOf(r);
    const name = String(resolve<string>(r, 'stage_name') ?? '');
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(name)) throw new StackError(`${r.address}: stage_name "${name}" must be 1-128 letters, digits, hyphens or underscores.`);
    const deploymentId = resolve<string>(r, 'deployment_id');
    if (!deployments.has(deploymentId)) throw new StackError(`${r.address}: deployment_id "${String(deploymentId)}" is not an aws_api_gateway_deployment of this stack.`);
    if (api.stages.has(name)) throw new StackError(`${r.address}: ${api.address} already has a stage named "${name}".`);
    const logSettings = firstBlock(resolve(r, 'access_log_settings'));
    const format = logSettings && typeof logSettings['format'] === 'string' ? logSettings['format'] : undefined;
    const settings: MethodThrottleSetting[] = [];
    settingsByStage.set(`${api.id}/${name}`, settings);
    api.stages.set(name, {
      address: r.address,
      name,
      variables: stringMap(resolve(r, 'variables')),
      accessLogFormat: format,
      xray: resolve<unknown>(r, 'xray_tracing_enabled') === true,
      throttle: new StageThrottle(settings, ctx.clock),
    });
    register(r.address, (base) => ({
      id: `ags-${api.id}-${name}`,
      arn: `arn:aws:apigateway:${region}::/restapis/${api.id}/stages/${name}`,
      execution_arn: `arn:aws:execute-api:${region}:${accountId}:${api.id}/${name}`,
      invoke_url: `${invokeBase(base, api.id, region)}/${name}`,
      stage_name: name,
    }));
  }

  for (const r of stack.resources('aws_api_gateway_method_settings')) {
    const api = apiOf(r);
    const stageName = String(resolve<string>(r, 'stage_name'));
    const methodPath = String(resolve<string>(r, 'method_path'));
    const parsed = parseMethodPath(methodPath);
    if (!parsed) throw new StackError(`${r.address}: method_path "${methodPath}" is not "*/*" or "<resource path>/<METHOD>".`);
    const settings = firstBlock(resolve(r, 'settings')) ?? {};
    const list = settingsByStage.get(`${api.id}/${stageName}`);
    if (!list) ctx.warnings.push(`${r.address}: stage "${stageName}" is not a stage of ${api.address}; its settings apply nowhere.`);
    list?.push({ ...parsed, rate: optionalNumber(settings['throttling_rate_limit']), burst: optionalNumber(settings['throttling_burst_limit']) });
    register(r.address, () => ({ id: `${api.id}-${stageName}-${methodPath}` }));
  }

  for (const r of stack.resources('aws_api_gateway_gateway_response')) {
    const api = apiOf(r);
    const type = String(resolve<string>(r, 'response_type'));
    const statusRaw = resolve<unknown>(r, 'status_code');
    const statusCode = statusRaw === undefined || statusRaw === null || statusRaw === '' ? undefined : Number(statusRaw);
    if (statusCode !== undefined && (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599)) throw new StackError(`${r.address}: status_code must be an HTTP status (100-599).`);
    const templates = stringMap(resolve(r, 'response_templates'));
    warnDirectives(ctx, r.address, templates);
    api.gatewayResponses.set(type, { type, statusCode, templates, parameters: stringMap(resolve(r, 'response_parameters')) });
    register(r.address, () => ({ id: `aggr-${api.id}-${type}` }));
  }

  for (const api of apis.values()) {
    for (const resource of api.resources.values()) {
      for (const method of resource.methods.values()) {
        if (!method.integration) ctx.warnings.push(`${method.address}: ${method.httpMethod} ${resource.path} has no integration (AWS refuses to deploy it); the twin answers 500.`);
      }
    }
  }
  return { apis, region, accountId, attributes };
}

/** Resources form a tree through `parent_id`; a child can only be built once its parent's id is registered. */
function buildResources(
  ctx: TwinContext,
  apiOf: (r: StackResource) => RestApiModel,
  register: (address: string, attrs: (baseUrl: string | undefined) => Record<string, unknown>) => void,
): void {
  const pending = [...ctx.stack.resources('aws_api_gateway_resource')];
  const isPendingRef = (r: StackResource) => {
    const raw = r.config['parent_id'];
    return typeof raw === 'string' && pending.some((p) => raw.includes(`${p.address}.`));
  };
  while (pending.length > 0) {
    const ready = pending.findIndex((r) => !isPendingRef(r));
    if (ready < 0) throw new StackError(`${pending[0].address}: its parent_id forms a cycle with ${pending.map((p) => p.address).join(', ')}.`);
    const [r] = pending.splice(ready, 1);
    const api = apiOf(r);
    const parentId = ctx.stack.resolve<string>(r.config['parent_id'], r.address);
    const parent = api.resources.get(parentId);
    if (!parent) throw new StackError(`${r.address}: parent_id "${parentId}" is not a resource of ${api.address}.`);
    const pathPart = String(ctx.stack.resolve<string>(r.config['path_part'], r.address) ?? '');
    validatePathPart(pathPart, r.address);
    if (parent.children.some((c) => c.pathPart === pathPart)) throw new StackError(`${r.address}: ${parent.path} already has a child "${pathPart}".`);
    if (parent.pathPart.endsWith('+}')) throw new StackError(`${r.address}: a greedy path variable (${parent.path}) cannot have children.`);
    const isVariable = pathPart.startsWith('{');
    if (isVariable && parent.children.some((c) => c.pathPart.startsWith('{'))) {
      throw new StackError(`${r.address}: ${parent.path} already has a path variable child; API Gateway allows one per level.`);
    }
    const id = stableId(`resource:${r.address}`, 6);
    const path = parent.path === '/' ? `/${pathPart}` : `${parent.path}/${pathPart}`;
    const resource: ResourceModel = { id, address: r.address, path, pathPart, children: [], methods: new Map() };
    parent.children.push(resource);
    api.resources.set(id, resource);
    register(r.address, () => ({ id, path, path_part: pathPart, parent_id: parentId, rest_api_id: api.id }));
  }
}

function validatePathPart(part: string, address: string): void {
  if (/^\{[A-Za-z0-9._-]+\+?\}$/.test(part)) return;
  if (/^[A-Za-z0-9._~:@!$&'()*,;=-]+$/.test(part) && !part.includes('{') && !part.includes('}')) return;
  throw new StackError(`${address}: path_part "${part}" is not a path segment, "{name}" or "{name+}".`);
}

function integrationOf(ctx: TwinContext, r: StackResource): IntegrationModel {
  const { stack } = ctx;
  const type = String(stack.resolve<string>(r.config['type'], r.address) ?? '').toUpperCase();
  if (!['MOCK', 'HTTP_PROXY', 'HTTP', 'AWS_PROXY', 'AWS'].includes(type)) throw new StackError(`${r.address}: integration type "${type}" is not MOCK, HTTP, HTTP_PROXY, AWS or AWS_PROXY.`);
  let uri = '';
  const functionKeys: string[] = [];
  const rawUri = r.config['uri'];
  if (type === 'AWS_PROXY' || type === 'AWS') {
    // Lambda functions are not emulated, so their invoke ARN usually cannot resolve; keep the reference's name.
    try {
      uri = String(stack.resolve<string>(rawUri, r.address) ?? '');
    } catch (err) {
      if (!(err instanceof StackError)) throw err;
      uri = String(rawUri ?? '');
    }
    const ref = /\$\{(aws_lambda_function\.[A-Za-z0-9_-]+)\./.exec(String(rawUri ?? ''));
    if (ref) {
      functionKeys.push(ref[1]);
      const fn = stack.resources('aws_lambda_function').find((f) => f.address === ref[1]);
      const name = fn?.config['function_name'];
      if (typeof name === 'string' && !name.includes('${')) functionKeys.push(name);
    }
    const arn = /functions\/(arn:aws:lambda:[^/]+)\/invocations/.exec(uri);
    if (arn) functionKeys.push(arn[1], arn[1].split(':')[6] ?? '');
    if (type === 'AWS') ctx.warnings.push(`${r.address}: integration type AWS is not emulated; the twin answers 500.`);
  } else {
    uri = String(stack.resolve<string>(rawUri, r.address) ?? '');
    if (type === 'HTTP_PROXY' || type === 'HTTP') {
      let parsed: URL | undefined;
      try {
        parsed = new URL(uri.replace(/\{[^}]+\}/g, 'x'));
      } catch {
        parsed = undefined;
      }
      if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) throw new StackError(`${r.address}: uri "${uri}" is not an http(s) URL.`);
      if (type === 'HTTP') ctx.warnings.push(`${r.address}: HTTP (non-proxy) integrations are served like HTTP_PROXY; mapping templates are not applied.`);
    }
  }
  const requestTemplates = stringMap(stack.resolve(r.config['request_templates'], r.address));
  warnDirectives(ctx, r.address, requestTemplates);
  const timeout = optionalNumber(stack.resolve(r.config['timeout_milliseconds'], r.address));
  const method = stack.resolve<string | undefined>(r.config['integration_http_method'], r.address);
  return {
    address: r.address,
    type: type as IntegrationModel['type'],
    uri,
    httpMethod: method ? String(method).toUpperCase() : undefined,
    requestTemplates,
    requestParameters: stringMap(stack.resolve(r.config['request_parameters'], r.address)),
    timeoutMs: timeout !== undefined && timeout >= 50 ? timeout : DEFAULT_TIMEOUT_MS,
    functionKeys: functionKeys.filter(Boolean),
  };
}

function warnDirectives(ctx: TwinContext, address: string, templates: Readonly<Record<string, string>>): void {
  for (const [type, template] of Object.entries(templates)) {
    const found = templateDirectives(template);
    if (found.length > 0) ctx.warnings.push(`${address}: the ${type} template uses ${found.join(', ')}, which the twin does not evaluate (references only).`);
  }
}

/** `selection_pattern` and validation expressions are Java regexes matched against the whole input. */
function compileFullMatch(pattern: string, address: string, prop: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`, 's');
  } catch {
    throw new StackError(`${address}: ${prop} "${pattern}" is not a valid regular expression.`);
  }
}

function stringMap(value: unknown): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return out;
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || v === null) continue;
    out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return out;
}

/** cdktf writes single nested blocks as an object, Terraform JSON also allows a one-element list. */
function firstBlock(value: unknown): Record<string, unknown> | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
}

function optionalNumber(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

function stackRegion(ctx: TwinContext): string {
  const provider = (ctx.stack.json as Record<string, unknown>)['provider'];
  const aws = typeof provider === 'object' && provider !== null ? (provider as Record<string, unknown>)['aws'] : undefined;
  const block = firstBlock(aws);
  if (block && block['region'] !== undefined) {
    try {
      const region = ctx.stack.resolve<unknown>(block['region'], 'provider.aws');
      if (typeof region === 'string' && region) return region;
    } catch {
      // A region the twin cannot resolve only changes ARNs; fall back to the pools' region below.
    }
  }
  const pool = ctx.pools.all()[0];
  return pool?.arn.split(':')[3] || 'us-east-1';
}

function accountOf(pools: readonly TwinPoolView[]): string {
  const account = pools[0]?.arn.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : '000000000000';
}

/** The base URL when the CLI has set it; before listen the twin registers AWS-form URLs instead. */
export function currentBase(ctx: TwinContext): string | undefined {
  try {
    const base = ctx.baseUrl();
    return typeof base === 'string' && /^https?:\/\//.test(base) ? base.replace(/\/+$/, '') : undefined;
  } catch {
    return undefined;
  }
}

/** `<base>/<apiId>` in the twin; AWS's `https://<apiId>.execute-api.<region>.amazonaws.com` (which the outputs writer maps) before the base is known. */
export function invokeBase(base: string | undefined, apiId: string, region: string): string {
  return base ? `${base}/${apiId}` : `https://${apiId}.execute-api.${region}.amazonaws.com`;
}
