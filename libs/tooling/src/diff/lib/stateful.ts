/**
 * Stateful resource types and the attributes whose change makes the AWS provider destroy and recreate the
 * resource. The lists follow each resource's schema (`ForceNew: true`, or a `CustomizeDiff` that forces a new
 * resource) in hashicorp/terraform-provider-aws; the provider's documentation pages are linked per type. Each rule
 * is cross-checked against what the real provider 5.100 plans on the twin (danger-crosscheck.integration.spec.ts).
 * A type missing here is still diffed; only its force-new attributes are unknown, so its updates show as `~`.
 */

/** One attribute (a path prefix, list indexes ignored) that forces replacement. */
export interface ForceNewRule {
  /** Dotted attribute path without list indexes, e.g. `username_configuration`. */
  readonly path: string;
  /** When present, the change forces replacement only if this returns true. */
  readonly when?: (before: unknown, after: unknown) => boolean;
}

export interface StatefulType {
  /** What a delete or a replacement loses, said to a reviewer. */
  readonly loss: string;
  readonly forceNew: readonly ForceNewRule[];
  /** The provider documentation page. */
  readonly docs: string;
}

const isSet = (v: unknown): boolean => v !== undefined && v !== null && v !== '';

export const STATEFUL_TYPES: Readonly<Record<string, StatefulType>> = {
  // internal/service/cognitoidp/user_pool.go: `name`, `alias_attributes`, `username_attributes` and
  // `username_configuration.case_sensitive` are ForceNew. `schema` is not: adding attributes is an in-place
  // AddCustomAttributes, while changing or removing one fails the apply ("cannot modify or remove schema
  // items"), reported below as a warning.
  aws_cognito_user_pool: {
    loss: 'every user, password, MFA device and refresh token in the pool is lost, and the pool id changes',
    forceNew: [{ path: 'name' }, { path: 'alias_attributes' }, { path: 'username_attributes' }, { path: 'username_configuration' }],
    docs: 'https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cognito_user_pool',
  },
  // internal/service/cognitoidp/user_pool_domain.go: `domain` and `user_pool_id` are ForceNew; a CustomizeDiff
  // forces a new resource when `certificate_arn` is added or removed, while swapping one certificate for another
  // is an in-place UpdateUserPoolDomain.
  aws_cognito_user_pool_domain: {
    loss: 'the hosted UI and OAuth endpoints go down until the domain is recreated, and a freed prefix can be claimed by anyone',
    forceNew: [
      { path: 'domain' },
      { path: 'user_pool_id' },
      { path: 'certificate_arn', when: (before, after) => !(isSet(before) && isSet(after)) },
    ],
    docs: 'https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cognito_user_pool_domain',
  },
  // internal/service/cognitoidp/user.go: `user_pool_id` and `username` are ForceNew.
  aws_cognito_user: {
    loss: 'the user is deleted with their password, MFA setup and sessions, and gets a new `sub`',
    forceNew: [{ path: 'user_pool_id' }, { path: 'username' }],
    docs: 'https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cognito_user',
  },
  // internal/service/logs/group.go: `name`, `name_prefix` and `log_group_class` are ForceNew.
  aws_cloudwatch_log_group: {
    loss: 'every log event in the group is deleted (unless skip_destroy is set)',
    forceNew: [{ path: 'name' }, { path: 'name_prefix' }, { path: 'log_group_class' }],
    docs: 'https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudwatch_log_group',
  },
  // internal/service/kms/key.go: `customer_master_key_spec`, `key_usage`, `multi_region`, `custom_key_store_id` and
  // `xks_key_id` are ForceNew; a destroyed key is only scheduled for deletion (deletion_window_in_days).
  aws_kms_key: {
    loss: 'what the key encrypts (every log event of the groups that name it) becomes unreadable once the old key is deleted after its deletion window, and the key ARN changes',
    forceNew: [{ path: 'customer_master_key_spec' }, { path: 'key_usage' }, { path: 'multi_region' }, { path: 'custom_key_store_id' }, { path: 'xks_key_id' }],
    docs: 'https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_key',
  },
  // internal/service/wafv2/web_acl.go: `name`, `name_prefix` and `scope` are ForceNew.
  aws_wafv2_web_acl: {
    loss: 'the stage is unprotected between the destroy and the new association, and the rate-based counts and metric history start over under a new ARN',
    forceNew: [{ path: 'name' }, { path: 'name_prefix' }, { path: 'scope' }],
    docs: 'https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/wafv2_web_acl',
  },
  // internal/service/sns/topic.go: `name`, `name_prefix` and `fifo_topic` are ForceNew.
  aws_sns_topic: {
    loss: 'every subscription is deleted (email subscribers must confirm again) and alarms notify nobody until they name the new topic',
    forceNew: [{ path: 'name' }, { path: 'name_prefix' }, { path: 'fifo_topic' }],
    docs: 'https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sns_topic',
  },
};

/** Review order of resource types: the user pool first (losing it loses everything else), unknown types last. */
export function statefulRank(type: string): number {
  const types = Object.keys(STATEFUL_TYPES);
  const i = types.indexOf(type);
  return i === -1 ? types.length : i;
}

/** True when `path` (with list indexes) falls under the rule's attribute. */
export function ruleMatches(rule: ForceNewRule, path: string): boolean {
  const bare = path.replace(/\[\d+\]/g, '');
  return bare === rule.path || bare.startsWith(`${rule.path}.`);
}

/** Whether changing `path` from `before` to `after` replaces a resource of `type`. */
export function isForceNew(type: string, path: string, before: unknown, after: unknown): boolean {
  const rules = STATEFUL_TYPES[type]?.forceNew ?? [];
  return rules.some((r) => ruleMatches(r, path) && (r.when === undefined || r.when(before, after)));
}
