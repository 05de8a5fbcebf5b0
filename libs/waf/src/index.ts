export { MANAGED_RULE_GROUPS, WEB_ACL_DEFAULTS, WebAcl } from './lib/web-acl';
export type { ManagedRuleModes, RuleMode, WebAclProps } from './lib/web-acl';
