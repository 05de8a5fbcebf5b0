import { PRODUCTION_POLICY } from '@secure-api/core';
import type { SynthResource, Template } from './template';

/**
 * Security policy rules run against a synthesized stack. Each rule names the scanner checks it mirrors
 * (checkov, cdk-nag) so a finding can be traced to public guidance. `scope: 'prod'` rules apply to
 * production stacks only; the others to every stack.
 */
export interface PolicyRule {
  readonly id: string;
  readonly scope: 'all' | 'prod';
  readonly mirrors: string;
  readonly description: string;
}

export interface PolicyFinding {
  readonly rule: string;
  /** The Terraform address at fault. */
  readonly address: string;
  readonly message: string;
}

export interface PolicyOptions {
  /** `prod` turns on the production-only rules and forbids waivers. */
  readonly environment: 'prod' | 'nonprod';
  /**
   * Routes allowed to be public (authorization NONE), by name: `'GET /health'`. OPTIONS preflight methods are
   * exempt on their own.
   * @default - none: every method must have an authorizer
   */
  readonly publicRoutes?: readonly string[];
  /**
   * The stack opts in to self sign-up on purpose.
   * @default false
   */
  readonly selfSignUpAllowed?: boolean;
  /**
   * Rules waived by id, each with the reason written next to it. Not allowed for `prod`.
   * @default - none
   */
  readonly waivers?: Readonly<Record<string, string>>;
}

export const POLICY_RULES: readonly PolicyRule[] = [
  { id: 'api-method-authorization', scope: 'all', mirrors: 'CKV_AWS_59, CKV2_AWS_70', description: 'every method has an authorizer unless it is a named public route or an OPTIONS preflight' },
  { id: 'api-stage-access-logs', scope: 'all', mirrors: 'CKV_AWS_76', description: 'every stage writes access logs to a destination with a format' },
  { id: 'api-stage-xray', scope: 'all', mirrors: 'CKV_AWS_73', description: 'every stage has X-Ray tracing on' },
  { id: 'api-stage-metrics-logging', scope: 'all', mirrors: 'CKV2_AWS_4', description: 'every stage has metrics and execution logging on (method settings */*)' },
  { id: 'api-stage-throttling', scope: 'all', mirrors: 'API Gateway throttling guidance', description: 'every stage has a positive throttling rate and burst' },
  { id: 'api-cache-encrypted', scope: 'all', mirrors: 'CKV_AWS_120, CKV_AWS_225, CKV_AWS_308', description: 'a cache, when on, is encrypted' },
  { id: 'api-data-trace-off', scope: 'all', mirrors: 'CKV_AWS_276', description: 'full request/response data tracing is off' },
  { id: 'api-custom-domain-tls12', scope: 'all', mirrors: 'CKV_AWS_206', description: 'custom domains use TLS 1.2' },
  { id: 'api-deployment-create-before-destroy', scope: 'all', mirrors: 'CKV_AWS_217, CKV_AWS_237', description: 'deployments redeploy on change and are created before destroyed' },
  { id: 'pool-admin-only-sign-up', scope: 'all', mirrors: 'cdk-nag COG2 (sign-up control)', description: 'only administrators create users unless self sign-up is opted in' },
  { id: 'client-prevent-user-existence-errors', scope: 'all', mirrors: 'cdk-nag COG (user enumeration)', description: 'every app client prevents user-existence errors' },
  { id: 'pool-deletion-protection', scope: 'prod', mirrors: 'cdk-nag COG (deletion protection)', description: 'the user pool has deletion protection ACTIVE' },
  { id: 'pool-password-policy', scope: 'prod', mirrors: 'cdk-nag COG1', description: `passwords of at least ${PRODUCTION_POLICY.minPasswordLength} characters with upper, lower, number and symbol` },
  { id: 'pool-mfa', scope: 'prod', mirrors: 'cdk-nag COG2', description: 'MFA at least OPTIONAL' },
  { id: 'client-no-implicit-grant', scope: 'prod', mirrors: 'RFC 9700 §2.1.2', description: 'no app client allows the implicit grant' },
  { id: 'client-https-urls', scope: 'prod', mirrors: 'Cognito callback URL rules', description: 'callback and logout URLs are https only' },
  { id: 'lambda-least-privilege', scope: 'all', mirrors: 'CKV_AWS_355, CKV_AWS_290, cdk-nag IAM5', description: "a function role's inline policies name no `*` action, no logs:CreateLogGroup, and `*` resources only for X-Ray's write actions" },
  { id: 'lambda-permission-scoped', scope: 'all', mirrors: 'CKV_AWS_364, cdk-nag (Lambda permission scope)', description: 'an API Gateway invoke permission names its stage and method (never */*)' },
  { id: 'lambda-tracing', scope: 'all', mirrors: 'CKV_AWS_50', description: 'every function has X-Ray active tracing' },
  { id: 'log-group-kms', scope: 'all', mirrors: 'CKV_AWS_158', description: 'every log group is encrypted with a customer-managed KMS key (kms_key_id)' },
  { id: 'kms-key-rotation', scope: 'all', mirrors: 'CKV_AWS_7', description: 'every customer-managed key rotates its material' },
  { id: 'sns-topic-kms', scope: 'all', mirrors: 'CKV_AWS_26', description: 'every SNS topic is encrypted with a KMS key' },
  { id: 'waf-logging', scope: 'all', mirrors: 'CKV2_AWS_31', description: 'every web ACL logs to an aws-waf-logs- destination with the authorization header redacted' },
  { id: 'api-stage-waf', scope: 'prod', mirrors: 'CKV2_AWS_29, cdk-nag APIG3', description: 'every stage is associated with a WAF web ACL' },
  { id: 'pool-threat-protection', scope: 'prod', mirrors: 'cdk-nag COG3', description: 'every user pool enforces threat protection (advanced_security_mode ENFORCED)' },
  { id: 'alarms-api', scope: 'prod', mirrors: 'Well-Architected REL06 (monitor workload resources)', description: 'every stage has alarms on 5XXError and Latency that notify someone and treat missing data as not breaching' },
  { id: 'alarms-function', scope: 'prod', mirrors: 'Well-Architected REL06 (monitor workload resources)', description: 'every function has alarms on Errors and Throttles that notify someone and treat missing data as not breaching' },
];

