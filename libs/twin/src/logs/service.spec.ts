import { emptyTwinForSuite } from '../test-support';
import { jsonCall } from '../test-support/signed';

// CloudWatch Logs' KMS encryption of log groups and its metric filters, as aws_cloudwatch_log_group (kms_key_id) and
// aws_cloudwatch_log_metric_filter call them: the key must be an enabled KMS key of the twin, named by its ARN.
jest.setTimeout(30_000);

type Json = Record<string, any>;

const twin = emptyTwinForSuite();

const call = (service: 'logs' | 'kms', operation: string, body: unknown): Promise<{ status: number; json: Json }> => jsonCall(twin(), service, operation, body);

async function ok(service: 'logs' | 'kms', operation: string, body: unknown): Promise<Json> {
  const res = await call(service, operation, body);
  expect(res).toMatchObject({ status: 200 });
  return res.json;
}

const group = async (name: string) => ((await ok('logs', 'DescribeLogGroups', { logGroupNamePrefix: name })).logGroups as Json[]).find((g) => g.logGroupName === name);
const newKey = async () => (await ok('kms', 'CreateKey', {})).KeyMetadata as { KeyId: string; Arn: string };

describe('log groups encrypted with a KMS key', () => {
  it('CreateLogGroup with kmsKeyId; DescribeLogGroups answers it; AssociateKmsKey changes it; DisassociateKmsKey drops it', async () => {
    const one = await newKey();
    const two = await newKey();
    await ok('logs', 'CreateLogGroup', { logGroupName: '/enc/one', kmsKeyId: one.Arn });
    expect(await group('/enc/one')).toMatchObject({ kmsKeyId: one.Arn });
    await ok('logs', 'AssociateKmsKey', { logGroupName: '/enc/one', kmsKeyId: two.Arn });
    expect((await group('/enc/one'))?.kmsKeyId).toBe(two.Arn);
    await ok('logs', 'DisassociateKmsKey', { logGroupName: '/enc/one' });
    expect((await group('/enc/one'))?.kmsKeyId).toBeUndefined();
  });

  it('refuses a key id or alias instead of an ARN, an unknown key and a disabled one, naming the fix', async () => {
    const key = await newKey();
    expect(await call('logs', 'CreateLogGroup', { logGroupName: '/enc/bad', kmsKeyId: key.KeyId })).toMatchObject({ status: 400, json: { __type: 'InvalidParameterException', message: expect.stringMatching(/Invalid KMS key ARN .* Fix: pass the key's ARN/) } });
    expect(await call('logs', 'CreateLogGroup', { logGroupName: '/enc/bad', kmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000' })).toMatchObject({
      json: { __type: 'InvalidParameterException', message: "The specified KMS key does not exist or is not allowed to be used with Arn 'arn:aws:logs:eu-west-1:123456789012:log-group:/enc/bad'" },
    });
    await ok('kms', 'DisableKey', { KeyId: key.KeyId });
    expect(await call('logs', 'CreateLogGroup', { logGroupName: '/enc/bad', kmsKeyId: key.Arn })).toMatchObject({ json: { __type: 'InvalidParameterException' } });
    expect(await group('/enc/bad')).toBeUndefined();
    expect(await call('logs', 'AssociateKmsKey', { logGroupName: '/enc/none', kmsKeyId: key.Arn })).toMatchObject({ json: { __type: 'ResourceNotFoundException' } });
    expect(await call('logs', 'AssociateKmsKey', { logGroupName: '/enc/none' })).toMatchObject({ json: { __type: 'InvalidParameterException', message: expect.stringContaining("Value null at 'kmsKeyId'") } });
  });
});

describe('metric filters', () => {
  const transformation = { metricName: 'ThrottledRequests', metricNamespace: 'SecureApi/dev', metricValue: '1', defaultValue: 0, unit: 'Count' };

  it('PutMetricFilter creates and replaces; DescribeMetricFilters finds it by group and name prefix; the group counts it; DeleteMetricFilter removes it', async () => {
    await ok('logs', 'CreateLogGroup', { logGroupName: '/mf/access' });
    await ok('logs', 'PutMetricFilter', { logGroupName: '/mf/access', filterName: 'throttled', filterPattern: '{ $.status = 429 }', metricTransformations: [transformation] });
    const [made] = (await ok('logs', 'DescribeMetricFilters', { logGroupName: '/mf/access', filterNamePrefix: 'thr' })).metricFilters as Json[];
    expect(made).toEqual({ filterName: 'throttled', filterPattern: '{ $.status = 429 }', metricTransformations: [transformation], creationTime: expect.any(Number), logGroupName: '/mf/access', applyOnTransformedLogs: false });
    expect((await group('/mf/access'))?.metricFilterCount).toBe(1);
    await ok('logs', 'PutMetricFilter', { logGroupName: '/mf/access', filterName: 'throttled', filterPattern: '{ $.status = 503 }', metricTransformations: [{ ...transformation, defaultValue: undefined, dimensions: { Status: '$.status' } }] });
    const [replaced] = (await ok('logs', 'DescribeMetricFilters', { logGroupName: '/mf/access' })).metricFilters as Json[];
    expect(replaced).toMatchObject({ filterPattern: '{ $.status = 503 }', creationTime: made.creationTime, metricTransformations: [{ dimensions: { Status: '$.status' } }] });
    expect(replaced.metricTransformations[0].defaultValue).toBeUndefined();
    expect((await ok('logs', 'DescribeMetricFilters', { metricName: 'ThrottledRequests', metricNamespace: 'SecureApi/dev' })).metricFilters).toHaveLength(1);
    await ok('logs', 'DeleteMetricFilter', { logGroupName: '/mf/access', filterName: 'throttled' });
    expect((await ok('logs', 'DescribeMetricFilters', { logGroupName: '/mf/access' })).metricFilters).toEqual([]);
    expect((await group('/mf/access'))?.metricFilterCount).toBe(0);
  });

  it('a deleted log group takes its filters with it', async () => {
    await ok('logs', 'CreateLogGroup', { logGroupName: '/mf/gone' });
    await ok('logs', 'PutMetricFilter', { logGroupName: '/mf/gone', filterName: 'f', filterPattern: '', metricTransformations: [transformation] });
    await ok('logs', 'DeleteLogGroup', { logGroupName: '/mf/gone' });
    await ok('logs', 'CreateLogGroup', { logGroupName: '/mf/gone' });
    expect((await ok('logs', 'DescribeMetricFilters', { logGroupName: '/mf/gone' })).metricFilters).toEqual([]);
  });

  it('bad input: AWS error shapes, never a 5xx', async () => {
    await ok('logs', 'CreateLogGroup', { logGroupName: '/mf/strict' });
    const put = (extra: Json) => call('logs', 'PutMetricFilter', { logGroupName: '/mf/strict', filterName: 'f', filterPattern: '', metricTransformations: [transformation], ...extra });
    expect(await put({ logGroupName: '/mf/none' })).toMatchObject({ status: 400, json: { __type: 'ResourceNotFoundException' } });
    expect(await put({ metricTransformations: [transformation, transformation] })).toMatchObject({ json: { __type: 'InvalidParameterException' } });
    expect(await put({ metricTransformations: [] })).toMatchObject({ json: { __type: 'InvalidParameterException' } });
    expect(await put({ metricTransformations: [{ ...transformation, dimensions: { a: 'b' } }] })).toMatchObject({ json: { __type: 'InvalidParameterException', message: 'A metric transformation cannot have both a defaultValue and dimensions.' } });
    expect(await put({ metricTransformations: [{ ...transformation, defaultValue: 'zero' }] })).toMatchObject({ json: { __type: 'SerializationException' } });
    expect(await put({ metricTransformations: [{ ...transformation, unit: 'Parsecs' }] })).toMatchObject({ json: { __type: 'InvalidParameterException' } });
    expect(await put({ metricTransformations: [{ metricName: 'm' }] })).toMatchObject({ json: { __type: 'InvalidParameterException', message: expect.stringContaining("Value null at 'metricNamespace'") } });
    expect(await put({ metricTransformations: 'm' })).toMatchObject({ json: { __type: 'SerializationException' } });
    expect(await put({ filterName: 'a:b' })).toMatchObject({ json: { __type: 'InvalidParameterException' } });
    expect(await put({ filterPattern: undefined })).toMatchObject({ json: { __type: 'InvalidParameterException', message: expect.stringContaining("Value null at 'filterPattern'") } });
    expect(await call('logs', 'DescribeMetricFilters', { filterNamePrefix: 'f' })).toMatchObject({ json: { __type: 'InvalidParameterException' } });
    expect(await call('logs', 'DeleteMetricFilter', { logGroupName: '/mf/strict', filterName: 'never' })).toMatchObject({ json: { __type: 'ResourceNotFoundException', message: 'The specified metric filter does not exist.' } });
  });
});
