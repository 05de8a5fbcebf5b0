// The WAFv2 resource types of a stack (web ACLs, their associations with stages, their logging configurations),
// brought into the twin through the same operations, with the inputs terraform-provider-aws 5.100 sends (recorded
// against the twin; internal/service/wafv2/web_acl.go, web_acl_association.go, web_acl_logging_configuration.go and
// the expanders of flex.go, which turn each snake_case block into the API's PascalCase member).
import { randomBytes } from 'node:crypto';
import { AwsError } from '../aws/errors';
import { tagsAll, type ApplyContext, type ResourceHandler } from './handlers';
import { block, blocks, pascal, str, strList } from './terraform';

type Json = Record<string, unknown>;

const WAF = 'AWSWAF_20190729';
const waf = (ctx: ApplyContext, op: string, input: Json, reuse?: Record<string, string>) => ctx.aws.json(WAF, op, input, reuse);

/** Runs `fn`, answering undefined when what it names is gone. */
async function unlessGone<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AwsError && err.code === 'WAFNonexistentItemException') return undefined;
    throw err;
  }
}

/** Blocks that are lists in the API (the provider's expanders build a slice of each). */
const LISTS: Readonly<Record<string, string>> = {
  rule: 'Rules', text_transformation: 'TextTransformations', rule_action_override: 'RuleActionOverrides', custom_key: 'CustomKeys', rule_label: 'RuleLabels',
  excluded_rule: 'ExcludedRules', managed_rule_group_configs: 'ManagedRuleGroupConfigs', custom_response_body: 'CustomResponseBodies', insert_header: 'InsertHeaders', response_header: 'ResponseHeaders',
};
/** Members whose API name is not the PascalCase of the argument. */
const RENAMES: Readonly<Record<string, string>> = {
  arn: 'ARN', cloudwatch_metrics_enabled: 'CloudWatchMetricsEnabled', ip_set_reference_statement: 'IPSetReferenceStatement', forwarded_ip_config: 'ForwardedIPConfig', ip_set_forwarded_ip_config: 'IPSetForwardedIPConfig',
  ja3_fingerprint: 'JA3Fingerprint', ja4_fingerprint: 'JA4Fingerprint', asn_match_statement: 'AsnMatchStatement',
};
/** Lists of plain values, kept as they are. */
const VALUES = ['country_codes', 'addresses', 'included_paths', 'token_domains', 'asn_list'];

/** A Terraform block (snake_case, nested blocks as objects or lists of one) as the WAF API member it expands to. */
function expand(value: unknown, parentKey?: string): unknown {
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) return value;
  const b = block(value);
  if (!b) return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(b)) {
    if (v === undefined || v === null) continue;
    if (VALUES.includes(k)) {
      out[pascal(k)] = v;
      continue;
    }
    // `statement` is one nested statement, except in and_statement / or_statement, which hold a list of them.
    if (k === 'statement' && (parentKey === 'and_statement' || parentKey === 'or_statement')) {
      out['Statements'] = blocks(v).map((s) => expand(s, k));
      continue;
    }
    if (LISTS[k]) {
      out[LISTS[k]] = blocks(v).map((e) => expand(e, k));
      continue;
    }
    const name = RENAMES[k] ?? pascal(k);
    out[name] = typeof v === 'object' ? expand(v, k) : v;
  }
  return out;
}

/** CreateWebACL's and UpdateWebACL's shared members, from the resource's arguments. */
function webAclInput(args: Json): Json {
  const out: Json = {
    DefaultAction: expand(args['default_action']),
    VisibilityConfig: expand(args['visibility_config']),
    Rules: blocks(args['rule']).map((r) => expand(r, 'rule')),
  };
  if (str(args['description']) !== undefined) out['Description'] = str(args['description']);
  if (args['rule_json'] !== undefined) out['Rules'] = JSON.parse(String(args['rule_json'])) as unknown;
  for (const [k, member] of [['association_config', 'AssociationConfig'], ['captcha_config', 'CaptchaConfig'], ['challenge_config', 'ChallengeConfig'], ['data_protection_config', 'DataProtectionConfig']]) {
    if (block(args[k])) out[member] = expand(args[k], k);
  }
  const bodies = blocks(args['custom_response_body']);
  if (bodies.length > 0) out['CustomResponseBodies'] = Object.fromEntries(bodies.map((b) => [String(b['key']), { ContentType: b['content_type'], Content: b['content'] }]));
  const domains = strList(args['token_domains']);
  if (domains && domains.length > 0) out['TokenDomains'] = domains;
  return out;
}

/**
 * `aws_wafv2_web_acl`: CreateWebACL with the tags; an existing one (recorded at an earlier start) is brought to the
 * stack's rules and actions with UpdateWebACL and its lock token, and its tags with TagResource/UntagResource. A new
 * name or scope replaces it (force-new), after the old one is taken off the stages it protects.
 */
