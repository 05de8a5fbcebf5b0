import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { Wafv2WebAcl, type Wafv2WebAclRule } from '@cdktf/provider-aws/lib/wafv2-web-acl';
import { Wafv2WebAclLoggingConfiguration } from '@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration';
import { Duration, isUnresolved, logRetentionDays, validateRange, ValidationError, wholeAmount } from '@secure-api/core';

/** What a rule does with a request it matches: `BLOCK` it, or only `COUNT` it (metrics and logs, no effect). */
export type RuleMode = 'BLOCK' | 'COUNT';

/**
 * The AWS managed rule groups the web ACL runs, each in `BLOCK` (the default) or `COUNT` mode. Count mode is how a
 * new group is trialled: its matches show in metrics and logs without refusing anyone.
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-list.html
 */
export interface ManagedRuleModes {
  /**
   * `AWSManagedRulesCommonRuleSet` (the OWASP Top 10 core: XSS, path traversal, bad bots, oversize parts): 700 WCU.
   * @default 'BLOCK'
   */
  readonly commonRuleSet?: RuleMode;
  /**
   * `AWSManagedRulesKnownBadInputsRuleSet` (Log4j/Log4Shell, Java deserialisation, localhost Host headers): 200 WCU.
   * @default 'BLOCK'
   */
  readonly knownBadInputs?: RuleMode;
  /**
   * `AWSManagedRulesAmazonIpReputationList` (addresses Amazon threat intelligence saw in bots and attacks): 25 WCU.
   * @default 'BLOCK'
   */
  readonly ipReputation?: RuleMode;
}

/** Props of a {@link WebAcl}. */
export interface WebAclProps {
  /** The web ACL's name (1 to 128 letters, digits, `-` and `_`); its metrics and its log group are named after it. */
  readonly name: string;
  /**
   * A description shown in the console.
   * @default - none
   */
  readonly description?: string;
  /**
   * Requests one client IP may make within `rateLimitWindow` before WAF blocks it (10 to 2,000,000,000). The
   * address blocks until its rate falls back under the limit.
   * @default 2000
   * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based.html
   */
  readonly rateLimit?: number;
  /**
   * The window the rate limit counts over: 1, 2, 5 or 10 minutes.
   * @default Duration.minutes(5)
   */
  readonly rateLimitWindow?: Duration;
  /**
   * Block request bodies larger than this many bytes (1 to 16,384: API Gateway forwards at most the first 16 KB of a
   * body to WAF by default, and a larger body counts as over the limit).
   * @default - no size limit
   * @see https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-setting-body-inspection-limit.html
   */
  readonly bodySizeLimit?: number;
  /**
   * Block or count mode for each AWS managed rule group.
   * @default - every group blocks
   */
  readonly managedRules?: ManagedRuleModes;
  /**
   * How long the WAF log group (`aws-waf-logs-<name>`) keeps logs (a retention CloudWatch Logs accepts).
   * @default Duration.days(365)
   */
  readonly logRetention?: Duration;
  /**
   * A KMS key ARN that encrypts the WAF log group.
   * @default - CloudWatch Logs' own encryption
   */
  readonly logKmsKeyArn?: string;
}

/** The defaults of {@link WebAclProps}, in one place (documented there, asserted by the tests). */
export const WEB_ACL_DEFAULTS = {
  rateLimit: 2000,
  rateLimitWindowSeconds: 300,
  managedRuleMode: 'BLOCK' as RuleMode,
  logRetentionDays: 365,
} as const;

/**
 * The AWS managed rule groups, in evaluation order after the rate and size rules: cheapest and most decisive
 * first. Their priorities leave room for rules of one's own in between.
 */
export const MANAGED_RULE_GROUPS = [
  { prop: 'ipReputation', name: 'AWSManagedRulesAmazonIpReputationList', priority: 10 },
  { prop: 'knownBadInputs', name: 'AWSManagedRulesKnownBadInputsRuleSet', priority: 20 },
  { prop: 'commonRuleSet', name: 'AWSManagedRulesCommonRuleSet', priority: 30 },
] as const satisfies readonly { prop: keyof ManagedRuleModes; name: string; priority: number }[];

/** The windows a rate-based rule may count over, in seconds. */
const RATE_WINDOWS = [60, 120, 300, 600];
/** What API Gateway forwards of a body to WAF by default: 16 KB (ALB and AppSync: a fixed 8 KB). */
const BODY_INSPECTION_LIMIT = 16_384;
const NAME = /^[\w-]{1,128}$/;
const MODES: readonly RuleMode[] = ['BLOCK', 'COUNT'];

/**
 * A REGIONAL WAFv2 web ACL for an API Gateway stage: a per-IP rate-based rule, an optional body size limit and
 * AWS's managed rule groups (IP reputation, known bad inputs, the common rule set), each with CloudWatch metrics
 * and sampled requests on, logging to `aws-waf-logs-<name>` with the `authorization` header redacted. Pass it to
 * the API as `webAcl` (`RestApi` associates it with the stage). Costs (us-east-1): $5 a month per web ACL, $1 per
 * rule or rule group, $0.60 per million requests inspected.
 *
 * Construct ids (Terraform addresses): `Resource` (the ACL), `LogGroup`, `Logging`.
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/web-acl.html
 * @see https://aws.amazon.com/waf/pricing/
 */
