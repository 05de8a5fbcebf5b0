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
export const METRIC_FILTER = 'logs.metric-filter';

/** A metric filter as `DescribeMetricFilters` answers it. */
export interface MetricFilterDoc {
  readonly filterName: string;
  readonly filterPattern: string;
  readonly metricTransformations: readonly MetricTransformation[];
  readonly creationTime: number;
  readonly logGroupName: string;
  readonly applyOnTransformedLogs: boolean;
}

interface MetricTransformation {
  readonly metricName: string;
  readonly metricNamespace: string;
  readonly metricValue: string;
  readonly defaultValue?: number;
  readonly dimensions?: Readonly<Record<string, string>>;
  readonly unit?: string;
}

/** Whether a KMS key ARN names a key of the twin that may encrypt (exists and is enabled). */
export type KmsKeyCheck = (call: AwsCall, keyArn: string) => boolean;

/** Retention periods CloudWatch Logs accepts, in days. */
export const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
const NAME = { type: 'string', min: 1, max: 512, pattern: /^[.\-_/#A-Za-z0-9]+$/, patternText: '[\\.\\-_/#A-Za-z0-9]+' } as const;
const ARN = { type: 'string', min: 1, max: 1011 } as const;
const CLASSES = ['STANDARD', 'INFREQUENT_ACCESS', 'DELIVERY'];
const FILTER_NAME = { type: 'string', min: 1, max: 512, pattern: /^[^:*]*$/, patternText: '[^:*]*' } as const;
const METRIC_NAME = { type: 'string', max: 255, pattern: /^[^:*$]*$/, patternText: '[^:*$]*' } as const;
const UNITS = [
  'Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes', 'Bits', 'Kilobits', 'Megabits', 'Gigabits', 'Terabits', 'Percent', 'Count',
  'Bytes/Second', 'Kilobytes/Second', 'Megabytes/Second', 'Gigabytes/Second', 'Terabytes/Second', 'Bits/Second', 'Kilobits/Second', 'Megabits/Second', 'Gigabits/Second', 'Terabits/Second', 'Count/Second', 'None',
];

/** One `metricTransformations` item, checked as CloudWatch Logs checks it (a default value and dimensions exclude each other). */
function transformation(t: Record<string, unknown>): MetricTransformation {
  const input = validateInput(t, {
    metricName: { ...METRIC_NAME, min: 1, required: true }, metricNamespace: { type: 'string', min: 1, max: 255, required: true }, metricValue: { type: 'string', min: 1, max: 100, required: true },
    dimensions: { type: 'map' }, unit: { type: 'string', enum: UNITS },
  });
  const defaultValue = t['defaultValue'];
  if (defaultValue !== undefined && defaultValue !== null && (typeof defaultValue !== 'number' || !Number.isFinite(defaultValue))) {
    throw new AwsError('SerializationException', 'Unexpected value for member defaultValue: expected a number.');
  }
  if (typeof defaultValue === 'number' && input['dimensions'] !== undefined) throw new AwsError('InvalidParameterException', 'A metric transformation cannot have both a defaultValue and dimensions.');
  return { ...(input as unknown as MetricTransformation), ...(typeof defaultValue === 'number' ? { defaultValue } : {}) };
}

/**
 * CloudWatch Logs: the log groups (with retention, tags and KMS key) that stacks declare for access logs. Groups are
 * per region; nothing reads the events, which stay with the twin's own log output.
 * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_Operations.html
 */
export class LogsService {
  constructor(private readonly store: TwinStore, private readonly clock: TwinClock, private readonly kmsKey?: KmsKeyCheck) {}

  /** The group of a region, if any. */
  group(region: string, name: string): LogGroupDoc | undefined {
    return this.store.resource<LogGroupDoc>(LOG_GROUP, `${region}/${name}`)?.doc;
  }

  createLogGroup(call: AwsCall, input: { logGroupName: string; kmsKeyId?: string; tags?: Record<string, string>; logGroupClass?: string }): void {
    if (this.group(call.region, input.logGroupName)) throw new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists');
    if (input.kmsKeyId !== undefined) this.checkKey(call, input.kmsKeyId, input.logGroupName);
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
      for (const f of this.filters(call, name)) this.store.deleteResource(METRIC_FILTER, `${call.region}/${name}/${f.filterName}`);
      this.store.deleteResource(LOG_GROUP, `${call.region}/${name}`);
      this.store.untag(group.logGroupArn);
    });
  }

  /**
   * A log group's KMS key must be a key ARN (CloudWatch Logs takes no key id or alias) of a key that can encrypt; the
   * key policy is not evaluated.
   * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_AssociateKmsKey.html
   */
  private checkKey(call: AwsCall, keyArn: string, groupName: string): void {
    if (!/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/.+$/.test(keyArn)) {
      throw new AwsError('InvalidParameterException', `Invalid KMS key ARN ${keyArn.slice(0, 256)}. Fix: pass the key's ARN (arn:aws:kms:<region>:<account>:key/<key id>), not its id or an alias.`);
    }
    if (this.kmsKey && !this.kmsKey(call, keyArn)) {
      throw new AwsError('InvalidParameterException', `The specified KMS key does not exist or is not allowed to be used with Arn 'arn:aws:logs:${call.region}:${call.accountId}:log-group:${groupName}'`);
    }
  }

  associateKmsKey(call: AwsCall, name: string, keyArn: string): void {
    const group = this.require(call, name);
    this.checkKey(call, keyArn, name);
    this.update(call, { ...group, kmsKeyId: keyArn });
  }

  disassociateKmsKey(call: AwsCall, name: string): void {
    const { kmsKeyId: _dropped, ...rest } = this.require(call, name);
    this.update(call, rest);
  }

  private filters(call: AwsCall, groupName: string): MetricFilterDoc[] {
    return this.store.resources<MetricFilterDoc>(METRIC_FILTER, `${call.region}/${groupName}`).map((r) => r.doc);
  }

  /** PutMetricFilter: creates or replaces a filter of a group (one metric transformation, as CloudWatch Logs allows). */
  putMetricFilter(call: AwsCall, input: { logGroupName: string; filterName: string; filterPattern: string; metricTransformations: Record<string, unknown>[]; applyOnTransformedLogs?: boolean }): void {
    const group = this.require(call, input.logGroupName);
    const transformations = input.metricTransformations.map(transformation);
    if (transformations.length !== 1) {
      throw new AwsError('InvalidParameterException', `1 validation error detected: Value at 'metricTransformations' failed to satisfy constraint: Member must have length ${transformations.length === 0 ? 'greater than or equal to 1' : 'less than or equal to 1'}`);
    }
    const existing = this.store.resource<MetricFilterDoc>(METRIC_FILTER, `${call.region}/${group.logGroupName}/${input.filterName}`)?.doc;
    if (!existing && this.filters(call, group.logGroupName).length >= 100) throw new AwsError('LimitExceededException', 'Resource limit exceeded: a log group has at most 100 metric filters.');
    const doc: MetricFilterDoc = {
      filterName: input.filterName, filterPattern: input.filterPattern, metricTransformations: transformations, creationTime: existing?.creationTime ?? this.clock.now(),
      logGroupName: group.logGroupName, applyOnTransformedLogs: input.applyOnTransformedLogs ?? false,
    };
    this.store.transaction(() => {
      this.store.putResource({ kind: METRIC_FILTER, id: `${call.region}/${group.logGroupName}/${input.filterName}`, parent: `${call.region}/${group.logGroupName}`, doc: { ...doc } });
      this.update(call, { ...group, metricFilterCount: this.filters(call, group.logGroupName).length });
    });
  }

  describeMetricFilters(call: AwsCall, input: { logGroupName?: string; filterNamePrefix?: string; metricName?: string; metricNamespace?: string; limit?: number; nextToken?: string }): { metricFilters: MetricFilterDoc[]; nextToken?: string } {
    if (input.filterNamePrefix !== undefined && input.logGroupName === undefined) throw new AwsError('InvalidParameterException', 'filterNamePrefix requires logGroupName.');
    if ((input.metricName === undefined) !== (input.metricNamespace === undefined)) throw new AwsError('InvalidParameterException', 'metricName and metricNamespace must be given together.');
    if (input.logGroupName !== undefined) this.require(call, input.logGroupName);
    const groups = input.logGroupName !== undefined ? [input.logGroupName] : this.store.resources<LogGroupDoc>(LOG_GROUP, call.region).map((r) => r.doc.logGroupName);
    const all = groups.flatMap((g) => this.filters(call, g))
      .filter((f) => (input.filterNamePrefix === undefined || f.filterName.startsWith(input.filterNamePrefix))
        && (input.metricName === undefined || f.metricTransformations.some((t) => t.metricName === input.metricName && t.metricNamespace === input.metricNamespace)))
      .sort((a, b) => (a.logGroupName === b.logGroupName ? (a.filterName < b.filterName ? -1 : 1) : a.logGroupName < b.logGroupName ? -1 : 1));
    const start = input.nextToken === undefined ? 0 : Number.parseInt(Buffer.from(input.nextToken, 'base64url').toString('utf8'), 10);
    if (!Number.isInteger(start) || start < 0) throw new AwsError('InvalidParameterException', 'The specified nextToken is invalid.');
    const limit = input.limit ?? 50;
    return { metricFilters: all.slice(start, start + limit), ...(start + limit < all.length ? { nextToken: Buffer.from(String(start + limit)).toString('base64url') } : {}) };
  }

  deleteMetricFilter(call: AwsCall, groupName: string, filterName: string): void {
    const group = this.require(call, groupName);
    this.store.transaction(() => {
      if (!this.store.deleteResource(METRIC_FILTER, `${call.region}/${groupName}/${filterName}`)) throw new AwsError('ResourceNotFoundException', 'The specified metric filter does not exist.');
      this.update(call, { ...group, metricFilterCount: this.filters(call, groupName).length });
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
      AssociateKmsKey: op<{ logGroupName: string; kmsKeyId: string }>(
        { logGroupName: { ...NAME, required: true }, kmsKeyId: { type: 'string', max: 256, required: true }, resourceIdentifier: { type: 'string', min: 1, max: 2048 } },
        (i, call) => (logs.associateKmsKey(call, i.logGroupName, i.kmsKeyId), {}),
      ),
      DisassociateKmsKey: op<{ logGroupName: string }>({ logGroupName: { ...NAME, required: true }, resourceIdentifier: { type: 'string', min: 1, max: 2048 } }, (i, call) => (logs.disassociateKmsKey(call, i.logGroupName), {})),
      PutMetricFilter: op<{ logGroupName: string; filterName: string; filterPattern: string; metricTransformations: Record<string, unknown>[]; applyOnTransformedLogs?: boolean }>(
        {
          logGroupName: { ...NAME, required: true }, filterName: { ...FILTER_NAME, required: true }, filterPattern: { type: 'string', max: 1024, required: true },
          metricTransformations: { type: 'list', items: 'object', required: true }, applyOnTransformedLogs: { type: 'boolean' },
        },
        (i, call) => (logs.putMetricFilter(call, i), {}),
      ),
      DescribeMetricFilters: op<{ logGroupName?: string; filterNamePrefix?: string; metricName?: string; metricNamespace?: string; limit?: number; nextToken?: string }>(
        {
          logGroupName: NAME, filterNamePrefix: FILTER_NAME, metricName: METRIC_NAME, metricNamespace: { type: 'string', max: 255 },
          limit: { type: 'integer', min: 1, max: 50 }, nextToken: { type: 'string', min: 1 },
        },
        (i, call) => logs.describeMetricFilters(call, i),
      ),
      DeleteMetricFilter: op<{ logGroupName: string; filterName: string }>({ logGroupName: { ...NAME, required: true }, filterName: { ...FILTER_NAME, required: true } }, (i, call) => (logs.deleteMetricFilter(call, i.logGroupName, i.filterName), {})),
      ListTagsLogGroup: op<{ logGroupName: string }>({ logGroupName: { ...NAME, required: true } }, (i, call) => ({ tags: logs.tags(logs.group(call.region, i.logGroupName)?.logGroupArn ?? '') })),
    },
  };
}
