import { AwsError, xml } from '../aws/errors';
import type { AwsCall, QueryAction, QueryService } from '../aws/front';
import { QueryInput } from '../aws/query-input';
import type { TwinClock } from '../contracts';
import type { TwinStore } from '../store/store';

interface Dimension {
  readonly Name: string;
  readonly Value: string;
}

/** One query of a metric-math alarm (`Metrics.member.<n>`). */
interface MetricDataQuery {
  readonly Id: string;
  readonly Expression?: string;
  readonly Label?: string;
  readonly ReturnData?: boolean;
  readonly Period?: number;
  readonly AccountId?: string;
  readonly MetricStat?: { readonly Namespace?: string; readonly MetricName?: string; readonly Dimensions: readonly Dimension[]; readonly Period?: number; readonly Stat?: string; readonly Unit?: string };
}

/** A metric alarm as `DescribeAlarms` answers it (timestamps in ISO 8601). */
interface AlarmDoc {
  readonly AlarmName: string;
  readonly AlarmArn: string;
  readonly AlarmDescription?: string;
  readonly AlarmConfigurationUpdatedTimestamp: string;
  readonly ActionsEnabled: boolean;
  readonly OKActions: readonly string[];
  readonly AlarmActions: readonly string[];
  readonly InsufficientDataActions: readonly string[];
  readonly StateValue: string;
  readonly StateReason: string;
  readonly StateUpdatedTimestamp: string;
  readonly MetricName?: string;
  readonly Namespace?: string;
  readonly Statistic?: string;
  readonly ExtendedStatistic?: string;
  readonly Dimensions: readonly Dimension[];
  readonly Period?: number;
  readonly Unit?: string;
  readonly EvaluationPeriods: number;
  readonly DatapointsToAlarm?: number;
  readonly Threshold?: number;
  readonly ComparisonOperator: string;
  readonly TreatMissingData?: string;
  readonly EvaluateLowSampleCountPercentile?: string;
  readonly Metrics: readonly MetricDataQuery[];
  readonly ThresholdMetricId?: string;
}

interface DashboardDoc {
  readonly DashboardName: string;
  readonly DashboardArn: string;
  readonly DashboardBody: string;
  readonly LastModified: string;
}

export const CW_ALARM = 'cloudwatch.alarm';
export const CW_DASHBOARD = 'cloudwatch.dashboard';

const STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'];
/** Percentiles (p99, p99.9) and the trimmed and windsorized statistics (tm90, wm99, tc(10%:90%), ...). */
const EXTENDED = /^(p(\d{1,2}(\.\d{0,10})?|100)|(tm|wm|tc|ts|pr)(\d{1,2}(\.\d{0,10})?|100|\(.*\))|iqm)$/;
const OPERATORS = ['GreaterThanOrEqualToThreshold', 'GreaterThanThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold', 'LessThanLowerOrGreaterThanUpperThreshold', 'LessThanLowerThreshold', 'GreaterThanUpperThreshold'];
const MISSING = ['breaching', 'notBreaching', 'ignore', 'missing'];
const UNITS = [
  'Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes', 'Bits', 'Kilobits', 'Megabits', 'Gigabits', 'Terabits', 'Percent', 'Count',
  'Bytes/Second', 'Kilobytes/Second', 'Megabytes/Second', 'Gigabytes/Second', 'Terabytes/Second', 'Bits/Second', 'Kilobits/Second', 'Megabits/Second', 'Gigabits/Second', 'Terabits/Second', 'Count/Second', 'None',
];
const DASHBOARD_NAME = /^[A-Za-z0-9_-]{1,255}$/;

/**
 * CloudWatch metric alarms and dashboards, accepted and kept, never evaluated: an alarm stays INSUFFICIENT_DATA, as a
 * new alarm is until its metric has data; no action is ever taken.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_Operations.html
 */
export class CloudWatchService {
  constructor(private readonly store: TwinStore, private readonly clock: TwinClock) {}

  private now(): string {
    return new Date(this.clock.now()).toISOString();
  }

