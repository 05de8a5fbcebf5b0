import { emptyTwinForSuite } from '../test-support';
import { queryCall } from '../test-support/signed';

// CloudWatch on the twin's endpoint in the protocol terraform-provider-aws 5.100 was recorded using against it: AWS
// Query (form-encoded `Action=...&Version=2010-08-01`, signed for `monitoring`, XML answers). Alarms and dashboards
// are kept and read back, never evaluated.
jest.setTimeout(30_000);

const twin = emptyTwinForSuite();

const call = (action: string, params: Record<string, string> = {}) => queryCall(twin(), 'monitoring', action, params);

async function ok(action: string, params: Record<string, string> = {}): Promise<string> {
  const res = await call(action, params);
  expect({ status: res.status, text: res.text }).toMatchObject({ status: 200 });
  return res.text;
}

const topic = 'arn:aws:sns:eu-west-1:123456789012:alarms';
/** An alarm as the provider sends it, with `extra` replacing members (an empty value leaves the member out). */
const alarm = (name: string, extra: Record<string, string> = {}): Record<string, string> => Object.fromEntries(Object.entries({
  AlarmName: name, AlarmDescription: 'API latency', Namespace: 'AWS/ApiGateway', MetricName: 'Latency', 'Dimensions.member.1.Name': 'Stage', 'Dimensions.member.1.Value': 'v1',
  'Dimensions.member.2.Name': 'ApiName', 'Dimensions.member.2.Value': 'api', ExtendedStatistic: 'p99', Period: '300', EvaluationPeriods: '3', DatapointsToAlarm: '2', Threshold: '2500',
  ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching', ActionsEnabled: 'true', 'AlarmActions.member.1': topic, 'OKActions.member.1': topic,
  'Tags.member.1.Key': 'severity', 'Tags.member.1.Value': 'high', ...extra,
}).filter(([, v]) => v !== ''));