/** X-Ray's write actions: they take no resource-level permissions, so `*` is the only resource AWS allows. */
const XRAY_WRITE = new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']);

type Values = Record<string, unknown>;
const obj = (v: unknown): Values => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Values) : {});
const first = (v: unknown): Values => obj(Array.isArray(v) ? v[0] : v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/** Runs every applicable rule and returns the findings not waived. */
export function checkSecurityPolicy(template: Template, options: PolicyOptions): PolicyFinding[] {
  const waivers = options.waivers ?? {};
  if (options.environment === 'prod' && Object.keys(waivers).length > 0) {
    throw new Error(`prod stacks take no waivers (got ${Object.keys(waivers).join(', ')}). Fix: remove the waiver and meet the rule.`);
  }
  for (const [id, reason] of Object.entries(waivers)) {
    if (!POLICY_RULES.some((r) => r.id === id)) throw new Error(`waiver names an unknown rule "${id}". Fix: use one of ${POLICY_RULES.map((r) => r.id).join(', ')}.`);
    if (!reason || !reason.trim()) throw new Error(`waiver for "${id}" has no reason. Fix: write why it is acceptable next to it.`);
  }
  const findings: PolicyFinding[] = [];
  const add = (rule: string, r: SynthResource, message: string) => findings.push({ rule, address: r.address, message });
  const prod = options.environment === 'prod';

  // API Gateway
  const routes = routeNames(template);
  const allowedPublic = new Set((options.publicRoutes ?? []).map(normalizeRoute));
  for (const m of template.resources('aws_api_gateway_method')) {
    const auth = String(m.values['authorization'] ?? 'NONE').toUpperCase();
    if (auth !== 'NONE' || m.values['http_method'] === 'OPTIONS') continue;
    const name = routes.get(m.address) ?? m.address;
    if (!allowedPublic.has(normalizeRoute(name))) add('api-method-authorization', m, `${name} has authorization NONE and is not a named public route`);
  }
  const settings = template.resources('aws_api_gateway_method_settings');
  for (const stage of template.resources('aws_api_gateway_stage')) {
    const logs = first(stage.values['access_log_settings']);
    if (!logs['destination_arn'] || !logs['format']) add('api-stage-access-logs', stage, 'stage has no access_log_settings with destination_arn and format');
    if (stage.values['xray_tracing_enabled'] !== true) add('api-stage-xray', stage, 'xray_tracing_enabled is not true');
    const mine = settings.filter((s) => refersTo(s.values['stage_name'], stage) || s.values['stage_name'] === stage.values['stage_name']);
    const all = mine.filter((s) => s.values['method_path'] === '*/*').map((s) => first(s.values['settings']));
    if (!all.some((s) => s['metrics_enabled'] === true && ['INFO', 'ERROR'].includes(String(s['logging_level'])))) {
      add('api-stage-metrics-logging', stage, 'no method settings */* with metrics_enabled and logging_level INFO or ERROR');
    }
    if (!all.some((s) => Number(s['throttling_rate_limit']) > 0 && Number(s['throttling_burst_limit']) > 0)) {
      add('api-stage-throttling', stage, 'no method settings */* with positive throttling_rate_limit and throttling_burst_limit');
    }
    const cacheOn = stage.values['cache_cluster_enabled'] === true || mine.some((s) => first(s.values['settings'])['caching_enabled'] === true);
    if (cacheOn && !mine.some((s) => first(s.values['settings'])['cache_data_encrypted'] === true)) add('api-cache-encrypted', stage, 'cache is on but cache_data_encrypted is not true');
  }
  for (const s of settings) {
    if (first(s.values['settings'])['data_trace_enabled'] === true) add('api-data-trace-off', s, 'data_trace_enabled is true');
  }
  for (const d of template.resources('aws_api_gateway_domain_name')) {
    if (d.values['security_policy'] !== 'TLS_1_2' && !String(d.values['security_policy'] ?? '').startsWith('SecurityPolicy_TLS13')) {
      add('api-custom-domain-tls12', d, `security_policy is ${JSON.stringify(d.values['security_policy'] ?? null)}, expected TLS_1_2`);
    }
  }
  for (const d of template.resources('aws_api_gateway_deployment')) {
    if (obj(d.values['lifecycle'])['create_before_destroy'] !== true) add('api-deployment-create-before-destroy', d, 'lifecycle.create_before_destroy is not true');
    if (Object.keys(obj(d.values['triggers'])).length === 0) add('api-deployment-create-before-destroy', d, 'no triggers: the stage would not redeploy when routes change');
  }

  // Cognito
  for (const pool of template.resources('aws_cognito_user_pool')) {
    const admin = first(pool.values['admin_create_user_config']);
    if (admin['allow_admin_create_user_only'] !== true && !options.selfSignUpAllowed) add('pool-admin-only-sign-up', pool, 'self sign-up is on but the stack did not opt in (selfSignUpAllowed)');
    if (!prod) continue;
    if (PRODUCTION_POLICY.deletionProtection && pool.values['deletion_protection'] !== 'ACTIVE') add('pool-deletion-protection', pool, `deletion_protection is ${JSON.stringify(pool.values['deletion_protection'] ?? 'INACTIVE')}`);
    const pw = first(pool.values['password_policy']);
    const strong = Number(pw['minimum_length'] ?? 8) >= PRODUCTION_POLICY.minPasswordLength && PRODUCTION_POLICY.passwordClasses.every((c) => pw[`require_${c}`] !== false);
    if (!strong) add('pool-password-policy', pool, `password policy ${JSON.stringify(pw)} is weaker than ${PRODUCTION_POLICY.minPasswordLength} characters with all classes`);
    if (!(PRODUCTION_POLICY.mfaConfiguration as readonly string[]).includes(String(pool.values['mfa_configuration'] ?? 'OFF'))) add('pool-mfa', pool, `mfa_configuration is ${JSON.stringify(pool.values['mfa_configuration'] ?? 'OFF')}`);
  }
  for (const c of template.resources('aws_cognito_user_pool_client')) {
    if (c.values['prevent_user_existence_errors'] !== 'ENABLED') add('client-prevent-user-existence-errors', c, 'prevent_user_existence_errors is not ENABLED');
    if (!prod) continue;
    if (!PRODUCTION_POLICY.implicitGrant && list(c.values['allowed_oauth_flows']).includes('implicit')) add('client-no-implicit-grant', c, 'allowed_oauth_flows includes implicit');
    const urls = [...list(c.values['callback_urls']), ...list(c.values['logout_urls'])].map(String);
    const bad = urls.filter((u) => !u.startsWith('https://') && !u.startsWith('${'));
    if (PRODUCTION_POLICY.httpsUrlsOnly && bad.length) add('client-https-urls', c, `non-https URLs: ${bad.join(', ')}`);
  }
  // Lambda
  const functionRoles = new Set(template.resources('aws_lambda_function').map((f) => String(f.values['role'] ?? '').replace(/\.arn\}$/, '')));
  for (const p of template.resources('aws_iam_role_policy')) {
    if (!functionRoles.has(String(p.values['role'] ?? '').replace(/\.(id|name)\}$/, ''))) continue;
    for (const problem of policyProblems(p.values['policy'])) add('lambda-least-privilege', p, problem);
  }
  for (const perm of template.resources('aws_lambda_permission')) {
    if (perm.values['principal'] !== 'apigateway.amazonaws.com') continue;
    const arn = String(perm.values['source_arn'] ?? '');
    // <execution ARN>/<stage>/<method>/<path>: the stage must be named (the method may be * for ANY).
    const parts = arn.replace(/^\$\{[^}]+\}/, 'API').split('/');
    if (parts.length < 4 || parts[1] === '*' || parts[1] === '') add('lambda-permission-scoped', perm, `source_arn ${JSON.stringify(arn)} does not name a stage`);
  }
  for (const f of template.resources('aws_lambda_function')) {
    if (first(f.values['tracing_config'])['mode'] !== 'Active') add('lambda-tracing', f, `tracing_config.mode is ${JSON.stringify(first(f.values['tracing_config'])['mode'] ?? 'PassThrough')}`);
  }
  checkEncryption(template, add);
  checkWaf(template, add, prod);
  if (prod) checkAlarms(template, add);
  return findings.filter((f) => !(f.rule in waivers));
}

