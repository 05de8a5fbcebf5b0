import { emptyTwinForSuite } from '../test-support';
import { jsonCall } from '../test-support/signed';

// KMS's JSON 1.1 API on the twin's endpoint, signed as the provider signs it: every operation terraform-provider-aws
// 5.100 calls for aws_kms_key and aws_kms_alias, and AWS's error shapes for what AWS refuses (never a 5xx).
jest.setTimeout(30_000);

type Json = Record<string, any>;

const twin = emptyTwinForSuite();

const call = (operation: string, body: unknown): Promise<{ status: number; json: Json; text: string }> => jsonCall(twin(), 'kms', operation, body);

async function ok(operation: string, body: unknown): Promise<Json> {
  const res = await call(operation, body);
  expect({ status: res.status, body: res.json }).toMatchObject({ status: 200 });
  return res.json;
}

const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Root', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'kms:*', Resource: '*' }] });

describe('KMS keys', () => {
  it('CreateKey answers KeyMetadata; DescribeKey, GetKeyPolicy and ListResourceTags read back what was sent', async () => {
    const { KeyMetadata: made } = await ok('CreateKey', { Description: 'logs', KeyUsage: 'ENCRYPT_DECRYPT', CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT', Policy: policy, Tags: [{ TagKey: 'env', TagValue: 'dev' }] });
    expect(made).toMatchObject({
      AWSAccountId: '123456789012', Arn: `arn:aws:kms:eu-west-1:123456789012:key/${made.KeyId}`, Enabled: true, KeyState: 'Enabled', Description: 'logs',
      KeyUsage: 'ENCRYPT_DECRYPT', KeySpec: 'SYMMETRIC_DEFAULT', CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT', Origin: 'AWS_KMS', KeyManager: 'CUSTOMER', EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'], MultiRegion: false,
    });
    expect(made.KeyId).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof made.CreationDate).toBe('number');
    expect((await ok('DescribeKey', { KeyId: made.Arn })).KeyMetadata).toEqual(made);
    expect(await ok('GetKeyPolicy', { KeyId: made.KeyId, PolicyName: 'default' })).toEqual({ Policy: policy, PolicyName: 'default' });
    expect(await ok('ListResourceTags', { KeyId: made.KeyId })).toEqual({ Tags: [{ TagKey: 'env', TagValue: 'dev' }], Truncated: false });
    expect(await ok('GetKeyRotationStatus', { KeyId: made.KeyId })).toEqual({ KeyId: made.KeyId, KeyRotationEnabled: false });
  });

  it('a key made without a policy gets KMS\'s default one (the account root may do everything)', async () => {
    const { KeyMetadata: made } = await ok('CreateKey', {});
    const { Policy } = await ok('GetKeyPolicy', { KeyId: made.KeyId });
    expect(JSON.parse(Policy)).toMatchObject({ Id: 'key-default-1', Statement: [{ Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'kms:*' }] });
  });

  it('rotation, description, policy, tags and enabled state change in place', async () => {
    const { KeyMetadata: { KeyId } } = await ok('CreateKey', { Policy: policy });
    await ok('EnableKeyRotation', { KeyId, RotationPeriodInDays: 365 });
    expect(await ok('GetKeyRotationStatus', { KeyId })).toMatchObject({ KeyRotationEnabled: true, RotationPeriodInDays: 365, NextRotationDate: expect.any(Number) });
    await ok('EnableKeyRotation', { KeyId, RotationPeriodInDays: 180 });
    expect(await ok('GetKeyRotationStatus', { KeyId })).toMatchObject({ RotationPeriodInDays: 180 });
    await ok('DisableKeyRotation', { KeyId });
    expect(await ok('GetKeyRotationStatus', { KeyId })).toEqual({ KeyId, KeyRotationEnabled: false });
    await ok('UpdateKeyDescription', { KeyId, Description: 'changed' });
    const other = policy.replace('Root', 'Root2');
    await ok('PutKeyPolicy', { KeyId, Policy: other, PolicyName: 'default' });
    expect((await ok('GetKeyPolicy', { KeyId })).Policy).toBe(other);
    await ok('TagResource', { KeyId, Tags: [{ TagKey: 'a', TagValue: '1' }, { TagKey: 'b', TagValue: '2' }] });
    await ok('UntagResource', { KeyId, TagKeys: ['a'] });
    expect((await ok('ListResourceTags', { KeyId })).Tags).toEqual([{ TagKey: 'b', TagValue: '2' }]);
    await ok('DisableKey', { KeyId });
    expect((await ok('DescribeKey', { KeyId })).KeyMetadata).toMatchObject({ Enabled: false, KeyState: 'Disabled', Description: 'changed' });
    expect((await call('EnableKeyRotation', { KeyId })).json).toMatchObject({ __type: 'DisabledException' });
    await ok('EnableKey', { KeyId });
    expect((await ok('DescribeKey', { KeyId })).KeyMetadata).toMatchObject({ Enabled: true, KeyState: 'Enabled' });
  });

  it('ScheduleKeyDeletion leaves the key PendingDeletion (as AWS does until the window ends); changes are then refused; CancelKeyDeletion disables it', async () => {
    const { KeyMetadata: { KeyId, Arn } } = await ok('CreateKey', {});
    expect(await ok('ScheduleKeyDeletion', { KeyId, PendingWindowInDays: 7 })).toMatchObject({ KeyId: Arn, KeyState: 'PendingDeletion', PendingWindowInDays: 7, DeletionDate: expect.any(Number) });
    expect((await ok('DescribeKey', { KeyId })).KeyMetadata).toMatchObject({ KeyState: 'PendingDeletion', Enabled: false, PendingDeletionWindowInDays: 7 });
    const refused = await call('ScheduleKeyDeletion', { KeyId });
    expect(refused).toMatchObject({ status: 400, json: { __type: 'KMSInvalidStateException', message: `${Arn} is pending deletion.` } });
    expect((await call('UpdateKeyDescription', { KeyId, Description: 'x' })).json.__type).toBe('KMSInvalidStateException');
    await ok('CancelKeyDeletion', { KeyId });
    expect((await ok('DescribeKey', { KeyId })).KeyMetadata).toMatchObject({ KeyState: 'Disabled' });
    expect((await ok('ListKeys', {})).Keys).toContainEqual({ KeyId, KeyArn: Arn });
  });

  it('bad input: AWS error shapes, never a 5xx', async () => {
    expect(await call('DescribeKey', { KeyId: '00000000-0000-0000-0000-000000000000' })).toMatchObject({ status: 400, json: { __type: 'NotFoundException', message: "Key 'arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000' does not exist" } });
    expect(await call('DescribeKey', { KeyId: 'alias/nope' })).toMatchObject({ json: { __type: 'NotFoundException', message: 'Alias arn:aws:kms:eu-west-1:123456789012:alias/nope is not found.' } });
    expect(await call('DescribeKey', {})).toMatchObject({ status: 400, json: { __type: 'ValidationException', message: "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null" } });
    expect(await call('DescribeKey', { KeyId: 42 })).toMatchObject({ status: 400, json: { __type: 'SerializationException' } });
    expect(await call('CreateKey', { KeyUsage: 'SHRED' })).toMatchObject({ json: { __type: 'ValidationException', message: expect.stringContaining('enum value set') } });
    expect(await call('CreateKey', { KeyUsage: 'SIGN_VERIFY', KeySpec: 'SYMMETRIC_DEFAULT' })).toMatchObject({ json: { __type: 'ValidationException', message: 'KeyUsage SIGN_VERIFY is not compatible with KeySpec SYMMETRIC_DEFAULT.' } });
    expect(await call('CreateKey', { Policy: '{not json' })).toMatchObject({ json: { __type: 'MalformedPolicyDocumentException' } });
    expect(await call('CreateKey', { Policy: '{"Version":"2012-10-17"}' })).toMatchObject({ json: { __type: 'MalformedPolicyDocumentException' } });
    expect(await call('CreateKey', { Tags: [{ TagKey: 'k' }] })).toMatchObject({ json: { __type: 'TagException' } });
    expect(await call('CreateKey', { Tags: 'env=dev' })).toMatchObject({ json: { __type: 'SerializationException' } });
    const { KeyMetadata: { KeyId } } = await ok('CreateKey', {});
    expect(await call('EnableKeyRotation', { KeyId, RotationPeriodInDays: 30 })).toMatchObject({ json: { __type: 'ValidationException', message: expect.stringContaining('greater than or equal to 90') } });
    expect(await call('ScheduleKeyDeletion', { KeyId, PendingWindowInDays: 3 })).toMatchObject({ json: { __type: 'ValidationException' } });
    expect(await call('GetKeyPolicy', { KeyId, PolicyName: 'other' })).toMatchObject({ json: { __type: 'NotFoundException' } });
    expect(await call('ListKeys', { Marker: '!!' })).toMatchObject({ json: { __type: 'InvalidMarkerException' } });
    expect(await call('DescribeKey', '{"KeyId":')).toMatchObject({ status: 400, json: { __type: 'SerializationException' } });
    expect(await call('Encrypt', { KeyId, Plaintext: 'aGk=' })).toMatchObject({ status: 400, json: { __type: 'UnknownOperationException' } });
  });
});

