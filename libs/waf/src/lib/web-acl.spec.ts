import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Duration } from '@secure-api/core';
import { checkSecurityPolicy, expectInvalid, Template } from '@secure-api/testing';
import { MANAGED_RULE_GROUPS, WEB_ACL_DEFAULTS, WebAcl, type WebAclProps } from './web-acl';

function synth(props: Partial<WebAclProps> = {}): { t: Template; acl: WebAcl } {
  let acl!: WebAcl;
  const t = Template.synth((stack) => {
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    acl = new WebAcl(stack, 'Waf', { name: 'secure-api-test-api', ...props });
  });
  return { t, acl };
}

type Rule = { name: string; priority: number; action?: unknown; override_action?: unknown; statement: Record<string, any>; visibility_config: Record<string, unknown> };
const rulesOf = (t: Template) => t.resource('aws_wafv2_web_acl').values['rule'] as Rule[];
const rule = (t: Template, name: string) => rulesOf(t).find((r) => r.name === name);

describe('WebAcl defaults', () => {
  const { t, acl } = synth();

  it('is a REGIONAL web ACL that allows by default, with metrics and sampled requests on', () => {
    t.hasResourceProperties('aws_wafv2_web_acl', {
      name: 'secure-api-test-api',
      scope: 'REGIONAL',
      default_action: { allow: {} },
      visibility_config: { cloudwatch_metrics_enabled: true, metric_name: 'secure-api-test-api', sampled_requests_enabled: true },
    });
    for (const r of rulesOf(t)) expect(r.visibility_config).toEqual({ cloudwatch_metrics_enabled: true, metric_name: expect.stringMatching(/^secure-api-test-api-/), sampled_requests_enabled: true });
  });

  it('blocks a client IP past 2000 requests in 5 minutes, first of all rules', () => {
    expect(rulesOf(t)[0]).toMatchObject({
      name: 'rate-limit-per-ip',
      priority: 1,
      action: { block: {} },
      statement: { rate_based_statement: { limit: WEB_ACL_DEFAULTS.rateLimit, aggregate_key_type: 'IP', evaluation_window_sec: WEB_ACL_DEFAULTS.rateLimitWindowSeconds } },
    });
  });

  it('runs the three AWS managed rule groups in block mode, after the rate rule', () => {
    for (const group of MANAGED_RULE_GROUPS) {
      expect(rule(t, `AWS-${group.name}`)).toMatchObject({
        priority: group.priority,
        override_action: { none: {} },
        statement: { managed_rule_group_statement: { name: group.name, vendor_name: 'AWS' } },
      });
    }
    expect(acl.ruleNames).toEqual(['rate-limit-per-ip', ...MANAGED_RULE_GROUPS.map((g) => `AWS-${g.name}`)]);
  });

  it('has no body size rule unless asked', () => {
    expect(rule(t, 'body-size-limit')).toBeUndefined();
  });

  it('logs to aws-waf-logs-<name>, kept a year, with the authorization header redacted', () => {
    t.hasResourceProperties('aws_cloudwatch_log_group', { name: 'aws-waf-logs-secure-api-test-api', retention_in_days: 365 });
    const group = t.resource('aws_cloudwatch_log_group');
    expect(group.values['kms_key_id']).toBeUndefined();
    t.hasResourceProperties('aws_wafv2_web_acl_logging_configuration', {
      resource_arn: `\${${t.resource('aws_wafv2_web_acl').address}.arn}`,
      log_destination_configs: [`\${${group.address}.arn}`],
      redacted_fields: [{ single_header: { name: 'authorization' } }],
    });
  });

  it('passes the WAF logging rule of the security policy', () => {
    expect(checkSecurityPolicy(t, { environment: 'nonprod' }).filter((f) => f.rule === 'waf-logging')).toEqual([]);
  });
});

describe('WebAcl props', () => {
  it('rateLimit and rateLimitWindow set the rate rule', () => {
    const { t } = synth({ rateLimit: 100, rateLimitWindow: Duration.minutes(1) });
    expect(rule(t, 'rate-limit-per-ip')?.statement).toEqual({ rate_based_statement: { limit: 100, aggregate_key_type: 'IP', evaluation_window_sec: 60 } });
  });

  it('bodySizeLimit blocks larger bodies, and bodies beyond what WAF inspects', () => {
    const { t } = synth({ bodySizeLimit: 4096 });
    expect(rule(t, 'body-size-limit')).toMatchObject({
      priority: 2,
      action: { block: {} },
      statement: { size_constraint_statement: { comparison_operator: 'GT', size: 4096, field_to_match: { body: { oversize_handling: 'MATCH' } }, text_transformation: [{ priority: 0, type: 'NONE' }] } },
    });
  });

  it('managedRules puts a group in count mode, leaving the others blocking', () => {
    const { t } = synth({ managedRules: { commonRuleSet: 'COUNT' } });
    expect(rule(t, 'AWS-AWSManagedRulesCommonRuleSet')?.override_action).toEqual({ count: {} });
    expect(rule(t, 'AWS-AWSManagedRulesKnownBadInputsRuleSet')?.override_action).toEqual({ none: {} });
    expect(rule(t, 'AWS-AWSManagedRulesAmazonIpReputationList')?.override_action).toEqual({ none: {} });
  });

  it('description, logRetention and logKmsKeyArn reach the ACL and its log group', () => {
    const key = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const { t } = synth({ description: 'front door', logRetention: Duration.days(30), logKmsKeyArn: key });
    t.hasResourceProperties('aws_wafv2_web_acl', { description: 'front door' });
    t.hasResourceProperties('aws_cloudwatch_log_group', { retention_in_days: 30, kms_key_id: key });
  });
});

describe('WebAcl validation', () => {
  it('throws when the name is not a web ACL name', () => {
    expectInvalid(() => synth({ name: 'has space' }), 'name', /not a literal web ACL name/);
  });
  it('throws when the rate limit is below what WAF allows', () => {
    expectInvalid(() => synth({ rateLimit: 5 }), 'rateLimit', /from 10 to 2000000000/);
  });
  it('throws when the window is not one WAF counts over', () => {
    expectInvalid(() => synth({ rateLimitWindow: Duration.minutes(3) }), 'rateLimitWindow', /1, 2, 5 or 10 minutes/);
  });
  it('throws when the body size limit is beyond what WAF inspects', () => {
    expectInvalid(() => synth({ bodySizeLimit: 16_385 }), 'bodySizeLimit', /from 1 to 16384/);
  });
  it('throws when a managed group mode is neither BLOCK nor COUNT', () => {
    expectInvalid(() => synth({ managedRules: { ipReputation: 'ALLOW' as never } }), 'managedRules.ipReputation', /not a rule mode/);
  });
  it('throws when the log retention is not one CloudWatch Logs accepts', () => {
    expectInvalid(() => synth({ logRetention: Duration.days(2) }), 'logRetention', /not a retention/);
  });
});
