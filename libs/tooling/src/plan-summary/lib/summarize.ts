import { STATEFUL_TYPES } from '../../diff/lib/stateful';

/** A `terraform show -json <planfile>` document could not be read as a plan. */
export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanError';
  }
}

export type PlanAction = 'create' | 'update' | 'replace' | 'delete' | 'forget' | 'move' | 'import';

/** One managed resource instance the plan acts on. */
export interface PlannedChange {
  readonly address: string;
  readonly type: string;
  readonly action: PlanAction;
  /** The raw `change.actions`, e.g. `["delete","create"]`. */
  readonly actions: readonly string[];
  /** Attribute paths that force the replacement (`change.replace_paths`), e.g. `username_attributes`. */
  readonly replacePaths: readonly string[];
  /** Terraform's `action_reason`, e.g. `replace_because_cannot_update`. */
  readonly reason?: string;
  readonly previousAddress?: string;
  readonly importing: boolean;
  /** A deposed object left by a failed create_before_destroy. */
  readonly deposed?: string;
  /** The resource holds data that a delete or replacement loses (user pool, users, domain, log groups). */
  readonly stateful: boolean;
}

export interface PlanSummary {
  readonly terraformVersion?: string;
  readonly errored: boolean;
  /** As Terraform prints them: a replacement counts once in add and once in destroy. */
  readonly counts: { readonly add: number; readonly change: number; readonly destroy: number; readonly import: number; readonly move: number; readonly forget: number };
  readonly changes: readonly PlannedChange[];
  readonly outputs: { readonly create: readonly string[]; readonly update: readonly string[]; readonly delete: readonly string[] };
  /** Managed resources changed outside Terraform since the last apply. */
  readonly drift: readonly string[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads the JSON plan representation (format_version 1.x) that `terraform show -json <planfile>` prints. */
export function summarizePlan(plan: unknown): PlanSummary {
  if (!isObject(plan)) throw new PlanError('not a JSON object: pass the output of `terraform show -json <planfile>`');
  const version = plan['format_version'];
  if (typeof version !== 'string') {
    throw new PlanError('no format_version: this is not `terraform show -json <planfile>` output (a state file or a binary plan?)');
  }
  if (!version.startsWith('1.')) throw new PlanError(`unsupported plan format_version ${version}: this tool reads 1.x`);
  if (!('resource_changes' in plan) && !('planned_values' in plan) && !('output_changes' in plan)) {
    throw new PlanError('no resource_changes, planned_values or output_changes: this looks like a state, not a plan; run `terraform show -json <planfile>`');
  }
  const rc = plan['resource_changes'];
  const changes = (Array.isArray(rc) ? rc : []).filter(isObject).filter((r) => r['mode'] !== 'data').map(toChange).filter((c): c is PlannedChange => c !== undefined);
  changes.sort((a, b) => a.address.localeCompare(b.address));

  const counts = { add: 0, change: 0, destroy: 0, import: 0, move: 0, forget: 0 };
  for (const c of changes) {
    if (c.action === 'create') counts.add++;
    if (c.action === 'update') counts.change++;
    if (c.action === 'delete') counts.destroy++;
    if (c.action === 'replace') {
      counts.add++;
      counts.destroy++;
    }
    if (c.action === 'forget') counts.forget++;
    if (c.importing) counts.import++;
    if (c.previousAddress) counts.move++;
  }

  const outputs = { create: [] as string[], update: [] as string[], delete: [] as string[] };
  const oc = plan['output_changes'];
  if (isObject(oc)) {
    for (const [name, change] of Object.entries(oc)) {
      const actions = isObject(change) && Array.isArray(change['actions']) ? change['actions'] : [];
      for (const a of ['create', 'update', 'delete'] as const) if (actions.includes(a)) outputs[a].push(name);
    }
    for (const list of Object.values(outputs)) list.sort();
  }

  const rd = plan['resource_drift'];
  const drift = (Array.isArray(rd) ? rd : [])
    .filter(isObject)
    .filter((r) => r['mode'] !== 'data' && typeof r['address'] === 'string')
    .map((r) => r['address'] as string)
    .sort();

  return {
    terraformVersion: typeof plan['terraform_version'] === 'string' ? plan['terraform_version'] : undefined,
    errored: plan['errored'] === true,
    counts,
    changes,
    outputs,
    drift,
  };
}

function toChange(r: Json): PlannedChange | undefined {
  const change = isObject(r['change']) ? r['change'] : {};
  const actions = Array.isArray(change['actions']) ? change['actions'].filter((a): a is string => typeof a === 'string') : [];
  const address = typeof r['address'] === 'string' ? r['address'] : undefined;
  if (!address) return undefined;
  const previousAddress = typeof r['previous_address'] === 'string' ? r['previous_address'] : undefined;
  const importing = isObject(change['importing']);
  const action = actionOf(actions, previousAddress, importing);
  if (!action) return undefined;
  const type = typeof r['type'] === 'string' ? r['type'] : address.split('.').slice(-2)[0];
  const replacePaths = Array.isArray(change['replace_paths']) ? change['replace_paths'].map(formatPath) : [];
  return {
    address,
    type,
    action,
    actions,
    replacePaths,
    reason: typeof r['action_reason'] === 'string' ? r['action_reason'] : undefined,
    previousAddress,
    importing,
    deposed: typeof r['deposed'] === 'string' ? r['deposed'] : undefined,
    stateful: type in STATEFUL_TYPES,
  };
}

function actionOf(actions: string[], previousAddress: string | undefined, importing: boolean): PlanAction | undefined {
  const key = actions.join(',');
  if (key === 'create') return 'create';
  if (key === 'update') return 'update';
  if (key === 'delete') return 'delete';
  if (key === 'delete,create' || key === 'create,delete') return 'replace';
  if (key === 'forget') return 'forget';
  if (key === 'no-op' && importing) return 'import';
  if (key === 'no-op' && previousAddress) return 'move';
  return undefined;
}

/** `["schema", 0, "name"]` → `schema[0].name`. */
function formatPath(path: unknown): string {
  if (!Array.isArray(path)) return String(path);
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

/**
 * What a plan will do, without any attribute value: the part that must stay the same between the plan a reviewer
 * saw and the plan that is applied. Sorted, so that equal plans give equal fingerprints.
 */
export interface PlanFingerprint {
  readonly resources: ReadonlyArray<{ readonly address: string; readonly actions: readonly string[]; readonly replacePaths: readonly string[]; readonly previousAddress?: string }>;
  readonly outputs: { readonly create: readonly string[]; readonly update: readonly string[]; readonly delete: readonly string[] };
}

export function fingerprint(summary: PlanSummary): PlanFingerprint {
  return {
    resources: summary.changes.map((c) => ({
      address: c.address,
      actions: [...c.actions],
      replacePaths: [...c.replacePaths].sort(),
      ...(c.previousAddress ? { previousAddress: c.previousAddress } : {}),
    })),
    outputs: summary.outputs,
  };
}

/** The differences between a reviewed fingerprint and the plan about to be applied; empty when they agree. */
export function compareFingerprints(reviewed: PlanFingerprint, current: PlanFingerprint): string[] {
  const out: string[] = [];
  const r = new Map(reviewed.resources.map((x) => [x.address, x]));
  const c = new Map(current.resources.map((x) => [x.address, x]));
  for (const [address, x] of c) {
    const y = r.get(address);
    if (!y) out.push(`${address}: ${x.actions.join('/')} was not in the reviewed plan`);
    else if (JSON.stringify(x) !== JSON.stringify(y)) out.push(`${address}: reviewed ${describe(y)}, now ${describe(x)}`);
  }
  for (const [address, y] of r) if (!c.has(address)) out.push(`${address}: reviewed ${describe(y)}, no longer planned`);
  for (const kind of ['create', 'update', 'delete'] as const) {
    const a = JSON.stringify([...(reviewed.outputs?.[kind] ?? [])].sort());
    const b = JSON.stringify([...(current.outputs?.[kind] ?? [])].sort());
    if (a !== b) out.push(`outputs to ${kind}: reviewed ${a}, now ${b}`);
  }
  return out;
}

function describe(x: PlanFingerprint['resources'][number]): string {
  const paths = x.replacePaths.length ? ` (replace paths ${x.replacePaths.join(', ')})` : '';
  return `${x.actions.join('/')}${paths}${x.previousAddress ? ` from ${x.previousAddress}` : ''}`;
}