describe('KMS aliases', () => {
  it('CreateAlias, ListAliases (all, and by key), UpdateAlias to another key, DescribeKey by alias, DeleteAlias', async () => {
    const one = (await ok('CreateKey', {})).KeyMetadata;
    const two = (await ok('CreateKey', {})).KeyMetadata;
    await ok('CreateAlias', { AliasName: 'alias/app-logs', TargetKeyId: one.Arn });
    expect((await ok('ListAliases', { KeyId: one.KeyId })).Aliases).toEqual([
      { AliasName: 'alias/app-logs', AliasArn: 'arn:aws:kms:eu-west-1:123456789012:alias/app-logs', TargetKeyId: one.KeyId, CreationDate: expect.any(Number), LastUpdatedDate: expect.any(Number) },
    ]);
    expect((await ok('DescribeKey', { KeyId: 'alias/app-logs' })).KeyMetadata.KeyId).toBe(one.KeyId);
    expect((await ok('DescribeKey', { KeyId: 'arn:aws:kms:eu-west-1:123456789012:alias/app-logs' })).KeyMetadata.KeyId).toBe(one.KeyId);
    await ok('UpdateAlias', { AliasName: 'alias/app-logs', TargetKeyId: two.KeyId });
    expect((await ok('ListAliases', {})).Aliases.find((a: Json) => a.AliasName === 'alias/app-logs').TargetKeyId).toBe(two.KeyId);
    expect((await ok('ListAliases', { KeyId: one.KeyId })).Aliases).toEqual([]);
    await ok('DeleteAlias', { AliasName: 'alias/app-logs' });
    expect(await call('DeleteAlias', { AliasName: 'alias/app-logs' })).toMatchObject({ json: { __type: 'NotFoundException' } });
  });

  it('refuses a taken name, a name without alias/, the reserved alias/aws/ prefix, an alias as target and an unknown key', async () => {
    const { KeyMetadata: { KeyId } } = await ok('CreateKey', {});
    await ok('CreateAlias', { AliasName: 'alias/taken', TargetKeyId: KeyId });
    expect(await call('CreateAlias', { AliasName: 'alias/taken', TargetKeyId: KeyId })).toMatchObject({ json: { __type: 'AlreadyExistsException', message: 'An alias with the name arn:aws:kms:eu-west-1:123456789012:alias/taken already exists' } });
    expect(await call('CreateAlias', { AliasName: 'taken', TargetKeyId: KeyId })).toMatchObject({ json: { __type: 'ValidationException' } });
    expect(await call('CreateAlias', { AliasName: 'alias/aws/logs', TargetKeyId: KeyId })).toMatchObject({ json: { __type: 'NotAuthorizedException' } });
    expect(await call('CreateAlias', { AliasName: 'alias/bad name', TargetKeyId: KeyId })).toMatchObject({ json: { __type: 'ValidationException', message: expect.stringContaining('regular expression') } });
    expect(await call('CreateAlias', { AliasName: 'alias/other', TargetKeyId: 'alias/taken' })).toMatchObject({ json: { __type: 'ValidationException' } });
    expect(await call('CreateAlias', { AliasName: 'alias/other', TargetKeyId: '11111111-1111-1111-1111-111111111111' })).toMatchObject({ json: { __type: 'NotFoundException' } });
    expect(await call('UpdateAlias', { AliasName: 'alias/none', TargetKeyId: KeyId })).toMatchObject({ json: { __type: 'NotFoundException' } });
  });
});
