import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTwin, type RunningTwin } from '../test-support';
import { signedCall } from '../test-support/signed';

// The stack loader (npm start) on the observability fixture that real Terraform applies in
// libs/tooling/src/terraform/observability-apply.integration.spec.ts: the same resource types built through the same
// operations, without a "Not emulated" warning, and a second start brings them to a changed stack in place.
jest.setTimeout(30_000);

type Json = Record<string, any>;

const FIXTURE = join(__dirname, '../../../tooling/src/terraform/fixtures/observability.tf.json');
const fixture = (): Json => JSON.parse(readFileSync(FIXTURE, 'utf8')) as Json;

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'twin-observability-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const start = (json: Json) => startTwin({ dataDir, json, accountId: '123456789012' });

async function kms(t: RunningTwin, operation: string, body: Json): Promise<Json> {
  const res = await signedCall(t, { service: 'kms', target: `TrentService.${operation}`, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return res.json();
}

async function query(t: RunningTwin, service: 'sns' | 'monitoring', params: Record<string, string>): Promise<string> {
  const version = service === 'sns' ? '2010-03-31' : '2010-08-01';
  const res = await signedCall(t, { service, body: new URLSearchParams({ ...params, Version: version }).toString(), contentType: 'application/x-www-form-urlencoded' });
  expect(res.status).toBe(200);
  return res.text;
}

async function logs(t: RunningTwin, operation: string, body: Json): Promise<Json> {
  const res = await signedCall(t, { service: 'logs', target: `Logs_20140328.${operation}`, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return res.json();
}

describe('the stack loader on the observability resources', () => {
  it('builds every type without a "Not emulated" warning; key policies name the twin account through data.aws_caller_identity', async () => {
    const t = await start(fixture());
    try {
      expect(t.twin.ctx.warnings.filter((w) => /Not emulated/.test(w))).toEqual([]);
      const stack = t.twin.ctx.stack;
      expect(stack?.attributesOf('data.aws_caller_identity.Current')).toMatchObject({ account_id: '123456789012', arn: 'arn:aws:iam::123456789012:user/twin' });
      const logsKey = String(stack?.attributesOf('aws_kms_key.Logs')?.['key_id']);
      const policy = JSON.parse(String((await kms(t, 'GetKeyPolicy', { KeyId: logsKey, PolicyName: 'default' }))['Policy'])) as Json;
      expect(policy['Statement'][0]['Principal']).toEqual({ AWS: 'arn:aws:iam::123456789012:root' });
      expect(await kms(t, 'GetKeyRotationStatus', { KeyId: logsKey })).toMatchObject({ KeyRotationEnabled: true, RotationPeriodInDays: 365 });
      expect((await kms(t, 'ListAliases', {}))['Aliases']).toEqual([expect.objectContaining({ AliasName: 'alias/obs-logs', TargetKeyId: logsKey })]);
      const groups = (await logs(t, 'DescribeLogGroups', { logGroupNamePrefix: '/obs/' }))['logGroups'] as Json[];
      expect(groups[0]).toMatchObject({ logGroupName: '/obs/access', kmsKeyId: `arn:aws:kms:eu-west-1:123456789012:key/${logsKey}`, metricFilterCount: 1 });
      expect((await logs(t, 'DescribeMetricFilters', { logGroupName: '/obs/access' }))['metricFilters']).toEqual([
        expect.objectContaining({ filterName: 'obs-throttled', filterPattern: '{ $.status = 429 }', metricTransformations: [{ metricName: 'ThrottledRequests', metricNamespace: 'SecureApi/obs', metricValue: '1', defaultValue: 0, unit: 'Count' }] }),
      ]);
      const topicArn = 'arn:aws:sns:eu-west-1:123456789012:obs-alarms';
      expect(await query(t, 'sns', { Action: 'GetTopicAttributes', TopicArn: topicArn })).toContain(`<key>KmsMasterKeyId</key><value>${String(stack?.attributesOf('aws_kms_key.Alarms')?.['arn'])}</value>`);
      expect(await query(t, 'sns', { Action: 'ListSubscriptionsByTopic', TopicArn: topicArn })).toContain('<Endpoint>oncall@example.com</Endpoint><Protocol>email</Protocol>');
      const alarms = await query(t, 'monitoring', { Action: 'DescribeAlarms' });
      expect(alarms.match(/<AlarmName>/g)).toHaveLength(3);
      expect(alarms).toContain('<ExtendedStatistic>p99</ExtendedStatistic><Dimensions><member><Name>ApiName</Name><Value>obs-api</Value></member><member><Name>Stage</Name><Value>v1</Value></member></Dimensions>');
      expect(await query(t, 'monitoring', { Action: 'ListTagsForResource', ResourceARN: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:obs-api-5xx' })).toContain('<Key>severity</Key><Value>high</Value>');
      expect(await query(t, 'monitoring', { Action: 'GetDashboard', DashboardName: 'obs-main' })).toContain('<DashboardArn>arn:aws:cloudwatch::123456789012:dashboard/obs-main</DashboardArn>');
    } finally {
      await t.close({ keepData: true });
    }
  });

  it('a second start changes in place what the stack changed (same key ids) and deletes what it dropped', async () => {
    const first = await start(fixture());
    const keys = { logs: String(first.twin.ctx.stack?.attributesOf('aws_kms_key.Logs')?.['key_id']), alarms: String(first.twin.ctx.stack?.attributesOf('aws_kms_key.Alarms')?.['key_id']) };
    await first.close({ keepData: true });
    const next = fixture();
    const r = next['resource'];
    r['aws_kms_key']['Logs']['description'] = 'rotated';
    r['aws_kms_key']['Logs']['rotation_period_in_days'] = 180;
    r['aws_kms_alias']['LogsAlias']['target_key_id'] = '${aws_kms_key.Alarms.key_id}';
    r['aws_cloudwatch_log_group']['Waf']['kms_key_id'] = '${aws_kms_key.Alarms.arn}';
    r['aws_cloudwatch_metric_alarm']['Api5xx']['threshold'] = 5;
    r['aws_cloudwatch_metric_alarm']['Api5xx']['tags'] = { severity: 'critical' };
    r['aws_sns_topic']['Alarms']['tags'] = { purpose: 'paging' };
    delete r['aws_cloudwatch_dashboard'];
    delete r['aws_sns_topic_subscription'];
    const t = await start(next);
    try {
      expect(t.twin.ctx.stack?.attributesOf('aws_kms_key.Logs')?.['key_id']).toBe(keys.logs);
      expect((await kms(t, 'DescribeKey', { KeyId: keys.logs }))['KeyMetadata']).toMatchObject({ Description: 'rotated', KeyState: 'Enabled' });
      expect(await kms(t, 'GetKeyRotationStatus', { KeyId: keys.logs })).toMatchObject({ RotationPeriodInDays: 180 });
      expect((await kms(t, 'ListAliases', {}))['Aliases']).toEqual([expect.objectContaining({ AliasName: 'alias/obs-logs', TargetKeyId: keys.alarms })]);
      const waf = ((await logs(t, 'DescribeLogGroups', { logGroupNamePrefix: 'aws-waf-logs-obs' }))['logGroups'] as Json[])[0];
      expect(waf['kmsKeyId']).toBe(`arn:aws:kms:eu-west-1:123456789012:key/${keys.alarms}`);
      const alarm = await query(t, 'monitoring', { Action: 'DescribeAlarms', 'AlarmNames.member.1': 'obs-api-5xx' });
      expect(alarm).toContain('<Threshold>5</Threshold>');
      const tags = await query(t, 'monitoring', { Action: 'ListTagsForResource', ResourceARN: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:obs-api-5xx' });
      expect(tags).toContain('<Key>severity</Key><Value>critical</Value>');
      expect(await query(t, 'sns', { Action: 'ListTagsForResource', ResourceArn: 'arn:aws:sns:eu-west-1:123456789012:obs-alarms' })).toContain('<Key>purpose</Key><Value>paging</Value>');
      expect(await query(t, 'sns', { Action: 'ListSubscriptionsByTopic', TopicArn: 'arn:aws:sns:eu-west-1:123456789012:obs-alarms' })).toContain('<Subscriptions></Subscriptions>');
      expect(await query(t, 'monitoring', { Action: 'ListDashboards' })).toContain('<DashboardEntries></DashboardEntries>');
    } finally {
      await t.close({ keepData: true });
    }
  });
});
