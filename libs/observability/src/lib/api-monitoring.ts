import { Construct } from 'constructs';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { CloudwatchLogMetricFilter } from '@cdktf/provider-aws/lib/cloudwatch-log-metric-filter';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { isUnresolved, regionOf, ValidationError } from '@secure-api/core';

/**
 * When each alarm fires. Every alarm treats missing data as not breaching (an idle API is a healthy one) and
 * notifies the topic when it fires and when it recovers.
 */
export interface AlarmThresholds {
  /**
   * The share of requests answered with a 5XX (0 to 1), in 3 of 5 one-minute periods.
   * @default 0.01
   */
  readonly serverErrorRate?: number;
  /**
   * The p99 latency in milliseconds (API Gateway's `Latency`), in 3 of 5 one-minute periods.
   * @default 2500
   */
  readonly latencyP99Ms?: number;
  /**
   * The share of requests answered with a 4XX (0 to 1: mostly the authorizer refusing tokens), in 3 of 5 one-minute
   * periods: a spike means a broken client or someone trying tokens.
   * @default 0.25
   */
  readonly clientErrorRate?: number;
  /**
   * Requests throttled (429) per minute, counted from the access logs, in 3 of 5 one-minute periods.
   * @default 10
   */
  readonly throttledPerMinute?: number;
  /**
   * Requests the web ACL blocked in five minutes.
   * @default 100
   */
  readonly wafBlockedPer5Minutes?: number;
  /**
   * Invocation errors of one function in five minutes (at least this many fires the alarm).
   * @default 1
   */
  readonly functionErrors?: number;
  /**
   * Throttled invocations of one function in five minutes (at least this many fires the alarm).
   * @default 1
   */
  readonly functionThrottles?: number;
}

/** The defaults of {@link AlarmThresholds}, in one place. */
export const ALARM_DEFAULTS = {
  serverErrorRate: 0.01,
  latencyP99Ms: 2500,
  clientErrorRate: 0.25,
  throttledPerMinute: 10,
  wafBlockedPer5Minutes: 100,
  functionErrors: 1,
  functionThrottles: 1,
} as const satisfies Required<AlarmThresholds>;

/** The REST API to watch: a `RestApi` of `@secure-api/rest-api` fits. */
export interface MonitoredApi {
  /** The API's name (the `ApiName` dimension). */
  readonly name: string;
  readonly stageName: string;
  /** The JSON access log group, whose `status` field counts throttled requests. */
  readonly logGroupName: string;
}

/** Props of {@link ApiMonitoring}. */
export interface ApiMonitoringProps {
  /** Prefix of the alarm, metric filter and dashboard names, e.g. `secure-api-prod`. */
  readonly namePrefix: string;
  /** Where alarms notify: an `AlarmTopic`, or anything with a topic ARN. */
  readonly topic: { readonly topicArn: string };
  readonly api: MonitoredApi;
  /**
   * The web ACL in front of the stage, by name (the `WebACL` dimension).
   * @default - no WAF alarm
   */
  readonly webAcl?: { readonly name: string };
  /**
   * The Lambda functions behind the API: each gets an errors and a throttles alarm.
   * @default - none
   */
  readonly functions?: readonly { readonly functionName: string }[];
  /** @default - the ALARM_DEFAULTS */
  readonly thresholds?: AlarmThresholds;
}

/** One alarm as declared: for reviews, the dashboard and the policy tests. */
export interface AlarmInfo {
  readonly id: string;
  readonly alarmName: string;
  readonly alarmArn: string;
}

/**
 * CloudWatch alarms for a REST API and the functions behind it, notifying one topic, plus a dashboard of the same
 * metrics: 5XX rate, p99 latency, a 4XX spike, throttled requests (a metric filter on the access logs, since API
 * Gateway has no throttle metric), WAF blocked requests, and errors and throttles per function. $0.10 per alarm
 * a month and $3 per dashboard beyond the free three (us-east-1).
 *
 * Construct ids: `ServerErrors`, `Latency`, `ClientErrors`, `ThrottledFilter`, `Throttled`, `WafBlocked`,
 * `<function name>-Errors`, `<function name>-Throttles`, `Dashboard`.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html
 * @see https://aws.amazon.com/cloudwatch/pricing/
 */
