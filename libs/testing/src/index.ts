export { Match, mismatch } from './lib/match';
export type { Matcher } from './lib/match';
export { Template, newTestStack } from './lib/template';
export type { SynthResource } from './lib/template';
export { POLICY_RULES, assertSecurityPolicy, checkSecurityPolicy, routeNames } from './lib/policy';
export type { PolicyFinding, PolicyOptions, PolicyRule } from './lib/policy';
export { expectInvalid } from './lib/expect-invalid';