type Add = (rule: string, r: SynthResource, message: string) => void;

function checkEncryption(template: Template, add: Add): void {
  for (const g of template.resources('aws_cloudwatch_log_group')) {
    if (!g.values['kms_key_id']) add('log-group-kms', g, 'kms_key_id is not set: the group is encrypted only with CloudWatch Logs\' own key');
  }
  for (const k of template.resources('aws_kms_key')) {
    if (k.values['enable_key_rotation'] !== true) add('kms-key-rotation', k, 'enable_key_rotation is not true');
  }
  for (const t of template.resources('aws_sns_topic')) {
    if (!t.values['kms_master_key_id']) add('sns-topic-kms', t, 'kms_master_key_id is not set');
  }
}

function checkWaf(template: Template, add: Add, prod: boolean): void {
  const logging = template.resources('aws_wafv2_web_acl_logging_configuration');
  const groups = template.resources('aws_cloudwatch_log_group');
  for (const acl of template.resources('aws_wafv2_web_acl')) {
    const mine = logging.filter((l) => refersTo(l.values['resource_arn'], acl));
    if (mine.length === 0) {
      add('waf-logging', acl, 'the web ACL has no logging configuration');
      continue;
    }
    for (const l of mine) {
      const destinations = list(l.values['log_destination_configs']).map(String);
      const named = destinations.every((d) => d.startsWith('arn:') ? /:log-group:aws-waf-logs-/.test(d) : groups.some((g) => refersTo(d, g) && String(g.values['name'] ?? '').startsWith('aws-waf-logs-')));
      if (!named) add('waf-logging', l, `log destinations ${JSON.stringify(destinations)} are not log groups named aws-waf-logs-...`);
      const redacted = list(l.values['redacted_fields']).map((f) => String(first(obj(f)['single_header'])['name'] ?? '').toLowerCase());
      if (!redacted.includes('authorization')) add('waf-logging', l, 'the authorization header is not redacted: tokens would reach the logs');
    }
  }
  if (!prod) return;
  const associations = template.resources('aws_wafv2_web_acl_association');
  for (const stage of template.resources('aws_api_gateway_stage')) {
    if (!associations.some((a) => refersTo(a.values['resource_arn'], stage))) add('api-stage-waf', stage, 'no aws_wafv2_web_acl_association names this stage');
  }
  for (const pool of template.resources('aws_cognito_user_pool')) {
    const mode = first(pool.values['user_pool_add_ons'])['advanced_security_mode'] ?? 'OFF';
    if (mode !== 'ENFORCED') add('pool-threat-protection', pool, `user_pool_add_ons.advanced_security_mode is ${JSON.stringify(mode)}`);
  }
}

