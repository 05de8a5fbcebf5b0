export { DEFAULT_ACK_LABEL, STATEFUL_TYPES, diffStacks, isForceNew, renderMarkdown as renderDiffMarkdown, renderText as renderDiffText } from './diff';
export { PlanError, compareFingerprints, fingerprint, renderPlanMarkdown, summarizePlan } from './plan-summary';
export { PreflightError, checkAwsCredentials, checkTerraform } from './terraform/preflight';
export { runTerraformTarget } from './terraform/run';
export type { TerraformCommand, TerraformTargetOptions } from './terraform/run';
