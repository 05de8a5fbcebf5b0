// The observability resource types of a stack (KMS keys and aliases, SNS topics and subscriptions, CloudWatch alarms
// and dashboards, CloudWatch Logs metric filters), brought into the twin through the same operations, with the inputs
// terraform-provider-aws 5.100 sends (recorded against the twin; internal/service/kms/key.go, alias.go,
// sns/topic.go, topic_subscription.go, cloudwatch/metric_alarm.go, dashboard.go, logs/metric_filter.go).
import { AwsError } from '../aws/errors';
import type { LocalAwsClient } from '../aws/local-client';
import type { StackModel } from '../stack/stack-model';
import { isNotFound } from './cognito';
import { tagsAll, type ResourceHandler } from './handlers';
import { block, blocks, bool, compact, num, str, strList, stringMap } from './terraform';

type Json = Record<string, unknown>;

const KMS = 'TrentService';
const LOGS = 'Logs_20140328';

/** Runs `fn`, answering undefined when what it names is gone (each service has its own not-found code). */
async function unlessGone<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    if (isNotFound(err) || (err instanceof AwsError && (err.code === 'NotFound' || err.code === 'ResourceNotFound'))) return undefined;
    throw err;
  }
}

/** The text of the first `<name>` element of a Query answer. */
function element(xmlText: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xmlText);
  return m ? m[1].replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&') : undefined;
}

/** Query parameters of a tag map (`Tags.member.<n>.Key` / `.Value`). */
function tagParams(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).flatMap(([k, v], i) => [[`Tags.member.${i + 1}.Key`, k], [`Tags.member.${i + 1}.Value`, v]]));
}

/** Query parameters of a list (`<name>.member.<n>`). */
function listParams(name: string, items: readonly string[]): Record<string, string> {
  return Object.fromEntries(items.map((v, i) => [`${name}.member.${i + 1}`, v]));
}

/** A policy as the provider sends it: JSON text, whatever form the stack gave. */
const policyText = (v: unknown) => (v === undefined || v === null || v === '' ? undefined : typeof v === 'string' ? v : JSON.stringify(v));

/** Brings a resource's tags to `want` through a service's tag and untag calls. */
async function syncTags(current: Record<string, string>, want: Record<string, string>, tag: (tags: Record<string, string>) => Promise<unknown>, untag: (keys: string[]) => Promise<unknown>): Promise<void> {
  const gone = Object.keys(current).filter((k) => !(k in want));
  if (gone.length > 0) await untag(gone);
  const changed = Object.fromEntries(Object.entries(want).filter(([k, v]) => current[k] !== v));
  if (Object.keys(changed).length > 0) await tag(changed);
}

/**
 * `aws_kms_key`: CreateKey, then rotation (EnableKeyRotation with the period) as the provider does; an existing key
 * is brought to the stack's description, policy, rotation, enabled state and tags. A new key usage or key spec
 * replaces the key (force-new), the old one scheduled for deletion.
 */