export class WebAcl extends Construct {
  /** The web ACL's ARN, as a stage association names it. */
  readonly webAclArn: string;
  /** The web ACL's name: the `WebACL` dimension of its CloudWatch metrics. */
  readonly name: string;
  /** The log group WAF writes to (`aws-waf-logs-<name>`). */
  readonly logGroup: CloudwatchLogGroup;
  /** Requests one client IP may make per `rateLimitWindowSeconds`. */
  readonly rateLimit: number;
  readonly rateLimitWindowSeconds: number;
  /** The largest body allowed through, in bytes, when the size rule is on. */
  readonly bodySizeLimit?: number;
  /** The rule names, in priority order (the `Rule` dimension of their metrics). */
  readonly ruleNames: readonly string[];
  /** The underlying `aws_wafv2_web_acl`, for escape-hatch overrides. */
  readonly resource: Wafv2WebAcl;

  constructor(scope: Construct, id: string, props: WebAclProps) {
    super(scope, id);
    if (isUnresolved(props.name) || !NAME.test(props.name)) {
      throw new ValidationError(this, 'name', props.name, 'is not a literal web ACL name', 'use 1 to 128 letters, digits, - and _, e.g. secure-api-prod-api');
    }
    const rateLimit = props.rateLimit ?? WEB_ACL_DEFAULTS.rateLimit;
    validateRange(this, 'rateLimit', rateLimit, 10, 2_000_000_000, 'requests per window');
    const window = props.rateLimitWindow ?? Duration.seconds(WEB_ACL_DEFAULTS.rateLimitWindowSeconds);
    const windowSeconds = wholeAmount(this, 'rateLimitWindow', window, 'seconds');
    if (!RATE_WINDOWS.includes(windowSeconds)) {
      throw new ValidationError(this, 'rateLimitWindow', window.toString(), 'is not a window WAF counts over (1, 2, 5 or 10 minutes)', 'use Duration.minutes(1), (2), (5) or (10)');
    }
    if (props.bodySizeLimit !== undefined) {
      validateRange(this, 'bodySizeLimit', props.bodySizeLimit, 1, BODY_INSPECTION_LIMIT, 'bytes');
    }
    const modes = props.managedRules ?? {};
    for (const group of MANAGED_RULE_GROUPS) {
      const mode = modes[group.prop];
      if (mode !== undefined && !MODES.includes(mode)) {
        throw new ValidationError(this, `managedRules.${group.prop}`, mode, 'is not a rule mode', "use 'BLOCK' or 'COUNT'");
      }
    }
    const retentionDays = logRetentionDays(this, 'logRetention', props.logRetention ?? Duration.days(WEB_ACL_DEFAULTS.logRetentionDays));

    const visibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true });
    const rules: Wafv2WebAclRule[] = [
      {
        name: 'rate-limit-per-ip',
        priority: 1,
        action: { block: {} },
        statement: { rate_based_statement: { limit: rateLimit, aggregate_key_type: 'IP', evaluation_window_sec: windowSeconds } },
        visibilityConfig: visibility(`${props.name}-rate-limit-per-ip`),
      },
    ];
    if (props.bodySizeLimit !== undefined) {
      rules.push({
        name: 'body-size-limit',
        priority: 2,
        action: { block: {} },
        statement: {
          size_constraint_statement: {
            comparison_operator: 'GT',
            size: props.bodySizeLimit,
            // A body beyond what WAF inspects is larger than any limit it allows: it matches, so it is blocked.
            field_to_match: { body: { oversize_handling: 'MATCH' } },
            text_transformation: [{ priority: 0, type: 'NONE' }],
          },
        },
        visibilityConfig: visibility(`${props.name}-body-size-limit`),
      });
    }
    for (const group of MANAGED_RULE_GROUPS) {
      const mode = modes[group.prop] ?? WEB_ACL_DEFAULTS.managedRuleMode;
      rules.push({
        name: `AWS-${group.name}`,
        priority: group.priority,
        overrideAction: mode === 'COUNT' ? { count: {} } : { none: {} },
        statement: { managed_rule_group_statement: { name: group.name, vendor_name: 'AWS' } },
        visibilityConfig: visibility(`${props.name}-${group.name}`),
      });
    }

    this.resource = new Wafv2WebAcl(this, 'Resource', {
      name: props.name,
      description: props.description,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      rule: rules,
      visibilityConfig: visibility(props.name),
    });
    // WAF writes only to log groups whose name starts with aws-waf-logs-.
    this.logGroup = new CloudwatchLogGroup(this, 'LogGroup', {
      name: `aws-waf-logs-${props.name}`,
      retentionInDays: retentionDays,
      kmsKeyId: props.logKmsKeyArn,
    });
    new Wafv2WebAclLoggingConfiguration(this, 'Logging', {
      resourceArn: this.resource.arn,
      logDestinationConfigs: [this.logGroup.arn],
      // Tokens never reach the logs.
      redactedFields: [{ singleHeader: { name: 'authorization' } }],
    });
    this.webAclArn = this.resource.arn;
    this.name = props.name;
    this.ruleNames = rules.map((r) => r.name);
    this.rateLimit = rateLimit;
    this.rateLimitWindowSeconds = windowSeconds;
    this.bodySizeLimit = props.bodySizeLimit;
  }
}