export class ApiMonitoring extends Construct {
  /** Every alarm, in declaration order. */
  readonly alarms: readonly AlarmInfo[];
  /** The custom metric namespace of the throttled-requests count: `SecureApi/<prefix>`. */
  readonly metricNamespace: string;
  readonly dashboardName: string;

  constructor(scope: Construct, id: string, props: ApiMonitoringProps) {
    super(scope, id);
    const t = { ...ALARM_DEFAULTS, ...props.thresholds };
    if (isUnresolved(props.namePrefix) || !/^[\w-]{1,200}$/.test(props.namePrefix)) {
      throw new ValidationError(this, 'namePrefix', props.namePrefix, 'is not a literal name prefix', 'use letters, digits, - and _, e.g. secure-api-prod');
    }
    for (const key of ['serverErrorRate', 'clientErrorRate'] as const) {
      if (!(t[key] > 0 && t[key] < 1)) throw new ValidationError(this, `thresholds.${key}`, t[key], 'must be a share of requests above 0 and below 1', 'write a fraction, e.g. 0.05 for 5 %');
    }
    for (const key of ['latencyP99Ms', 'throttledPerMinute', 'wafBlockedPer5Minutes', 'functionErrors', 'functionThrottles'] as const) {
      if (!(Number.isFinite(t[key]) && t[key] > 0)) throw new ValidationError(this, `thresholds.${key}`, t[key], 'must be a number above 0', `set a positive threshold, e.g. ${ALARM_DEFAULTS[key]}`);
    }
    const region = regionOf(this);
    const api = { ApiName: props.api.name, Stage: props.api.stageName };
    this.metricNamespace = `SecureApi/${props.namePrefix}`;
    const actions = [props.topic.topicArn];
    const alarms: AlarmInfo[] = [];
    const alarm = (cid: string, name: string, description: string, metric: { namespace: string; metricName: string; dimensions?: Record<string, string>; statistic?: string; extendedStatistic?: string; period: number }, threshold: number, evaluation: { periods: number; datapoints: number }, operator = 'GreaterThanThreshold') => {
      const alarmName = `${props.namePrefix}-${name}`;
      const resource = new CloudwatchMetricAlarm(this, cid, {
        alarmName,
        alarmDescription: description,
        ...metric,
        threshold,
        comparisonOperator: operator,
        evaluationPeriods: evaluation.periods,
        datapointsToAlarm: evaluation.datapoints,
        treatMissingData: 'notBreaching',
        actionsEnabled: true,
        alarmActions: actions,
        okActions: actions,
      });
      alarms.push({ id: cid, alarmName, alarmArn: resource.arn });
    };
    const threeOfFive = { periods: 5, datapoints: 3 };
    const once = { periods: 1, datapoints: 1 };

    // 5XXError and 4XXError are 0/1 per request: their Average is the share of requests that failed.
    alarm('ServerErrors', 'api-5xx-rate', `More than ${t.serverErrorRate * 100} % of requests answered 5XX`, { namespace: 'AWS/ApiGateway', metricName: '5XXError', dimensions: api, statistic: 'Average', period: 60 }, t.serverErrorRate, threeOfFive);
    alarm('Latency', 'api-latency-p99', `p99 latency above ${t.latencyP99Ms} ms`, { namespace: 'AWS/ApiGateway', metricName: 'Latency', dimensions: api, extendedStatistic: 'p99', period: 60 }, t.latencyP99Ms, threeOfFive);
    alarm('ClientErrors', 'api-4xx-spike', `More than ${t.clientErrorRate * 100} % of requests answered 4XX (mostly refused tokens)`, { namespace: 'AWS/ApiGateway', metricName: '4XXError', dimensions: api, statistic: 'Average', period: 60 }, t.clientErrorRate, threeOfFive);
    new CloudwatchLogMetricFilter(this, 'ThrottledFilter', {
      name: `${props.namePrefix}-throttled`,
      logGroupName: props.api.logGroupName,
      pattern: '{ $.status = 429 }',
      metricTransformation: { name: 'ThrottledRequests', namespace: this.metricNamespace, value: '1', defaultValue: '0', unit: 'Count' },
    });
    alarm('Throttled', 'api-throttled', `More than ${t.throttledPerMinute} requests a minute throttled (429)`, { namespace: this.metricNamespace, metricName: 'ThrottledRequests', statistic: 'Sum', period: 60 }, t.throttledPerMinute, threeOfFive);
    const waf = props.webAcl ? { WebACL: props.webAcl.name, Rule: 'ALL', Region: region } : undefined;
    if (waf) {
      alarm('WafBlocked', 'waf-blocked', `More than ${t.wafBlockedPer5Minutes} requests blocked by the web ACL in 5 minutes`, { namespace: 'AWS/WAFV2', metricName: 'BlockedRequests', dimensions: waf, statistic: 'Sum', period: 300 }, t.wafBlockedPer5Minutes, once);
    }
    for (const fn of props.functions ?? []) {
      const dims = { FunctionName: fn.functionName };
      alarm(`${fn.functionName}-Errors`, `${fn.functionName}-errors`, `${fn.functionName}: at least ${t.functionErrors} invocation error(s) in 5 minutes`, { namespace: 'AWS/Lambda', metricName: 'Errors', dimensions: dims, statistic: 'Sum', period: 300 }, t.functionErrors, once, 'GreaterThanOrEqualToThreshold');
      alarm(`${fn.functionName}-Throttles`, `${fn.functionName}-throttles`, `${fn.functionName}: at least ${t.functionThrottles} throttled invocation(s) in 5 minutes`, { namespace: 'AWS/Lambda', metricName: 'Throttles', dimensions: dims, statistic: 'Sum', period: 300 }, t.functionThrottles, once, 'GreaterThanOrEqualToThreshold');
    }
    this.alarms = alarms;

    this.dashboardName = `${props.namePrefix}-api`;
    const widget = (title: string, metrics: unknown[][], stat: string, x: number, y: number) => ({ type: 'metric', x, y, width: 12, height: 6, properties: { title, region, stat, period: 60, metrics } });
    const apiMetric = (name: string) => ['AWS/ApiGateway', name, 'ApiName', api.ApiName, 'Stage', api.Stage];
    const widgets: unknown[] = [
      { type: 'alarm', x: 0, y: 0, width: 24, height: 3, properties: { title: 'Alarms', alarms: alarms.map((a) => a.alarmArn) } },
      widget('Requests and errors', [apiMetric('Count'), apiMetric('4XXError'), apiMetric('5XXError')], 'Sum', 0, 3),
      widget('Latency', [[...apiMetric('Latency'), { stat: 'p50' }], [...apiMetric('Latency'), { stat: 'p99' }], [...apiMetric('IntegrationLatency'), { stat: 'p99' }]], 'p99', 12, 3),
      widget('Throttled requests (429)', [[this.metricNamespace, 'ThrottledRequests']], 'Sum', 0, 9),
    ];
    if (waf) widgets.push(widget('WAF', [['AWS/WAFV2', 'AllowedRequests', 'WebACL', waf.WebACL, 'Rule', 'ALL', 'Region', region], ['AWS/WAFV2', 'BlockedRequests', 'WebACL', waf.WebACL, 'Rule', 'ALL', 'Region', region]], 'Sum', 12, 9));
    const fns = props.functions ?? [];
    if (fns.length) {
      widgets.push(widget('Function errors and throttles', fns.flatMap((f) => [['AWS/Lambda', 'Errors', 'FunctionName', f.functionName], ['AWS/Lambda', 'Throttles', 'FunctionName', f.functionName]]), 'Sum', 0, 15));
      widgets.push(widget('Function duration p99', fns.map((f) => ['AWS/Lambda', 'Duration', 'FunctionName', f.functionName]), 'p99', 12, 15));
    }
    new CloudwatchDashboard(this, 'Dashboard', { dashboardName: this.dashboardName, dashboardBody: JSON.stringify({ widgets }) });
  }
}