const kmsKey: ResourceHandler = {
  type: 'aws_kms_key',
  rank: 1,
  async apply(_r, args, recorded, ctx) {
    const usage = str(args['key_usage']) ?? 'ENCRYPT_DECRYPT';
    const spec = str(args['customer_master_key_spec']) ?? 'SYMMETRIC_DEFAULT';
    const tags = tagsAll(args, ctx);
    const policy = policyText(args['policy']);
    const description = str(args['description']) ?? '';
    let current = typeof recorded?.['keyId'] === 'string' ? await unlessGone(() => ctx.aws.json(KMS, 'DescribeKey', { KeyId: String(recorded['keyId']) })) : undefined;
    let meta = current?.['KeyMetadata'] as Json | undefined;
    if (meta && (meta['KeyState'] === 'PendingDeletion' || meta['KeyUsage'] !== usage || meta['KeySpec'] !== spec)) {
      if (meta['KeyState'] !== 'PendingDeletion') await this.remove(recorded as Json, ctx);
      current = undefined;
      meta = undefined;
    }
    if (!meta) {
      meta = (await ctx.aws.json(KMS, 'CreateKey', compact({
        Description: description || undefined, KeyUsage: usage, CustomerMasterKeySpec: spec, Policy: policy, MultiRegion: bool(args['multi_region']),
        Tags: Object.keys(tags).length ? Object.entries(tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })) : undefined,
      })))['KeyMetadata'] as Json;
    } else {
      const keyId = String(meta['KeyId']);
      if (meta['Description'] !== description) await ctx.aws.json(KMS, 'UpdateKeyDescription', { KeyId: keyId, Description: description });
      if (policy !== undefined) await ctx.aws.json(KMS, 'PutKeyPolicy', { KeyId: keyId, Policy: policy, PolicyName: 'default' });
      const tagged = (await ctx.aws.json(KMS, 'ListResourceTags', { KeyId: keyId }))['Tags'] as { TagKey: string; TagValue: string }[];
      await syncTags(Object.fromEntries(tagged.map((t) => [t.TagKey, t.TagValue])), tags,
        (t) => ctx.aws.json(KMS, 'TagResource', { KeyId: keyId, Tags: Object.entries(t).map(([TagKey, TagValue]) => ({ TagKey, TagValue })) }),
        (keys) => ctx.aws.json(KMS, 'UntagResource', { KeyId: keyId, TagKeys: keys }));
    }
    const keyId = String(meta['KeyId']);
    const record = { keyId, window: num(args['deletion_window_in_days']) ?? 30 };
    ctx.remember(record);
    const enabled = bool(args['is_enabled']) ?? true;
    if (enabled && meta['KeyState'] === 'Disabled') await ctx.aws.json(KMS, 'EnableKey', { KeyId: keyId });
    const rotation = bool(args['enable_key_rotation']) ?? false;
    const period = num(args['rotation_period_in_days']);
    if (rotation) await ctx.aws.json(KMS, 'EnableKeyRotation', compact({ KeyId: keyId, RotationPeriodInDays: period }));
    else if (current) await ctx.aws.json(KMS, 'DisableKeyRotation', { KeyId: keyId });
    if (!enabled && meta['KeyState'] !== 'Disabled') await ctx.aws.json(KMS, 'DisableKey', { KeyId: keyId });
    const arn = String(meta['Arn']);
    return {
      record,
      attributes: { ...args, id: keyId, key_id: keyId, arn, description, key_usage: usage, customer_master_key_spec: spec, is_enabled: enabled, enable_key_rotation: rotation, rotation_period_in_days: rotation ? period ?? 365 : period, tags_all: tags },
    };
  },
  async remove(recorded, ctx) {
    const keyId = String(recorded['keyId']);
    const meta = (await unlessGone(() => ctx.aws.json(KMS, 'DescribeKey', { KeyId: keyId })))?.['KeyMetadata'] as Json | undefined;
    if (meta && meta['KeyState'] !== 'PendingDeletion') await ctx.aws.json(KMS, 'ScheduleKeyDeletion', { KeyId: keyId, PendingWindowInDays: num(recorded['window']) ?? 30 });
  },
};

