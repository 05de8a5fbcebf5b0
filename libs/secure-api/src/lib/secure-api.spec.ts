import { Duration } from '@secure-api/core';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Integration, type RouteTable } from '@secure-api/rest-api';
import { assertSecurityPolicy, checkSecurityPolicy, Match, newTestStack, Template } from '@secure-api/testing';
import { FORBID_IMPLICIT_GRANT_CONTEXT } from '@secure-api/user-pool';
import type { TerraformStack } from 'cdktf';
import { SecureApi, type SecureApiProps } from './secure-api';

const routes: RouteTable = {
  'GET /health': { integration: Integration.mock({ body: { status: 'ok' } }), public: 'health check' },
  'GET /hello': { integration: Integration.mock({ body: { message: 'hi' } }) },
};

const base: SecureApiProps = {
  namePrefix: 'demo',
  domainPrefix: 'demo-login',
  client: { callbackUrls: ['https://app.example.com/cb'], logoutUrls: ['https://app.example.com/'] },
  routes,
};

function synth(props: Partial<SecureApiProps> = {}, prepare?: (stack: TerraformStack) => void): { template: Template; api: SecureApi } {
  let api!: SecureApi;
  const template = Template.synth((stack) => {
    prepare?.(stack);
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    api = new SecureApi(stack, 'SecureApi', { ...base, ...props });
  });
  return { template, api };
}

