import { Testing } from 'cdktf';
import { PRODUCTION_POLICY } from '@secure-api/core';
import { assertSecurityPolicy, Match, Template } from '@secure-api/testing';
import type { EnvironmentConfig } from './config';
import { defineEnvironment, EnvironmentStack, OUTPUT_NAMES, ROUTES } from './environment-stack';

const dev: EnvironmentConfig = {
  name: 'qa',
  production: false,
  region: 'eu-west-1',
  namePrefix: 'secure-api-qa',
  domainPrefix: 'secure-api-qa-login',
  callbackUrls: ['http://localhost:4010/callback'],
  logoutUrls: ['http://localhost:4010/'],
  implicitGrant: true,
  users: [{ email: 'demo@example.com' }],
  throttling: { rateLimit: 10, burstLimit: 20 },
  mfa: 'OFF',
  deletionProtection: false,
};

const prod: EnvironmentConfig = {
  ...dev,
  name: 'live',
  production: true,
  callbackUrls: ['https://app.example.com/callback'],
  logoutUrls: ['https://app.example.com/'],
  implicitGrant: false,
  users: [],
  mfa: 'OPTIONAL',
  deletionProtection: true,
  backend: { bucket: 'state-bucket', keyPrefix: 'team/secure-api', kmsKeyId: 'alias/state' },
};

const synth = (config: EnvironmentConfig) => {
  const lines: string[] = [];
  const stack = defineEnvironment(Testing.app(), config, (l) => lines.push(l));
  return { stack, template: Template.fromStack(stack), lines };
};