/** `aws_kms_alias`: CreateAlias, or UpdateAlias to a new target; a new name replaces the alias (force-new). */
const kmsAlias: ResourceHandler = {
  type: 'aws_kms_alias',
  rank: 2,
  async apply(_r, args, recorded, ctx) {
    const name = str(args['name']) ?? (typeof recorded?.['name'] === 'string' ? recorded['name'] : `${str(args['name_prefix']) ?? 'alias/terraform-'}${Date.now().toString(36)}`);
    if (typeof recorded?.['name'] === 'string' && recorded['name'] !== name) await this.remove(recorded, ctx);
    const target = str(args['target_key_id']) ?? '';
    const listed = ((await ctx.aws.json(KMS, 'ListAliases', { Limit: 100 }))['Aliases'] as Json[]).find((a) => a['AliasName'] === name);
    if (!listed) await ctx.aws.json(KMS, 'CreateAlias', { AliasName: name, TargetKeyId: target });
    else await ctx.aws.json(KMS, 'UpdateAlias', { AliasName: name, TargetKeyId: target });
    const key = (await ctx.aws.json(KMS, 'DescribeKey', { KeyId: target }))['KeyMetadata'] as Json;
    const arn = `arn:aws:kms:${ctx.region}:${ctx.accountId}:${name}`;
    return { record: { name }, attributes: { ...args, id: name, name, arn, target_key_id: key['KeyId'], target_key_arn: key['Arn'] } };
  },
  async remove(recorded, ctx) {
    await unlessGone(() => ctx.aws.json(KMS, 'DeleteAlias', { AliasName: String(recorded['name']) }));
  },
};

/** SNS topic attributes by their Terraform argument names (sns/topic.go's attribute map, the ones a stack sets). */
const TOPIC_ATTRIBUTES: Readonly<Record<string, string>> = {
  display_name: 'DisplayName', policy: 'Policy', delivery_policy: 'DeliveryPolicy', kms_master_key_id: 'KmsMasterKeyId', signature_version: 'SignatureVersion',
  tracing_config: 'TracingConfig', content_based_deduplication: 'ContentBasedDeduplication', archive_policy: 'ArchivePolicy',
};

/** `aws_sns_topic`: CreateTopic with the tags, then SetTopicAttributes per attribute, as the provider does; a new name replaces it. */
const snsTopic: ResourceHandler = {
  type: 'aws_sns_topic',
  rank: 3,
  async apply(_r, args, recorded, ctx) {
    const fifo = bool(args['fifo_topic']) ?? false;
    const name = str(args['name']) ?? (typeof recorded?.['name'] === 'string' ? recorded['name'] : `${str(args['name_prefix']) ?? 'terraform-'}${Date.now().toString(36)}${fifo ? '.fifo' : ''}`);
    if (typeof recorded?.['name'] === 'string' && recorded['name'] !== name) await this.remove(recorded, ctx);
    const tags = tagsAll(args, ctx);
    const arn = element(await ctx.aws.query('sns', 'CreateTopic', { Name: name, ...(fifo ? { 'Attributes.entry.1.key': 'FifoTopic', 'Attributes.entry.1.value': 'true' } : {}), ...tagParams(tags) }), 'TopicArn') as string;
    ctx.remember({ name, arn });
    const current = await ctx.aws.query('sns', 'GetTopicAttributes', { TopicArn: arn });
    for (const [arg, attribute] of Object.entries(TOPIC_ATTRIBUTES)) {
      const want = arg === 'policy' || arg === 'delivery_policy' || arg === 'archive_policy' ? policyText(args[arg]) : str(args[arg]);
      const have = new RegExp(`<key>${attribute}</key><value>([^<]*)</value>`).exec(current)?.[1];
      if (want !== undefined || (have !== undefined && arg !== 'policy' && arg !== 'signature_version' && arg !== 'tracing_config')) {
        await ctx.aws.query('sns', 'SetTopicAttributes', { TopicArn: arn, AttributeName: attribute, AttributeValue: want ?? '' });
      }
    }
    const listed = await ctx.aws.query('sns', 'ListTagsForResource', { ResourceArn: arn });
    const have = Object.fromEntries([...listed.matchAll(/<Key>([^<]*)<\/Key><Value>([^<]*)<\/Value>/g)].map((m) => [m[1], m[2]]));
    await syncTags(have, tags, (t) => ctx.aws.query('sns', 'TagResource', { ResourceArn: arn, ...tagParams(t) }), (keys) => ctx.aws.query('sns', 'UntagResource', { ResourceArn: arn, ...listParams('TagKeys', keys) }));
    return { record: { name, arn }, attributes: { ...args, id: arn, arn, name, owner: ctx.accountId, fifo_topic: fifo, tags_all: tags } };
  },
  async remove(recorded, ctx) {
    await unlessGone(() => ctx.aws.query('sns', 'DeleteTopic', { TopicArn: String(recorded['arn']) }));
  },
};

