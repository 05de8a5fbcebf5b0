import type { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Integration, RestApi, type RouteTable } from '@secure-api/rest-api';
import { Duration } from '@secure-api/core';
import { expectInvalid, Match, Template } from '@secure-api/testing';
import { UserPool, type IUserPool } from '@secure-api/user-pool';
import { CognitoUserPoolsAuthorizer, type CognitoUserPoolsAuthorizerProps } from './cognito-user-pools-authorizer';

/** A user pool as the authorizer sees it; tests add scopes to it at any time. */
class FakePool extends Construct implements IUserPool {
  readonly userPoolId = 'eu-west-1_AbCdEfGhI';
  readonly userPoolArn: string;
  readonly userPoolEndpoint = 'cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEfGhI';
  readonly issuerUrl = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEfGhI';
  readonly jwksUrl = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEfGhI/.well-known/jwks.json';
  readonly resourceServerScopes: string[] = [];
  constructor(scope: Construct, id: string, scopes: string[] = []) {
    super(scope, id);
    this.userPoolArn = `arn:aws:cognito-idp:eu-west-1:123456789012:userpool/${id}`;
    this.resourceServerScopes.push(...scopes);
  }
}

const mock = Integration.mock({ body: { ok: true } });

function synth(build: (stack: TerraformStack, pool: FakePool) => { props?: Partial<CognitoUserPoolsAuthorizerProps>; routes?: RouteTable; after?: (auth: CognitoUserPoolsAuthorizer) => void }): Template {
  return Template.synth((stack) => {
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    const pool = new FakePool(stack, 'Pool', ['orders/write']);
    const { props, routes, after } = build(stack, pool);
    const auth = new CognitoUserPoolsAuthorizer(stack, 'Auth', { userPools: [pool], ...props });
    new RestApi(stack, 'Api', { defaultAuthorizer: auth, routes: routes ?? { 'GET /items': { integration: mock } } });
    after?.(auth);
  });
}