describe('SecureApi', () => {
  describe('defaults', () => {
    const { template, api } = synth();

    it('builds the walk-through: pool, hosted UI domain, code + PKCE client, authorizer, API', () => {
      template.hasResourceProperties('aws_cognito_user_pool', { name: 'demo-users', username_attributes: ['email'], auto_verified_attributes: ['email'] });
      template.hasResourceProperties('aws_cognito_user_pool_domain', { domain: 'demo-login' });
      template.hasResourceProperties('aws_cognito_user_pool_client', {
        name: 'demo-web',
        allowed_oauth_flows: ['code'],
        allowed_oauth_flows_user_pool_client: true,
        allowed_oauth_scopes: Match.arrayWith(['openid', 'email', 'profile']),
        callback_urls: ['https://app.example.com/cb'],
        prevent_user_existence_errors: 'ENABLED',
        explicit_auth_flows: Match.arrayWith(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']),
      });
      template.resourceCountIs('aws_cognito_resource_server', 0);
      template.resourceCountIs('aws_cognito_user', 0);
      template.hasResourceProperties('aws_api_gateway_rest_api', { name: 'demo-api' });
    });

    it('links the Cognito authorizer to every method that is not public', () => {
      const authorizer = template.resource('aws_api_gateway_authorizer', { type: 'COGNITO_USER_POOLS', name: 'demo-cognito', authorizer_result_ttl_in_seconds: 300 });
      expect(authorizer.values['provider_arns']).toEqual([expect.stringMatching(/^\$\{aws_cognito_user_pool\..*\.arn\}$/)]);
      const protectedMethods = template.resources('aws_api_gateway_method', { authorization: 'COGNITO_USER_POOLS' });
      expect(protectedMethods).toHaveLength(1);
      expect(protectedMethods[0].values['authorizer_id']).toBe(Template.ref(authorizer, 'id'));
      expect(template.resources('aws_api_gateway_method', { authorization: 'NONE' })).toHaveLength(1);
    });

    it('passes the security policy with the public route named, but for log encryption, which needs a key', () => {
      const rules = checkSecurityPolicy(template, { environment: 'nonprod', publicRoutes: Object.keys(api.api.publicRoutes) }).map((f) => f.rule);
      expect(new Set(rules)).toEqual(new Set(['log-group-kms']));
    });

    it('declares no web ACL unless asked', () => {
      expect(api.webAcl).toBeUndefined();
      expect(template.resources('aws_wafv2_web_acl')).toHaveLength(0);
    });

    it('exposes a code-grant login URL for the first callback URL', () => {
      expect(api.loginUrl).toMatch(/^https:\/\/demo-login\.auth\.eu-west-1\.amazoncognito\.com\/login\?/);
      expect(api.loginUrl).toContain('response_type=code');
      expect(api.loginUrl).toContain(`redirect_uri=${encodeURIComponent('https://app.example.com/cb')}`);
    });
  });

  it('webAcl and logKmsKeyArn: a web ACL named after the prefix on the stage, and every log group on the key', () => {
    const key = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const { template, api } = synth({ webAcl: { rateLimit: 500 }, logKmsKeyArn: key });
    template.hasResourceProperties('aws_wafv2_web_acl', { name: 'demo-api', scope: 'REGIONAL' });
    const acl = template.resource('aws_wafv2_web_acl');
    template.hasResourceProperties('aws_wafv2_web_acl_association', { web_acl_arn: `\${${acl.address}.arn}`, resource_arn: `\${${template.resource('aws_api_gateway_stage').address}.arn}` });
    expect(api.webAcl?.name).toBe('demo-api');
    const groups = template.resources('aws_cloudwatch_log_group');
    expect(groups.map((g) => g.values['name'])).toEqual(expect.arrayContaining(['aws-waf-logs-demo-api']));
    expect(groups.map((g) => g.values['kms_key_id'])).toEqual(groups.map(() => key));
    expect(() => assertSecurityPolicy(template, { environment: 'nonprod', publicRoutes: Object.keys(api.api.publicRoutes) })).not.toThrow();
  });

  it('client.implicitGrant adds the implicit flow beside code', () => {
    const { template } = synth({ client: { ...base.client, implicitGrant: true } });
    template.hasResourceProperties('aws_cognito_user_pool_client', { allowed_oauth_flows: Match.arrayWith(['code', 'implicit']) });
  });

  it('client.userPasswordAuth allows USER_PASSWORD_AUTH', () => {
    const { template } = synth({ client: { ...base.client, userPasswordAuth: true } });
    template.hasResourceProperties('aws_cognito_user_pool_client', { explicit_auth_flows: Match.arrayWith(['ALLOW_USER_PASSWORD_AUTH']) });
  });

  it('apiScopes adds a resource server and grants its scopes to the web client', () => {
    const { template } = synth({
      apiScopes: { scopes: [{ name: 'orders.read', description: 'Read orders' }] },
      routes: { ...routes, 'GET /orders': { integration: Integration.mock(), authorizationScopes: ['api/orders.read'] } },
    });
    template.hasResourceProperties('aws_cognito_resource_server', { identifier: 'api', scope: [{ scope_name: 'orders.read', scope_description: 'Read orders' }] });
    template.hasResourceProperties('aws_cognito_user_pool_client', { allowed_oauth_scopes: Match.arrayWith(['api/orders.read']) });
    template.hasResourceProperties('aws_api_gateway_method', { authorization_scopes: ['api/orders.read'] });
  });

  it('users are admin-created with a verified email, keyed by a stable id', () => {
    const { template } = synth({ users: { demo: { email: 'demo@example.com' } } });
    template.hasResourceProperties('aws_cognito_user', {
      username: 'demo@example.com',
      attributes: { email: 'demo@example.com', email_verified: 'true' },
      temporary_password: Match.absent(),
    });
  });

  it('userPool, api and authorizerCacheTtlSeconds pass through', () => {
    const { template } = synth({
      userPool: { mfa: 'REQUIRED', deletionProtection: true },
      api: { stageName: 'live', throttling: { rateLimit: 10, burstLimit: 20 } },
      authorizerCacheTtlSeconds: 0,
    });
    template.hasResourceProperties('aws_cognito_user_pool', { mfa_configuration: 'ON', deletion_protection: 'ACTIVE' });
    template.hasResourceProperties('aws_api_gateway_stage', { stage_name: 'live' });
    template.hasResourceProperties('aws_api_gateway_method_settings', { settings: { throttling_rate_limit: 10, throttling_burst_limit: 20 } });
    template.hasResourceProperties('aws_api_gateway_authorizer', { authorizer_result_ttl_in_seconds: 0 });
  });

  it('authorizerCacheTtl as a Duration passes through; with authorizerCacheTtlSeconds it throws', () => {
    synth({ authorizerCacheTtl: Duration.minutes(1) }).template.hasResourceProperties('aws_api_gateway_authorizer', { authorizer_result_ttl_in_seconds: 60 });
    expect(() => synth({ authorizerCacheTtl: Duration.minutes(1), authorizerCacheTtlSeconds: 60 })).toThrow(/test\/SecureApi: invalid authorizerCacheTtlSeconds 60: is set together with authorizerCacheTtl, which replaces it/);
  });

  it('throws when no callback URL is given', () => {
    expect(() => synth({ client: { callbackUrls: [], logoutUrls: ['https://a.example.com/'] } })).toThrow(/test\/SecureApi: invalid client.callbackUrls \[\]: at least one callback URL is required/);
  });

  it('throws when the implicit grant is asked for where the stack forbids it', () => {
    expect(() =>
      synth({ client: { ...base.client, implicitGrant: true } }, (stack) => stack.node.setContext(FORBID_IMPLICIT_GRANT_CONTEXT, true)),
    ).toThrow(/implicit/i);
  });

  it('throws at synth when a route scope is defined by no resource server of the pool', () => {
    const stack = newTestStack();
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    expect(() => new SecureApi(stack, 'S', { ...base, routes: { 'GET /x': { integration: Integration.mock(), authorizationScopes: ['api/missing'] } } })).not.toThrow();
    expect(() => Template.fromStack(stack)).toThrow(/api\/missing/);
  });
});
