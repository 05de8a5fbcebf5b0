// The fixture stacks of the twin's tests: one stack in the shape cdktf synthesizes (Cognito and API Gateway). Specs
// that need the real dev stack synthesize it into a folder of their own (with its Lambda packages).

type Json = Record<string, unknown>;

/** What a test varies in the fixture stack. */
export interface FixtureOptions extends GatewayOptions {
  /** Merged into the walk-through's user pool. */
  readonly pool?: Json;
  /** Added to (or replacing) the app clients, by name. */
  readonly clients?: Record<string, Json>;
  /** Whole resource types, replacing the fixture's. */
  readonly resources?: Record<string, Record<string, Json>>;
  /** Edits the resources last (type → name → block), for a test that changes one argument. */
  readonly edit?: (resources: Record<string, Record<string, Json>>) => void;
  /** Added to (or replacing) the stack's users, by name. */
  readonly users?: Record<string, Json>;
}

/**
 * The fixture stack: the walk-through's user pool with its domain, resource server, clients of every kind and a user,
 * a second pool, and a REST API behind a Cognito authorizer of the first pool.
 */
export function fixtureStack(o: FixtureOptions = {}): Json {
  const cognito = cognitoPart(o);
  const gateway = gatewayPart(o);
  const resource = { ...cognito.resources, ...gateway.resources, ...o.resources } as Record<string, Record<string, Json>>;
  o.edit?.(resource);
  return {
    '//': { metadata: { backend: 'local', stackName: 'fixture', version: '0.21.0' } },
    terraform: { required_providers: { aws: { source: 'aws', version: '~> 6.0' } } },
    provider: { aws: [{ region: 'eu-west-1' }] },
    variable: { demo_password: { type: 'string', sensitive: true } },
    resource,
    output: { ...cognito.outputs, ...gateway.outputs },
  };
}

const ref = (type: string, name: string, attr: string) => `\${${type}.${name}.${attr}}`;
const POOL = ref('aws_cognito_user_pool', 'Pool', 'id');
const OTHER = ref('aws_cognito_user_pool', 'Other', 'id');

export const CALLBACK = 'http://localhost:3000/callback';
export const LOGOUT = 'http://localhost:3000/';
export const DEMO_EMAIL = 'demo@example.com';

