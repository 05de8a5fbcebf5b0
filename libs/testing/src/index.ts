export { Match, mismatch } from './lib/match';
export type { Matcher } from './lib/match';
export { Template, newTestStack } from './lib/template';
export type { SynthResource } from './lib/template';
