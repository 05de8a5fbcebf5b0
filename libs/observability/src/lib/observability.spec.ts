import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { TerraformStack } from 'cdktf';
import { Duration } from '@secure-api/core';
import { checkSecurityPolicy, expectInvalid, Template } from '@secure-api/testing';
import { AlarmTopic, type AlarmTopicProps } from './alarm-topic';
import { ALARM_DEFAULTS, ApiMonitoring, type ApiMonitoringProps } from './api-monitoring';
import { KEY_ADMIN_ACTIONS, LogEncryptionKey, LOGS_KEY_ACTIONS, type KeyProps } from './keys';

const inStack = (build: (stack: TerraformStack) => void) =>
  Template.synth((stack) => {
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    build(stack);
  });

type Statement = { Sid: string; Principal: Record<string, string>; Action: string[]; Condition?: Record<string, Record<string, unknown>> };
const policyOf = (t: Template, address?: string) => {
  const key = address ? t.resources('aws_kms_key').find((k) => k.address === address) : t.resource('aws_kms_key');
  return JSON.parse(String(key?.values['policy'])) as { Statement: Statement[] };
};
const ACCOUNT = '${data.aws_caller_identity.CallerIdentity.account_id}';

describe('LogEncryptionKey', () => {
  const synthKey = (props: Partial<KeyProps> = {}, groups: (key: LogEncryptionKey, stack: TerraformStack) => void = () => undefined) =>
    inStack((stack) => {
      const key = new LogEncryptionKey(stack, 'LogKey', { alias: 'secure-api-test-logs', ...props });
      groups(key, stack);
    });

  it('is a symmetric key with rotation on every 365 days, a 30-day deletion window and an alias', () => {
    const t = synthKey();
    t.hasResourceProperties('aws_kms_key', { key_usage: 'ENCRYPT_DECRYPT', customer_master_key_spec: 'SYMMETRIC_DEFAULT', enable_key_rotation: true, rotation_period_in_days: 365, deletion_window_in_days: 30 });
    t.hasResourceProperties('aws_kms_alias', { name: 'alias/secure-api-test-logs', target_key_id: `\${${t.resource('aws_kms_key').address}.key_id}` });
    expect(checkSecurityPolicy(t, { environment: 'nonprod' }).filter((f) => f.rule === 'kms-key-rotation')).toEqual([]);
  });

  it("lets the account administer the key but never use it", () => {
    const admin = policyOf(synthKey()).Statement[0];
    expect(admin.Principal).toEqual({ AWS: `arn:aws:iam::${ACCOUNT}:root` });
    expect(admin.Action).toEqual([...KEY_ADMIN_ACTIONS]);
    expect(admin.Action.some((a) => /Encrypt|Decrypt|GenerateDataKey|^kms:\*$/.test(a))).toBe(false);
  });

  it('lets only CloudWatch Logs of this region use it, for exactly the log groups of the stack that name it', () => {
    const t = synthKey({}, (key, stack) => {
      new CloudwatchLogGroup(stack, 'A', { name: '/aws/lambda/a', kmsKeyId: key.keyArn });
      new CloudwatchLogGroup(stack, 'B', { name: 'aws-waf-logs-b', kmsKeyId: key.keyArn });
      new CloudwatchLogGroup(stack, 'Other', { name: 'not-ours' });
    });
    const logs = policyOf(t).Statement[1];
    expect(logs.Principal).toEqual({ Service: 'logs.eu-west-1.amazonaws.com' });
    expect(logs.Action).toEqual([...LOGS_KEY_ACTIONS]);
    expect(logs.Condition).toEqual({ ArnLike: { 'kms:EncryptionContext:aws:logs:arn': [`arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/aws/lambda/a`, `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:aws-waf-logs-b`] } });
    expect(policyOf(t).Statement).toHaveLength(2);
  });

  it('allows no use at all while no log group names it', () => {
    expect(policyOf(synthKey()).Statement.map((s) => s.Sid)).toEqual(['AccountAdministersKey']);
  });

  it('deletionWindow and rotationPeriod set the key', () => {
    synthKey({ deletionWindow: Duration.days(7), rotationPeriod: Duration.days(90) }).hasResourceProperties('aws_kms_key', { deletion_window_in_days: 7, rotation_period_in_days: 90 });
  });

  it('throws when the alias is not one of ours', () => {
    expectInvalid(() => synthKey({ alias: 'aws/logs' }), 'alias', /not under aws\//);
    expectInvalid(() => synthKey({ alias: 'has space' }), 'alias', /not a key alias/);
  });
  it('throws when the deletion window is outside 7 to 30 days', () => {
    expectInvalid(() => synthKey({ deletionWindow: Duration.days(3) }), 'deletionWindow', /7 days/);
  });
  it('throws when the rotation period is outside 90 to 2560 days', () => {
    expectInvalid(() => synthKey({ rotationPeriod: Duration.days(30) }), 'rotationPeriod', /90 days/);
  });
});

describe('AlarmTopic', () => {
  const synthTopic = (props: Partial<AlarmTopicProps> = {}) => {
    let topic!: AlarmTopic;
    const t = inStack((stack) => {
      topic = new AlarmTopic(stack, 'Alarms', { name: 'secure-api-test-alarms', ...props });
    });
    return { t, topic };
  };

  it('is encrypted with its own key, which CloudWatch of this account may use to publish', () => {
    const { t } = synthTopic();
    const key = t.resource('aws_kms_key');
    t.hasResourceProperties('aws_sns_topic', { name: 'secure-api-test-alarms', kms_master_key_id: `\${${key.address}.arn}` });
    const use = policyOf(t).Statement[1];
    expect(use.Principal).toEqual({ Service: 'cloudwatch.amazonaws.com' });
    expect(use.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    expect(use.Condition).toEqual({ StringEquals: { 'aws:SourceAccount': ACCOUNT } });
    t.hasResourceProperties('aws_kms_alias', { name: 'alias/secure-api-test-alarms' });
    expect(t.resources('aws_sns_topic_subscription')).toHaveLength(0);
    expect(checkSecurityPolicy(t, { environment: 'nonprod' })).toEqual([]);
  });

  it('emails subscribes each address, keyed by the address', () => {
    const { t } = synthTopic({ emails: ['oncall@example.com', 'lead@example.com'] });
    const subs = t.resources('aws_sns_topic_subscription');
    expect(subs.map((s) => [s.values['protocol'], s.values['endpoint']])).toEqual(expect.arrayContaining([['email', 'oncall@example.com'], ['email', 'lead@example.com']]));
    expect(subs).toHaveLength(2);
    expect(subs.find((s) => s.values['endpoint'] === 'oncall@example.com')?.address).toMatch(/Email-oncall-example-com/);
  });

  it('key props reach the topic key', () => {
    synthTopic({ key: { alias: 'custom-topic-key', deletionWindow: Duration.days(10) } }).t.hasResourceProperties('aws_kms_key', { deletion_window_in_days: 10 });
  });

  it('throws when the name is not a topic name', () => {
    expectInvalid(() => synthTopic({ name: 'bad name' }), 'name', /not an SNS topic name/);
  });
  it('throws when an email is not an address', () => {
    expectInvalid(() => synthTopic({ emails: ['oncall'] }), 'emails[0]', /not an email address/);
  });
  it('throws when an email is listed twice', () => {
    expectInvalid(() => synthTopic({ emails: ['a@example.com', 'a@example.com'] }), 'emails', /listed twice/);
  });
});

describe('ApiMonitoring', () => {
  const api = { name: 'secure-api-test-api', stageName: 'v1', logGroupName: '/aws/apigateway/secure-api-test-api/v1/access' };
  const synthMonitoring = (props: Partial<ApiMonitoringProps> = {}) => {
    let monitoring!: ApiMonitoring;
    const t = inStack((stack) => {
      monitoring = new ApiMonitoring(stack, 'Monitoring', { namePrefix: 'secure-api-test', topic: { topicArn: 'arn:aws:sns:eu-west-1:123456789012:alarms' }, api, ...props });
    });
    return { t, monitoring };
  };
  const alarm = (t: Template, name: string) => t.resources('aws_cloudwatch_metric_alarm').find((a) => a.values['alarm_name'] === name)?.values;
  const apiDims = { ApiName: api.name, Stage: 'v1' };

  it('alarms on the 5XX rate, p99 latency, a 4XX spike and throttling, with the documented defaults', () => {
    const { t } = synthMonitoring();
    expect(alarm(t, 'secure-api-test-api-5xx-rate')).toMatchObject({ namespace: 'AWS/ApiGateway', metric_name: '5XXError', dimensions: apiDims, statistic: 'Average', period: 60, threshold: ALARM_DEFAULTS.serverErrorRate, evaluation_periods: 5, datapoints_to_alarm: 3 });
    expect(alarm(t, 'secure-api-test-api-latency-p99')).toMatchObject({ metric_name: 'Latency', dimensions: apiDims, extended_statistic: 'p99', threshold: 2500 });
    expect(alarm(t, 'secure-api-test-api-4xx-spike')).toMatchObject({ metric_name: '4XXError', statistic: 'Average', threshold: 0.25 });
    expect(alarm(t, 'secure-api-test-api-throttled')).toMatchObject({ namespace: 'SecureApi/secure-api-test', metric_name: 'ThrottledRequests', statistic: 'Sum', threshold: 10 });
    expect(t.resources('aws_cloudwatch_metric_alarm')).toHaveLength(4);
  });

  it('counts throttled requests from the JSON access logs', () => {
    synthMonitoring().t.hasResourceProperties('aws_cloudwatch_log_metric_filter', {
      log_group_name: api.logGroupName,
      pattern: '{ $.status = 429 }',
      metric_transformation: { name: 'ThrottledRequests', namespace: 'SecureApi/secure-api-test', value: '1', default_value: '0', unit: 'Count' },
    });
  });

  it('every alarm notifies the topic when it fires and when it recovers, and treats missing data as not breaching', () => {
    const { t } = synthMonitoring({ functions: [{ functionName: 'fn' }], webAcl: { name: 'acl' } });
    for (const a of t.resources('aws_cloudwatch_metric_alarm')) {
      expect(a.values).toMatchObject({ treat_missing_data: 'notBreaching', actions_enabled: true, alarm_actions: ['arn:aws:sns:eu-west-1:123456789012:alarms'], ok_actions: ['arn:aws:sns:eu-west-1:123456789012:alarms'] });
    }
  });

  it('webAcl adds an alarm on blocked requests', () => {
    const { t } = synthMonitoring({ webAcl: { name: 'acl' } });
    expect(alarm(t, 'secure-api-test-waf-blocked')).toMatchObject({ namespace: 'AWS/WAFV2', metric_name: 'BlockedRequests', dimensions: { WebACL: 'acl', Rule: 'ALL', Region: 'eu-west-1' }, statistic: 'Sum', period: 300, threshold: 100 });
  });

  it('functions adds an errors and a throttles alarm per function', () => {
    const { t } = synthMonitoring({ functions: [{ functionName: 'a' }, { functionName: 'b' }] });
    for (const fn of ['a', 'b']) {
      expect(alarm(t, `secure-api-test-${fn}-errors`)).toMatchObject({ namespace: 'AWS/Lambda', metric_name: 'Errors', dimensions: { FunctionName: fn }, comparison_operator: 'GreaterThanOrEqualToThreshold', threshold: 1 });
      expect(alarm(t, `secure-api-test-${fn}-throttles`)).toMatchObject({ metric_name: 'Throttles', dimensions: { FunctionName: fn } });
    }
  });

  it('thresholds override the defaults', () => {
    const { t } = synthMonitoring({ thresholds: { serverErrorRate: 0.05, latencyP99Ms: 1000 } });
    expect(alarm(t, 'secure-api-test-api-5xx-rate')?.['threshold']).toBe(0.05);
    expect(alarm(t, 'secure-api-test-api-latency-p99')?.['threshold']).toBe(1000);
  });

  it('draws a dashboard of the same metrics, with the alarms on top', () => {
    const { t, monitoring } = synthMonitoring({ functions: [{ functionName: 'fn' }], webAcl: { name: 'acl' } });
    const dash = t.resource('aws_cloudwatch_dashboard');
    expect(dash.values['dashboard_name']).toBe('secure-api-test-api');
    const body = JSON.parse(String(dash.values['dashboard_body'])) as { widgets: { type: string; properties: { title: string; alarms?: string[] } }[] };
    expect(body.widgets.map((w) => w.properties.title)).toEqual(['Alarms', 'Requests and errors', 'Latency', 'Throttled requests (429)', 'WAF', 'Function errors and throttles', 'Function duration p99']);
    expect(body.widgets[0].properties.alarms).toHaveLength(monitoring.alarms.length);
  });

  it('throws when a rate threshold is not a share of requests', () => {
    expectInvalid(() => synthMonitoring({ thresholds: { serverErrorRate: 5 } }), 'thresholds.serverErrorRate', /share of requests/);
  });
  it('throws when a count or latency threshold is not positive', () => {
    expectInvalid(() => synthMonitoring({ thresholds: { latencyP99Ms: 0 } }), 'thresholds.latencyP99Ms', /above 0/);
  });
  it('throws when the name prefix is not literal', () => {
    expectInvalid(() => synthMonitoring({ namePrefix: 'a b' }), 'namePrefix', /not a literal name prefix/);
  });
});
