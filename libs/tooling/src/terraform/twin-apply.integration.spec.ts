import { CognitoIdentityProviderClient, DescribeUserPoolClientCommand, DescribeUserPoolCommand, ListUserPoolsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { APIGatewayClient, GetResourcesCommand, GetRestApisCommand, GetStageCommand } from '@aws-sdk/client-api-gateway';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderPlanMarkdown, summarizePlan } from '../plan-summary';
import { twinRun } from './run';
import { describeWithTerraform, EmptyTwin, expectCleanPlan, plannedActions, stackJson, TwinStack } from '../test/twin-terraform';

// Real Terraform 1.11 and the real AWS provider 5.100 (from the machine's mirror) apply the dev stack to an empty
// twin: the calls, the read-backs and the diffs are the provider's own.
jest.setTimeout(300_000);

type Json = Record<string, any>;

const resourcesOf = (json: Json) => Object.values(json['resource'] as Json).reduce((n: number, byName) => n + Object.keys(byName as Json).length, 0);
const only = (json: Json, type: string): Json => Object.values(json['resource'][type] as Json)[0] as Json;

describeWithTerraform('the dev stack applied to an empty twin by real Terraform', () => {
  let twin: EmptyTwin;
  let dev: TwinStack;
  let base: Json;
  const clients = () => {
    const { endpoint, region, accessKeyId, secretAccessKey } = twin.account;
    const config = { endpoint, region: 'eu-west-1', credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 };
    void region;
    return { cognito: new CognitoIdentityProviderClient(config), apigw: new APIGatewayClient(config), logs: new CloudWatchLogsClient(config) };
  };

  beforeAll(async () => {
    twin = await EmptyTwin.start();
    base = stackJson('dev');
    dev = new TwinStack(twin, 'dev').use(base);
  }, 120_000);
  afterAll(() => twin?.stop());

  it('applies every resource of the stack, and a second plan -detailed-exitcode finds no changes (exit 0)', () => {
    expect(dev.target('deploy')).toBe(0);
    const state = dev.terraform('state', 'list');
    // Data sources (the account id the key policies name) are in the state too, but are read, not applied.
    expect(state.stdout.trim().split('\n').filter((a) => !a.startsWith('data.'))).toHaveLength(resourcesOf(base));
    expectCleanPlan(dev);
  });

  it('serves what Terraform made: output:twin maps the provider-computed URLs to the twin, and the authorizer is enforced', async () => {
    const file = join(twin.dir, 'outputs.twin.json');
    expect(dev.target('output', file)).toBe(0);
    const out = JSON.parse(readFileSync(file, 'utf8')) as Json;
    const b = twin.account.endpoint;
    expect(out['api_invoke_url'].value).toMatch(new RegExp(`^${b}/[a-z0-9]{10}/v1$`));
    expect(out['hosted_ui_base_url'].value).toBe(`${b}/auth/secure-api-dev-login`);
    expect(out['issuer_url'].value).toBe(`${b}/${out['user_pool_id'].value}`);
    expect(out['twin_access_key_id'].value).toBe(twin.account.accessKeyId);
    expect(out['twin_secret_access_key']).toMatchObject({ sensitive: true });
    const health = await fetch(`${out['api_invoke_url'].value}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const me = await fetch(`${out['api_invoke_url'].value}/me`);
    expect(me.status).toBe(401);
    const jwks = (await (await fetch(out['jwks_url'].value)).json()) as { keys: unknown[] };
    expect(jwks.keys).toHaveLength(2);
    const login = await fetch(out['hosted_ui_login_url'].value);
    expect(login.status).toBe(200);
  });

  it('an in-place change (stage throttling, token validity) plans as updates in place, applies, and plans clean again', async () => {
    const head = structuredClone(base);
    only(head, 'aws_api_gateway_method_settings')['settings'].throttling_rate_limit = 25;
    only(head, 'aws_cognito_user_pool_client')['access_token_validity'] = 30;
    dev.use(head);
    const { json } = dev.planJson();
    expect([...plannedActions(json).values()]).toEqual(['update', 'update']);
    expect([...plannedActions(json).keys()].sort()).toEqual([expect.stringMatching(/^aws_api_gateway_method_settings\./), expect.stringMatching(/^aws_cognito_user_pool_client\./)]);
    expect(dev.target('deploy')).toBe(0);
    expectCleanPlan(dev);
    const { cognito, apigw } = clients();
    const state = JSON.parse(dev.terraform('show', '-json').stdout) as Json;
    const values = (type: string) => (state['values']['root_module']['resources'] as Json[]).find((r) => r['type'] === type)?.['values'] as Json;
    const stage = await apigw.send(new GetStageCommand({ restApiId: values('aws_api_gateway_rest_api')['id'], stageName: 'v1' }));
    expect(stage.methodSettings?.['*/*']).toMatchObject({ throttlingRateLimit: 25, throttlingBurstLimit: 100, metricsEnabled: true, loggingLevel: 'INFO' });
    const client = await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: values('aws_cognito_user_pool')['id'], ClientId: values('aws_cognito_user_pool_client')['id'] }));
    expect(client.UserPoolClient?.AccessTokenValidity).toBe(30);
    dev.use(base);
    expect(dev.target('deploy')).toBe(0);
  });

  it('every resource type updates in place through the provider\'s Update calls, reads back what it sent (a clean plan), and goes back', async () => {
    const head = structuredClone(base);
    const each = (type: string, f: (block: Json, name: string) => void) => Object.entries(head['resource'][type] as Json).forEach(([name, b]) => f(b as Json, name));
    Object.assign(only(head, 'aws_cognito_user_pool'), { mfa_configuration: 'OPTIONAL', software_token_mfa_configuration: { enabled: true }, tags: { team: 'platform' } });
    only(head, 'aws_cognito_user_pool')['password_policy'].minimum_length = 14;
    only(head, 'aws_cognito_user_pool_domain')['managed_login_version'] = 2;
    only(head, 'aws_cognito_resource_server')['scope'].push({ scope_name: 'orders.read', scope_description: 'Read orders' });
    Object.assign(only(head, 'aws_cognito_user_pool_client'), { id_token_validity: 30, callback_urls: ['http://localhost:4010/callback', 'http://localhost:4011/callback'] });
    only(head, 'aws_cognito_user')['attributes'] = { email: 'demo@example.com', email_verified: 'false', name: 'Demo' };
    Object.assign(only(head, 'aws_api_gateway_rest_api'), { description: 'updated in place', tags: { team: 'platform' } });
    each('aws_api_gateway_resource', (b) => void (b['path_part'] === 'orders' && (b['path_part'] = 'purchase-orders')));
    each('aws_api_gateway_method', (b, name) => void (/orders/.test(name) && (b['authorization_scopes'] = ['api/orders.read', 'api/orders.write'])));
    each('aws_api_gateway_method_response', (b, name) => void (/health/.test(name) && (b['response_parameters'] = { 'method.response.header.X-Checked': false })));
    each('aws_api_gateway_integration', (b, name) => void (/health/.test(name) && Object.assign(b, { timeout_milliseconds: 10000, request_templates: { 'application/json': '{"statusCode": 200, "v": 2}' } })));
    each('aws_api_gateway_integration_response', (b, name) => void (/health/.test(name) && (b['response_templates'] = { 'application/json': '{"status":"ok","v":2}' })));
    only(head, 'aws_api_gateway_authorizer')['authorizer_result_ttl_in_seconds'] = 60;
    each('aws_api_gateway_gateway_response', (b) => void (b['response_templates'] = { 'application/json': '{"message":$context.error.messageString,"v":2}' }));
    only(head, 'aws_api_gateway_deployment')['description'] = 'updated in place';
    Object.assign(only(head, 'aws_api_gateway_stage'), { xray_tracing_enabled: false, variables: { mode: 'test' }, tags: { team: 'platform' } });
    only(head, 'aws_api_gateway_method_settings')['settings'].logging_level = 'ERROR';
    each('aws_cloudwatch_log_group', (b) => void Object.assign(b, { retention_in_days: 14, tags: { team: 'platform' } }));
    each('aws_lambda_function', (b) => void Object.assign(b, { memory_size: 512, description: 'updated in place', environment: { variables: { ...b['environment']['variables'], MODE: 'test' } } }));
    each('aws_iam_role', (b) => void Object.assign(b, { description: 'updated in place', tags: { team: 'platform' } }));
    each('aws_iam_role_policy', (b) => {
      const doc = JSON.parse(b['policy']);
      doc.Statement[0].Sid = 'WriteOwnLogGroupV2';
      b['policy'] = JSON.stringify(doc);
    });
    each('aws_kms_key', (b) => void Object.assign(b, { description: 'updated in place', rotation_period_in_days: 180 }));
    // An alias moves to another key in place (UpdateAlias).
    const logKey = Object.keys(head['resource']['aws_kms_key'] as Json).find((k) => /LogKey/.test(k));
    each('aws_kms_alias', (b, name) => void (/AlarmTopic/.test(name) && (b['target_key_id'] = `\${aws_kms_key.${logKey}.key_id}`)));
    only(head, 'aws_sns_topic')['display_name'] = 'Alarms of dev';
    each('aws_cloudwatch_metric_alarm', (b) => void Object.assign(b, { threshold: Number(b['threshold']) * 2, alarm_description: 'updated in place' }));
    only(head, 'aws_cloudwatch_log_metric_filter')['pattern'] = '{ $.status = 429 || $.status = 503 }';
    only(head, 'aws_cloudwatch_dashboard')['dashboard_body'] = JSON.stringify({ widgets: [] });

    dev.use(head);
    const planned = plannedActions(dev.planJson().json);
    const types = new Set([...planned.keys()].map((a) => a.split('.')[0]));
    expect([...planned.values()].every((a) => a === 'update')).toBe(true);
    // A Lambda permission has no update: every argument of aws_lambda_permission forces a new one (provider docs).
    expect([...types].sort()).toEqual(Object.keys(base['resource']).filter((t) => t !== 'aws_api_gateway_account' && t !== 'aws_lambda_permission').sort());
    expect(dev.target('deploy')).toBe(0);
    expectCleanPlan(dev);

    const { cognito, apigw } = clients();
    const state = JSON.parse(dev.terraform('show', '-json').stdout) as Json;
    const values = (type: string) => (state['values']['root_module']['resources'] as Json[]).find((r) => r['type'] === type)?.['values'] as Json;
    const pool = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: values('aws_cognito_user_pool')['id'] }));
    expect(pool.UserPool).toMatchObject({ MfaConfiguration: 'OPTIONAL', Policies: { PasswordPolicy: { MinimumLength: 14 } }, UserPoolTags: expect.objectContaining({ team: 'platform' }) });
    const resources = await apigw.send(new GetResourcesCommand({ restApiId: values('aws_api_gateway_rest_api')['id'] }));
    expect(resources.items?.map((r) => r.path).sort()).toEqual(['/', '/health', '/me', '/purchase-orders']);
    const stage = await apigw.send(new GetStageCommand({ restApiId: values('aws_api_gateway_rest_api')['id'], stageName: 'v1' }));
    expect(stage).toMatchObject({ tracingEnabled: false, variables: { mode: 'test' }, methodSettings: { '*/*': expect.objectContaining({ loggingLevel: 'ERROR' }) } });

    dev.use(base);
    expect(dev.target('deploy')).toBe(0);
    expectCleanPlan(dev);
  });

  it.each([
    ['the user pool name', (h: Json) => void (only(h, 'aws_cognito_user_pool')['name'] = 'secure-api-dev-renamed'), 'aws_cognito_user_pool'],
    ['the domain prefix', (h: Json) => void (only(h, 'aws_cognito_user_pool_domain')['domain'] = 'secure-api-dev-other'), 'aws_cognito_user_pool_domain'],
    ['the username attributes', (h: Json) => void (only(h, 'aws_cognito_user_pool')['username_attributes'] = ['email', 'phone_number']), 'aws_cognito_user_pool'],
  ])('a force-new change (%s) plans as a replacement, and the plan summary renders it from the real plan JSON', (_what, change, type) => {
    const head = structuredClone(base);
    change(head);
    dev.use(head);
    const { json, text } = dev.planJson();
    const actions = plannedActions(json);
    const replaced = [...actions].filter(([, a]) => a === 'delete,create' || a === 'create,delete').map(([address]) => address);
    expect(replaced).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^${type}\\.`))]));
    const summary = summarizePlan(json);
    expect(summary.changes.find((c) => c.type === type)).toMatchObject({ action: 'replace', stateful: true });
    const markdown = renderPlanMarkdown(summary, { env: 'dev', planText: text });
    expect(markdown).toMatch(new RegExp(`${type}\\.[A-Za-z0-9_]+`));
    expect(markdown).toMatch(/replace/i);
    dev.use(base);
  });

  it('the plan summary of the clean stack says there is nothing to do', () => {
    const { json, text } = dev.planJson();
    const summary = summarizePlan(json);
    expect(summary.changes).toEqual([]);
    expect(renderPlanMarkdown(summary, { env: 'dev', planText: text })).toMatch(/no changes/i);
  });

  it("refuses a stack whose provider names credentials or endpoints of its own, and never reads the user's AWS files", () => {
    const elsewhere = structuredClone(base);
    elsewhere['provider']['aws'][0] = { ...elsewhere['provider']['aws'][0], profile: 'production' };
    const other = new TwinStack(twin, 'dev', 'elsewhere').use(elsewhere);
    expect(() => other.target('plan')).toThrow(/the stack's provider "aws" sets profile: a twin run would take credentials or endpoints from there instead of the twin/);
    const { env } = twinRun(twin.account, dev.stackDir, dev.workDir, { ...process.env, AWS_PROFILE: 'production', AWS_SESSION_TOKEN: 'x' });
    expect(env).toMatchObject({ AWS_ENDPOINT_URL: twin.account.endpoint, AWS_ACCESS_KEY_ID: twin.account.accessKeyId });
    expect(env['AWS_PROFILE']).toBeUndefined();
    expect(env['AWS_SESSION_TOKEN']).toBeUndefined();
    expect(readFileSync(String(env['AWS_CONFIG_FILE']), 'utf8')).toBe('');
    expect(env['AWS_SHARED_CREDENTIALS_FILE']).toBe(env['AWS_CONFIG_FILE']);
  });

  it('destroy leaves the twin account empty', async () => {
    expect(dev.target('destroy')).toBe(0);
    const { cognito, apigw, logs } = clients();
    expect((await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools).toEqual([]);
    expect((await apigw.send(new GetRestApisCommand({}))).items ?? []).toEqual([]);
    expect((await logs.send(new DescribeLogGroupsCommand({}))).logGroups).toEqual([]);
  });
});