/** Two pools: the walk-through's pool (email sign-in, hosted UI, clients of every kind) and a self-sign-up pool. */
function cognitoPart(overrides: FixtureOptions): { resources: Record<string, unknown>; outputs: Record<string, unknown> } {
  const meta = (path: string) => ({ '//': { metadata: { path } } });
  return {
    resources: {
      aws_cognito_user_pool: {
        Pool: {
          ...meta('fixture/SecureApi/UserPool/Resource'),
          name: 'fixture-users',
          username_attributes: ['email'],
          auto_verified_attributes: ['email'],
          password_policy: { minimum_length: 12, require_lowercase: true, require_uppercase: true, require_numbers: true, require_symbols: true, temporary_password_validity_days: 7 },
          admin_create_user_config: { allow_admin_create_user_only: true },
          mfa_configuration: 'OFF',
          deletion_protection: 'ACTIVE',
          account_recovery_setting: { recovery_mechanism: [{ name: 'verified_email', priority: 1 }] },
          lifecycle: { ignore_changes: ['schema'] },
          ...overrides.pool,
        },
        Other: {
          name: 'fixture-self-service',
          auto_verified_attributes: ['email'],
          username_configuration: { case_sensitive: false },
          admin_create_user_config: { allow_admin_create_user_only: false },
        },
      },
      aws_cognito_user_pool_domain: {
        Domain: { ...meta('fixture/SecureApi/UserPool/Domain'), domain: 'twin-test', user_pool_id: POOL },
        OtherDomain: { domain: 'twin-other', user_pool_id: OTHER },
      },
      aws_cognito_resource_server: {
        Api: { identifier: 'https://api.example.com', name: 'api', user_pool_id: POOL, scope: [{ scope_name: 'read', scope_description: 'Read' }, { scope_name: 'write', scope_description: 'Write' }] },
      },
      aws_cognito_user_pool_client: {
        Web: {
          ...meta('fixture/SecureApi/UserPool/WebClient/Resource'),
          name: 'web',
          user_pool_id: POOL,
          allowed_oauth_flows: ['code', 'implicit'],
          allowed_oauth_flows_user_pool_client: true,
          allowed_oauth_scopes: ['openid', 'email', 'profile', 'https://api.example.com/read'],
          callback_urls: [CALLBACK, 'https://app.example.com/cb'],
          logout_urls: [LOGOUT],
          supported_identity_providers: ['COGNITO'],
          explicit_auth_flows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH'],
          generate_secret: false,
          prevent_user_existence_errors: 'ENABLED',
          enable_token_revocation: true,
          access_token_validity: 60,
          id_token_validity: 60,
          refresh_token_validity: 30,
          token_validity_units: { access_token: 'minutes', id_token: 'minutes', refresh_token: 'days' },
        },
        CodeOnly: {
          name: 'code-only',
          user_pool_id: POOL,
          allowed_oauth_flows: ['code'],
          allowed_oauth_flows_user_pool_client: true,
          allowed_oauth_scopes: ['openid', 'email'],
          callback_urls: [CALLBACK],
          supported_identity_providers: ['COGNITO'],
          explicit_auth_flows: ['ALLOW_REFRESH_TOKEN_AUTH'],
          prevent_user_existence_errors: 'ENABLED',
        },
        Legacy: {
          name: 'legacy',
          user_pool_id: POOL,
          explicit_auth_flows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
          prevent_user_existence_errors: 'LEGACY',
          enable_token_revocation: false,
        },
        Confidential: {
          name: 'confidential',
          user_pool_id: POOL,
          generate_secret: true,
          allowed_oauth_flows: ['code'],
          allowed_oauth_flows_user_pool_client: true,
          allowed_oauth_scopes: ['openid', 'email'],
          callback_urls: ['https://app.example.com/cb'],
          supported_identity_providers: ['COGNITO'],
          explicit_auth_flows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
          prevent_user_existence_errors: 'ENABLED',
        },
        Machine: {
          name: 'machine',
          user_pool_id: POOL,
          generate_secret: true,
          allowed_oauth_flows: ['client_credentials'],
          allowed_oauth_flows_user_pool_client: true,
          allowed_oauth_scopes: ['https://api.example.com/read'],
          supported_identity_providers: ['COGNITO'],
        },
        OtherWeb: {
          name: 'other-web',
          user_pool_id: OTHER,
          allowed_oauth_flows: ['code'],
          allowed_oauth_flows_user_pool_client: true,
          allowed_oauth_scopes: ['openid'],
          callback_urls: [CALLBACK],
          supported_identity_providers: ['COGNITO'],
          explicit_auth_flows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
          prevent_user_existence_errors: 'ENABLED',
        },
        ...overrides.clients,
      },
      aws_cognito_user: {
        Demo: { user_pool_id: POOL, username: DEMO_EMAIL, attributes: { email: DEMO_EMAIL, email_verified: 'true' }, temporary_password: '${var.demo_password}' },
        ...overrides.users,
      },
      aws_shield_protection: { Shield: { name: 'api', resource_arn: 'arn:aws:apigateway:eu-west-1::/restapis/x/stages/dev' } },
    },
    outputs: {
      user_pool_id: { value: POOL },
      web_client_id: { value: ref('aws_cognito_user_pool_client', 'Web', 'id') },
      machine_client_secret: { value: ref('aws_cognito_user_pool_client', 'Machine', 'client_secret'), sensitive: true },
      hosted_ui_url: { value: `https://${ref('aws_cognito_user_pool_domain', 'Domain', 'domain')}.auth.eu-west-1.amazoncognito.com` },
      login_url: { value: `https://${ref('aws_cognito_user_pool_domain', 'Domain', 'domain')}.auth.eu-west-1.amazoncognito.com/login?client_id=${ref('aws_cognito_user_pool_client', 'Web', 'id')}&response_type=code&redirect_uri=${CALLBACK}` },
      issuer: { value: `https://${ref('aws_cognito_user_pool', 'Pool', 'endpoint')}` },
      jwks_url: { value: `https://${ref('aws_cognito_user_pool', 'Pool', 'endpoint')}/.well-known/jwks.json` },
      scopes: { value: ref('aws_cognito_resource_server', 'Api', 'scope_identifiers') },
    },
  };
}