describe('CognitoUserPoolsAuthorizer', () => {
  it('creates a COGNITO_USER_POOLS authorizer in the API that binds it: Authorization header, 300 s cache', () => {
    const t = synth(() => ({}));
    const api = t.resource('aws_api_gateway_rest_api');
    const authorizer = t.resource('aws_api_gateway_authorizer');
    expect(authorizer.values).toEqual({
      name: 'test-Auth',
      rest_api_id: Template.ref(api, 'id'),
      type: 'COGNITO_USER_POOLS',
      provider_arns: ['arn:aws:cognito-idp:eu-west-1:123456789012:userpool/Pool'],
      identity_source: 'method.request.header.Authorization',
      authorizer_result_ttl_in_seconds: 300,
    });
    t.hasResourceProperties('aws_api_gateway_method', { authorization: 'COGNITO_USER_POOLS', authorizer_id: Template.ref(authorizer, 'id'), authorization_scopes: Match.absent() });
  });

  it('creates its resource once, however many methods use it', () => {
    const t = synth(() => ({ routes: { 'GET /a': { integration: mock }, 'POST /a': { integration: mock }, 'GET /b': { integration: mock } } }));
    t.resourceCountIs('aws_api_gateway_authorizer', 1);
    expect(new Set(t.resources('aws_api_gateway_method').map((m) => m.values['authorizer_id'])).size).toBe(1);
  });

  it('creates nothing until an API binds it', () => {
    let auth: CognitoUserPoolsAuthorizer | undefined;
    const t = Template.synth((stack) => {
      auth = new CognitoUserPoolsAuthorizer(stack, 'Auth', { userPools: [new FakePool(stack, 'Pool')] });
    });
    t.resourceCountIs('aws_api_gateway_authorizer', 0);
    expect(auth?.authorizerId).toBeUndefined();
  });

  it('exposes its settings and, once bound, its id', () => {
    let auth: CognitoUserPoolsAuthorizer | undefined;
    synth(() => ({ after: (a) => (auth = a) }));
    expect(auth).toMatchObject({ authorizationType: 'COGNITO_USER_POOLS', name: 'test-Auth', identitySource: 'method.request.header.Authorization', resultsCacheTtlSeconds: 300 });
    expect(auth?.authorizerId).toMatch(/TfToken/);
  });

  it('name', () => {
    synth(() => ({ props: { name: 'cognito' } })).hasResourceProperties('aws_api_gateway_authorizer', { name: 'cognito' });
  });

  it('identitySource', () => {
    synth(() => ({ props: { identitySource: 'method.request.header.X-Token' } })).hasResourceProperties('aws_api_gateway_authorizer', { identity_source: 'method.request.header.X-Token' });
  });

  it('resultsCacheTtl as a Duration, 0 (off) and 1 hour included', () => {
    for (const [ttl, seconds] of [[Duration.seconds(0), 0], [Duration.minutes(1), 60], [Duration.hours(1), 3600]] as const) {
      synth(() => ({ props: { resultsCacheTtl: ttl } })).hasResourceProperties('aws_api_gateway_authorizer', { authorizer_result_ttl_in_seconds: seconds });
    }
  });

  it('resultsCacheTtlSeconds (deprecated), 0 (off) and 3600 included', () => {
    for (const ttl of [0, 60, 3600]) {
      synth(() => ({ props: { resultsCacheTtlSeconds: ttl } })).hasResourceProperties('aws_api_gateway_authorizer', { authorizer_result_ttl_in_seconds: ttl });
    }
  });

  it('userPools: several pools', () => {
    const t = synth((stack, pool) => ({ props: { userPools: [pool, new FakePool(stack, 'Partners')] } }));
    t.hasResourceProperties('aws_api_gateway_authorizer', { provider_arns: ['arn:aws:cognito-idp:eu-west-1:123456789012:userpool/Pool', 'arn:aws:cognito-idp:eu-west-1:123456789012:userpool/Partners'] });
  });

  it('accepts method scopes that a resource server of any of its pools defines', () => {
    const t = synth((stack, pool) => ({
      props: { userPools: [pool, new FakePool(stack, 'Partners', ['partners/read'])] },
      routes: { 'POST /orders': { integration: mock, authorizationScopes: ['orders/write'] }, 'GET /partners': { integration: mock, authorizationScopes: ['partners/read', 'orders/write'] } },
    }));
    t.hasResourceProperties('aws_api_gateway_method', { http_method: 'GET', authorization_scopes: ['partners/read', 'orders/write'] });
  });

  it('accepts a scope whose resource server is added after the API', () => {
    const t = synth((_stack, pool) => ({ routes: { 'GET /reports': { integration: mock, authorizationScopes: ['reports/read'] } }, after: () => pool.resourceServerScopes.push('reports/read') }));
    t.hasResourceProperties('aws_api_gateway_method', { authorization_scopes: ['reports/read'] });
  });

  it('works with the real UserPool and a resource server added after the API', () => {
    const t = Template.synth((stack) => {
      new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
      const pool = new UserPool(stack, 'Users');
      const auth = new CognitoUserPoolsAuthorizer(stack, 'Auth', { userPools: [pool] });
      new RestApi(stack, 'Api', { defaultAuthorizer: auth, routes: { 'POST /orders': { integration: mock, authorizationScopes: ['orders/write'] } } });
      pool.addResourceServer('Orders', { identifier: 'orders', scopes: [{ name: 'write', description: 'Place orders' }] });
    });
    const pool = t.resource('aws_cognito_user_pool');
    t.hasResourceProperties('aws_api_gateway_authorizer', { provider_arns: [Template.ref(pool, 'arn')] });
    t.hasResourceProperties('aws_api_gateway_method', { authorization_scopes: ['orders/write'] });
  });

  it('throws when a method scope is defined by no resource server', () => {
    expectInvalid(
      () => synth(() => ({ routes: { 'POST /orders': { integration: mock, authorizationScopes: ['orders/write', 'orders/delete'] } } })),
      'authorizationScopes[1]',
      /^test\/Api\/Routes\/orders\/POST: invalid authorizationScopes\[1\] "orders\/delete": is defined by no resource server of the user pools of the authorizer\. Fix: use one of orders\/write/,
    );
  });

  it('throws, with an example, when the pools define no scope at all', () => {
    expectInvalid(
      () =>
        Template.synth((stack) => {
          new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
          const auth = new CognitoUserPoolsAuthorizer(stack, 'Auth', { userPools: [new UserPool(stack, 'Users')] });
          new RestApi(stack, 'Api', { defaultAuthorizer: auth, routes: { 'POST /orders': { integration: mock, authorizationScopes: ['https://api.example.com/orders.write'] } } });
        }),
      'authorizationScopes[0]',
      /identifier: 'https:\/\/api\.example\.com', scopes: \[\{ name: 'orders\.write'/,
    );
  });

  it('throws when the results cache TTL is out of range', () => {
    expectInvalid(() => synth(() => ({ props: { resultsCacheTtlSeconds: 3601 } })), 'resultsCacheTtlSeconds', /test\/Auth: invalid resultsCacheTtlSeconds 3601: .*from 0 to 3600/);
    expectInvalid(() => synth(() => ({ props: { resultsCacheTtlSeconds: -1 } })), 'resultsCacheTtlSeconds', /from 0 to 3600/);
  });

  it('throws when resultsCacheTtl is out of range, not whole seconds, or set with resultsCacheTtlSeconds', () => {
    expectInvalid(() => synth(() => ({ props: { resultsCacheTtl: Duration.minutes(61) } })), 'resultsCacheTtl', /test\/Auth: invalid resultsCacheTtl "61 minutes": must be a whole number of minutes from 0 seconds to 1 hour/);
    expectInvalid(() => synth(() => ({ props: { resultsCacheTtl: Duration.millis(1500) } })), 'resultsCacheTtl', /is not a whole number of seconds/);
    expectInvalid(() => synth(() => ({ props: { resultsCacheTtl: Duration.minutes(1), resultsCacheTtlSeconds: 60 } })), 'resultsCacheTtlSeconds', /is set together with resultsCacheTtl, which replaces it\. Fix: remove resultsCacheTtlSeconds/);
  });

  it('throws when it has no user pool', () => {
    expectInvalid(() => synth(() => ({ props: { userPools: [] } })), 'userPools', /is empty/);
  });

  it('throws when the identity source is not a header', () => {
    expectInvalid(() => synth(() => ({ props: { identitySource: 'method.request.querystring.token' } })), 'identitySource', /not a request header expression.*method\.request\.header\.Authorization/);
  });

  it('throws when the name is empty', () => {
    expectInvalid(() => synth(() => ({ props: { name: ' ' } })), 'name', /is empty/);
  });

  it('throws when a second REST API binds it', () => {
    expectInvalid(
      () =>
        Template.synth((stack) => {
          new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
          const auth = new CognitoUserPoolsAuthorizer(stack, 'Auth', { userPools: [new FakePool(stack, 'Pool')] });
          new RestApi(stack, 'One', { defaultAuthorizer: auth, routes: { 'GET /a': { integration: mock } } });
          new RestApi(stack, 'Two', { defaultAuthorizer: auth, routes: { 'GET /a': { integration: mock } } });
        }),
      'api',
      /"test\/Two": is a second REST API; this authorizer already belongs to test\/One/,
    );
  });
});
