import { Lazy, TerraformStack, type TerraformResource } from 'cdktf';
import { Construct, type IConstruct } from 'constructs';
import type { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Duration, isUnresolved, partitionOf, regionOf, validateDuration, ValidationError, wholeAmount } from '@secure-api/core';

/**
 * What the account's administrators may do with a key: manage it, never use it. The statement keeps the key
 * manageable (KMS refuses a policy that would lock the account out) without letting any IAM principal decrypt.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-administrators
 */
export const KEY_ADMIN_ACTIONS = [
  'kms:Create*', 'kms:Describe*', 'kms:Enable*', 'kms:List*', 'kms:Put*', 'kms:Update*', 'kms:Revoke*', 'kms:Disable*',
  'kms:Get*', 'kms:Delete*', 'kms:TagResource', 'kms:UntagResource', 'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion',
  'kms:RotateKeyOnDemand',
] as const;

/**
 * What CloudWatch Logs needs of a key that encrypts log groups.
 * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/logs/encrypt-log-data-kms.html
 */
export const LOGS_KEY_ACTIONS = ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'] as const;

/** Props common to the stack's customer-managed keys. */
export interface KeyProps {
  /** The alias, without `alias/` (letters, digits, `/`, `_` and `-`), e.g. `secure-api-prod-logs`. */
  readonly alias: string;
  /**
   * A description shown in the console.
   * @default - says what the key encrypts
   */
  readonly description?: string;
  /**
   * How long a key scheduled for deletion can still be recovered: 7 to 30 days.
   * @default Duration.days(30)
   */
  readonly deletionWindow?: Duration;
  /**
   * How often KMS rotates the key material (rotation is always on): 90 to 2560 days.
   * @default Duration.days(365)
   */
  readonly rotationPeriod?: Duration;
}

/** The defaults of {@link KeyProps}, in one place. */
export const KEY_DEFAULTS = { deletionWindowDays: 30, rotationPeriodDays: 365 } as const;

type Statement = Record<string, unknown>;

/**
 * A symmetric customer-managed key with rotation on, an alias, and a key policy built at synth from the
 * statements its subclass allows. $1 a month per key plus $0.03 per 10,000 requests (us-east-1).
 * @see https://aws.amazon.com/kms/pricing/
 */
abstract class CustomerManagedKey extends Construct {
  /** The key's ARN (what `kms_key_id` of a log group and `kms_master_key_id` of a topic take). */
  readonly keyArn: string;
  readonly keyId: string;
  /** `alias/<alias>`. */
  readonly aliasName: string;
  /** The underlying `aws_kms_key`, for escape-hatch overrides. */
  readonly resource: KmsKey;
  protected readonly accountId: string;
  protected readonly region: string;
  protected readonly partition: string;

  protected constructor(scope: Construct, id: string, props: KeyProps, purpose: string) {
    super(scope, id);
    if (isUnresolved(props.alias) || !/^[\w/-]{1,250}$/.test(props.alias) || props.alias.startsWith('aws/')) {
      throw new ValidationError(this, 'alias', props.alias, 'is not a key alias of ours (letters, digits, /, _ and -, not under aws/)', 'use a name such as secure-api-prod-logs (without alias/)');
    }
    const deletionWindow = props.deletionWindow ?? Duration.days(KEY_DEFAULTS.deletionWindowDays);
    validateDuration(this, 'deletionWindow', deletionWindow, Duration.days(7), Duration.days(30));
    const rotation = props.rotationPeriod ?? Duration.days(KEY_DEFAULTS.rotationPeriodDays);
    validateDuration(this, 'rotationPeriod', rotation, Duration.days(90), Duration.days(2560));
    this.region = regionOf(this);
    this.partition = partitionOf(this.region);
    this.accountId = callerIdentity(this).accountId;
    this.resource = new KmsKey(this, 'Key', {
      description: props.description ?? purpose,
      keyUsage: 'ENCRYPT_DECRYPT',
      customerMasterKeySpec: 'SYMMETRIC_DEFAULT',
      enableKeyRotation: true,
      rotationPeriodInDays: wholeAmount(this, 'rotationPeriod', rotation, 'days'),
      deletionWindowInDays: wholeAmount(this, 'deletionWindow', deletionWindow, 'days'),
      policy: Lazy.stringValue({
        produce: () => JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Sid: 'AccountAdministersKey', Effect: 'Allow', Principal: { AWS: `arn:${this.partition}:iam::${this.accountId}:root` }, Action: [...KEY_ADMIN_ACTIONS], Resource: '*' },
            ...this.useStatements(),
          ],
        }),
      }),
    });
    new KmsAlias(this, 'Alias', { name: `alias/${props.alias}`, targetKeyId: this.resource.keyId });
    this.keyArn = this.resource.arn;
    this.keyId = this.resource.keyId;
    this.aliasName = `alias/${props.alias}`;
  }

  /** Who may use the key, and on what condition (resolved at synth, once the whole stack exists). */
  protected abstract useStatements(): Statement[];
}

