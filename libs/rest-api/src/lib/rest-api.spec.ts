import { Duration } from '@secure-api/core';
import { TerraformOutput } from 'cdktf';
import { checkSecurityPolicy, Match, Template } from '@secure-api/testing';
import { FakeAuthorizer } from '../test/fake-authorizer';
import { expectInvalid, publicMock, synthApi } from '../test/helpers';
import { Integration } from './integration';
import { ACCESS_LOG_FORMAT, type RestApi, type RestApiProps } from './rest-api';

const minimal = () => synthApi(() => ({ routes: { 'GET /hello': publicMock } }));
const withProps = (props: Partial<RestApiProps>) => synthApi(() => ({ routes: { 'GET /hello': publicMock }, ...props }));

describe('RestApi defaults', () => {
  const t = minimal();
  const api = t.resource('aws_api_gateway_rest_api');
  const stage = t.resource('aws_api_gateway_stage');

  it('is a REGIONAL REST API named after the construct path', () => {
    expect(api.values).toMatchObject({ name: 'test-Api', endpoint_configuration: { types: ['REGIONAL'] } });
    expect(api.values['description']).toBeUndefined();
  });

  it('deploys to the stage v1 with X-Ray and JSON access logs to a log group kept 365 days', () => {
    const logs = t.resource('aws_cloudwatch_log_group', { name: '/aws/apigateway/test-Api/v1/access' });
    expect(logs.values['retention_in_days']).toBe(365);
    expect(stage.values).toMatchObject({
      stage_name: 'v1',
      xray_tracing_enabled: true,
      rest_api_id: Template.ref(api, 'id'),
      deployment_id: Template.ref(t.resource('aws_api_gateway_deployment'), 'id'),
      access_log_settings: { destination_arn: Template.ref(logs, 'arn'), format: ACCESS_LOG_FORMAT },
    });
    expect(stage.values['cache_cluster_enabled']).toBeUndefined();
  });

  it('writes one JSON line per request with the request id, caller, route, status and user', () => {
    const format = JSON.parse(ACCESS_LOG_FORMAT) as Record<string, string>;
    expect(ACCESS_LOG_FORMAT).not.toMatch(/\n/);
    expect(format).toMatchObject({ requestId: '$context.requestId', ip: '$context.identity.sourceIp', httpMethod: '$context.httpMethod', resourcePath: '$context.resourcePath', status: '$context.status', sub: '$context.authorizer.claims.sub' });
  });

  it('turns on metrics, INFO execution logs, throttling 100/s burst 200 and keeps data trace off for every method', () => {
    const executionLogs = t.resource('aws_cloudwatch_log_group', { name: `API-Gateway-Execution-Logs_${Template.ref(api, 'id')}/v1` });
    expect(executionLogs.values['retention_in_days']).toBe(365);
    const settings = t.resource('aws_api_gateway_method_settings', {
      rest_api_id: Template.ref(api, 'id'),
      stage_name: Template.ref(stage, 'stage_name'),
      method_path: '*/*',
      depends_on: [executionLogs.address],
    });
    expect(settings.values['settings']).toEqual({ metrics_enabled: true, logging_level: 'INFO', data_trace_enabled: false, throttling_rate_limit: 100, throttling_burst_limit: 200 });
  });

  it("keeps API Gateway's error body for 4XX and 5XX, without CORS headers", () => {
    for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX']) {
      t.hasResourceProperties('aws_api_gateway_gateway_response', {
        response_type: type,
        status_code: Match.absent(),
        response_templates: { 'application/json': '{"message":$context.error.messageString}' },
        response_parameters: Match.absent(),
      });
    }
  });

  it('redeploys on change: a trigger hash, create_before_destroy, and after every method and integration', () => {
    const deployment = t.resource('aws_api_gateway_deployment');
    expect(deployment.values).toMatchObject({ rest_api_id: Template.ref(api, 'id'), lifecycle: { create_before_destroy: true } });
    expect((deployment.values['triggers'] as Record<string, string>)['redeployment']).toMatch(/^[0-9a-f]{40}$/);
    const deps = deployment.values['depends_on'] as string[];
    for (const type of ['aws_api_gateway_method', 'aws_api_gateway_integration', 'aws_api_gateway_method_response', 'aws_api_gateway_integration_response', 'aws_api_gateway_gateway_response']) {
      for (const r of t.resources(type)) expect(deps).toContain(r.address);
    }
  });

  it('creates no account role, web ACL association or cache by default', () => {
    for (const type of ['aws_api_gateway_account', 'aws_iam_role', 'aws_wafv2_web_acl_association', 'aws_api_gateway_authorizer']) t.resourceCountIs(type, 0);
  });

  it('exposes its ids, ARNs, stage, invoke URL and log group as references', () => {
    const t2 = synthApi(
      () => ({ routes: { 'GET /hello': publicMock } }),
      (a, stack) => {
        const attrs = { restApiId: a.restApiId, rootResourceId: a.rootResourceId, executionArn: a.executionArn, restApiArn: a.restApiArn, deploymentId: a.deploymentId, stageArn: a.stageArn, invokeUrl: a.invokeUrl, logGroupName: a.logGroupName, stageName: a.stageName };
        for (const [k, v] of Object.entries(attrs)) new TerraformOutput(stack, k, { value: v });
      },
    );
    const outputs = t2.outputs();
    const stageRef = (attr: string) => Template.ref(t2.resource('aws_api_gateway_stage'), attr);
    const apiRef = (attr: string) => Template.ref(t2.resource('aws_api_gateway_rest_api'), attr);
    expect(Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value]))).toEqual({
      restApiId: apiRef('id'),
      rootResourceId: apiRef('root_resource_id'),
      executionArn: apiRef('execution_arn'),
      restApiArn: apiRef('arn'),
      deploymentId: Template.ref(t2.resource('aws_api_gateway_deployment'), 'id'),
      stageArn: stageRef('arn'),
      invokeUrl: stageRef('invoke_url'),
      logGroupName: Template.ref(t2.resource('aws_cloudwatch_log_group', { name: Match.stringLike(/access$/) }), 'name'),
      stageName: 'v1',
    });
  });
});

