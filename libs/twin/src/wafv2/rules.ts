// The checks WAF makes of a web ACL's rules (CreateWebACL, UpdateWebACL) and the capacity (WCUs) it reports.
// @see https://docs.aws.amazon.com/waf/latest/APIReference/API_Rule.html, API_Statement.html, API_RateBasedStatement.html,
//      API_SizeConstraintStatement.html, API_FieldToMatch.html, API_TextTransformation.html
// @see https://docs.aws.amazon.com/waf/latest/developerguide/aws-waf-capacity-units.html (WCUs)
import { duplicate, invalidParameter } from './model';

type Json = Record<string, unknown>;

const EXACTLY_ONE = 'You have used none or multiple values for a field that requires exactly one value.';
const MISSING = 'Your request is missing a required parameter.';

const NAME = /^[\w-]{1,128}$/;
const METRIC_NAME = /^[\w#:.\-/]{1,255}$/;

/** The statement members of API_Statement, with the field WAF names in its errors. */
const STATEMENTS: Readonly<Record<string, string>> = {
  ByteMatchStatement: 'BYTE_MATCH_STATEMENT', SqliMatchStatement: 'SQLI_MATCH_STATEMENT', XssMatchStatement: 'XSS_MATCH_STATEMENT',
  SizeConstraintStatement: 'SIZE_CONSTRAINT_STATEMENT', GeoMatchStatement: 'GEO_MATCH_STATEMENT', RuleGroupReferenceStatement: 'RULE_GROUP_REFERENCE_STATEMENT',
  IPSetReferenceStatement: 'IP_SET_REFERENCE_STATEMENT', RegexPatternSetReferenceStatement: 'REGEX_PATTERN_REFERENCE_STATEMENT', RateBasedStatement: 'RATE_BASED_STATEMENT',
  AndStatement: 'AND_STATEMENT', OrStatement: 'OR_STATEMENT', NotStatement: 'NOT_STATEMENT', ManagedRuleGroupStatement: 'MANAGED_RULE_SET_STATEMENT',
  LabelMatchStatement: 'LABEL_MATCH_STATEMENT', RegexMatchStatement: 'STATEMENT', AsnMatchStatement: 'STATEMENT',
};

const FIELDS_TO_MATCH = ['SingleHeader', 'SingleQueryArgument', 'AllQueryArguments', 'UriPath', 'QueryString', 'Body', 'Method', 'JsonBody', 'Headers', 'Cookies', 'HeaderOrder', 'JA3Fingerprint', 'JA4Fingerprint', 'UriFragment'];
export const TEXT_TRANSFORMATIONS = [
  'NONE', 'COMPRESS_WHITE_SPACE', 'HTML_ENTITY_DECODE', 'LOWERCASE', 'CMD_LINE', 'URL_DECODE', 'BASE64_DECODE', 'HEX_DECODE', 'MD5', 'REPLACE_COMMENTS', 'ESCAPE_SEQ_DECODE',
  'SQL_HEX_DECODE', 'CSS_DECODE', 'JS_DECODE', 'NORMALIZE_PATH', 'NORMALIZE_PATH_WIN', 'REMOVE_NULLS', 'REPLACE_NULLS', 'BASE64_DECODE_EXT', 'URL_DECODE_UNI', 'UTF8_TO_UNICODE',
];
const COMPARISONS = ['EQ', 'NE', 'LE', 'LT', 'GE', 'GT'];
const OVERSIZE = ['CONTINUE', 'MATCH', 'NO_MATCH'];
const AGGREGATE_KEYS = ['IP', 'FORWARDED_IP', 'CUSTOM_KEYS', 'CONSTANT'];
/** API_RateBasedStatement: EvaluationWindowSec "Valid Values: 60 | 120 | 300 | 600", Limit 10 to 2,000,000,000. */
const WINDOWS = [60, 120, 300, 600];
const RULE_ACTIONS = ['Allow', 'Block', 'Count', 'Captcha', 'Challenge'];

/**
 * WCUs of the AWS managed rule groups the stacks use, as the AWS Managed Rules list publishes them
 * (https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-list.html); other groups count 100.
 */
const MANAGED_CAPACITY: Readonly<Record<string, number>> = {
  AWSManagedRulesCommonRuleSet: 700, AWSManagedRulesKnownBadInputsRuleSet: 200, AWSManagedRulesAmazonIpReputationList: 25, AWSManagedRulesAnonymousIpList: 50,
  AWSManagedRulesSQLiRuleSet: 200, AWSManagedRulesLinuxRuleSet: 200, AWSManagedRulesUnixRuleSet: 100, AWSManagedRulesWindowsRuleSet: 200, AWSManagedRulesPHPRuleSet: 100,
  AWSManagedRulesWordPressRuleSet: 100, AWSManagedRulesAdminProtectionRuleSet: 100, AWSManagedRulesBotControlRuleSet: 50, AWSManagedRulesATPRuleSet: 50, AWSManagedRulesACFPRuleSet: 50,
};

/** A web ACL's capacity limit: 5,000 WCUs (1,500 at the base price). */
export const MAX_CAPACITY = 5000;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The single member an exactly-one union carries (`DefaultAction`, `Statement`, `FieldToMatch`, ...). */
function single(value: unknown, field: string, allowed: readonly string[]): [string, unknown] {
  if (!isObject(value)) throw invalidParameter(field, value, EXACTLY_ONE);
  const present = Object.entries(value).filter(([, v]) => v !== undefined && v !== null);
  if (present.length !== 1 || !allowed.includes(present[0][0])) throw invalidParameter(field, Object.keys(value).join(',') || '{}', EXACTLY_ONE);
  return present[0];
}

function integer(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw invalidParameter(field, value ?? 'null', value === undefined ? MISSING : undefined);
  return value;
}

/** DefaultAction: exactly one of Allow and Block. */
export function checkDefaultAction(value: unknown): void {
  if (value === undefined) throw invalidParameter('DEFAULT_ACTION', 'null', MISSING);
  single(value, 'DEFAULT_ACTION', ['Allow', 'Block']);
}

/** VisibilityConfig: both flags and a metric name. */
export function checkVisibilityConfig(value: unknown): void {
  if (!isObject(value)) throw invalidParameter('METRIC_NAME', 'null', MISSING);
  if (typeof value['SampledRequestsEnabled'] !== 'boolean' || typeof value['CloudWatchMetricsEnabled'] !== 'boolean') throw invalidParameter('METRIC_NAME', value, MISSING);
  const name = value['MetricName'];
  if (typeof name !== 'string' || !METRIC_NAME.test(name) || name === 'All' || name === 'Default_Action') throw invalidParameter('METRIC_NAME', name ?? 'null');
}

/** Checks a web ACL's rules as WAF does and answers their capacity (WCUs). */
export function checkRules(rules: unknown): number {
  if (rules === undefined) return 0;
  if (!Array.isArray(rules)) throw invalidParameter('RULE', rules);
  const names = new Set<string>();
  const priorities = new Set<number>();
  let capacity = 0;
  for (const rule of rules) {
    if (!isObject(rule)) throw invalidParameter('RULE', rule);
    const name = rule['Name'];
    if (typeof name !== 'string' || !NAME.test(name)) throw invalidParameter('RULE', name ?? 'null', name === undefined ? MISSING : undefined);
    // Two rules of one web ACL may not share a name, nor a priority.
    if (names.has(name)) throw duplicate();
    names.add(name);
    const priority = integer(rule['Priority'], 'RULE', 0, 2 ** 31 - 1);
    if (priorities.has(priority)) throw invalidParameter('RULE', name, 'A rule with the same priority already exists in this web ACL.');
    priorities.add(priority);
    if (rule['Statement'] === undefined) throw invalidParameter('STATEMENT', name, MISSING);
    const [kind] = single(rule['Statement'], 'STATEMENT', Object.keys(STATEMENTS));
    const groupStatement = kind === 'ManagedRuleGroupStatement' || kind === 'RuleGroupReferenceStatement';
    // A rule group's rule takes an OverrideAction (None or Count), any other rule an Action.
    if (groupStatement) {
      if (rule['Action'] !== undefined) throw invalidParameter('RULE_ACTION', name, 'A rule that references a rule group takes an OverrideAction, not an Action.');
      if (rule['OverrideAction'] === undefined) throw invalidParameter('OVERRIDE_ACTION', name, MISSING);
      single(rule['OverrideAction'], 'OVERRIDE_ACTION', ['None', 'Count']);
    } else {
      if (rule['OverrideAction'] !== undefined) throw invalidParameter('OVERRIDE_ACTION', name, 'Only a rule that references a rule group takes an OverrideAction.');
      if (rule['Action'] === undefined) throw invalidParameter('RULE_ACTION', name, MISSING);
      single(rule['Action'], 'RULE_ACTION', RULE_ACTIONS);
    }
    checkVisibilityConfig(rule['VisibilityConfig']);
    capacity += statementCapacity(rule['Statement'] as Json, true);
  }
  return capacity;
}

/** Checks one statement (and those nested in it) and answers its WCUs. */
function statementCapacity(statement: Json, topLevel: boolean): number {
  const [kind, body] = single(statement, 'STATEMENT', Object.keys(STATEMENTS));
  const field = STATEMENTS[kind];
  if (!isObject(body)) throw invalidParameter(field, body);
  switch (kind) {
    case 'RateBasedStatement': {
      if (!topLevel) throw invalidParameter(field, 'RateBasedStatement', 'A rate-based statement cannot be nested in another statement.');
      integer(body['Limit'], field, 10, 2_000_000_000);
      const key = body['AggregateKeyType'];
      if (typeof key !== 'string' || !AGGREGATE_KEYS.includes(key)) throw invalidParameter(field, key ?? 'null', key === undefined ? MISSING : undefined);
      if (body['EvaluationWindowSec'] !== undefined && !WINDOWS.includes(body['EvaluationWindowSec'] as number)) throw invalidParameter(field, body['EvaluationWindowSec']);
      if (key === 'FORWARDED_IP') {
        const config = body['ForwardedIPConfig'];
        if (!isObject(config) || typeof config['HeaderName'] !== 'string' || !['MATCH', 'NO_MATCH'].includes(String(config['FallbackBehavior']))) throw invalidParameter('FORWARDED_IP_CONFIG', config ?? 'null');
      }
      if (key === 'CUSTOM_KEYS' && (!Array.isArray(body['CustomKeys']) || body['CustomKeys'].length === 0)) throw invalidParameter('CUSTOM_KEYS', body['CustomKeys'] ?? 'null', MISSING);
      if (key === 'CONSTANT' && body['ScopeDownStatement'] === undefined) throw invalidParameter('SCOPE_DOWN', 'null', 'A rate-based statement that aggregates on a constant key needs a scope-down statement.');
      const scope = body['ScopeDownStatement'];
      return 2 + (isObject(scope) ? statementCapacity(scope, false) : 0) + (Array.isArray(body['CustomKeys']) ? 30 * Math.max(0, body['CustomKeys'].length - 1) : 0);
    }
    case 'SizeConstraintStatement': {
      checkFieldToMatch(body['FieldToMatch']);
      const op = body['ComparisonOperator'];
      if (typeof op !== 'string' || !COMPARISONS.includes(op)) throw invalidParameter(field, op ?? 'null', op === undefined ? MISSING : undefined);
      integer(body['Size'], field, 0, 21_474_836_480);
      return 1 + transformationsCapacity(body['TextTransformations']);
    }
    case 'ManagedRuleGroupStatement': {
      if (!topLevel) throw invalidParameter(field, 'ManagedRuleGroupStatement', 'A managed rule group statement cannot be nested in another statement.');
      const vendor = body['VendorName'];
      const name = body['Name'];
      if (typeof vendor !== 'string' || vendor === '' || typeof name !== 'string' || !NAME.test(name)) throw invalidParameter(field, { VendorName: vendor, Name: name }, MISSING);
      if (body['ScopeDownStatement'] !== undefined) statementCapacity(body['ScopeDownStatement'] as Json, false);
      return MANAGED_CAPACITY[name] ?? 100;
    }
    case 'AndStatement':
    case 'OrStatement': {
      const nested = body['Statements'];
      if (!Array.isArray(nested) || nested.length < 2) throw invalidParameter(field, nested ?? 'null', 'A logical statement needs at least two statements.');
      return 1 + nested.reduce((sum: number, s) => sum + statementCapacity(s as Json, false), 0);
    }
    case 'NotStatement':
      return 1 + statementCapacity(body['Statement'] as Json, false);
    case 'ByteMatchStatement':
      checkFieldToMatch(body['FieldToMatch']);
      return (['EXACTLY', 'STARTS_WITH', 'ENDS_WITH'].includes(String(body['PositionalConstraint'])) ? 2 : 10) + transformationsCapacity(body['TextTransformations']);
    case 'SqliMatchStatement':
      checkFieldToMatch(body['FieldToMatch']);
      return (body['SensitivityLevel'] === 'HIGH' ? 30 : 20) + transformationsCapacity(body['TextTransformations']);
    case 'XssMatchStatement':
      checkFieldToMatch(body['FieldToMatch']);
      return 40 + transformationsCapacity(body['TextTransformations']);
    case 'RegexPatternSetReferenceStatement':
      checkFieldToMatch(body['FieldToMatch']);
      return 25 + transformationsCapacity(body['TextTransformations']);
    case 'RegexMatchStatement':
      checkFieldToMatch(body['FieldToMatch']);
      return 3 + transformationsCapacity(body['TextTransformations']);
    default:
      return 1;
  }
}

function checkFieldToMatch(value: unknown): void {
  if (value === undefined) throw invalidParameter('FIELD_TO_MATCH', 'null', MISSING);
  const [kind, body] = single(value, 'FIELD_TO_MATCH', FIELDS_TO_MATCH);
  if (!isObject(body)) throw invalidParameter('FIELD_TO_MATCH', kind);
  if ((kind === 'SingleHeader' || kind === 'SingleQueryArgument') && (typeof body['Name'] !== 'string' || body['Name'] === '' || body['Name'].length > 64)) {
    throw invalidParameter(kind === 'SingleHeader' ? 'SINGLE_HEADER' : 'SINGLE_QUERY_ARGUMENT', body['Name'] ?? 'null');
  }
  if (body['OversizeHandling'] !== undefined && !OVERSIZE.includes(String(body['OversizeHandling']))) throw invalidParameter('OVERSIZE_HANDLING', body['OversizeHandling']);
}

/** TextTransformations: at least one, unique priorities, known types; each one other than NONE costs 10 WCUs. */
function transformationsCapacity(value: unknown): number {
  if (!Array.isArray(value) || value.length === 0) throw invalidParameter('TEXT_TRANSFORMATION', value ?? 'null', MISSING);
  const priorities = new Set<unknown>();
  let wcu = 0;
  for (const t of value) {
    if (!isObject(t) || typeof t['Type'] !== 'string' || !TEXT_TRANSFORMATIONS.includes(t['Type'])) throw invalidParameter('TEXT_TRANSFORMATION', isObject(t) ? t['Type'] ?? 'null' : t);
    integer(t['Priority'], 'TEXT_TRANSFORMATION', 0, 2 ** 31 - 1);
    if (priorities.has(t['Priority'])) throw invalidParameter('TEXT_TRANSFORMATION', t['Priority'], 'Text transformations must have unique priorities.');
    priorities.add(t['Priority']);
    if (t['Type'] !== 'NONE') wcu += 10;
  }
  return wcu;
}