/**
 * The environment's key for CloudWatch Logs: only CloudWatch Logs in this account and region may use it, and only
 * for the log groups of this stack that name it (`kms_key_id`): the key policy's encryption-context condition lists
 * their ARNs, gathered at synth, so a group added anywhere in the stack is covered without a second list to keep.
 *
 * Construct ids: `Key`, `Alias` (and the stack's `CallerIdentity` data source, shared).
 */
export class LogEncryptionKey extends CustomerManagedKey {
  constructor(scope: Construct, id: string, props: KeyProps) {
    super(scope, id, props, 'Encrypts the CloudWatch Logs log groups of this stack');
  }

  /** The ARNs of the stack's log groups this key encrypts, as CloudWatch Logs names them in the encryption context. */
  logGroupArns(): string[] {
    return encryptedLogGroups(this, this.keyArn).map((name) => `arn:${this.partition}:logs:${this.region}:${this.accountId}:log-group:${name}`);
  }

  protected useStatements(): Statement[] {
    const arns = this.logGroupArns();
    if (arns.length === 0) return [];
    return [{
      Sid: 'CloudWatchLogsEncryptsThisStacksGroups',
      Effect: 'Allow',
      Principal: { Service: `logs.${this.region}.amazonaws.com` },
      Action: [...LOGS_KEY_ACTIONS],
      Resource: '*',
      Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': arns } },
    }];
  }
}

/**
 * The key of the alarm topic: CloudWatch (alarm actions) may generate data keys and decrypt with it, only for
 * alarms of this account, as an encrypted SNS topic needs for CloudWatch to publish to it.
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 */
export class TopicEncryptionKey extends CustomerManagedKey {
  constructor(scope: Construct, id: string, props: KeyProps) {
    super(scope, id, props, 'Encrypts the alarm topic of this stack');
  }

  protected useStatements(): Statement[] {
    return [{
      Sid: 'CloudWatchAlarmsPublish',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceAccount': this.accountId } },
    }];
  }
}

/** The names of the stack's log groups whose `kms_key_id` is `keyArn`. */
function encryptedLogGroups(scope: IConstruct, keyArn: string): string[] {
  return TerraformStack.of(scope)
    .node.findAll()
    .filter((c): c is CloudwatchLogGroup => (c as Partial<TerraformResource>).terraformResourceType === 'aws_cloudwatch_log_group')
    .filter((g) => g.kmsKeyIdInput === keyArn)
    .map((g) => g.nameInput)
    .filter((n): n is string => typeof n === 'string');
}

/** The stack's one `aws_caller_identity` data source (the account the provider deploys to). */
function callerIdentity(scope: IConstruct): DataAwsCallerIdentity {
  const stack = TerraformStack.of(scope);
  const existing = stack.node.tryFindChild('CallerIdentity');
  return existing instanceof DataAwsCallerIdentity ? existing : new DataAwsCallerIdentity(stack, 'CallerIdentity');
}