describe('RestApi props', () => {
  it('name and description', () => {
    const t = withProps({ name: 'orders api', description: 'Orders' });
    t.hasResourceProperties('aws_api_gateway_rest_api', { name: 'orders api', description: 'Orders' });
    t.resource('aws_cloudwatch_log_group', { name: '/aws/apigateway/orders-api/v1/access' });
  });

  it('stageName', () => {
    const t = withProps({ stageName: 'prod' });
    t.hasResourceProperties('aws_api_gateway_stage', { stage_name: 'prod' });
    t.resource('aws_cloudwatch_log_group', { name: '/aws/apigateway/test-Api/prod/access' });
  });

  it('throttling', () => {
    withProps({ throttling: { rateLimit: 50, burstLimit: 80 } }).hasResourceProperties('aws_api_gateway_method_settings', { settings: { throttling_rate_limit: 50, throttling_burst_limit: 80 } });
  });

  it('throttling rate alone doubles into the burst', () => {
    withProps({ throttling: { rateLimit: 500 } }).hasResourceProperties('aws_api_gateway_method_settings', { settings: { throttling_rate_limit: 500, throttling_burst_limit: 1000 } });
    withProps({ throttling: { rateLimit: 0.5 } }).hasResourceProperties('aws_api_gateway_method_settings', { settings: { throttling_rate_limit: 0.5, throttling_burst_limit: 1 } });
  });

  it('loggingLevel ERROR', () => {
    withProps({ loggingLevel: 'ERROR' }).hasResourceProperties('aws_api_gateway_method_settings', { settings: { logging_level: 'ERROR', metrics_enabled: true } });
  });

  it('loggingLevel OFF creates no execution log group', () => {
    const t = withProps({ loggingLevel: 'OFF' });
    t.hasResourceProperties('aws_api_gateway_method_settings', { settings: { logging_level: 'OFF' }, depends_on: Match.absent() });
    t.resourceCountIs('aws_cloudwatch_log_group', 1);
  });

  it('logRetention applies to both log groups, in days', () => {
    const t = withProps({ logRetention: Duration.days(30) });
    expect(t.resources('aws_cloudwatch_log_group').map((g) => g.values['retention_in_days'])).toEqual([30, 30]);
  });

  it('logRetentionDays (deprecated) applies to both log groups', () => {
    const t = withProps({ logRetentionDays: 30 });
    expect(t.resources('aws_cloudwatch_log_group').map((g) => g.values['retention_in_days'])).toEqual([30, 30]);
  });

  it('tracingEnabled false', () => {
    withProps({ tracingEnabled: false }).hasResourceProperties('aws_api_gateway_stage', { xray_tracing_enabled: false });
  });

  it('cache: an encrypted cache cluster with the default size and TTL', () => {
    const t = withProps({ cache: {} });
    t.hasResourceProperties('aws_api_gateway_stage', { cache_cluster_enabled: true, cache_cluster_size: '0.5' });
    t.hasResourceProperties('aws_api_gateway_method_settings', {
      settings: { caching_enabled: true, cache_data_encrypted: true, cache_ttl_in_seconds: 300, require_authorization_for_cache_control: true, unauthorized_cache_control_header_strategy: 'FAIL_WITH_403' },
    });
  });

  it('cache TTL as a Duration', () => {
    withProps({ cache: { ttl: Duration.minutes(2) } }).hasResourceProperties('aws_api_gateway_method_settings', { settings: { cache_ttl_in_seconds: 120 } });
  });

  it('cache size and TTL in seconds (deprecated)', () => {
    const t = withProps({ cache: { size: '1.6', ttlSeconds: 60 } });
    t.hasResourceProperties('aws_api_gateway_stage', { cache_cluster_size: '1.6' });
    t.hasResourceProperties('aws_api_gateway_method_settings', { settings: { cache_ttl_in_seconds: 60 } });
  });

  it('webAclArn associates the web ACL with the stage', () => {
    const arn = 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/api/1234abcd-12ab-34cd-56ef-1234567890ab';
    const t = withProps({ webAclArn: arn });
    t.hasResourceProperties('aws_wafv2_web_acl_association', { resource_arn: Template.ref(t.resource('aws_api_gateway_stage'), 'arn'), web_acl_arn: arn });
  });

  it('webAcl associates a web ACL construct (anything with webAclArn) with the stage', () => {
    const arn = 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/api/1234abcd-12ab-34cd-56ef-1234567890ab';
    const t = withProps({ webAcl: { webAclArn: arn } });
    t.hasResourceProperties('aws_wafv2_web_acl_association', { resource_arn: Template.ref(t.resource('aws_api_gateway_stage'), 'arn'), web_acl_arn: arn });
  });

  it('logKmsKeyArn encrypts the access and execution log groups', () => {
    const key = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const groups = withProps({ logKmsKeyArn: key }).resources('aws_cloudwatch_log_group');
    expect(groups).toHaveLength(2);
    for (const g of groups) expect(g.values['kms_key_id']).toBe(key);
    for (const g of minimal().resources('aws_cloudwatch_log_group')) expect(g.values['kms_key_id']).toBeUndefined();
  });

  it('cloudWatchRole sets the account role before the stage and method settings', () => {
    const t = withProps({ cloudWatchRole: true });
    const role = t.resource('aws_iam_role');
    expect(JSON.parse(role.values['assume_role_policy'] as string)).toEqual({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    const attachment = t.resource('aws_iam_role_policy_attachment', { role: Template.ref(role, 'name'), policy_arn: 'arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs' });
    const account = t.resource('aws_api_gateway_account', { cloudwatch_role_arn: Template.ref(role, 'arn'), depends_on: [attachment.address] });
    t.hasResourceProperties('aws_api_gateway_stage', { depends_on: [account.address] });
    t.hasResourceProperties('aws_api_gateway_method_settings', { depends_on: Match.arrayWith([account.address]) });
  });
});

describe('RestApi stage validation', () => {
  it('throws when burst is below rate', () => {
    expectInvalid(() => withProps({ throttling: { rateLimit: 100, burstLimit: 50 } }), 'throttling.burstLimit', /test\/Api: invalid throttling.burstLimit 50: is below the rate limit 100.*at least 100/);
  });

  it('throws when the rate is not positive', () => {
    expectInvalid(() => withProps({ throttling: { rateLimit: 0 } }), 'throttling.rateLimit', /above 0/);
    expectInvalid(() => withProps({ throttling: { rateLimit: Number.NaN } }), 'throttling.rateLimit', /above 0/);
  });

  it('throws when the burst is not a whole number of at least 1', () => {
    expectInvalid(() => withProps({ throttling: { rateLimit: 1, burstLimit: 1.5 } }), 'throttling.burstLimit', /whole number/);
    expectInvalid(() => withProps({ throttling: { rateLimit: 0.1, burstLimit: 0 } }), 'throttling.burstLimit', /whole number/);
  });

  it('throws when the log retention is not one CloudWatch accepts', () => {
    expectInvalid(() => withProps({ logRetentionDays: 100 }), 'logRetentionDays', /is not a retention CloudWatch Logs accepts.*e\.g\. 120/);
  });

  it('throws when logRetention is not days CloudWatch accepts, or is set with logRetentionDays', () => {
    expectInvalid(() => withProps({ logRetention: Duration.days(100) }), 'logRetention', /invalid logRetention "100 days": is not a retention CloudWatch Logs accepts.*Duration\.days\(120\)/);
    expectInvalid(() => withProps({ logRetention: Duration.hours(36) }), 'logRetention', /is not a whole number of days/);
    expectInvalid(() => withProps({ logRetention: Duration.days(30), logRetentionDays: 30 }), 'logRetentionDays', /is set together with logRetention/);
  });

  it('throws when the logging level is unknown', () => {
    expectInvalid(() => withProps({ loggingLevel: 'DEBUG' as never }), 'loggingLevel', /use one of INFO, ERROR, OFF/);
  });

  it('throws when the stage name has characters API Gateway refuses', () => {
    expectInvalid(() => withProps({ stageName: 'v 1' }), 'stageName', /letters, digits/);
  });

  it('throws when the cache size or TTL is out of range', () => {
    expectInvalid(() => withProps({ cache: { size: '2' as never } }), 'cache.size', /is not a cache size/);
    expectInvalid(() => withProps({ cache: { ttlSeconds: 3601 } }), 'cache.ttlSeconds', /from 0 to 3600/);
    expectInvalid(() => withProps({ cache: { ttl: Duration.minutes(61) } }), 'cache.ttl', /"61 minutes": must be a whole number of minutes from 0 seconds to 1 hour/);
    expectInvalid(() => withProps({ cache: { ttl: Duration.minutes(1), ttlSeconds: 60 } }), 'cache.ttlSeconds', /is set together with cache\.ttl/);
  });

  it('throws when the web ACL ARN is malformed or of CloudFront scope', () => {
    expectInvalid(() => withProps({ webAclArn: 'arn:aws:waf::123456789012:webacl/x' }), 'webAclArn', /is not a wafv2 web ACL ARN/);
    expectInvalid(() => withProps({ webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/api/1234' }), 'webAclArn', /CloudFront \(global\)/);
  });

  it('throws when both webAcl and webAclArn are given', () => {
    const arn = 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/api/1234abcd-12ab-34cd-56ef-1234567890ab';
    expectInvalid(() => withProps({ webAcl: { webAclArn: arn }, webAclArn: arn }), 'webAcl', /one web ACL/);
  });

  it('throws when the name is empty', () => {
    expectInvalid(() => withProps({ name: '' }), 'name', /1 to 1024 characters/);
  });
});

describe('RestApi deployment trigger', () => {
  const hash = (t: Template) => (t.resource('aws_api_gateway_deployment').values['triggers'] as Record<string, string>)['redeployment'];
  const api = (body: unknown, extra: Partial<RestApiProps> = {}) =>
    synthApi(() => ({ routes: { 'GET /hello': { integration: Integration.mock({ body }), public: 'x' } }, ...extra }));

  it('is the same for the same routes', () => {
    expect(hash(api({ a: 1 }))).toBe(hash(api({ a: 1 })));
  });

  it('changes when a response, a route or the CORS setup changes', () => {
    const base = hash(api({ a: 1 }));
    expect(hash(api({ a: 2 }))).not.toBe(base);
    expect(hash(synthApi(() => ({ routes: { 'GET /hello': { integration: Integration.mock({ body: { a: 1 } }), public: 'x' }, 'GET /other': publicMock } })))).not.toBe(base);
    expect(hash(api({ a: 1 }, { cors: { allowOrigins: ['https://app.example.com'] } }))).not.toBe(base);
  });

  it("changes when the authorizer's configuration changes", () => {
    const withTtl = (ttl: number) => synthApi((stack) => ({ defaultAuthorizer: new FakeAuthorizer(stack, 'Auth', 'COGNITO_USER_POOLS', [], ttl), routes: { 'GET /a': { integration: Integration.mock() } } }));
    expect(hash(withTtl(300))).toBe(hash(withTtl(300)));
    expect(hash(withTtl(60))).not.toBe(hash(withTtl(300)));
  });

  it('does not change with stage settings, which apply without a redeployment', () => {
    expect(hash(api({ a: 1 }, { throttling: { rateLimit: 5 }, loggingLevel: 'ERROR', stageName: 'prod' }))).toBe(hash(api({ a: 1 })));
  });
});

describe('RestApi and the security policy assertions', () => {
  it('passes every API rule in prod with its public routes named, CORS, a cache, a web ACL and a log key; alarms are ApiMonitoring\'s', () => {
    let api: RestApi | undefined;
    const t = synthApi(
      (stack) => ({
        defaultAuthorizer: new FakeAuthorizer(stack, 'Auth'),
        cors: { allowOrigins: ['https://app.example.com'] },
        cache: {},
        webAcl: { webAclArn: 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/api/1234abcd-12ab-34cd-56ef-1234567890ab' },
        logKmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        routes: { 'GET /health': { integration: Integration.mock(), public: 'load balancer health check' }, 'GET /items/{id}': { integration: Integration.httpProxy('https://backend.example.com/{id}') } },
      }),
      (a) => (api = a),
    );
    expect(checkSecurityPolicy(t, { environment: 'prod', publicRoutes: Object.keys(api?.publicRoutes ?? {}) }).map((f) => f.rule)).toEqual(['alarms-api']);
  });

  it('is flagged by the policy when a public route is not named to it', () => {
    const t = synthApi(() => ({ routes: { 'GET /health': publicMock } }));
    expect(checkSecurityPolicy(t, { environment: 'prod' }).map((f) => f.rule)).toContain('api-method-authorization');
    expect(checkSecurityPolicy(t, { environment: 'prod', publicRoutes: ['GET /health'] }).map((f) => f.rule)).not.toContain('api-method-authorization');
  });
});
