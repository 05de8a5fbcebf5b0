import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeWithTerraform, EmptyTwin, expectCleanPlan, plannedActions, TwinStack } from '../test/twin-terraform';

// Real Terraform 1.11 and the real AWS provider 5.100 apply the observability resources the hardening constructs emit
// (fixtures/observability.tf.json: KMS keys with policies naming data.aws_caller_identity's account, an alias, log
// groups encrypted with a key, a metric filter, an SNS topic with a KMS key and an e-mail subscription, metric alarms
// with dimensions and a p99 extended statistic, a dashboard) to an empty twin, change each in place, and destroy them.
// The provider's CloudWatch client was recorded speaking AWS Query (Action=PutMetricAlarm&Version=2010-08-01).
jest.setTimeout(300_000);

type Json = Record<string, any>;

const FIXTURE = join(__dirname, 'fixtures/observability.tf.json');
const RESOURCES = [
  'aws_kms_key.Logs', 'aws_kms_key.Alarms', 'aws_kms_alias.LogsAlias', 'aws_cloudwatch_log_group.Access', 'aws_cloudwatch_log_group.Waf', 'aws_cloudwatch_log_metric_filter.Throttled',
  'aws_sns_topic.Alarms', 'aws_sns_topic_subscription.Oncall', 'aws_cloudwatch_metric_alarm.Api5xx', 'aws_cloudwatch_metric_alarm.ApiLatency', 'aws_cloudwatch_metric_alarm.Throttled',
  'aws_cloudwatch_dashboard.Main',
];

describeWithTerraform('observability resources applied to an empty twin by real Terraform', () => {
  let twin: EmptyTwin;
  let stack: TwinStack;
  const base = (): Json => JSON.parse(readFileSync(FIXTURE, 'utf8')) as Json;
  const state = () => stack.stateList();

  beforeAll(async () => {
    twin = await EmptyTwin.start();
    stack = new TwinStack(twin, 'observability').use(base());
  }, 120_000);
  afterAll(async () => {
    await twin?.stop();
  });

  it('applies every resource, and a second plan finds no changes', () => {
    expect(stack.target('deploy')).toBe(0);
    expect(state()).toEqual([...RESOURCES, 'data.aws_caller_identity.Current'].sort());
    const tfstate = JSON.parse(readFileSync(join(stack.workDir, 'terraform.tfstate'), 'utf8')) as Json;
    const key = (tfstate['resources'] as Json[]).find((r) => r['type'] === 'aws_kms_key' && r['name'] === 'Logs')?.['instances'][0]['attributes'] as Json;
    expect(JSON.parse(key['policy'])['Statement'][0]['Principal']).toEqual({ AWS: `arn:aws:iam::${twin.account.accountId}:root` });
    expect(key).toMatchObject({ enable_key_rotation: true, rotation_period_in_days: 365, key_usage: 'ENCRYPT_DECRYPT', customer_master_key_spec: 'SYMMETRIC_DEFAULT' });
    expectCleanPlan(stack);
  });

  it('changes each type in place (description, rotation, tags, alias target, log group key, pattern, filter policy, threshold, statistic, dashboard body), and re-plans clean', () => {
    const next = base();
    const r = next['resource'];
    r['aws_kms_key']['Logs']['description'] = 'obs log groups (rotated)';
    r['aws_kms_key']['Logs']['rotation_period_in_days'] = 180;
    r['aws_kms_key']['Alarms']['tags'] = { purpose: 'alarm-topic' };
    r['aws_kms_alias']['LogsAlias']['target_key_id'] = '${aws_kms_key.Alarms.key_id}';
    r['aws_cloudwatch_log_group']['Waf']['kms_key_id'] = '${aws_kms_key.Alarms.arn}';
    r['aws_cloudwatch_log_metric_filter']['Throttled']['pattern'] = '{ $.status = 429 || $.status = 503 }';
    r['aws_sns_topic']['Alarms']['tags'] = { purpose: 'paging' };
    r['aws_sns_topic_subscription']['Oncall']['filter_policy'] = '{"severity":["high"]}';
    r['aws_cloudwatch_metric_alarm']['Api5xx']['threshold'] = 5;
    r['aws_cloudwatch_metric_alarm']['Api5xx']['tags'] = { severity: 'critical' };
    r['aws_cloudwatch_metric_alarm']['ApiLatency']['extended_statistic'] = 'p95';
    r['aws_cloudwatch_dashboard']['Main']['dashboard_body'] = String(r['aws_cloudwatch_dashboard']['Main']['dashboard_body']).replace('# obs', '# obs v2');
    stack.use(next);
    const { json } = stack.planJson();
    expect(Object.fromEntries(plannedActions(json))).toEqual(Object.fromEntries([
      'aws_kms_key.Logs', 'aws_kms_key.Alarms', 'aws_kms_alias.LogsAlias', 'aws_cloudwatch_log_group.Waf', 'aws_cloudwatch_log_metric_filter.Throttled', 'aws_sns_topic.Alarms',
      'aws_sns_topic_subscription.Oncall', 'aws_cloudwatch_metric_alarm.Api5xx', 'aws_cloudwatch_metric_alarm.ApiLatency', 'aws_cloudwatch_dashboard.Main',
    ].map((a) => [a, 'update'])));
    expect(stack.target('deploy')).toBe(0);
    expectCleanPlan(stack);
  });

  it('destroys everything: the provider then reads every resource of the old state as gone, and the twin lists no log group', async () => {
    // The state from before the destroy, refreshed by the real provider: every resource it names reads as deleted (a
    // KMS key pending deletion counts as gone, as the provider treats it), so nothing Terraform made is left.
    expect(stack.destroyThenRefreshOldState()).toEqual({ destroyed: [], refreshed: ['data.aws_caller_identity.Current'] });
    const { endpoint, accessKeyId, secretAccessKey } = twin.account;
    const logs = new CloudWatchLogsClient({ endpoint, region: 'eu-west-1', credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
    try {
      expect((await logs.send(new DescribeLogGroupsCommand({}))).logGroups).toEqual([]);
    } finally {
      logs.destroy();
    }
  });
});