const SUBSCRIPTION_ATTRIBUTES: Readonly<Record<string, string>> = {
  delivery_policy: 'DeliveryPolicy', filter_policy: 'FilterPolicy', filter_policy_scope: 'FilterPolicyScope', raw_message_delivery: 'RawMessageDelivery',
  redrive_policy: 'RedrivePolicy', subscription_role_arn: 'SubscriptionRoleArn', replay_policy: 'ReplayPolicy',
};

/**
 * `aws_sns_topic_subscription`: Subscribe (ReturnSubscriptionArn, as the provider asks) with its attributes; a new
 * topic, protocol or endpoint replaces it (force-new), other attributes are set in place.
 */
const snsSubscription: ResourceHandler = {
  type: 'aws_sns_topic_subscription',
  rank: 4,
  async apply(_r, args, recorded, ctx) {
    const topicArn = str(args['topic_arn']) ?? '';
    const protocol = str(args['protocol']) ?? '';
    const endpoint = str(args['endpoint']) ?? '';
    const key = `${topicArn} ${protocol} ${endpoint}`;
    let arn = typeof recorded?.['arn'] === 'string' && recorded['key'] === key ? String(recorded['arn']) : undefined;
    if (recorded && !arn) await this.remove(recorded, ctx);
    if (arn && !(await unlessGone(() => ctx.aws.query('sns', 'GetSubscriptionAttributes', { SubscriptionArn: arn as string })))) arn = undefined;
    const attributes: Record<string, string> = {};
    for (const [a, attribute] of Object.entries(SUBSCRIPTION_ATTRIBUTES)) {
      const v = a.endsWith('_policy') ? policyText(args[a]) : str(args[a]);
      if (v !== undefined) attributes[attribute] = v;
    }
    if (!arn) {
      const entries = Object.entries(attributes).flatMap(([k, v], i) => [[`Attributes.entry.${i + 1}.key`, k], [`Attributes.entry.${i + 1}.value`, v]]);
      arn = element(await ctx.aws.query('sns', 'Subscribe', { TopicArn: topicArn, Protocol: protocol, Endpoint: endpoint, ReturnSubscriptionArn: 'true', ...Object.fromEntries(entries) }), 'SubscriptionArn') as string;
    } else {
      for (const attribute of Object.values(SUBSCRIPTION_ATTRIBUTES)) {
        if (attribute === 'FilterPolicyScope' && attributes['FilterPolicy'] === undefined) continue;
        await ctx.aws.query('sns', 'SetSubscriptionAttributes', { SubscriptionArn: arn, AttributeName: attribute, AttributeValue: attributes[attribute] ?? (attribute === 'RawMessageDelivery' ? 'false' : '') });
      }
    }
    const pending = protocol.startsWith('email') || protocol.startsWith('http');
    return { record: { arn, key }, attributes: { ...args, id: arn, arn, owner_id: ctx.accountId, pending_confirmation: pending, confirmation_was_authenticated: false } };
  },
  async remove(recorded, ctx) {
    await unlessGone(() => ctx.aws.query('sns', 'Unsubscribe', { SubscriptionArn: String(recorded['arn']) }));
  },
};

