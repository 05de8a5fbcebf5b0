import { assertSecurityPolicy, checkSecurityPolicy, POLICY_RULES, routeNames } from './policy';
import { Template } from './template';

/** A stack that meets every rule, in synthesized (snake_case) form; tests break one thing at a time. */
function compliant(): Record<string, any> {
  return {
    resource: {
      aws_api_gateway_rest_api: { Api: { name: 'api' } },
      aws_api_gateway_resource: {
        Items: { parent_id: '${aws_api_gateway_rest_api.Api.root_resource_id}', path_part: 'items' },
        Item: { parent_id: '${aws_api_gateway_resource.Items.id}', path_part: '{id}' },
        Health: { parent_id: '${aws_api_gateway_rest_api.Api.root_resource_id}', path_part: 'health' },
      },
      aws_api_gateway_method: {
        GetItem: { resource_id: '${aws_api_gateway_resource.Item.id}', http_method: 'GET', authorization: 'COGNITO_USER_POOLS' },
        Health: { resource_id: '${aws_api_gateway_resource.Health.id}', http_method: 'GET', authorization: 'NONE' },
        Preflight: { resource_id: '${aws_api_gateway_resource.Item.id}', http_method: 'OPTIONS', authorization: 'NONE' },
      },
      aws_api_gateway_deployment: { Dep: { triggers: { redeployment: 'abc' }, lifecycle: { create_before_destroy: true } } },
      aws_api_gateway_stage: {
        Stage: { rest_api_id: '${aws_api_gateway_rest_api.Api.id}', stage_name: 'v1', xray_tracing_enabled: true, access_log_settings: { destination_arn: '${aws_cloudwatch_log_group.L.arn}', format: '{}' } },
      },
      aws_api_gateway_method_settings: {
        All: {
          stage_name: '${aws_api_gateway_stage.Stage.stage_name}',
          method_path: '*/*',
          settings: { metrics_enabled: true, logging_level: 'INFO', data_trace_enabled: false, throttling_rate_limit: 100, throttling_burst_limit: 200 },
        },
      },
      aws_cognito_user_pool: {
        Pool: {
          deletion_protection: 'ACTIVE',
          mfa_configuration: 'OPTIONAL',
          admin_create_user_config: { allow_admin_create_user_only: true },
          password_policy: { minimum_length: 12, require_lowercase: true, require_uppercase: true, require_numbers: true, require_symbols: true },
          user_pool_tier: 'PLUS',
          user_pool_add_ons: { advanced_security_mode: 'ENFORCED' },
        },
      },
      aws_cognito_user_pool_client: {
        Client: { prevent_user_existence_errors: 'ENABLED', allowed_oauth_flows: ['code'], callback_urls: ['https://app.example.com/cb'], logout_urls: ['https://app.example.com/'] },
      },
      aws_lambda_function: { Fn: { function_name: 'fn', role: '${aws_iam_role.FnRole.arn}', tracing_config: { mode: 'Active' } } },
      aws_iam_role: { FnRole: { name: 'fn-exec' } },
      aws_iam_role_policy: {
        FnPolicy: {
          role: '${aws_iam_role.FnRole.id}',
          policy: JSON.stringify({ Version: '2012-10-17', Statement: [
            { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: ['${aws_cloudwatch_log_group.FnLogs.arn}:*'] },
            { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: ['*'] },
          ] }),
        },
      },
      aws_kms_key: { Logs: { enable_key_rotation: true }, Topic: { enable_key_rotation: true } },
      aws_cloudwatch_log_group: {
        L: { name: '/aws/apigateway/api/v1/access', kms_key_id: '${aws_kms_key.Logs.arn}' },
        FnLogs: { name: '/aws/lambda/fn', kms_key_id: '${aws_kms_key.Logs.arn}' },
        WafLogs: { name: 'aws-waf-logs-api', kms_key_id: '${aws_kms_key.Logs.arn}' },
      },
      aws_sns_topic: { Alarms: { name: 'alarms', kms_master_key_id: '${aws_kms_key.Topic.arn}' } },
      aws_wafv2_web_acl: { Acl: { name: 'api', scope: 'REGIONAL' } },
      aws_wafv2_web_acl_association: { Assoc: { resource_arn: '${aws_api_gateway_stage.Stage.arn}', web_acl_arn: '${aws_wafv2_web_acl.Acl.arn}' } },
      aws_wafv2_web_acl_logging_configuration: {
        AclLogs: { resource_arn: '${aws_wafv2_web_acl.Acl.arn}', log_destination_configs: ['${aws_cloudwatch_log_group.WafLogs.arn}'], redacted_fields: [{ single_header: { name: 'authorization' } }] },
      },
      aws_cloudwatch_metric_alarm: {
        Api5xx: alarm('AWS/ApiGateway', '5XXError', { ApiName: 'api', Stage: 'v1' }),
        ApiLatency: alarm('AWS/ApiGateway', 'Latency', { ApiName: 'api', Stage: 'v1' }),
        FnErrors: alarm('AWS/Lambda', 'Errors', { FunctionName: 'fn' }),
        FnThrottles: alarm('AWS/Lambda', 'Throttles', { FunctionName: 'fn' }),
      },
      aws_lambda_permission: {
        Invoke: { action: 'lambda:InvokeFunction', function_name: '${aws_lambda_function.Fn.arn}', principal: 'apigateway.amazonaws.com', source_arn: '${aws_api_gateway_rest_api.Api.execution_arn}/v1/GET/items/*' },
      },
    },
  };
}