/** What the API Gateway part of the fixture stack varies. */
interface GatewayOptions {
  /** `*`+`/`+`*` stage throttling. */
  readonly stageRate?: number;
  readonly stageBurst?: number;
  /** Extra method settings (method_path → [rate, burst]). */
  readonly methodThrottle?: Record<string, [number, number]>;
  /** HTTP_PROXY target of `/backend/{proxy+}` (a loopback server in tests). */
  readonly backendUrl?: string;
  readonly backendTimeoutMs?: number;
  readonly authorizerTtl?: number;
  readonly gatewayResponses?: Record<string, Record<string, unknown>>;
  readonly accessLogFormat?: string;
}

const API = ref('aws_api_gateway_rest_api', 'Api', 'id');
const ROOT = ref('aws_api_gateway_rest_api', 'Api', 'root_resource_id');
const res = (name: string) => ref('aws_api_gateway_resource', name, 'id');

/**
 * One REST API with public, protected, scoped, variable, greedy, mock, HTTP_PROXY and AWS_PROXY routes behind a
 * COGNITO_USER_POOLS authorizer of the walk-through's pool, a stage `dev` with JSON access logs.
 */
function gatewayPart(o: GatewayOptions): { resources: Record<string, unknown>; outputs: Record<string, unknown> } {
  const resources: Record<string, Record<string, unknown>> = {
    Items: { rest_api_id: API, parent_id: ROOT, path_part: 'items' },
    Item: { rest_api_id: API, parent_id: res('Items'), path_part: '{id}' },
    ItemsSpecial: { rest_api_id: API, parent_id: res('Items'), path_part: 'special' },
    Public: { rest_api_id: API, parent_id: ROOT, path_part: 'public' },
    Scoped: { rest_api_id: API, parent_id: ROOT, path_part: 'scoped' },
    Backend: { rest_api_id: API, parent_id: ROOT, path_part: 'backend' },
    BackendProxy: { rest_api_id: API, parent_id: res('Backend'), path_part: '{proxy+}' },
    Lambda: { rest_api_id: API, parent_id: ROOT, path_part: 'lambda' },
    Proxy: { rest_api_id: API, parent_id: ROOT, path_part: '{proxy+}' },
  };
  const methods: Record<string, Record<string, unknown>> = {};
  const integrations: Record<string, Record<string, unknown>> = {};
  const methodResponses: Record<string, Record<string, unknown>> = {};
  const integrationResponses: Record<string, Record<string, unknown>> = {};
  const mock = (name: string, resourceRef: string, httpMethod: string, auth: { authorization: string; scopes?: string[] }, template: string, extra: Record<string, unknown> = {}) => {
    methods[name] = {
      rest_api_id: API,
      resource_id: resourceRef,
      http_method: httpMethod,
      authorization: auth.authorization,
      ...(auth.authorization === 'COGNITO_USER_POOLS' ? { authorizer_id: ref('aws_api_gateway_authorizer', 'Auth', 'id') } : {}),
      ...(auth.scopes ? { authorization_scopes: auth.scopes } : {}),
    };
    integrations[name] = {
      rest_api_id: API,
      resource_id: resourceRef,
      http_method: ref('aws_api_gateway_method', name, 'http_method'),
      type: 'MOCK',
      request_templates: { 'application/json': '{"statusCode": 200}' },
      ...extra,
    };
    methodResponses[name] = { rest_api_id: API, resource_id: resourceRef, http_method: httpMethod, status_code: '200', response_parameters: { 'method.response.header.X-Route': true } };
    integrationResponses[name] = {
      rest_api_id: API,
      resource_id: resourceRef,
      http_method: httpMethod,
      status_code: '200',
      response_templates: { 'application/json': template },
      response_parameters: { 'method.response.header.X-Route': `'${name}'` },
      depends_on: [`aws_api_gateway_integration.${name}`],
    };
  };
  const cognito = { authorization: 'COGNITO_USER_POOLS' };
  mock('RootGet', ROOT, 'GET', { authorization: 'NONE' }, '{"route":"root"}');
  mock('PublicGet', res('Public'), 'GET', { authorization: 'NONE' }, '{"message":"hello from a public route","requestId":"$context.requestId"}');
  mock('ItemsGet', res('Items'), 'GET', cognito, '{"route":"items","sub":"$context.authorizer.claims.sub","email":"$context.authorizer.claims.email","groups":"$context.authorizer.claims[\'cognito:groups\']","verified":"$context.authorizer.claims.email_verified","exp":"$context.authorizer.claims.exp"}');
  mock('ItemGet', res('Item'), 'GET', cognito, '{"route":"item","id":"$input.params(\'id\')","q":"$input.params(\'q\')"}');
  mock('ItemsSpecialGet', res('ItemsSpecial'), 'GET', { authorization: 'NONE' }, '{"route":"special"}');
  mock('ScopedGet', res('Scoped'), 'GET', { authorization: 'COGNITO_USER_POOLS', scopes: ['api/read', 'api/admin'] }, '{"route":"scoped","client":"$context.authorizer.claims.client_id","scope":"$context.authorizer.claims.scope"}');
  mock('ProxyAny', res('Proxy'), 'ANY', { authorization: 'NONE' }, '{"route":"greedy","proxy":"$input.params(\'proxy\')","method":"$context.httpMethod"}');
  // A mock whose request template picks 404 when ?missing=1, to exercise selection_pattern.
  integrations['ItemGet'] = {
    ...integrations['ItemGet'],
    request_templates: { 'application/json': '{"statusCode": $input.params(\'code\')}' },
  };
  integrationResponses['ItemGet404'] = {
    rest_api_id: API,
    resource_id: res('Item'),
    http_method: 'GET',
    status_code: '404',
    selection_pattern: '4\\d{2}',
    response_templates: { 'application/json': '{"message":"no item $input.params(\'id\')"}' },
  };
  methods['BackendAny'] = { rest_api_id: API, resource_id: res('BackendProxy'), http_method: 'ANY', authorization: 'NONE', request_parameters: { 'method.request.path.proxy': true } };
  integrations['BackendAny'] = {
    rest_api_id: API,
    resource_id: res('BackendProxy'),
    http_method: 'ANY',
    type: 'HTTP_PROXY',
    integration_http_method: 'ANY',
    uri: `${o.backendUrl ?? 'http://127.0.0.1:9'}/svc/{proxy}`,
    request_parameters: { 'integration.request.path.proxy': 'method.request.path.proxy', 'integration.request.header.X-Stage': "'dev'" },
    ...(o.backendTimeoutMs ? { timeout_milliseconds: o.backendTimeoutMs } : {}),
  };
  methods['LambdaAny'] = { rest_api_id: API, resource_id: res('Lambda'), http_method: 'ANY', authorization: 'COGNITO_USER_POOLS', authorizer_id: ref('aws_api_gateway_authorizer', 'Auth', 'id') };
  integrations['LambdaAny'] = {
    rest_api_id: API,
    resource_id: res('Lambda'),
    http_method: 'ANY',
    type: 'AWS_PROXY',
    integration_http_method: 'POST',
    uri: ref('aws_lambda_function', 'Fn', 'invoke_arn'),
  };

  const methodSettings: Record<string, Record<string, unknown>> = {
    All: {
      rest_api_id: API,
      stage_name: ref('aws_api_gateway_stage', 'Dev', 'stage_name'),
      method_path: '*/*',
      settings: { metrics_enabled: true, logging_level: 'INFO', throttling_rate_limit: o.stageRate ?? 1000, throttling_burst_limit: o.stageBurst ?? 2000 },
    },
  };
  for (const [path, [rate, burst]] of Object.entries(o.methodThrottle ?? {})) {
    methodSettings[`M${Object.keys(methodSettings).length}`] = {
      rest_api_id: API,
      stage_name: ref('aws_api_gateway_stage', 'Dev', 'stage_name'),
      method_path: path,
      settings: { throttling_rate_limit: rate, throttling_burst_limit: burst },
    };
  }
  const gatewayResponses: Record<string, Record<string, unknown>> = {};
  for (const [type, spec] of Object.entries(o.gatewayResponses ?? {})) {
    gatewayResponses[type] = { rest_api_id: API, response_type: type, ...spec };
  }

  return {
    resources: {
      aws_lambda_function: { Fn: { function_name: 'fixture-fn', role: 'arn:aws:iam::123456789012:role/x', handler: 'index.handler', runtime: 'nodejs20.x' } },
      aws_cloudwatch_log_group: { Logs: { name: '/aws/apigateway/fixture', retention_in_days: 30 } },
      aws_api_gateway_rest_api: { Api: { name: 'fixture-api', endpoint_configuration: { types: ['REGIONAL'] } } },
      aws_api_gateway_resource: resources,
      aws_api_gateway_authorizer: {
        Auth: {
          name: 'cognito',
          rest_api_id: API,
          type: 'COGNITO_USER_POOLS',
          provider_arns: [ref('aws_cognito_user_pool', 'Pool', 'arn')],
          identity_source: 'method.request.header.Authorization',
          ...(o.authorizerTtl !== undefined ? { authorizer_result_ttl_in_seconds: o.authorizerTtl } : {}),
        },
      },
      aws_api_gateway_method: methods,
      aws_api_gateway_integration: integrations,
      aws_api_gateway_method_response: methodResponses,
      aws_api_gateway_integration_response: integrationResponses,
      aws_api_gateway_deployment: {
        Deployment: { rest_api_id: API, triggers: { redeployment: 'abc' }, lifecycle: { create_before_destroy: true }, depends_on: ['aws_api_gateway_integration.PublicGet'] },
      },
      aws_api_gateway_stage: {
        Dev: {
          rest_api_id: API,
          deployment_id: ref('aws_api_gateway_deployment', 'Deployment', 'id'),
          stage_name: 'dev',
          xray_tracing_enabled: true,
          variables: { greeting: 'hi' },
          access_log_settings: {
            destination_arn: ref('aws_cloudwatch_log_group', 'Logs', 'arn'),
            format: o.accessLogFormat ?? '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","method":"$context.httpMethod","path":"$context.path","resourcePath":"$context.resourcePath","status":"$context.status","length":"$context.responseLength","error":"$context.error.responseType","sub":"$context.authorizer.claims.sub"}',
          },
        },
      },
      aws_api_gateway_method_settings: methodSettings,
      aws_api_gateway_gateway_response: gatewayResponses,
    },
    outputs: {
      invoke_url: { value: ref('aws_api_gateway_stage', 'Dev', 'invoke_url') },
    },
  };
}

/** Points every `http://localhost:<port>` and `https://localhost:<port>` URL of the stack's app clients at another port. */
export function withLocalPort(json: Record<string, unknown>, port: number): Record<string, unknown> {
  return JSON.parse(JSON.stringify(json).replace(/(https?):\/\/localhost:\d+/g, `$1://localhost:${port}`)) as Record<string, unknown>;
}
