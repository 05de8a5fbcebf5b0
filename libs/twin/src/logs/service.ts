import { AwsError } from '../aws/errors';
import type { AwsCall, JsonService } from '../aws/front';
import { validateInput, type InputShape } from '../aws/input';
import type { TwinClock } from '../contracts';
import type { TwinStore } from '../store/store';

/** A log group as `DescribeLogGroups` answers it. */
export interface LogGroupDoc {
  readonly logGroupName: string;
  readonly creationTime: number;
  readonly retentionInDays?: number;
  readonly metricFilterCount: number;
  /** `arn:aws:logs:<region>:<account>:log-group:<name>:*`, as AWS writes it. */
  readonly arn: string;
  readonly logGroupArn: string;
  readonly storedBytes: number;
  readonly kmsKeyId?: string;
  readonly logGroupClass: string;
}

export const LOG_GROUP = 'logs.group';

/** Retention periods CloudWatch Logs accepts, in days. */
export const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
const NAME = { type: 'string', min: 1, max: 512, pattern: /^[.\-_/#A-Za-z0-9]+$/, patternText: '[\\.\\-_/#A-Za-z0-9]+' } as const;
const ARN = { type: 'string', min: 1, max: 1011 } as const;
const CLASSES = ['STANDARD', 'INFREQUENT_ACCESS', 'DELIVERY'];

/**
 * CloudWatch Logs: the log groups (with retention, tags and KMS key) that stacks declare for access logs. Groups are
 * per region; nothing reads the events, which stay with the twin's own log output.
 * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_Operations.html
 */
export class LogsService {
  constructor(private readonly store: TwinStore, private readonly clock: TwinClock) {}

  /** The group of a region, if any. */
  group(region: string, name: string): LogGroupDoc | undefined {
    return this.store.resource<LogGroupDoc>(LOG_GROUP, `${region}/${name}`)?.doc;
  }

  createLogGroup(call: AwsCall, input: { logGroupName: string; kmsKeyId?: string; tags?: Record<string, string>; logGroupClass?: string }): void {
    if (this.group(call.region, input.logGroupName)) throw new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists');
    const logGroupClass = input.logGroupClass ?? 'STANDARD';
    const logGroupArn = `arn:aws:logs:${call.region}:${call.accountId}:log-group:${input.logGroupName}`;
    const doc: LogGroupDoc = {
      logGroupName: input.logGroupName, creationTime: this.clock.now(), metricFilterCount: 0, arn: `${logGroupArn}:*`, logGroupArn, storedBytes: 0,
      ...(input.kmsKeyId ? { kmsKeyId: input.kmsKeyId } : {}), logGroupClass,
    };
    this.store.transaction(() => {
      this.store.putResource({ kind: LOG_GROUP, id: `${call.region}/${input.logGroupName}`, parent: call.region, doc: { ...doc } });
      if (input.tags && Object.keys(input.tags).length > 0) this.store.tag(logGroupArn, input.tags);
    });
  }

  private require(call: AwsCall, name: string): LogGroupDoc {
    const group = this.group(call.region, name);
    if (!group) throw new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');
    return group;
  }

  private update(call: AwsCall, doc: LogGroupDoc): void {
    this.store.putResource({ kind: LOG_GROUP, id: `${call.region}/${doc.logGroupName}`, parent: call.region, doc: { ...doc } });
  }

  putRetentionPolicy(call: AwsCall, name: string, days: number): void {
    if (!RETENTION_DAYS.includes(days)) {
      throw new AwsError('InvalidParameterException', `1 validation error detected: Value '${days}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`);
    }
    this.update(call, { ...this.require(call, name), retentionInDays: days });
  }

  deleteRetentionPolicy(call: AwsCall, name: string): void {
    const { retentionInDays: _dropped, ...rest } = this.require(call, name);
    this.update(call, rest);
  }

  deleteLogGroup(call: AwsCall, name: string): void {
    const group = this.require(call, name);
    this.store.transaction(() => {
      this.store.deleteResource(LOG_GROUP, `${call.region}/${name}`);
      this.store.untag(group.logGroupArn);
    });
  }

  describeLogGroups(call: AwsCall, input: { logGroupNamePrefix?: string; logGroupNamePattern?: string; limit?: number; nextToken?: string }): { logGroups: LogGroupDoc[]; nextToken?: string } {
    const all = this.store
      .resources<LogGroupDoc>(LOG_GROUP, call.region)
      .map((r) => r.doc)
      .filter((g) => (input.logGroupNamePrefix === undefined || g.logGroupName.startsWith(input.logGroupNamePrefix)) && (input.logGroupNamePattern === undefined || g.logGroupName.includes(input.logGroupNamePattern)))
      .sort((a, b) => (a.logGroupName < b.logGroupName ? -1 : 1));
    const start = input.nextToken === undefined ? 0 : Number.parseInt(Buffer.from(input.nextToken, 'base64url').toString('utf8'), 10);
    if (!Number.isInteger(start) || start < 0) throw new AwsError('InvalidParameterException', 'The specified nextToken is invalid.');
    const limit = input.limit ?? 50;
    const page = all.slice(start, start + limit);
    return { logGroups: page, ...(start + limit < all.length ? { nextToken: Buffer.from(String(start + limit)).toString('base64url') } : {}) };
  }

  /** The group an ARN names (`...:log-group:<name>` with or without `:*`). */
  groupOfArn(call: AwsCall, arn: string): LogGroupDoc {
    const m = /^arn:aws[a-z-]*:logs:([a-z0-9-]+):(\d{12}):log-group:([^:]+)(:\*)?$/.exec(arn);
    const group = m && m[2] === call.accountId ? this.group(m[1], m[3]) : undefined;
    if (!group) throw new AwsError('ResourceNotFoundException', `The specified resource does not exist: ${arn.slice(0, 256)}`);
    return group;
  }

  tags(arn: string): Record<string, string> {
    return this.store.tags(arn);
  }

  tag(arn: string, tags: Record<string, string>): void {
    this.store.tag(arn, tags);
  }

  untag(arn: string, keys: readonly string[]): void {
    this.store.untag(arn, keys);
  }
}

const op = <I>(shape: InputShape, run: (input: I, call: AwsCall) => unknown) => ({
  auth: 'sigv4' as const,
  run: (body: Record<string, unknown>, call: AwsCall) => run(validateInput(body, shape) as I, call),
});

/** The JSON 1.1 operations of CloudWatch Logs (`X-Amz-Target: Logs_20140328.<Operation>`). */
export function logsJsonService(logs: LogsService): JsonService {
  const tagMap = { type: 'map' } as const;
  return {
    targetPrefix: 'Logs_20140328',
    signingName: 'logs',
    bodyLimit: 1024 * 1024,
    operations: {
      CreateLogGroup: op<{ logGroupName: string; kmsKeyId?: string; tags?: Record<string, string>; logGroupClass?: string }>(
        { logGroupName: { ...NAME, required: true }, kmsKeyId: { type: 'string', max: 256 }, tags: tagMap, logGroupClass: { type: 'string', enum: CLASSES } },
        (i, call) => (logs.createLogGroup(call, i), {}),
      ),
      PutRetentionPolicy: op<{ logGroupName: string; retentionInDays: number }>(
        { logGroupName: { ...NAME, required: true }, retentionInDays: { type: 'integer', required: true } },
        (i, call) => (logs.putRetentionPolicy(call, i.logGroupName, i.retentionInDays), {}),
      ),
      DeleteRetentionPolicy: op<{ logGroupName: string }>({ logGroupName: { ...NAME, required: true } }, (i, call) => (logs.deleteRetentionPolicy(call, i.logGroupName), {})),
      DeleteLogGroup: op<{ logGroupName: string }>({ logGroupName: { ...NAME, required: true } }, (i, call) => (logs.deleteLogGroup(call, i.logGroupName), {})),
      DescribeLogGroups: op<{ logGroupNamePrefix?: string; logGroupNamePattern?: string; limit?: number; nextToken?: string }>(
        { logGroupNamePrefix: { ...NAME }, logGroupNamePattern: { type: 'string', max: 512 }, limit: { type: 'integer', min: 1, max: 50 }, nextToken: { type: 'string', min: 1 } },
        (i, call) => logs.describeLogGroups(call, i),
      ),
      ListTagsForResource: op<{ resourceArn: string }>({ resourceArn: { ...ARN, required: true } }, (i, call) => ({ tags: logs.tags(logs.groupOfArn(call, i.resourceArn).logGroupArn) })),
      TagResource: op<{ resourceArn: string; tags: Record<string, string> }>({ resourceArn: { ...ARN, required: true }, tags: { ...tagMap, required: true } }, (i, call) => (logs.tag(logs.groupOfArn(call, i.resourceArn).logGroupArn, i.tags), {})),
      UntagResource: op<{ resourceArn: string; tagKeys: string[] }>({ resourceArn: { ...ARN, required: true }, tagKeys: { type: 'stringList', required: true } }, (i, call) => (logs.untag(logs.groupOfArn(call, i.resourceArn).logGroupArn, i.tagKeys), {})),
      ListTagsLogGroup: op<{ logGroupName: string }>({ logGroupName: { ...NAME, required: true } }, (i, call) => ({ tags: logs.tags(logs.group(call.region, i.logGroupName)?.logGroupArn ?? '') })),
    },
  };
}