  alarm(region: string, name: string): AlarmDoc | undefined {
    return this.store.resource<AlarmDoc>(CW_ALARM, `${region}/${name}`)?.doc;
  }

  /** PutMetricAlarm: creates the alarm, or replaces its whole configuration (tags only apply at creation, as on AWS). */
  putMetricAlarm(call: AwsCall, q: QueryInput): void {
    const name = q.required('AlarmName');
    const operator = q.required('ComparisonOperator');
    const evaluationPeriods = q.integer('EvaluationPeriods');
    if (evaluationPeriods === undefined) q.required('EvaluationPeriods');
    q.check();
    if (name.length > 255 || [...name].some((c) => c.charCodeAt(0) < 0x20)) throw invalid('AlarmName', name);
    if (!OPERATORS.includes(operator)) throw invalid('ComparisonOperator', operator);
    if ((evaluationPeriods ?? 0) < 1) throw invalid('EvaluationPeriods', String(evaluationPeriods));
    const statistic = q.str('Statistic');
    const extended = q.str('ExtendedStatistic');
    const metricName = q.str('MetricName');
    const namespace = q.str('Namespace');
    const metrics = q.structs('Metrics').map(metricQuery);
    const thresholdMetricId = q.str('ThresholdMetricId');
    const threshold = q.number('Threshold');
    if (statistic !== undefined && !STATISTICS.includes(statistic)) throw invalid('Statistic', statistic);
    if (extended !== undefined && !EXTENDED.test(extended)) throw invalid('ExtendedStatistic', extended);
    if (metrics.length > 0) {
      if (metricName !== undefined || namespace !== undefined || statistic !== undefined || extended !== undefined) {
        throw new AwsError('InvalidParameterCombination', 'The parameters MetricName, Namespace, Statistic and ExtendedStatistic must not be set with Metrics.');
      }
      if (metrics.filter((m) => m.ReturnData !== false).length !== 1 && !thresholdMetricId) throw new AwsError('ValidationError', 'Exactly one element of the metrics list should return data.');
    } else {
      if (metricName === undefined || namespace === undefined) throw new AwsError('ValidationError', 'Either Metrics, or MetricName and Namespace, must be specified.');
      if ((statistic === undefined) === (extended === undefined)) throw new AwsError('InvalidParameterCombination', 'Exactly one of Statistic and ExtendedStatistic must be specified.');
    }
    if (threshold === undefined && thresholdMetricId === undefined) throw new AwsError('ValidationError', 'Either Threshold or ThresholdMetricId must be specified.');
    const period = q.integer('Period');
    if (metrics.length === 0 && period === undefined) throw new AwsError('ValidationError', 'Period must be specified.');
    if (period !== undefined && !validPeriod(period)) throw new AwsError('InvalidParameterValue', `The parameter Period must be 10, 20, 30 or a multiple of 60; got ${period}.`);
    const datapoints = q.integer('DatapointsToAlarm');
    if (datapoints !== undefined && (datapoints < 1 || datapoints > (evaluationPeriods ?? 0))) throw new AwsError('ValidationError', 'DatapointsToAlarm must be between 1 and EvaluationPeriods.');
    const unit = q.str('Unit');
    if (unit !== undefined && !UNITS.includes(unit)) throw invalid('Unit', unit);
    const missing = q.str('TreatMissingData');
    if (missing !== undefined && !MISSING.includes(missing)) throw invalid('TreatMissingData', missing);
    const low = q.str('EvaluateLowSampleCountPercentile');
    if (low !== undefined && low !== 'evaluate' && low !== 'ignore') throw invalid('EvaluateLowSampleCountPercentile', low);
    const actions = (member: string) => {
      const list = q.list(member) ?? [];
      if (list.length > 5) throw new AwsError('ValidationError', `The collection ${member} must not have more than 5 items.`);
      for (const a of list) if (!/^arn:aws[a-z-]*:[a-z0-9-]+:/.test(a)) throw invalid(member, a);
      return list;
    };
    const dimensions = dimensionsOf(q, 'Dimensions');
    const description = q.str('AlarmDescription');
    if (description !== undefined && description.length > 1024) throw invalid('AlarmDescription', description);
    const existing = this.alarm(call.region, name);
    const now = this.now();
    const doc: AlarmDoc = {
      AlarmName: name, AlarmArn: `arn:aws:cloudwatch:${call.region}:${call.accountId}:alarm:${name}`, ...(description !== undefined ? { AlarmDescription: description } : {}),
      AlarmConfigurationUpdatedTimestamp: now, ActionsEnabled: q.boolean('ActionsEnabled') ?? true,
      OKActions: actions('OKActions'), AlarmActions: actions('AlarmActions'), InsufficientDataActions: actions('InsufficientDataActions'),
      StateValue: existing?.StateValue ?? 'INSUFFICIENT_DATA', StateReason: existing?.StateReason ?? 'Unchecked: Initial alarm creation', StateUpdatedTimestamp: existing?.StateUpdatedTimestamp ?? now,
      ...compact({ MetricName: metricName, Namespace: namespace, Statistic: statistic, ExtendedStatistic: extended, Period: period, Unit: unit }),
      Dimensions: dimensions, EvaluationPeriods: evaluationPeriods as number,
      ...compact({ DatapointsToAlarm: datapoints, Threshold: threshold }), ComparisonOperator: operator,
      ...compact({ TreatMissingData: missing, EvaluateLowSampleCountPercentile: low }), Metrics: metrics, ...compact({ ThresholdMetricId: thresholdMetricId }),
    };
    const tags = q.tags();
    this.store.transaction(() => {
      this.store.putResource({ kind: CW_ALARM, id: `${call.region}/${name}`, parent: call.region, doc: { ...doc } });
      if (!existing && Object.keys(tags).length > 0) this.store.tag(doc.AlarmArn, tags);
    });
  }