/** PutMetricAlarm's parameters for one `metric_query` block. */
function metricQueryParams(queries: Json[]): Record<string, string> {
  const out: Record<string, string> = {};
  queries.forEach((q, i) => {
    const p = `Metrics.member.${i + 1}`;
    const put = (k: string, v: unknown) => {
      const s = str(v);
      if (s !== undefined) out[`${p}.${k}`] = s;
    };
    put('Id', q['id']);
    put('Expression', q['expression']);
    put('Label', q['label']);
    put('ReturnData', q['return_data']);
    put('Period', q['period']);
    put('AccountId', q['account_id']);
    const metric = block(q['metric']);
    if (metric) {
      put('MetricStat.Metric.MetricName', metric['metric_name']);
      put('MetricStat.Metric.Namespace', metric['namespace']);
      Object.entries(stringMap(metric['dimensions']) ?? {}).forEach(([k, v], j) => {
        out[`${p}.MetricStat.Metric.Dimensions.member.${j + 1}.Name`] = k;
        out[`${p}.MetricStat.Metric.Dimensions.member.${j + 1}.Value`] = v;
      });
      put('MetricStat.Period', metric['period']);
      put('MetricStat.Stat', metric['stat']);
      put('MetricStat.Unit', metric['unit']);
    }
  });
  return out;
}

/** `aws_cloudwatch_metric_alarm`: PutMetricAlarm (create and update alike), tags through TagResource/UntagResource once it exists. */
const metricAlarm: ResourceHandler = {
  type: 'aws_cloudwatch_metric_alarm',
  rank: 7,
  async apply(_r, args, recorded, ctx) {
    const name = str(args['alarm_name']) ?? '';
    if (typeof recorded?.['name'] === 'string' && recorded['name'] !== name) await this.remove(recorded, ctx);
    const tags = tagsAll(args, ctx);
    const dimensions = Object.entries(stringMap(args['dimensions']) ?? {}).flatMap(([k, v], i) => [[`Dimensions.member.${i + 1}.Name`, k], [`Dimensions.member.${i + 1}.Value`, v]]);
    const existed = /<AlarmName>/.test(await ctx.aws.query('monitoring', 'DescribeAlarms', { 'AlarmNames.member.1': name, 'AlarmTypes.member.1': 'MetricAlarm' }));
    const threshold = str(args['threshold_metric_id']) ? {} : { Threshold: str(args['threshold']) ?? '0' };
    await ctx.aws.query('monitoring', 'PutMetricAlarm', {
      AlarmName: name, AlarmDescription: str(args['alarm_description']), ActionsEnabled: str(args['actions_enabled']) ?? 'true',
      ...listParams('AlarmActions', strList(args['alarm_actions']) ?? []), ...listParams('OKActions', strList(args['ok_actions']) ?? []),
      ...listParams('InsufficientDataActions', strList(args['insufficient_data_actions']) ?? []),
      MetricName: str(args['metric_name']), Namespace: str(args['namespace']), Statistic: str(args['statistic']), ExtendedStatistic: str(args['extended_statistic']),
      ...Object.fromEntries(dimensions), Period: str(args['period']), Unit: str(args['unit']), EvaluationPeriods: str(args['evaluation_periods']),
      DatapointsToAlarm: str(args['datapoints_to_alarm']), ...threshold, ThresholdMetricId: str(args['threshold_metric_id']), ComparisonOperator: str(args['comparison_operator']),
      TreatMissingData: str(args['treat_missing_data']) ?? 'missing', EvaluateLowSampleCountPercentile: str(args['evaluate_low_sample_count_percentiles']),
      ...metricQueryParams(blocks(args['metric_query'])), ...(existed ? {} : tagParams(tags)),
    });
    ctx.remember({ name });
    const arn = `arn:aws:cloudwatch:${ctx.region}:${ctx.accountId}:alarm:${name}`;
    if (existed) {
      const listed = await ctx.aws.query('monitoring', 'ListTagsForResource', { ResourceARN: arn });
      const have = Object.fromEntries([...listed.matchAll(/<Key>([^<]*)<\/Key><Value>([^<]*)<\/Value>/g)].map((m) => [m[1], m[2]]));
      await syncTags(have, tags, (t) => ctx.aws.query('monitoring', 'TagResource', { ResourceARN: arn, ...tagParams(t) }), (keys) => ctx.aws.query('monitoring', 'UntagResource', { ResourceARN: arn, ...listParams('TagKeys', keys) }));
    }
    return { record: { name }, attributes: { ...args, id: name, alarm_name: name, arn, tags_all: tags } };
  },
  async remove(recorded, ctx) {
    await unlessGone(() => ctx.aws.query('monitoring', 'DeleteAlarms', { 'AlarmNames.member.1': String(recorded['name']) }));
  },
};