describe('EnvironmentStack', () => {
  it('uses the local backend without backend config and says so in one line', () => {
    const { template, lines, stack } = synth(dev);
    expect(stack.backendKind).toBe('local');
    expect(template.block<any>('terraform').backend).toEqual({ local: { path: 'terraform.tfstate' } });
    expect(lines).toEqual([expect.stringMatching(/^qa: no remote state configured \(config.backend\): using the local backend/)]);
  });

  it('uses an encrypted S3 backend with a per-environment key and S3 lock files when configured', () => {
    const { template, lines } = synth(prod);
    expect(template.block<any>('terraform').backend.s3).toEqual({
      bucket: 'state-bucket',
      key: 'team/secure-api/live/terraform.tfstate',
      region: 'eu-west-1',
      encrypt: true,
      kms_key_id: 'alias/state',
      use_lockfile: true,
    });
    expect(lines).toEqual([]);
  });

  it('pins the AWS provider to ~> 6 and Terraform to >= 1.10, with default tags', () => {
    const { template } = synth(dev);
    const tf = template.block<any>('terraform');
    expect(tf.required_providers.aws).toEqual({ source: 'hashicorp/aws', version: '>= 5.100, < 7.0' });
    expect(tf.required_version).toBe('>= 1.10');
    expect(template.block<any>('provider').aws[0]).toMatchObject({ region: 'eu-west-1', default_tags: [{ tags: { environment: 'qa', project: 'secure-api' } }] });
  });

  it('writes the stable outputs', () => {
    const { template } = synth(dev);
    expect(Object.keys(template.outputs()).sort()).toEqual(Object.values(OUTPUT_NAMES).sort());
    expect(template.outputs()[OUTPUT_NAMES.apiRoutes].value).toEqual(ROUTES);
    expect(template.outputs()[OUTPUT_NAMES.hostedUiBaseUrl].value).toBe('https://secure-api-qa-login.auth.eu-west-1.amazoncognito.com');
    expect(template.outputs()[OUTPUT_NAMES.demoUsers].value).toEqual(['demo@example.com']);
  });

  it('serves public, protected (ID token) and scoped (access token) routes', () => {
    const { template } = synth(dev);
    template.hasResourceProperties('aws_api_gateway_method', { http_method: 'GET', authorization: 'NONE' });
    template.hasResourceProperties('aws_api_gateway_method', { http_method: 'GET', authorization: 'COGNITO_USER_POOLS', authorization_scopes: Match.absent() });
    template.hasResourceProperties('aws_api_gateway_method', { http_method: 'POST', authorization: 'COGNITO_USER_POOLS', authorization_scopes: ['api/orders.write'] });
  });

  it('serves GET /me and POST /orders from Lambda functions built from libs/handlers, each invocable from its own route only', () => {
    const { template } = synth(dev);
    const functions = template.resources('aws_lambda_function');
    expect(functions.map((f) => f.values['function_name']).sort()).toEqual(['secure-api-qa-me', 'secure-api-qa-orders']);
    for (const f of functions) expect(f.values).toMatchObject({ runtime: 'nodejs20.x', handler: 'index.handler', timeout: 10, tracing_config: { mode: 'Active' } });
    template.hasResourceProperties('aws_cloudwatch_log_group', { name: '/aws/lambda/secure-api-qa-me' });
    expect(template.resources('aws_api_gateway_integration', { type: 'AWS_PROXY', integration_http_method: 'POST' }).map((i) => i.name).sort()).toEqual([
      expect.stringMatching(/^SecureApi_Routes_me_GET_Integration_/), expect.stringMatching(/^SecureApi_Routes_orders_POST_Integration_/),
    ]);
    const api = template.resource('aws_api_gateway_rest_api');
    const arns = template.resources('aws_lambda_permission').map((p) => p.values['source_arn']).sort();
    expect(arns).toEqual([`\${${api.address}.execution_arn}/v1/GET/me`, `\${${api.address}.execution_arn}/v1/POST/orders`]);
  });

  it('creates the API Gateway account role only when asked', () => {
    synth(dev).template.resourceCountIs('aws_api_gateway_account', 0);
    synth({ ...dev, apiGatewayAccountRole: true }).template.resourceCountIs('aws_api_gateway_account', 1);
  });

  it('reads a user temporary password from a sensitive variable when asked', () => {
    const { template } = synth({ ...dev, users: [{ email: 'ops@example.com', temporaryPasswordFromVariable: true }] });
    expect(template.block<any>('variable').ops_temporary_password).toMatchObject({ type: 'string', sensitive: true });
    template.hasResourceProperties('aws_cognito_user', { temporary_password: '${var.ops_temporary_password}' });
  });

  it('keys a user by its email by default, or by the stable key the config gives (part of its Terraform address)', () => {
    const address = (config: EnvironmentConfig) => synth(config).template.resource('aws_cognito_user').address;
    const derived = address({ ...dev, users: [{ email: 'demo@example.com' }] });
    expect(derived).toMatch(/^aws_cognito_user\.SecureApi_UserPool_User-demo_/);
    // A new email moves a derived key, and so the user's address; an explicit key keeps it.
    expect(address({ ...dev, users: [{ email: 'ann@example.com' }] })).not.toBe(derived);
    expect(address({ ...dev, users: [{ email: 'ann@example.com', key: 'demo' }] })).toBe(derived);
    synth({ ...dev, users: [{ email: 'ann@example.com', key: 'demo' }] }).template.hasResourceProperties('aws_cognito_user', { username: 'ann@example.com' });
  });

  it('passes the security policy: prod with no waiver, dev as nonprod', () => {
    for (const [config, environment] of [[prod, 'prod'], [dev, 'nonprod']] as const) {
      const { template, stack } = synth(config);
      expect(() => assertSecurityPolicy(template, { environment, publicRoutes: Object.keys(stack.secureApi.api.publicRoutes) })).not.toThrow();
    }
  });

  describe('production hardening (Well-Architected security and reliability)', () => {
    const live = synth({ ...prod, alarmEmails: ['oncall@example.com'] });
    const qa = synth(dev);

    it('prod: a web ACL on the stage, threat protection enforced on the Plus plan; dev: neither by default', () => {
      expect(live.template.resources('aws_wafv2_web_acl_association')).toHaveLength(1);
      live.template.hasResourceProperties('aws_cognito_user_pool', { user_pool_tier: 'PLUS', user_pool_add_ons: { advanced_security_mode: 'ENFORCED' } });
      expect(qa.template.resources('aws_wafv2_web_acl')).toHaveLength(0);
      expect(qa.template.resource('aws_cognito_user_pool').values['user_pool_add_ons']).toBeUndefined();
    });

    it('dev can opt in to WAF and audit-mode threat protection; the WAF settings reach the ACL', () => {
      const { template } = synth({ ...dev, waf: { rateLimit: 300, bodySizeLimit: 1024, managedRules: { commonRuleSet: 'COUNT' } }, threatProtection: 'AUDIT' });
      const rules = template.resource('aws_wafv2_web_acl').values['rule'] as { name: string; statement: Record<string, any>; override_action?: unknown }[];
      expect(rules.find((r) => r.name === 'rate-limit-per-ip')?.statement['rate_based_statement'].limit).toBe(300);
      expect(rules.find((r) => r.name === 'body-size-limit')?.statement['size_constraint_statement'].size).toBe(1024);
      expect(rules.find((r) => r.name === 'AWS-AWSManagedRulesCommonRuleSet')?.override_action).toEqual({ count: {} });
      template.hasResourceProperties('aws_cognito_user_pool', { user_pool_add_ons: { advanced_security_mode: 'AUDIT' } });
    });

    it('every log group of every environment uses the one environment key, and the key names each of them', () => {
      for (const { template } of [live, qa]) {
        const groups = template.resources('aws_cloudwatch_log_group');
        expect(groups.length).toBeGreaterThanOrEqual(4);
        const key = template.resources('aws_kms_key').find((k) => k.address.startsWith('aws_kms_key.LogKey'));
        for (const g of groups) expect(g.values['kms_key_id']).toBe(`\${${key?.address}.arn}`);
        const policy = JSON.parse(String(key?.values['policy']));
        expect(policy.Statement[1].Condition.ArnLike['kms:EncryptionContext:aws:logs:arn']).toHaveLength(groups.length);
      }
    });

    it('alarms notify the environment topic, which mails the configured addresses', () => {
      const topic = live.template.resource('aws_sns_topic');
      expect(topic.values['name']).toBe('secure-api-qa-alarms');
      live.template.hasResourceProperties('aws_sns_topic_subscription', { protocol: 'email', endpoint: 'oncall@example.com' });
      const alarms = live.template.resources('aws_cloudwatch_metric_alarm');
      // 5XX, latency, 4XX, throttled, WAF blocked, and errors + throttles for each of the two functions.
      expect(alarms).toHaveLength(9);
      for (const a of alarms) expect(a.values['alarm_actions']).toEqual([`\${${topic.address}.arn}`]);
      expect(qa.template.resources('aws_cloudwatch_metric_alarm')).toHaveLength(8);
      expect(qa.template.resources('aws_sns_topic_subscription')).toHaveLength(0);
      expect(live.template.resources('aws_cloudwatch_dashboard')).toHaveLength(1);
    });
  });

  describe('config validation (throws at synth, naming the config key)', () => {
    const bad: Array<[string, Partial<EnvironmentConfig>, RegExp]> = [
      ['name', { name: 'Dev' }, /invalid config.name "Dev"/],
      ['region', { region: 'europe' }, /invalid config.region "europe": is not an AWS region name/],
      ['namePrefix', { namePrefix: 'Secure API' }, /config.namePrefix/],
      ['implicit grant in production', { production: true, deletionProtection: true, mfa: 'OPTIONAL', implicitGrant: true }, /config.implicitGrant true: the implicit grant is forbidden in production/],
      ['production without deletion protection', { production: true, implicitGrant: false, mfa: 'OPTIONAL' }, /config.deletionProtection false/],
      ['production with MFA off', { production: true, implicitGrant: false, deletionProtection: true }, /config.mfa "OFF": production requires MFA/],
      ['production with short passwords', { production: true, implicitGrant: false, deletionProtection: true, mfa: 'OPTIONAL', passwordMinLength: 8 }, /config.passwordMinLength 8/],
      ['mfa value', { mfa: 'SOMETIMES' as never }, /config.mfa "SOMETIMES"/],
      ['no callback URL', { callbackUrls: [] }, /config.callbackUrls \[\]/],
      ['no logout URL', { logoutUrls: [] }, /config.logoutUrls \[\]/],
      ['user email', { users: [{ email: 'not-an-email' }] }, /config.users\[0\].email "not-an-email"/],
      ['duplicate user', { users: [{ email: 'a@example.com' }, { email: 'A@example.com' }] }, /config.users\[1\].email .*listed twice/],
      ['user key', { users: [{ email: 'a@example.com', key: 'a b' }] }, /config.users\[0\].key "a b": must be 1-64 letters, digits or hyphens/],
      ['two users with one key', { users: [{ email: 'a.b@example.com' }, { email: 'a-b@example.org' }] }, /config.users\[1\].key "a-b": is also the key of users\[0\].*Fix: give users\[1\] its own key/],
      ['backend bucket', { backend: { bucket: 'Bad_Bucket' } }, /config.backend.bucket "Bad_Bucket"/],
      ['backend region', { backend: { bucket: 'state', region: 'mars-1' } }, /config.backend.region "mars-1"/],
      ['backend key prefix', { backend: { bucket: 'state', keyPrefix: '../x' } }, /config.backend.keyPrefix/],
      ['tag', { tags: { 'aws:owner': 'x' } }, /config.tags.aws:owner/],
      ['production flag', { production: 'yes' as never }, /config.production "yes"/],
      ['production without WAF', { production: true, implicitGrant: false, deletionProtection: true, mfa: 'OPTIONAL', waf: false }, /config.waf false: production stages must have a WAF web ACL/],
      ['production with threat protection in audit mode', { production: true, implicitGrant: false, deletionProtection: true, mfa: 'OPTIONAL', threatProtection: 'AUDIT' }, /config.threatProtection "AUDIT": production user pools must enforce threat protection/],
      ['threat protection value', { threatProtection: 'ON' as never }, /config.threatProtection "ON": must be OFF, AUDIT or ENFORCED/],
      ['alarm email', { alarmEmails: ['oncall'] }, /invalid emails\[0\] "oncall": is not an email address/],
    ];
    it.each(bad)('throws when %s is wrong', (_name, patch, re) => {
      expect(() => new EnvironmentStack(Testing.app(), { ...dev, ...patch })).toThrow(re);
    });

    it('leaves construct-level rules to the constructs (domain prefix, throttling, http callbacks)', () => {
      expect(() => new EnvironmentStack(Testing.app(), { ...dev, domainPrefix: 'my-cognito-login' })).toThrow(/cognito/);
      expect(() => new EnvironmentStack(Testing.app(), { ...dev, throttling: { rateLimit: 100, burstLimit: 10 } })).toThrow(/burst/i);
      expect(() => new EnvironmentStack(Testing.app(), { ...dev, callbackUrls: ['http://app.example.com/cb'] })).toThrow(/only http:\/\/localhost/);
    });
  });
});

describe('the production policy, one rule for the config check, the defaults and the policy assertions', () => {
  const min = PRODUCTION_POLICY.minPasswordLength;

  it('defaults every environment to the production password length', () => {
    synth(dev).template.hasResourceProperties('aws_cognito_user_pool', { password_policy: { minimum_length: min } });
  });

  it('refuses a production config one character short of it, and the policy flags the same stack', () => {
    expect(() => synth({ ...prod, passwordMinLength: min - 1 })).toThrow(`production requires passwords of at least ${min} characters`);
    expect(() => synth({ ...prod, passwordMinLength: min })).not.toThrow();
    const short = synth({ ...prod, production: false, passwordMinLength: min - 1 }).template;
    expect(() => assertSecurityPolicy(short, { environment: 'prod', publicRoutes: ['GET /health'] })).toThrow(/\[pool-password-policy\]/);
  });

  it('refuses production MFA outside the policy and accepts each setting it allows', () => {
    expect(() => synth({ ...prod, mfa: 'OFF' })).toThrow('production requires MFA at least OPTIONAL');
    for (const mfa of PRODUCTION_POLICY.mfa) expect(() => synth({ ...prod, mfa })).not.toThrow();
  });
});
