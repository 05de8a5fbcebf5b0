import { CognitoIdentityProviderClient, ListUserPoolsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { describeWithTerraform, EmptyTwin, expectCleanPlan, plannedActions, stackJson, TwinStack } from '../test/twin-terraform';

// The prod stack through real Terraform and the AWS provider 5.100: it applies and plans clean, and its user pool's
// deletion protection stops a destroy with AWS's own error until the stack turns it off.
jest.setTimeout(300_000);

type Json = Record<string, any>;

const pool = (json: Json): Json => Object.values(json['resource']['aws_cognito_user_pool'] as Json)[0] as Json;

describeWithTerraform('the prod stack applied to an empty twin by real Terraform', () => {
  let twin: EmptyTwin;
  let prod: TwinStack;
  let base: Json;

  beforeAll(async () => {
    twin = await EmptyTwin.start();
    base = stackJson('prod');
    prod = new TwinStack(twin, 'prod').use(base);
  }, 120_000);
  afterAll(() => twin?.stop());

  it('applies (MFA optional with TOTP, deletion protection on), and a second plan -detailed-exitcode finds no changes', () => {
    expect(pool(base)).toMatchObject({ deletion_protection: 'ACTIVE', mfa_configuration: 'OPTIONAL', user_pool_tier: 'PLUS', user_pool_add_ons: { advanced_security_mode: 'ENFORCED' } });
    for (const type of ['aws_wafv2_web_acl', 'aws_wafv2_web_acl_association', 'aws_wafv2_web_acl_logging_configuration', 'aws_kms_key', 'aws_sns_topic', 'aws_sns_topic_subscription', 'aws_cloudwatch_metric_alarm', 'aws_cloudwatch_dashboard']) {
      expect(Object.keys(base['resource'][type] ?? {}).length).toBeGreaterThan(0);
    }
    expect(prod.target('deploy')).toBe(0);
    expectCleanPlan(prod);
  });

  it('the web ACL, its logging, the topic subscription and threat protection update in place and plan clean again', () => {
    const head = structuredClone(base);
    const acl = Object.values(head['resource']['aws_wafv2_web_acl'] as Json)[0] as Json;
    acl['rule'][0]['statement']['rate_based_statement']['limit'] = 500;
    (acl['rule'] as Json[]).find((r) => r['name'] === 'AWS-AWSManagedRulesCommonRuleSet')!['override_action'] = { count: {} };
    acl['description'] = 'updated in place';
    const logging = Object.values(head['resource']['aws_wafv2_web_acl_logging_configuration'] as Json)[0] as Json;
    logging['redacted_fields'].push({ single_header: { name: 'cookie' } });
    const subscription = Object.values(head['resource']['aws_sns_topic_subscription'] as Json)[0] as Json;
    subscription['filter_policy'] = JSON.stringify({ severity: ['high'] });
    pool(head)['user_pool_add_ons'] = { advanced_security_mode: 'AUDIT' };
    prod.use(head);
    const actions = plannedActions(prod.planJson().json);
    const types = new Set([...actions.keys()].map((a) => a.split('.')[0]));
    expect([...actions.values()].every((a) => a === 'update')).toBe(true);
    expect([...types].sort()).toEqual(['aws_cognito_user_pool', 'aws_sns_topic_subscription', 'aws_wafv2_web_acl', 'aws_wafv2_web_acl_logging_configuration']);
    expect(prod.target('deploy')).toBe(0);
    expectCleanPlan(prod);
    prod.use(base);
    expect(prod.target('deploy')).toBe(0);
    expectCleanPlan(prod);
  });

  it("destroy fails at the user pool with AWS's error while deletion protection is on", () => {
    expect(prod.target('destroy')).not.toBe(0);
    const printed = prod.lines.join('\n');
    expect(printed).toMatch(/deleting Cognito user pool \(eu-west-1_\w+\): .*InvalidParameterException: The user pool cannot be deleted because deletion protection is activated\. Deletion protection must be inactivated first\./s);
    expect(prod.terraform('state', 'list').stdout).toMatch(/aws_cognito_user_pool\./);
  });

  it('turning it off plans as an update in place; then destroy leaves the account empty', async () => {
    const off = structuredClone(base);
    pool(off)['deletion_protection'] = 'INACTIVE';
    prod.use(off);
    const { json } = prod.planJson();
    const actions = plannedActions(json);
    expect([...actions].filter(([address]) => address.startsWith('aws_cognito_user_pool.'))).toEqual([[expect.any(String), 'update']]);
    expect(prod.target('deploy')).toBe(0);
    expect(prod.target('destroy')).toBe(0);
    const { endpoint, accessKeyId, secretAccessKey } = twin.account;
    const cognito = new CognitoIdentityProviderClient({ endpoint, region: 'eu-west-1', credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
    expect((await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools).toEqual([]);
  });
});