const webAcl: ResourceHandler = {
  type: 'aws_wafv2_web_acl',
  rank: 5,
  async apply(_r, args, recorded, ctx) {
    const scope = str(args['scope']) ?? 'REGIONAL';
    const name = str(args['name']) ?? str(recorded?.['name']) ?? `${str(args['name_prefix']) ?? 'terraform-'}${randomBytes(13).toString('hex')}`;
    const tags = tagsAll(args, ctx);
    const input = webAclInput(args);
    let current: Json | undefined;
    if (typeof recorded?.['id'] === 'string') {
      if (recorded['name'] === name && recorded['scope'] === scope) current = await unlessGone(() => waf(ctx, 'GetWebACL', { Name: name, Scope: scope, Id: String(recorded['id']) }));
      else await this.remove(recorded, ctx);
    }
    let id: string;
    let arn: string;
    if (!current) {
      const made = (await waf(ctx, 'CreateWebACL', { ...input, Name: name, Scope: scope, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }, typeof recorded?.['id'] === 'string' ? { id: recorded['id'] } : undefined))['Summary'] as Json;
      id = String(made['Id']);
      arn = String(made['ARN']);
      ctx.remember({ id, name, scope });
    } else {
      const acl = current['WebACL'] as Json;
      id = String(acl['Id']);
      arn = String(acl['ARN']);
      await waf(ctx, 'UpdateWebACL', { ...input, Name: name, Scope: scope, Id: id, LockToken: current['LockToken'] });
      const listed = ((await waf(ctx, 'ListTagsForResource', { ResourceARN: arn }))['TagInfoForResource'] as Json)['TagList'] as { Key: string; Value: string }[];
      const have = Object.fromEntries(listed.map((t) => [t.Key, t.Value]));
      const gone = Object.keys(have).filter((k) => !(k in tags));
      if (gone.length > 0) await waf(ctx, 'UntagResource', { ResourceARN: arn, TagKeys: gone });
      const changed = Object.entries(tags).filter(([k, v]) => have[k] !== v);
      if (changed.length > 0) await waf(ctx, 'TagResource', { ResourceARN: arn, Tags: changed.map(([Key, Value]) => ({ Key, Value })) });
    }
    const got = await waf(ctx, 'GetWebACL', { Name: name, Scope: scope, Id: id });
    const acl = got['WebACL'] as Json;
    return {
      record: { id, name, scope },
      attributes: { ...args, id, arn, name, scope, lock_token: got['LockToken'], capacity: acl['Capacity'], tags_all: tags },
    };
  },
  async remove(recorded, ctx) {
    const name = String(recorded['name']);
    const scope = String(recorded['scope'] ?? 'REGIONAL');
    const current = await unlessGone(() => waf(ctx, 'GetWebACL', { Name: name, Scope: scope, Id: String(recorded['id']) }));
    if (!current) return;
    const arn = String((current['WebACL'] as Json)['ARN']);
    // WAF refuses to delete a web ACL that still protects something.
    for (const resource of ((await waf(ctx, 'ListResourcesForWebACL', { WebACLArn: arn }))['ResourceArns'] as string[])) await unlessGone(() => waf(ctx, 'DisassociateWebACL', { ResourceArn: resource }));
    await unlessGone(() => waf(ctx, 'DeleteWebACL', { Name: name, Scope: scope, Id: String(recorded['id']), LockToken: current['LockToken'] }));
  },
};

/**
 * `aws_wafv2_web_acl_association`: AssociateWebACL (which the twin keeps on the stage, as GetStage's `webAclArn`
 * says); applied on every load, since a stage rebuilt with its REST API starts without one. Its id is
 * `<web ACL ARN>,<resource ARN>`, as the provider's.
 */
const association: ResourceHandler = {
  type: 'aws_wafv2_web_acl_association',
  rank: 70,
  async apply(_r, args, recorded, ctx) {
    const resource = str(args['resource_arn']) ?? '';
    const aclArn = str(args['web_acl_arn']) ?? '';
    if (typeof recorded?.['resource'] === 'string' && recorded['resource'] !== resource) await this.remove(recorded, ctx);
    await waf(ctx, 'AssociateWebACL', { WebACLArn: aclArn, ResourceArn: resource });
    return { record: { resource }, attributes: { ...args, id: `${aclArn},${resource}`, resource_arn: resource, web_acl_arn: aclArn } };
  },
  async remove(recorded, ctx) {
    await unlessGone(() => waf(ctx, 'DisassociateWebACL', { ResourceArn: String(recorded['resource']) }));
  },
};

/**
 * `aws_wafv2_web_acl_logging_configuration`: PutLoggingConfiguration (create and update alike, as the provider), with
 * the redacted fields (none is an empty list) and the logging filter; its id is the web ACL's ARN.
 */
const logging: ResourceHandler = {
  type: 'aws_wafv2_web_acl_logging_configuration',
  rank: 71,
  async apply(_r, args, recorded, ctx) {
    const aclArn = str(args['resource_arn']) ?? '';
    if (typeof recorded?.['resource'] === 'string' && recorded['resource'] !== aclArn) await this.remove(recorded, ctx);
    const filter = block(args['logging_filter']);
    const config: Json = {
      ResourceArn: aclArn,
      LogDestinationConfigs: strList(args['log_destination_configs']) ?? [],
      RedactedFields: blocks(args['redacted_fields']).map((f) => expand(f, 'redacted_fields')),
      ...(filter ? { LoggingFilter: { DefaultBehavior: filter['default_behavior'], Filters: blocks(filter['filter']).map((f) => ({ Behavior: f['behavior'], Requirement: f['requirement'], Conditions: blocks(f['condition']).map((c) => expand(c)) })) } } : {}),
    };
    await waf(ctx, 'PutLoggingConfiguration', { LoggingConfiguration: config });
    return { record: { resource: aclArn }, attributes: { ...args, id: aclArn, resource_arn: aclArn } };
  },
  async remove(recorded, ctx) {
    await unlessGone(() => waf(ctx, 'DeleteLoggingConfiguration', { ResourceArn: String(recorded['resource']) }));
  },
};

export const WAFV2_HANDLERS: readonly ResourceHandler[] = [webAcl, association, logging];