describe('CloudWatch metric alarms', () => {
  it('PutMetricAlarm creates; DescribeAlarms (by name, MetricAlarm type) answers every field the provider reads back', async () => {
    await ok('PutMetricAlarm', alarm('latency-p99'));
    const read = await ok('DescribeAlarms', { 'AlarmNames.member.1': 'latency-p99', 'AlarmTypes.member.1': 'MetricAlarm' });
    expect(read).toMatch(/^<DescribeAlarmsResponse xmlns="http:\/\/monitoring.amazonaws.com\/doc\/2010-08-01\/"><DescribeAlarmsResult><MetricAlarms><member>/);
    for (const part of [
      '<AlarmName>latency-p99</AlarmName><AlarmArn>arn:aws:cloudwatch:eu-west-1:123456789012:alarm:latency-p99</AlarmArn><AlarmDescription>API latency</AlarmDescription>',
      '<ActionsEnabled>true</ActionsEnabled>', `<OKActions><member>${topic}</member></OKActions><AlarmActions><member>${topic}</member></AlarmActions><InsufficientDataActions></InsufficientDataActions>`,
      '<StateValue>INSUFFICIENT_DATA</StateValue>', '<MetricName>Latency</MetricName><Namespace>AWS/ApiGateway</Namespace><ExtendedStatistic>p99</ExtendedStatistic>',
      '<Dimensions><member><Name>Stage</Name><Value>v1</Value></member><member><Name>ApiName</Name><Value>api</Value></member></Dimensions><Period>300</Period>',
      '<EvaluationPeriods>3</EvaluationPeriods><DatapointsToAlarm>2</DatapointsToAlarm><Threshold>2500</Threshold><ComparisonOperator>GreaterThanThreshold</ComparisonOperator><TreatMissingData>notBreaching</TreatMissingData>',
      '</MetricAlarms><CompositeAlarms/>',
    ]) expect(read).toContain(part);
    expect(read).not.toContain('<Statistic>');
    expect(await ok('ListTagsForResource', { ResourceARN: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:latency-p99' })).toContain('<Tags><member><Key>severity</Key><Value>high</Value></member></Tags>');
  });

  it('a second PutMetricAlarm replaces the configuration and keeps the tags (tags apply at creation only, as on AWS); TagResource/UntagResource change them', async () => {
    await ok('PutMetricAlarm', alarm('errors', { ExtendedStatistic: '', Statistic: 'Sum' }));
    await ok('PutMetricAlarm', alarm('errors', { ExtendedStatistic: '', Statistic: 'Sum', Threshold: '5', 'Tags.member.1.Value': 'ignored' }));
    const read = await ok('DescribeAlarms', { 'AlarmNames.member.1': 'errors' });
    expect(read).toContain('<Threshold>5</Threshold>');
    const arn = 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:errors';
    expect(await ok('ListTagsForResource', { ResourceARN: arn })).toContain('<Value>high</Value>');
    await ok('TagResource', { ResourceARN: arn, 'Tags.member.1.Key': 'team', 'Tags.member.1.Value': 'ops' });
    await ok('UntagResource', { ResourceARN: arn, 'TagKeys.member.1': 'severity' });
    expect(await ok('ListTagsForResource', { ResourceARN: arn })).toContain('<Tags><member><Key>team</Key><Value>ops</Value></member></Tags>');
  });

  it('metric-math alarms (Metrics with MetricStat and Expression) read back their queries', async () => {
    await ok('PutMetricAlarm', {
      AlarmName: 'error-rate', EvaluationPeriods: '1', Threshold: '5', ComparisonOperator: 'GreaterThanThreshold',
      'Metrics.member.1.Id': 'rate', 'Metrics.member.1.Expression': 'errors / requests * 100', 'Metrics.member.1.ReturnData': 'true',
      'Metrics.member.2.Id': 'errors', 'Metrics.member.2.ReturnData': 'false', 'Metrics.member.2.MetricStat.Metric.Namespace': 'AWS/ApiGateway', 'Metrics.member.2.MetricStat.Metric.MetricName': '5XXError',
      'Metrics.member.2.MetricStat.Metric.Dimensions.member.1.Name': 'Stage', 'Metrics.member.2.MetricStat.Metric.Dimensions.member.1.Value': 'v1', 'Metrics.member.2.MetricStat.Period': '60', 'Metrics.member.2.MetricStat.Stat': 'Sum',
      'Metrics.member.3.Id': 'requests', 'Metrics.member.3.ReturnData': 'false', 'Metrics.member.3.MetricStat.Metric.Namespace': 'AWS/ApiGateway', 'Metrics.member.3.MetricStat.Metric.MetricName': 'Count', 'Metrics.member.3.MetricStat.Period': '60', 'Metrics.member.3.MetricStat.Stat': 'Sum',
    });
    const read = await ok('DescribeAlarms', { 'AlarmNames.member.1': 'error-rate' });
    expect(read).toContain('<Metrics><member><Id>rate</Id><Expression>errors / requests * 100</Expression><ReturnData>true</ReturnData></member><member><Id>errors</Id><MetricStat><Metric><Namespace>AWS/ApiGateway</Namespace><MetricName>5XXError</MetricName><Dimensions><member><Name>Stage</Name><Value>v1</Value></member></Dimensions></Metric><Period>60</Period><Stat>Sum</Stat></MetricStat><ReturnData>false</ReturnData></member>');
  });

  it('DeleteAlarms deletes; an unknown name is ResourceNotFound (404) and deletes nothing', async () => {
    await ok('PutMetricAlarm', alarm('short-lived'));
    expect(await call('DeleteAlarms', { 'AlarmNames.member.1': 'short-lived', 'AlarmNames.member.2': 'never-was' })).toMatchObject({ status: 404, code: 'ResourceNotFound' });
    expect(await ok('DescribeAlarms', { 'AlarmNames.member.1': 'short-lived' })).toContain('<AlarmName>short-lived</AlarmName>');
    await ok('DeleteAlarms', { 'AlarmNames.member.1': 'short-lived' });
    expect(await ok('DescribeAlarms', { 'AlarmNames.member.1': 'short-lived' })).toContain('<MetricAlarms></MetricAlarms>');
    expect(await call('ListTagsForResource', { ResourceARN: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:short-lived' })).toMatchObject({ status: 404, code: 'ResourceNotFoundException' });
  });

  it('bad input: CloudWatch error codes, never a 5xx', async () => {
    expect(await call('PutMetricAlarm', {})).toMatchObject({ status: 400, code: 'ValidationError', text: expect.stringContaining("Value null at &apos;alarmName&apos;") });
    expect(await call('PutMetricAlarm', alarm('x', { Period: 'five' }))).toMatchObject({ code: 'InvalidParameterValue' });
    expect(await call('PutMetricAlarm', alarm('x', { Period: '45' }))).toMatchObject({ code: 'InvalidParameterValue' });
    expect(await call('PutMetricAlarm', alarm('x', { Threshold: 'high' }))).toMatchObject({ code: 'InvalidParameterValue' });
    expect(await call('PutMetricAlarm', alarm('x', { Statistic: 'Sum' }))).toMatchObject({ code: 'InvalidParameterCombination' });
    expect(await call('PutMetricAlarm', alarm('x', { ExtendedStatistic: 'p1000' }))).toMatchObject({ code: 'InvalidParameterValue' });
    expect(await call('PutMetricAlarm', alarm('x', { ComparisonOperator: 'Bigger' }))).toMatchObject({ code: 'InvalidParameterValue' });
    expect(await call('PutMetricAlarm', alarm('x', { TreatMissingData: 'panic' }))).toMatchObject({ code: 'InvalidParameterValue' });
    expect(await call('PutMetricAlarm', alarm('x', { DatapointsToAlarm: '9' }))).toMatchObject({ code: 'ValidationError' });
    expect(await call('PutMetricAlarm', alarm('x', { ActionsEnabled: 'yes' }))).toMatchObject({ code: 'InvalidParameterValue' });
    expect(await call('PutMetricAlarm', alarm('x', { 'AlarmActions.member.1': 'page me' }))).toMatchObject({ code: 'InvalidParameterValue' });
    expect(await call('DescribeAlarms', { NextToken: '%%' })).toMatchObject({ code: 'InvalidNextToken' });
    expect(await call('DeleteAlarms')).toMatchObject({ code: 'ValidationError' });
    expect(await call('PutMetricData', { Namespace: 'x' })).toMatchObject({ status: 400, code: 'InvalidAction' });
    expect((await call('DeleteAlarms')).text).toMatch(/^<ErrorResponse xmlns="http:\/\/monitoring.amazonaws.com\/doc\/2010-08-01\/">/);
  });
});

describe('CloudWatch dashboards', () => {
  const body = JSON.stringify({ widgets: [{ type: 'text', x: 0, y: 0, width: 6, height: 3, properties: { markdown: '# hi' } }] });

  it('PutDashboard, GetDashboard (the body as sent), ListDashboards, DeleteDashboards', async () => {
    expect(await ok('PutDashboard', { DashboardName: 'main', DashboardBody: body })).toContain('<PutDashboardResult><DashboardValidationMessages/></PutDashboardResult>');
    expect(await ok('GetDashboard', { DashboardName: 'main' })).toContain(`<DashboardArn>arn:aws:cloudwatch::123456789012:dashboard/main</DashboardArn><DashboardBody>${body.replace(/"/g, '&quot;')}</DashboardBody><DashboardName>main</DashboardName>`);
    const changed = body.replace('# hi', '# changed');
    await ok('PutDashboard', { DashboardName: 'main', DashboardBody: changed });
    expect(await ok('GetDashboard', { DashboardName: 'main' })).toContain('# changed');
    expect(await ok('ListDashboards', { DashboardNamePrefix: 'ma' })).toContain('<DashboardName>main</DashboardName>');
    await ok('DeleteDashboards', { 'DashboardNames.member.1': 'main' });
    expect(await call('GetDashboard', { DashboardName: 'main' })).toMatchObject({ status: 404, code: 'ResourceNotFound' });
    expect(await call('DeleteDashboards', { 'DashboardNames.member.1': 'main' })).toMatchObject({ status: 404, code: 'ResourceNotFound' });
  });

  it('refuses a body that is not a JSON object, widgets that are not a list and a name with spaces', async () => {
    expect(await call('PutDashboard', { DashboardName: 'bad', DashboardBody: '{widgets' })).toMatchObject({ status: 400, code: 'InvalidParameterInput' });
    expect(await call('PutDashboard', { DashboardName: 'bad', DashboardBody: '[]' })).toMatchObject({ code: 'InvalidParameterInput' });
    expect(await call('PutDashboard', { DashboardName: 'bad', DashboardBody: '{"widgets":{}}' })).toMatchObject({ code: 'InvalidParameterInput' });
    expect(await call('PutDashboard', { DashboardName: 'bad name', DashboardBody: body })).toMatchObject({ code: 'InvalidParameterValue' });
    expect(await call('PutDashboard', { DashboardName: 'bad' })).toMatchObject({ code: 'ValidationError' });
  });
});
