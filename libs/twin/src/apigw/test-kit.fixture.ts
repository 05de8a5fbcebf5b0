import type { JsonWebKey } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import type { PoolDirectory, TwinClock, TwinContext, TwinPoolView } from '../contracts';
import { StackModel } from '../stack/stack-model';

/** A movable clock for tests. */
export class TestClock implements TwinClock {
  constructor(public ms = Date.UTC(2026, 0, 15, 12, 0, 0)) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
  get seconds(): number {
    return Math.floor(this.ms / 1000);
  }
}

interface TestKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly jwk: JsonWebKey;
}

// RSA key generation is the slowest step of a test; a kid always names the same key within one test file.
const keys = new Map<string, Promise<TestKey>>();

function keyFor(kid: string): Promise<TestKey> {
  let key = keys.get(kid);
  if (!key) {
    key = (async () => {
      const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
      const jwk = await exportJWK(publicKey);
      return { kid, privateKey, jwk: { ...jwk, kid, alg: 'RS256', use: 'sig' } as JsonWebKey };
    })();
    keys.set(kid, key);
  }
  return key;
}

/** A user pool with its own RSA keys (one kid for ID tokens, one for access tokens), like the Cognito part's. */
export class FakePool implements TwinPoolView {
  readonly arn: string;
  private readonly publicJwks: JsonWebKey[];

  private constructor(
    readonly id: string,
    private readonly base: () => string,
    readonly idKey: { kid: string; privateKey: CryptoKey },
    readonly accessKey: { kid: string; privateKey: CryptoKey },
    publicJwks: JsonWebKey[],
    region: string,
  ) {
    this.arn = `arn:aws:cognito-idp:${region}:123456789012:userpool/${id}`;
    this.publicJwks = publicJwks;
  }

  static async create(id: string, base: () => string, region = 'eu-west-1'): Promise<FakePool> {
    const idKey = await keyFor(`${id}-id`);
    const accessKey = await keyFor(`${id}-access`);
    return new FakePool(id, base, idKey, accessKey, [idKey.jwk, accessKey.jwk], region);
  }

  get issuer(): string {
    return `${this.base()}/${this.id}`;
  }

  jwks(): { keys: JsonWebKey[] } {
    return { keys: this.publicJwks.map((k) => ({ ...k })) };
  }

  /** An ID token as Cognito issues it, with `overrides` merged into the claims (undefined removes a claim). */
  idToken(clock: TestClock, overrides: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> {
    return this.sign(this.idKey, {
      sub: 'b1c2d3e4-0000-4000-8000-000000000001',
      aud: 'client123',
      email: 'demo@example.com',
      email_verified: true,
      'cognito:username': 'demo',
      'cognito:groups': ['admins', 'users'],
      token_use: 'id',
      auth_time: clock.seconds,
      iss: this.issuer,
      exp: clock.seconds + 3600,
      iat: clock.seconds,
      jti: 'jti-1',
      origin_jti: 'ojti-1',
      event_id: 'ev-1',
      ...overrides,
    }, header);
  }

  /** An access token as Cognito issues it (scope space-separated, no aud). */
  accessToken(clock: TestClock, scope: string, overrides: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> {
    return this.sign(this.accessKey, {
      sub: 'b1c2d3e4-0000-4000-8000-000000000001',
      client_id: 'client123',
      username: 'demo',
      scope,
      token_use: 'access',
      version: 2,
      auth_time: clock.seconds,
      iss: this.issuer,
      exp: clock.seconds + 3600,
      iat: clock.seconds,
      jti: 'jti-2',
      origin_jti: 'ojti-1',
      event_id: 'ev-1',
      ...overrides,
    }, header);
  }

  private sign(key: { kid: string; privateKey: CryptoKey }, claims: Record<string, unknown>, header: Record<string, unknown>): Promise<string> {
    const payload = Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: key.kid, ...header }).sign(key.privateKey);
  }
}

/** A PoolDirectory over fake pools. */
export function directory(pools: FakePool[]): PoolDirectory {
  return { byArn: (arn) => pools.find((p) => p.arn === arn), all: () => pools };
}

