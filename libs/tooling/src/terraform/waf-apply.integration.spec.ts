import { APIGatewayClient, GetStageCommand } from '@aws-sdk/client-api-gateway';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { describeWithTerraform, EmptyTwin, expectCleanPlan, plannedActions, TwinStack } from '../test/twin-terraform';

// Real Terraform 1.11 and the real AWS provider 5.100 apply a web ACL (a per-IP rate rule, a body size rule, three AWS
// managed rule groups), its association with a REST API stage, its logging to an aws-waf-logs- log group, and a PLUS
// user pool with threat protection ENFORCED (fixtures/waf.tf.json) to an empty twin; change them in place; and the
// stage's invoke URL then answers WAF's 403 to a client over the rate limit while another client gets through.
// The twin takes a client's address from its connection (as WAF's IP aggregation does; X-Forwarded-For only counts
// for a FORWARDED_IP rule): the requests below come from 127.0.0.1 and 127.0.0.2, both loopback.
jest.setTimeout(300_000);

type Json = Record<string, any>;

const FIXTURE = join(__dirname, 'fixtures/waf.tf.json');
const RESOURCES = [
  'aws_api_gateway_authorizer.Auth', 'aws_api_gateway_deployment.Deployment', 'aws_api_gateway_integration.EchoPost', 'aws_api_gateway_integration.HelloGet', 'aws_api_gateway_integration.MeGet',
  'aws_api_gateway_integration_response.EchoPost', 'aws_api_gateway_integration_response.HelloGet', 'aws_api_gateway_integration_response.MeGet', 'aws_api_gateway_method.EchoPost',
  'aws_api_gateway_method.HelloGet', 'aws_api_gateway_method.MeGet', 'aws_api_gateway_method_response.EchoPost', 'aws_api_gateway_method_response.HelloGet', 'aws_api_gateway_method_response.MeGet',
  'aws_api_gateway_resource.Echo', 'aws_api_gateway_resource.Hello', 'aws_api_gateway_resource.Me', 'aws_api_gateway_rest_api.Api', 'aws_api_gateway_stage.Stage',
  'aws_cloudwatch_log_group.WafLogs', 'aws_cognito_user_pool.Pool', 'aws_wafv2_web_acl.Acl', 'aws_wafv2_web_acl_association.Stage', 'aws_wafv2_web_acl_logging_configuration.Acl',
];

/** A GET from a loopback address of the test's choosing (fetch cannot pick its source address). */
function get(url: string, from: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { localAddress: from, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

describeWithTerraform('WAF and threat protection applied to an empty twin by real Terraform', () => {
  let twin: EmptyTwin;
  let stack: TwinStack;
  const base = (): Json => JSON.parse(readFileSync(FIXTURE, 'utf8')) as Json;
  const state = () => stack.stateList();
  const tfstate = (): Json[] => (JSON.parse(readFileSync(join(stack.workDir, 'terraform.tfstate'), 'utf8')) as Json)['resources'] as Json[];
  const attributes = (type: string, name: string): Json => tfstate().find((r) => r['type'] === type && r['name'] === name)?.['instances'][0]['attributes'] as Json;

  beforeAll(async () => {
    twin = await EmptyTwin.start();
    stack = new TwinStack(twin, 'waf').use(base());
  }, 120_000);
  afterAll(async () => {
    await twin?.stop();
  });

  it('applies the web ACL, association, logging and the PLUS pool with threat protection, and a second plan finds no changes', async () => {
    expect(stack.target('deploy')).toBe(0);
    expect(state()).toEqual(RESOURCES);
    const acl = attributes('aws_wafv2_web_acl', 'Acl');
    expect(acl).toMatchObject({ arn: expect.stringMatching(/^arn:aws:wafv2:eu-west-1:\d{12}:regional\/webacl\/waf-api\/[0-9a-f-]{36}$/), capacity: 928, lock_token: expect.any(String) });
    expect(attributes('aws_cognito_user_pool', 'Pool')).toMatchObject({ user_pool_tier: 'PLUS', user_pool_add_ons: [{ advanced_security_mode: 'ENFORCED' }] });
    expect(attributes('aws_wafv2_web_acl_logging_configuration', 'Acl')).toMatchObject({ redacted_fields: [{ single_header: [{ name: 'authorization' }] }] });
    expectCleanPlan(stack);
    // API Gateway's GetStage answers the association, as the provider reads it into the stage's web_acl_arn.
    const { endpoint, accessKeyId, secretAccessKey } = twin.account;
    const apigw = new APIGatewayClient({ endpoint, region: 'eu-west-1', credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
    const stage = await apigw.send(new GetStageCommand({ restApiId: String(attributes('aws_api_gateway_rest_api', 'Api')['id']), stageName: 'waf' }));
    apigw.destroy();
    expect(stage.webAclArn).toBe(acl['arn']);
  });

  it('changes the rate limit, flips a managed group to count, changes a tag and the threat protection mode in place, and re-plans clean', () => {
    const next = base();
    const r = next['resource'];
    const rules = r['aws_wafv2_web_acl']['Acl']['rule'] as Json[];
    rules.find((x) => x['name'] === 'rate-limit-per-ip')!['statement']['rate_based_statement']['limit'] = 20;
    rules.find((x) => x['name'] === 'AWS-AWSManagedRulesCommonRuleSet')!['override_action'] = { count: {} };
    r['aws_wafv2_web_acl']['Acl']['tags'] = { purpose: 'public-api' };
    r['aws_cognito_user_pool']['Pool']['user_pool_add_ons'] = { advanced_security_mode: 'AUDIT' };
    stack.use(next);
    const { json } = stack.planJson();
    expect(Object.fromEntries(plannedActions(json))).toEqual({ 'aws_wafv2_web_acl.Acl': 'update', 'aws_cognito_user_pool.Pool': 'update' });
    expect(stack.target('deploy')).toBe(0);
    expectCleanPlan(stack);
    const acl = attributes('aws_wafv2_web_acl', 'Acl');
    expect(acl['tags']).toEqual({ purpose: 'public-api' });
    expect((acl['rule'] as Json[]).find((x) => x['name'] === 'rate-limit-per-ip')!['statement'][0]['rate_based_statement'][0]['limit']).toBe(20);
    expect(attributes('aws_cognito_user_pool', 'Pool')['user_pool_add_ons']).toEqual([{ advanced_security_mode: 'AUDIT', advanced_security_additional_flows: [] }]);
  });

  it('the stage answers 403 Forbidden to a client over the rate limit (20 per 60 s now), while another client gets through', async () => {
    const file = join(twin.dir, 'outputs.waf.json');
    expect(stack.target('output', file)).toBe(0);
    const invoke = String((JSON.parse(readFileSync(file, 'utf8')) as Json)['invoke_url'].value);
    for (let i = 0; i < 20; i++) expect(await get(`${invoke}/hello`, '127.0.0.1')).toEqual({ status: 200, body: '{"message":"hello"}' });
    expect(await get(`${invoke}/hello`, '127.0.0.1')).toEqual({ status: 403, body: '{"message":"Forbidden"}' });
    expect(await get(`${invoke}/hello`, '127.0.0.2')).toEqual({ status: 200, body: '{"message":"hello"}' });
  });

  it('destroys everything: the provider then reads the web ACL, association and logging of the old state as gone', () => {
    expect(stack.destroyThenRefreshOldState()).toEqual({ destroyed: [], refreshed: [] });
  });
});