  describeAlarms(call: AwsCall, q: QueryInput): { metric: AlarmDoc[]; next?: string } {
    const names = q.list('AlarmNames');
    const prefix = q.str('AlarmNamePrefix');
    if (names && names.length > 0 && prefix !== undefined) throw new AwsError('InvalidParameterCombination', 'AlarmNames and AlarmNamePrefix must not both be specified.');
    const types = q.list('AlarmTypes');
    const state = q.str('StateValue');
    const actionPrefix = q.str('ActionPrefix');
    const max = q.integer('MaxRecords') ?? 50;
    if (max < 1 || max > 100) throw invalid('MaxRecords', String(max));
    const all = types && types.length > 0 && !types.includes('MetricAlarm') ? [] : this.store.resources<AlarmDoc>(CW_ALARM, call.region).map((r) => r.doc).filter((a) =>
      (!names || names.length === 0 || names.includes(a.AlarmName)) && (prefix === undefined || a.AlarmName.startsWith(prefix)) && (state === undefined || a.StateValue === state)
      && (actionPrefix === undefined || [...a.AlarmActions, ...a.OKActions, ...a.InsufficientDataActions].some((x) => x.startsWith(actionPrefix))));
    all.sort((a, b) => (a.AlarmName < b.AlarmName ? -1 : 1));
    const start = tokenStart(q.str('NextToken'));
    return { metric: all.slice(start, start + max), ...(start + max < all.length ? { next: Buffer.from(String(start + max)).toString('base64url') } : {}) };
  }

  /** Deletes the named alarms, or none when one of them does not exist (as AWS answers ResourceNotFound). */
  deleteAlarms(call: AwsCall, names: readonly string[]): void {
    const missing = names.filter((n) => !this.alarm(call.region, n));
    if (missing.length > 0) throw new AwsError('ResourceNotFound', `${missing.length} alarm(s) not found: ${missing.slice(0, 5).join(', ').slice(0, 512)}`, 404);
    this.store.transaction(() => {
      for (const n of names) {
        const alarm = this.alarm(call.region, n) as AlarmDoc;
        this.store.deleteResource(CW_ALARM, `${call.region}/${n}`);
        this.store.untag(alarm.AlarmArn);
      }
    });
  }