function alarm(namespace: string, metric: string, dimensions: Record<string, string>): Record<string, unknown> {
  return { namespace, metric_name: metric, dimensions, alarm_actions: ['${aws_sns_topic.Alarms.arn}'], treat_missing_data: 'notBreaching' };
}

const prod = { environment: 'prod' as const, publicRoutes: ['GET /health'] };
const rulesOf = (json: Record<string, any>, opts: Parameters<typeof checkSecurityPolicy>[1] = prod) =>
  checkSecurityPolicy(Template.fromJSON(json), opts).map((f) => f.rule);

describe('security policy', () => {
  it('passes a compliant stack with no waiver, in prod', () => {
    expect(() => assertSecurityPolicy(Template.fromJSON(compliant()), prod)).not.toThrow();
  });

  it('names routes by following the resource tree', () => {
    const names = routeNames(Template.fromJSON(compliant()));
    expect(names.get('aws_api_gateway_method.GetItem')).toBe('GET /items/{id}');
    expect(names.get('aws_api_gateway_method.Health')).toBe('GET /health');
  });

  const breakers: Array<[string, (j: Record<string, any>) => void, ('prod' | 'nonprod')?]> = [
    ['api-method-authorization', (j) => (j.resource.aws_api_gateway_method.GetItem.authorization = 'NONE')],
    ['api-stage-access-logs', (j) => delete j.resource.aws_api_gateway_stage.Stage.access_log_settings],
    ['api-stage-xray', (j) => (j.resource.aws_api_gateway_stage.Stage.xray_tracing_enabled = false)],
    ['api-stage-metrics-logging', (j) => (j.resource.aws_api_gateway_method_settings.All.settings.metrics_enabled = false)],
    ['api-stage-throttling', (j) => delete j.resource.aws_api_gateway_method_settings.All.settings.throttling_burst_limit],
    ['api-cache-encrypted', (j) => (j.resource.aws_api_gateway_stage.Stage.cache_cluster_enabled = true)],
    ['api-data-trace-off', (j) => (j.resource.aws_api_gateway_method_settings.All.settings.data_trace_enabled = true)],
    ['api-custom-domain-tls12', (j) => (j.resource.aws_api_gateway_domain_name = { D: { domain_name: 'api.example.com', security_policy: 'TLS_1_0' } })],
    ['api-deployment-create-before-destroy', (j) => delete j.resource.aws_api_gateway_deployment.Dep.lifecycle],
    ['pool-admin-only-sign-up', (j) => (j.resource.aws_cognito_user_pool.Pool.admin_create_user_config.allow_admin_create_user_only = false)],
    ['client-prevent-user-existence-errors', (j) => (j.resource.aws_cognito_user_pool_client.Client.prevent_user_existence_errors = 'LEGACY')],
    ['pool-deletion-protection', (j) => (j.resource.aws_cognito_user_pool.Pool.deletion_protection = 'INACTIVE')],
    ['pool-password-policy', (j) => (j.resource.aws_cognito_user_pool.Pool.password_policy.minimum_length = 8)],
    ['pool-password-policy', (j) => (j.resource.aws_cognito_user_pool.Pool.password_policy.require_symbols = false)],
    ['pool-mfa', (j) => (j.resource.aws_cognito_user_pool.Pool.mfa_configuration = 'OFF')],
    ['client-no-implicit-grant', (j) => j.resource.aws_cognito_user_pool_client.Client.allowed_oauth_flows.push('implicit')],
    ['client-https-urls', (j) => j.resource.aws_cognito_user_pool_client.Client.callback_urls.push('http://localhost:3000/cb')],
    ['lambda-least-privilege', (j) => withStatement(j, { Effect: 'Allow', Action: ['logs:CreateLogGroup'], Resource: ['arn:aws:logs:eu-west-1:1:log-group:x'] })],
    ['lambda-least-privilege', (j) => withStatement(j, { Effect: 'Allow', Action: 'logs:*', Resource: 'arn:aws:logs:eu-west-1:1:log-group:x' })],
    ['lambda-least-privilege', (j) => withStatement(j, { Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: ['*'] })],
    ['lambda-permission-scoped', (j) => (j.resource.aws_lambda_permission.Invoke.source_arn = '${aws_api_gateway_rest_api.Api.execution_arn}/*/*')],
    ['lambda-permission-scoped', (j) => (j.resource.aws_lambda_permission.Invoke.source_arn = '${aws_api_gateway_rest_api.Api.execution_arn}/*/GET/items')],
    ['lambda-tracing', (j) => (j.resource.aws_lambda_function.Fn.tracing_config.mode = 'PassThrough')],
    ['log-group-kms', (j) => delete j.resource.aws_cloudwatch_log_group.FnLogs.kms_key_id],
    ['kms-key-rotation', (j) => (j.resource.aws_kms_key.Logs.enable_key_rotation = false)],
    ['sns-topic-kms', (j) => delete j.resource.aws_sns_topic.Alarms.kms_master_key_id],
    ['waf-logging', (j) => delete j.resource.aws_wafv2_web_acl_logging_configuration],
    ['waf-logging', (j) => (j.resource.aws_wafv2_web_acl_logging_configuration.AclLogs.redacted_fields = [])],
    ['waf-logging', (j) => (j.resource.aws_cloudwatch_log_group.WafLogs.name = 'waf')],
    ['api-stage-waf', (j) => delete j.resource.aws_wafv2_web_acl_association],
    ['pool-threat-protection', (j) => (j.resource.aws_cognito_user_pool.Pool.user_pool_add_ons.advanced_security_mode = 'AUDIT')],
    ['pool-threat-protection', (j) => delete j.resource.aws_cognito_user_pool.Pool.user_pool_add_ons],
    ['alarms-api', (j) => delete j.resource.aws_cloudwatch_metric_alarm.ApiLatency],
    ['alarms-api', (j) => (j.resource.aws_cloudwatch_metric_alarm.Api5xx.treat_missing_data = 'breaching')],
    ['alarms-api', (j) => (j.resource.aws_cloudwatch_metric_alarm.Api5xx.dimensions.ApiName = 'other-api')],
    ['alarms-function', (j) => (j.resource.aws_cloudwatch_metric_alarm.FnErrors.alarm_actions = [])],
    ['alarms-function', (j) => delete j.resource.aws_cloudwatch_metric_alarm.FnThrottles],
  ];

  /** Adds a statement to the function role's policy. */
  function withStatement(j: Record<string, any>, statement: Record<string, unknown>): void {
    const doc = JSON.parse(j.resource.aws_iam_role_policy.FnPolicy.policy);
    doc.Statement.push(statement);
    j.resource.aws_iam_role_policy.FnPolicy.policy = JSON.stringify(doc);
  }

  it.each(breakers)('finds %s when broken', (rule, breakIt) => {
    const j = compliant();
    breakIt(j);
    expect(rulesOf(j)).toEqual([rule]);
  });

  it('applies production-only rules to prod stacks only', () => {
    const j = compliant();
    j.resource.aws_cognito_user_pool.Pool.deletion_protection = 'INACTIVE';
    j.resource.aws_cognito_user_pool_client.Client.allowed_oauth_flows.push('implicit');
    delete j.resource.aws_wafv2_web_acl_association;
    delete j.resource.aws_cognito_user_pool.Pool.user_pool_add_ons;
    delete j.resource.aws_cloudwatch_metric_alarm;
    expect(rulesOf(j, { environment: 'nonprod', publicRoutes: ['GET /health'] })).toEqual([]);
  });

  it('requires public routes to be named', () => {
    expect(rulesOf(compliant(), { environment: 'prod' })).toEqual(['api-method-authorization']);
  });

  it('lets a non-prod stack waive a rule by name with a reason, never prod', () => {
    const j = compliant();
    j.resource.aws_api_gateway_stage.Stage.xray_tracing_enabled = false;
    expect(rulesOf(j, { environment: 'nonprod', publicRoutes: ['GET /health'], waivers: { 'api-stage-xray': 'cost in dev' } })).toEqual([]);
    expect(() => rulesOf(j, { ...prod, waivers: { 'api-stage-xray': 'no' } })).toThrow(/prod stacks take no waivers/);
    expect(() => rulesOf(j, { environment: 'nonprod', waivers: { 'no-such-rule': 'x' } })).toThrow(/unknown rule "no-such-rule"/);
    expect(() => rulesOf(j, { environment: 'nonprod', waivers: { 'api-stage-xray': ' ' } })).toThrow(/has no reason/);
  });

  it('reports every finding in one error', () => {
    const j = compliant();
    j.resource.aws_api_gateway_stage.Stage.xray_tracing_enabled = false;
    j.resource.aws_cognito_user_pool.Pool.mfa_configuration = 'OFF';
    expect(() => assertSecurityPolicy(Template.fromJSON(j), prod)).toThrow(/2 finding\(s\)[\s\S]*api-stage-xray[\s\S]*pool-mfa/);
  });

  it('documents every rule with what it mirrors', () => {
    for (const r of POLICY_RULES) expect(r.mirrors.length).toBeGreaterThan(3);
  });
});