/** Alarms that notify someone and stay quiet when there is no traffic, by the metric and dimension they watch. */
function checkAlarms(template: Template, add: Add): void {
  const alarms = template.resources('aws_cloudwatch_metric_alarm').filter((a) => list(a.values['alarm_actions']).length > 0 && a.values['treat_missing_data'] === 'notBreaching');
  const watched = (namespace: string, metric: string, dimension: string, value: unknown) =>
    alarms.some((a) => a.values['namespace'] === namespace && a.values['metric_name'] === metric && obj(a.values['dimensions'])[dimension] === value);
  const apis = new Map(template.resources('aws_api_gateway_rest_api').map((r) => [r.address, r.values['name']]));
  for (const stage of template.resources('aws_api_gateway_stage')) {
    const api = /^\$\{(aws_api_gateway_rest_api\.[^.]+)\.id\}$/.exec(String(stage.values['rest_api_id'] ?? ''))?.[1];
    const name = api ? apis.get(api) : undefined;
    const missing = ['5XXError', 'Latency'].filter((m) => !watched('AWS/ApiGateway', m, 'ApiName', name));
    if (missing.length) add('alarms-api', stage, `no alarm with actions on ${missing.join(', ')} of API ${JSON.stringify(name ?? null)}`);
  }
  for (const f of template.resources('aws_lambda_function')) {
    const missing = ['Errors', 'Throttles'].filter((m) => !watched('AWS/Lambda', m, 'FunctionName', f.values['function_name']));
    if (missing.length) add('alarms-function', f, `no alarm with actions on ${missing.join(', ')} of ${JSON.stringify(f.values['function_name'])}`);
  }
}