/** Base64url of a JSON value or raw string, for hand-made tokens. */
export function b64(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

export interface FixtureOptions {
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

const REF = (type: string, name: string, attr: string) => `\${${type}.${name}.${attr}}`;
const API = REF('aws_api_gateway_rest_api', 'Api', 'id');
const ROOT = REF('aws_api_gateway_rest_api', 'Api', 'root_resource_id');
const res = (name: string) => REF('aws_api_gateway_resource', name, 'id');

/**
 * A synthesized stack in cdktf's shape: one REST API with public, protected, scoped, variable, greedy, mock,
 * HTTP_PROXY and AWS_PROXY routes behind a COGNITO_USER_POOLS authorizer, a stage `dev` with JSON access logs.
 */
export function fixtureStack(o: FixtureOptions = {}): Record<string, unknown> {
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
      ...(auth.authorization === 'COGNITO_USER_POOLS' ? { authorizer_id: REF('aws_api_gateway_authorizer', 'Auth', 'id') } : {}),
      ...(auth.scopes ? { authorization_scopes: auth.scopes } : {}),
    };
    integrations[name] = {
      rest_api_id: API,
      resource_id: resourceRef,
      http_method: REF('aws_api_gateway_method', name, 'http_method'),
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
  methods['LambdaAny'] = { rest_api_id: API, resource_id: res('Lambda'), http_method: 'ANY', authorization: 'COGNITO_USER_POOLS', authorizer_id: REF('aws_api_gateway_authorizer', 'Auth', 'id') };
  integrations['LambdaAny'] = {
    rest_api_id: API,
    resource_id: res('Lambda'),
    http_method: 'ANY',
    type: 'AWS_PROXY',
    integration_http_method: 'POST',
    uri: REF('aws_lambda_function', 'Fn', 'invoke_arn'),
  };

  const methodSettings: Record<string, Record<string, unknown>> = {
    All: {
      rest_api_id: API,
      stage_name: REF('aws_api_gateway_stage', 'Dev', 'stage_name'),
      method_path: '*/*',
      settings: { metrics_enabled: true, logging_level: 'INFO', throttling_rate_limit: o.stageRate ?? 1000, throttling_burst_limit: o.stageBurst ?? 2000 },
    },
  };
  for (const [path, [rate, burst]] of Object.entries(o.methodThrottle ?? {})) {
    methodSettings[`M${Object.keys(methodSettings).length}`] = {
      rest_api_id: API,
      stage_name: REF('aws_api_gateway_stage', 'Dev', 'stage_name'),
      method_path: path,
      settings: { throttling_rate_limit: rate, throttling_burst_limit: burst },
    };
  }
  const gatewayResponses: Record<string, Record<string, unknown>> = {};
  for (const [type, spec] of Object.entries(o.gatewayResponses ?? {})) {
    gatewayResponses[type] = { rest_api_id: API, response_type: type, ...spec };
  }

  return {
    '//': { metadata: { backend: 'local', stackName: 'fixture', version: '0.21.0' } },
    terraform: { required_providers: { aws: { source: 'aws', version: '~> 6.0' } } },
    provider: { aws: [{ region: 'eu-west-1' }] },
    resource: {
      aws_cognito_user_pool: { Pool: { name: 'fixture-pool' } },
      aws_lambda_function: { Fn: { function_name: 'fixture-fn', role: 'arn:aws:iam::123456789012:role/x', handler: 'index.handler', runtime: 'nodejs20.x' } },
      aws_cloudwatch_log_group: { Logs: { name: '/aws/apigateway/fixture', retention_in_days: 30 } },
      aws_api_gateway_rest_api: { Api: { name: 'fixture-api', endpoint_configuration: { types: ['REGIONAL'] } } },
      aws_api_gateway_resource: resources,
      aws_api_gateway_authorizer: {
        Auth: {
          name: 'cognito',
          rest_api_id: API,
          type: 'COGNITO_USER_POOLS',
          provider_arns: [REF('aws_cognito_user_pool', 'Pool', 'arn')],
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
          deployment_id: REF('aws_api_gateway_deployment', 'Deployment', 'id'),
          stage_name: 'dev',
          xray_tracing_enabled: true,
          variables: { greeting: 'hi' },
          access_log_settings: {
            destination_arn: REF('aws_cloudwatch_log_group', 'Logs', 'arn'),
            format: o.accessLogFormat ?? '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","method":"$context.httpMethod","path":"$context.path","resourcePath":"$context.resourcePath","status":"$context.status","length":"$context.responseLength","error":"$context.error.responseType","sub":"$context.authorizer.claims.sub"}',
          },
        },
      },
      aws_api_gateway_method_settings: methodSettings,
      aws_api_gateway_gateway_response: gatewayResponses,
    },
    output: {
      invoke_url: { value: REF('aws_api_gateway_stage', 'Dev', 'invoke_url') },
    },
  };
}

/** A TwinContext over a fixture stack with one fake pool registered as `aws_cognito_user_pool.Pool`. */
export async function fixtureContext(options: FixtureOptions = {}, base = 'http://127.0.0.1:4566'): Promise<{ ctx: TwinContext & { setBase(url: string): void }; pool: FakePool; other: FakePool; clock: TestClock }> {
  let current = base;
  const clock = new TestClock();
  const pool = await FakePool.create('eu-west-1_Fixture01', () => current);
  const other = await FakePool.create('eu-west-1_Other0002', () => current);
  const stack = new StackModel(fixtureStack(options), 'fixture');
  stack.register('aws_cognito_user_pool.Pool', { id: pool.id, arn: pool.arn, endpoint: `cognito-idp.eu-west-1.amazonaws.com/${pool.id}` });
  const ctx = {
    stack,
    clock,
    baseUrl: () => current,
    setBase: (url: string) => {
      current = url;
    },
    pools: directory([pool, other]),
    warnings: [] as string[],
  };
  return { ctx, pool, other, clock };
}