  /** The alarm an ARN names (the only taggable CloudWatch resource the twin keeps). */
  private taggable(call: AwsCall, arn: string): string {
    const m = /^arn:aws[a-z-]*:cloudwatch:([a-z0-9-]+):(\d{12}):alarm:(.+)$/.exec(arn);
    if (!m || m[2] !== call.accountId || !this.alarm(m[1], m[3])) throw new AwsError('ResourceNotFoundException', `The resource ${arn.slice(0, 512)} does not exist.`, 404);
    return arn;
  }

  tags(call: AwsCall, arn: string): Record<string, string> {
    return this.store.tags(this.taggable(call, arn));
  }

  tag(call: AwsCall, arn: string, tags: Record<string, string>): void {
    this.store.tag(this.taggable(call, arn), tags);
  }

  untag(call: AwsCall, arn: string, keys: readonly string[]): void {
    this.store.untag(this.taggable(call, arn), keys);
  }

  dashboard(name: string): DashboardDoc | undefined {
    return this.store.resource<DashboardDoc>(CW_DASHBOARD, name)?.doc;
  }

  /**
   * PutDashboard: the body must be a JSON object whose `widgets` is a list (CloudWatch's InvalidParameterInput with
   * validation messages otherwise). Dashboards belong to the account, not a region: their ARN has none.
   */
  putDashboard(call: AwsCall, name: string, body: string): void {
    if (!DASHBOARD_NAME.test(name)) throw new AwsError('InvalidParameterValue', 'The value for field DashboardName contains invalid characters. It can only contain alphanumerics, dash (-) and underscore (_).');
    let doc: unknown;
    try {
      doc = JSON.parse(body);
    } catch {
      throw new AwsError('InvalidParameterInput', 'The field DashboardBody must be a valid JSON object');
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new AwsError('InvalidParameterInput', 'The field DashboardBody must be a valid JSON object');
    const widgets = (doc as Record<string, unknown>)['widgets'];
    if (widgets !== undefined && !Array.isArray(widgets)) throw new AwsError('InvalidParameterInput', 'The dashboard body is invalid, there are 1 validation errors: [ { "dataPath": "/widgets", "message": "Should be array" } ]');
    const dashboard: DashboardDoc = { DashboardName: name, DashboardArn: `arn:aws:cloudwatch::${call.accountId}:dashboard/${name}`, DashboardBody: body, LastModified: this.now() };
    this.store.putResource({ kind: CW_DASHBOARD, id: name, parent: null, doc: { ...dashboard } });
  }

  getDashboard(name: string): DashboardDoc {
    const dashboard = this.dashboard(name);
    if (!dashboard) throw new AwsError('ResourceNotFound', 'Dashboard does not exist', 404);
    return dashboard;
  }

  deleteDashboards(names: readonly string[]): void {
    if (names.some((n) => !this.dashboard(n))) throw new AwsError('ResourceNotFound', 'Dashboard does not exist', 404);
    this.store.transaction(() => {
      for (const n of names) this.store.deleteResource(CW_DASHBOARD, n);
    });
  }

  dashboards(prefix = ''): DashboardDoc[] {
    return this.store.resources<DashboardDoc>(CW_DASHBOARD).map((r) => r.doc).filter((d) => d.DashboardName.startsWith(prefix)).sort((a, b) => (a.DashboardName < b.DashboardName ? -1 : 1));
  }
}

function invalid(name: string, value: string): AwsError {
  return new AwsError('InvalidParameterValue', `Invalid value ${JSON.stringify(value.slice(0, 64))} for parameter ${name}.`);
}

/** Periods CloudWatch alarms take: 10, 20 and 30 seconds (high resolution) or any multiple of 60. */
function validPeriod(p: number): boolean {
  return p === 10 || p === 20 || p === 30 || (p >= 60 && p % 60 === 0 && p <= 86400 * 7);
}

function tokenStart(token: string | undefined): number {
  if (token === undefined) return 0;
  const n = Number.parseInt(Buffer.from(token, 'base64url').toString('utf8'), 10);
  if (!Number.isInteger(n) || n < 0) throw new AwsError('InvalidNextToken', 'The service cannot find the specified NextToken.');
  return n;
}

function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function dimensionsOf(q: QueryInput, name: string): Dimension[] {
  const dims = q.structs(name).map((d) => ({ Name: d.str('Name') ?? '', Value: d.str('Value') ?? '' }));
  if (dims.length > 30) throw new AwsError('ValidationError', `The collection ${name} must not have more than 30 items.`);
  for (const d of dims) if (d.Name === '' || d.Name.length > 255 || d.Value === '' || d.Value.length > 1024) throw new AwsError('InvalidParameterValue', `Each of ${name} needs a Name (1 to 255 characters) and a Value (1 to 1024 characters).`);
  return dims;
}

function metricQuery(m: QueryInput): MetricDataQuery {
  const id = m.str('Id');
  if (!id || !/^[a-z][a-zA-Z0-9_]{0,254}$/.test(id)) throw new AwsError('ValidationError', 'Each of Metrics needs an Id that starts with a lower-case letter.');
  const stat = m.struct('MetricStat');
  const metric = stat?.struct('Metric');
  if ((stat === undefined) === (m.str('Expression') === undefined)) throw new AwsError('ValidationError', `Metric ${id} needs exactly one of MetricStat and Expression.`);
  return {
    Id: id,
    ...compact({ Expression: m.str('Expression'), Label: m.str('Label'), ReturnData: m.boolean('ReturnData'), Period: m.integer('Period'), AccountId: m.str('AccountId') }),
    ...(stat ? {
      MetricStat: {
        ...compact({ Namespace: metric?.str('Namespace'), MetricName: metric?.str('MetricName'), Period: stat.integer('Period'), Stat: stat.str('Stat'), Unit: stat.str('Unit') }),
        Dimensions: metric ? dimensionsOf(metric, 'Dimensions') : [],
      },
    } : {}),
  };
}

const members = (items: readonly string[]) => items.map((i) => `<member>${xml(i)}</member>`).join('');
const dimensionsXml = (dims: readonly Dimension[]) => dims.map((d) => `<member><Name>${xml(d.Name)}</Name><Value>${xml(d.Value)}</Value></member>`).join('');
const el = (name: string, value: string | number | boolean | undefined) => (value === undefined ? '' : `<${name}>${xml(String(value))}</${name}>`);

function metricXml(m: MetricDataQuery): string {
  const s = m.MetricStat;
  const stat = s ? `<MetricStat><Metric>${el('Namespace', s.Namespace)}${el('MetricName', s.MetricName)}<Dimensions>${dimensionsXml(s.Dimensions)}</Dimensions></Metric>${el('Period', s.Period)}${el('Stat', s.Stat)}${el('Unit', s.Unit)}</MetricStat>` : '';
  return `<member>${el('Id', m.Id)}${stat}${el('Expression', m.Expression)}${el('Label', m.Label)}${el('ReturnData', m.ReturnData)}${el('Period', m.Period)}${el('AccountId', m.AccountId)}</member>`;
}

function alarmXml(a: AlarmDoc): string {
  return `<member>${[
    el('AlarmName', a.AlarmName), el('AlarmArn', a.AlarmArn), el('AlarmDescription', a.AlarmDescription), el('AlarmConfigurationUpdatedTimestamp', a.AlarmConfigurationUpdatedTimestamp),
    el('ActionsEnabled', a.ActionsEnabled), `<OKActions>${members(a.OKActions)}</OKActions>`, `<AlarmActions>${members(a.AlarmActions)}</AlarmActions>`,
    `<InsufficientDataActions>${members(a.InsufficientDataActions)}</InsufficientDataActions>`, el('StateValue', a.StateValue), el('StateReason', a.StateReason),
    el('StateUpdatedTimestamp', a.StateUpdatedTimestamp), el('MetricName', a.MetricName), el('Namespace', a.Namespace), el('Statistic', a.Statistic), el('ExtendedStatistic', a.ExtendedStatistic),
    `<Dimensions>${dimensionsXml(a.Dimensions)}</Dimensions>`, el('Period', a.Period), el('Unit', a.Unit), el('EvaluationPeriods', a.EvaluationPeriods), el('DatapointsToAlarm', a.DatapointsToAlarm),
    el('Threshold', a.Threshold), el('ComparisonOperator', a.ComparisonOperator), el('TreatMissingData', a.TreatMissingData), el('EvaluateLowSampleCountPercentile', a.EvaluateLowSampleCountPercentile),
    a.Metrics.length > 0 ? `<Metrics>${a.Metrics.map(metricXml).join('')}</Metrics>` : '', el('ThresholdMetricId', a.ThresholdMetricId), el('StateTransitionedTimestamp', a.StateUpdatedTimestamp),
  ].join('')}</member>`;
}

/**
 * CloudWatch's API as terraform-provider-aws 5.100 calls it: the Query protocol (`Action=PutMetricAlarm&Version=2010-08-01`,
 * form-encoded, XML answers), signed for `monitoring`. Recorded from the provider's own requests against the twin; newer
 * SDKs may speak JSON 1.0 or RPCv2 CBOR to CloudWatch, which this service does not answer.
 */
export function cloudWatchService(cw: CloudWatchService): QueryService {
  const act = (run: (q: QueryInput, call: AwsCall) => string): QueryAction => ({ auth: 'sigv4', run: (p, call) => run(new QueryInput(p, 'InvalidParameterValue'), call) });
  const need = (q: QueryInput, name: string) => {
    const v = q.required(name);
    q.check();
    return v;
  };
  const names = (q: QueryInput, member: string) => {
    const list = q.list(member) ?? [];
    if (list.length === 0) throw new AwsError('ValidationError', `1 validation error detected: Value null at '${member.charAt(0).toLowerCase()}${member.slice(1)}' failed to satisfy constraint: Member must not be null`);
    if (list.length > 100) throw new AwsError('ValidationError', `The collection ${member} must not have more than 100 items.`);
    return list;
  };
  return {
    signingName: 'monitoring',
    version: '2010-08-01',
    xmlns: 'http://monitoring.amazonaws.com/doc/2010-08-01/',
    actions: {
      PutMetricAlarm: act((q, call) => (cw.putMetricAlarm(call, q), '')),
      DescribeAlarms: act((q, call) => {
        const { metric, next } = cw.describeAlarms(call, q);
        return `<MetricAlarms>${metric.map(alarmXml).join('')}</MetricAlarms><CompositeAlarms/>${el('NextToken', next)}`;
      }),
      DeleteAlarms: act((q, call) => (cw.deleteAlarms(call, names(q, 'AlarmNames')), '')),
      ListTagsForResource: act((q, call) => `<Tags>${Object.entries(cw.tags(call, need(q, 'ResourceARN'))).map(([k, v]) => `<member><Key>${xml(k)}</Key><Value>${xml(v)}</Value></member>`).join('')}</Tags>`),
      TagResource: act((q, call) => (cw.tag(call, need(q, 'ResourceARN'), q.tags()), '')),
      UntagResource: act((q, call) => (cw.untag(call, need(q, 'ResourceARN'), q.list('TagKeys') ?? []), '')),
      PutDashboard: act((q, call) => {
        const name = q.required('DashboardName');
        const body = q.required('DashboardBody');
        q.check();
        cw.putDashboard(call, name, body);
        return '<DashboardValidationMessages/>';
      }),
      GetDashboard: act((q) => {
        const d = cw.getDashboard(need(q, 'DashboardName'));
        return `${el('DashboardArn', d.DashboardArn)}${el('DashboardBody', d.DashboardBody)}${el('DashboardName', d.DashboardName)}`;
      }),
      DeleteDashboards: act((q) => (cw.deleteDashboards(names(q, 'DashboardNames')), '')),
      ListDashboards: act((q) => `<DashboardEntries>${cw.dashboards(q.str('DashboardNamePrefix')).map((d) => `<member>${el('DashboardName', d.DashboardName)}${el('DashboardArn', d.DashboardArn)}${el('LastModified', d.LastModified)}${el('Size', Buffer.byteLength(d.DashboardBody))}</member>`).join('')}</DashboardEntries>`),
    },
  };
}
