export { diffStacks } from './lib/diff-stacks';
export { renderText, renderMarkdown, DEFAULT_ACK_LABEL } from './lib/render';
export type { RenderContext } from './lib/render';
export { STATEFUL_TYPES, isForceNew } from './lib/stateful';
export type { ForceNewRule, StatefulType } from './lib/stateful';
export type {
  AttributeChange,
  ChangeAction,
  Finding,
  OutputChanges,
  Rename,
  ResourceChange,
  Severity,
  StackDiff,
  TerraformJson,
} from './lib/types';
