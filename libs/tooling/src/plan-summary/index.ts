export { summarizePlan, fingerprint, compareFingerprints, PlanError } from './lib/summarize';
export type { PlanAction, PlannedChange, PlanSummary, PlanFingerprint } from './lib/summarize';
export { renderPlanMarkdown, planLine } from './lib/render';
export type { PlanRenderContext } from './lib/render';