/** Throws one error listing every finding (rule, address, message), or returns when the stack passes. */
export function assertSecurityPolicy(template: Template, options: PolicyOptions): void {
  const findings = checkSecurityPolicy(template, options);
  if (findings.length === 0) return;
  throw new Error(`security policy: ${findings.length} finding(s)\n${findings.map((f) => `- [${f.rule}] ${f.address}: ${f.message}`).join('\n')}`);
}

/** What a role policy document allows beyond least privilege. */
function policyProblems(policy: unknown): string[] {
  let doc: Values;
  try {
    doc = obj(typeof policy === 'string' ? JSON.parse(policy) : policy);
  } catch {
    return [`policy is not JSON: ${String(policy).slice(0, 80)}`];
  }
  const problems: string[] = [];
  for (const st of list(doc['Statement']).map(obj)) {
    if (st['Effect'] !== 'Allow') continue;
    const actions = list(st['Action']).map(String);
    const resources = list(st['Resource']).map(String);
    for (const a of actions) if (a === '*' || a.endsWith(':*')) problems.push(`allows the wildcard action ${a}`);
    if (actions.includes('logs:CreateLogGroup')) problems.push('allows logs:CreateLogGroup: the function must write only to the log group the stack made');
    if (resources.includes('*') && !actions.every((a) => XRAY_WRITE.has(a))) problems.push(`allows ${actions.join(', ')} on every resource (*)`);
  }
  return problems;
}

function refersTo(value: unknown, r: SynthResource): boolean {
  return typeof value === 'string' && value.startsWith(`\${${r.address}.`);
}

function normalizeRoute(route: string): string {
  const [method, ...rest] = route.trim().split(/\s+/);
  const path = rest.join('') || '/';
  return `${method.toUpperCase()} ${path.replace(/\/+$/, '') || '/'}`;
}

/** Maps each method's address to its route name (`GET /items/{id}`), following the resource tree. */
export function routeNames(template: Template): Map<string, string> {
  const resources = new Map(template.resources('aws_api_gateway_resource').map((r) => [r.address, r.values]));
  const pathOf = (ref: unknown, depth = 0): string => {
    const m = typeof ref === 'string' ? /^\$\{(aws_api_gateway_resource\.[^.]+)\.id\}$/.exec(ref) : null;
    if (!m || depth > 64) return '';
    const r = resources.get(m[1]);
    if (!r) return '';
    return `${pathOf(r['parent_id'], depth + 1)}/${String(r['path_part'])}`;
  };
  const names = new Map<string, string>();
  for (const m of template.resources('aws_api_gateway_method')) {
    names.set(m.address, `${String(m.values['http_method'])} ${pathOf(m.values['resource_id']) || '/'}`);
  }
  return names;
}