/** `aws_cloudwatch_dashboard`: PutDashboard (create and update alike); a new name replaces it. */
const dashboard: ResourceHandler = {
  type: 'aws_cloudwatch_dashboard',
  rank: 7,
  async apply(_r, args, recorded, ctx) {
    const name = str(args['dashboard_name']) ?? '';
    if (typeof recorded?.['name'] === 'string' && recorded['name'] !== name) await this.remove(recorded, ctx);
    await ctx.aws.query('monitoring', 'PutDashboard', { DashboardName: name, DashboardBody: policyText(args['dashboard_body']) ?? '' });
    return { record: { name }, attributes: { ...args, id: name, dashboard_name: name, dashboard_arn: `arn:aws:cloudwatch::${ctx.accountId}:dashboard/${name}` } };
  },
  async remove(recorded, ctx) {
    await unlessGone(() => ctx.aws.query('monitoring', 'DeleteDashboards', { 'DashboardNames.member.1': String(recorded['name']) }));
  },
};

/** `aws_cloudwatch_log_metric_filter`: PutMetricFilter (create and update alike); a new name or group replaces it. */
const metricFilter: ResourceHandler = {
  type: 'aws_cloudwatch_log_metric_filter',
  rank: 6,
  async apply(_r, args, recorded, ctx) {
    const name = str(args['name']) ?? '';
    const group = str(args['log_group_name']) ?? '';
    if (recorded && (recorded['name'] !== name || recorded['group'] !== group)) await this.remove(recorded, ctx);
    const transformations = blocks(args['metric_transformation']).map((t) => compact({
      metricName: str(t['name']), metricNamespace: str(t['namespace']), metricValue: str(t['value']), defaultValue: num(t['default_value']),
      dimensions: stringMap(t['dimensions']), unit: str(t['unit']) ?? 'None',
    }));
    await ctx.aws.json(LOGS, 'PutMetricFilter', compact({
      logGroupName: group, filterName: name, filterPattern: (str(args['pattern']) ?? '').trim(), metricTransformations: transformations, applyOnTransformedLogs: bool(args['apply_on_transformed_logs']),
    }));
    return { record: { name, group }, attributes: { ...args, id: name, name, log_group_name: group } };
  },
  async remove(recorded, ctx) {
    await unlessGone(() => ctx.aws.json(LOGS, 'DeleteMetricFilter', { logGroupName: String(recorded['group']), filterName: String(recorded['name']) }));
  },
};

export const OBSERVABILITY_HANDLERS: readonly ResourceHandler[] = [kmsKey, kmsAlias, snsTopic, snsSubscription, metricFilter, metricAlarm, dashboard];

/** The data sources the stack loader resolves (the twin's own account). */
export const EMULATED_DATA_SOURCES: readonly string[] = ['aws_caller_identity'];

/**
 * `data.aws_caller_identity.<name>`: what STS GetCallerIdentity answers for the twin's credentials (`account_id`, `arn`,
 * `user_id`), read through the twin's own STS as the provider reads it, so that key policies name the twin's account.
 */
export async function resolveCallerIdentity(stack: StackModel, aws: LocalAwsClient): Promise<void> {
  const names = stack.dataSources('aws_caller_identity');
  if (names.length === 0) return;
  const answer = await aws.query('sts', 'GetCallerIdentity', {});
  const accountId = element(answer, 'Account');
  for (const name of names) stack.register(`data.aws_caller_identity.${name}`, { id: accountId, account_id: accountId, arn: element(answer, 'Arn'), user_id: element(answer, 'UserId') });
}
