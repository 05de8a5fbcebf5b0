import { barePath, diffValues, isIgnored, isObject, jsonEqual } from './json-diff';
import { STATEFUL_TYPES, isForceNew, statefulRank } from './stateful';
import type { AttributeChange, ChangeAction, Finding, OutputChanges, Rename, ResourceChange, StackDiff, TerraformJson } from './types';

interface Resource {
  readonly type: string;
  readonly name: string;
  readonly address: string;
  /** The block without cdktf's `//` metadata. */
  readonly body: Record<string, unknown>;
  readonly constructPath?: string;
}

/**
 * Compares two synthesized stacks resource by resource. `base` is `undefined` when the base revision has no such
 * stack, so that everything is a create. Honours `moved` blocks in the head and `lifecycle.ignore_changes`;
 * pairs a vanished and a new address of one type as a rename when their bodies are equal or their construct paths
 * differ in one construct id.
 */
export function diffStacks(base: TerraformJson | undefined, head: TerraformJson): StackDiff {
  const headRes = resourcesOf(head);
  const { resources: baseRes, movedFrom: movedFromOf } = base
    ? applyMoves(resourcesOf(base), movesOf(head), headRes)
    : { resources: new Map<string, Resource>(), movedFrom: new Map<string, string>() };

  const changes: ResourceChange[] = [];
  let unchanged = 0;
  for (const [address, h] of headRes) {
    const b = baseRes.get(address);
    if (!b) continue;
    const attributes = attributeChanges(h, b);
    const movedFrom = movedFromOf.get(address);
    if (attributes.length === 0 && !movedFrom) {
      unchanged++;
      continue;
    }
    const effective = attributes.filter((a) => !a.ignored);
    const action: ChangeAction = effective.some((a) => a.forceNew) ? 'replace' : effective.length > 0 ? 'update' : movedFrom ? 'move' : 'update';
    changes.push({ ...identity(h), action, attributes, movedFrom, stateful: h.type in STATEFUL_TYPES });
  }

  propagateReplacements(changes, headRes, baseRes);

  const deleted = [...baseRes.values()].filter((r) => !headRes.has(r.address));
  const created = [...headRes.values()].filter((r) => !baseRes.has(r.address));
  const renames = pairRenames(deleted, created);
  for (const r of deleted) {
    changes.push({ ...identity(r), action: 'delete', attributes: [], rename: renames.get(r.address), stateful: r.type in STATEFUL_TYPES });
  }
  for (const r of created) {
    changes.push({ ...identity(r), action: 'create', attributes: [], rename: renames.get(r.address), stateful: r.type in STATEFUL_TYPES });
  }
  changes.sort((a, b) => a.address.localeCompare(b.address) || ACTION_ORDER[a.action] - ACTION_ORDER[b.action]);

  const outputs = base ? outputChanges(base, head) : { added: Object.keys(outputsOf(head)).sort(), removed: [], changed: [] };
  const findings = [...changes.flatMap(findingsFor), ...(base ? stackFindings(base, head, outputs) : [])];
  findings.sort((a, b) => Number(a.severity !== 'danger') - Number(b.severity !== 'danger') || statefulRank(a.address.split('.')[0]) - statefulRank(b.address.split('.')[0]));
  const counts: Record<ChangeAction, number> = { create: 0, update: 0, replace: 0, delete: 0, move: 0 };
  for (const c of changes) counts[c.action]++;
  return { baseExists: base !== undefined, changes, unchanged, outputs, findings, danger: findings.some((f) => f.severity === 'danger'), counts };
}

const ACTION_ORDER: Record<ChangeAction, number> = { delete: 0, replace: 1, update: 2, move: 3, create: 4 };

function identity(r: Resource): Pick<ResourceChange, 'address' | 'type' | 'name' | 'constructPath'> {
  return { address: r.address, type: r.type, name: r.name, constructPath: r.constructPath };
}

function resourcesOf(doc: TerraformJson): Map<string, Resource> {
  const out = new Map<string, Resource>();
  const blocks = doc['resource'];
  if (!isObject(blocks)) return out;
  for (const [type, byName] of Object.entries(blocks)) {
    if (!isObject(byName)) continue;
    for (const [name, block] of Object.entries(byName)) {
      if (!isObject(block)) continue;
      const { ['//']: meta, ...body } = block;
      const path = isObject(meta) && isObject(meta['metadata']) ? meta['metadata']['path'] : undefined;
      out.set(`${type}.${name}`, { type, name, address: `${type}.${name}`, body, constructPath: typeof path === 'string' ? path : undefined });
    }
  }
  return out;
}

/** `moved { from, to }` blocks of the head: base address → head address. */
function movesOf(head: TerraformJson): Map<string, string> {
  const out = new Map<string, string>();
  const moved = head['moved'];
  if (!Array.isArray(moved)) return out;
  for (const m of moved) {
    if (isObject(m) && typeof m['from'] === 'string' && typeof m['to'] === 'string') out.set(m['from'], m['to']);
  }
  return out;
}

/**
 * Gives moved base resources their head address, references to them included, as Terraform does before it
 * plans. A move applies only when its source exists in the base and its target exists in the head.
 */
function applyMoves(
  base: Map<string, Resource>,
  moves: Map<string, string>,
  head: Map<string, Resource>,
): { resources: Map<string, Resource>; movedFrom: Map<string, string> } {
  const applied = new Map([...moves].filter(([from, to]) => base.has(from) && head.has(to) && !head.has(from)));
  if (applied.size === 0) return { resources: base, movedFrom: new Map() };
  const resources = new Map<string, Resource>();
  for (const r of base.values()) {
    const to = applied.get(r.address);
    const [type, name] = to ? splitAddress(to) : [r.type, r.name];
    const body = rewriteRefs(r.body, applied) as Record<string, unknown>;
    resources.set(`${type}.${name}`, { ...r, type, name, address: `${type}.${name}`, body });
  }
  return { resources, movedFrom: new Map([...applied].map(([from, to]) => [to, from])) };
}

function splitAddress(address: string): [string, string] {
  const i = address.indexOf('.');
  return [address.slice(0, i), address.slice(i + 1)];
}

function rewriteRefs(value: unknown, moves: Map<string, string>): unknown {
  if (typeof value === 'string') {
    let s = value;
    for (const [from, to] of moves) {
      s = s.replace(new RegExp(`(^|[^A-Za-z0-9_.])${escapeRegExp(from)}(?=[.[])`, 'g'), `$1${to}`);
    }
    return s;
  }
  if (Array.isArray(value)) return value.map((v) => rewriteRefs(v, moves));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewriteRefs(v, moves)]));
  return value;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function attributeChanges(head: Resource, base: Resource): AttributeChange[] {
  const lifecycle = head.body['lifecycle'];
  const ignore = isObject(lifecycle) ? lifecycle['ignore_changes'] : undefined;
  return diffValues(base.body, head.body).map((c) => {
    const meta = barePath(c.path).split('.')[0] === 'lifecycle' || barePath(c.path).split('.')[0] === 'depends_on';
    return {
      ...c,
      forceNew: !meta && isForceNew(head.type, c.path, c.before, c.after),
      ignored: !meta && isIgnored(c.path, ignore),
    };
  });
}

/**
 * A replaced resource gets new computed attributes (id, ARN): every resource whose force-new attribute refers to one
 * of them is replaced too, as Terraform plans it (the pool's replacement takes its domain and its users along). A
 * reference to an argument the configuration sets stays known, and replaces something only when that argument
 * changed. Repeats until no new replacement follows.
 */
function propagateReplacements(changes: ResourceChange[], head: Map<string, Resource>, base: Map<string, Resource>): void {
  for (let grew = true; grew; ) {
    grew = false;
    const replaced = new Map(changes.filter((c) => c.action === 'replace').map((c) => [c.address, head.get(c.address) as Resource]));
    for (const h of head.values()) {
      if (!base.has(h.address) || replaced.has(h.address)) continue;
      const caused: AttributeChange[] = [];
      for (const rule of STATEFUL_TYPES[h.type]?.forceNew ?? []) {
        const value = h.body[rule.path.split('.')[0]];
        if (value === undefined) continue;
        const cause = referencedNew(value, replaced, base);
        if (cause) caused.push({ path: rule.path, before: value, after: value, forceNew: true, ignored: false, replacedWith: cause });
      }
      if (caused.length === 0) continue;
      const i = changes.findIndex((c) => c.address === h.address);
      const attributes = [...(i >= 0 ? changes[i].attributes : []), ...caused];
      const change: ResourceChange = { ...identity(h), action: 'replace', attributes, movedFrom: i >= 0 ? changes[i].movedFrom : undefined, stateful: h.type in STATEFUL_TYPES };
      if (i >= 0) changes[i] = change;
      else changes.push(change);
      grew = true;
    }
  }
}

/**
 * The replaced resource a value refers to through an attribute that is new after the apply, if any: one its
 * configuration does not set (computed: an id, an ARN), or one it sets to another value than before.
 */
function referencedNew(value: unknown, replaced: Map<string, Resource>, base: Map<string, Resource>): string | undefined {
  for (const m of JSON.stringify(value).matchAll(/\$\{([a-z0-9_]+\.[A-Za-z0-9_-]+)\.([a-z0-9_]+)/g)) {
    const target = replaced.get(m[1]);
    if (!target) continue;
    if (!(m[2] in target.body) || !jsonEqual(target.body[m[2]], base.get(m[1])?.body[m[2]])) return m[1];
  }
  return undefined;
}

/**
 * Pairs each vanished address with at most one new address of the same type: identical bodies first, then
 * construct paths that are equal or differ in exactly one construct id (fewest changed attributes wins).
 */
function pairRenames(deleted: Resource[], created: Resource[]): Map<string, Rename> {
  const out = new Map<string, Rename>();
  const taken = new Set<string>();
  for (const d of [...deleted].sort((a, b) => a.address.localeCompare(b.address))) {
    let best: { c: Resource; score: number; evidence: Rename['evidence'] } | undefined;
    for (const c of created) {
      if (c.type !== d.type || taken.has(c.address)) continue;
      const sameBody = jsonEqual(c.body, d.body);
      const relation = pathRelation(d.constructPath, c.constructPath);
      if (!sameBody && relation === 'none') continue;
      const score = sameBody ? 0 : 1 + diffValues(d.body, c.body).length;
      if (!best || score < best.score) best = { c, score, evidence: sameBody ? 'same-body' : 'construct-path' };
    }
    if (!best) continue;
    taken.add(best.c.address);
    const rename: Rename = { from: d.address, to: best.c.address, fromPath: d.constructPath, toPath: best.c.constructPath, evidence: best.evidence };
    out.set(d.address, rename);
    out.set(best.c.address, rename);
  }
  return out;
}

function pathRelation(a: string | undefined, b: string | undefined): 'same' | 'one-id' | 'none' {
  if (!a || !b) return 'none';
  if (a === b) return 'same';
  const pa = a.split('/');
  const pb = b.split('/');
  if (pa.length !== pb.length) return 'none';
  return pa.filter((seg, i) => seg !== pb[i]).length === 1 ? 'one-id' : 'none';
}

/**
 * Protections whose removal is DANGER even though nothing stateful is lost: the stage's web ACL and the pool's
 * threat protection (production requires both; where removing them is deliberate, acknowledge the finding).
 */
function protectionFindings(c: ResourceChange, where: string): Finding[] {
  if (c.action === 'delete' && !c.rename && c.type === 'aws_wafv2_web_acl_association') {
    return [{ severity: 'danger', address: c.address, message: `${where} is destroyed: the stage loses its WAF web ACL (rate limit, size limit, managed rule groups) and takes every request unfiltered.` }];
  }
  if (c.type === 'aws_cognito_user_pool' && c.action !== 'delete' && c.action !== 'create') {
    const mode = c.attributes.find((a) => barePath(a.path) === 'user_pool_add_ons.advanced_security_mode' || barePath(a.path) === 'user_pool_add_ons');
    const before = mode ? modeOf(mode.before, mode.path) : undefined;
    const after = mode ? modeOf(mode.after, mode.path) : undefined;
    if (mode && (before === 'ENFORCED' || before === 'AUDIT') && after !== 'ENFORCED' && after !== 'AUDIT') {
      return [{ severity: 'danger', address: c.address, message: `${where}: threat protection goes from ${before} to ${after ?? 'OFF'}: sign-ins are no longer checked for compromised credentials or risk.` }];
    }
  }
  return [];
}

/** The advanced security mode a changed attribute holds, whether the change is the mode itself or its whole block. */
function modeOf(value: unknown, path: string): string | undefined {
  if (barePath(path) === 'user_pool_add_ons.advanced_security_mode') return typeof value === 'string' ? value : undefined;
  const block = Array.isArray(value) ? value[0] : value;
  return isObject(block) && typeof block['advanced_security_mode'] === 'string' ? block['advanced_security_mode'] : undefined;
}

function findingsFor(c: ResourceChange): Finding[] {
  const where = c.constructPath ? `${c.address} (${c.constructPath})` : c.address;
  const protection = protectionFindings(c, where);
  // A removed protection says what is lost in place of the plain "is destroyed".
  return c.action === 'delete' && protection.length ? protection : [...changeFindings(c, where), ...protection];
}

function changeFindings(c: ResourceChange, where: string): Finding[] {
  const loss = STATEFUL_TYPES[c.type]?.loss;
  if (c.action === 'delete') {
    if (c.rename) {
      const ids = c.rename.fromPath && c.rename.toPath ? ` ${c.rename.fromPath} → ${c.rename.toPath}` : '';
      return [
        {
          severity: 'danger',
          address: c.address,
          message:
            `rename: changed construct id${ids}: Terraform destroys ${c.rename.from} and creates ${c.rename.to}` +
            `${loss ? `; ${loss}` : ''}. Keep the old construct id, or move the state with a moved block ` +
            `(cdktf \`resource.moveTo()\` / \`moveFromId()\`).`,
        },
      ];
    }
    return [{ severity: 'danger', address: c.address, message: `${where} is destroyed${loss ? `: ${loss}` : ''}.` }];
  }
  if (c.action === 'replace') {
    const paths = c.attributes.filter((a) => a.forceNew && !a.ignored).map((a) => (a.replacedWith ? `\`${a.path}\` (new with the replacement of ${a.replacedWith})` : `\`${a.path}\``));
    return [
      {
        severity: 'danger',
        address: c.address,
        message: `${where} is replaced (destroyed, then created): ${paths.join(', ')} cannot change in place${loss ? `; ${loss}` : ''}.`,
      },
    ];
  }
  if (c.type === 'aws_cognito_user_pool' && (c.action === 'update' || c.action === 'move')) {
    const schema = c.attributes.filter((a) => !a.ignored && barePath(a.path).split('.')[0] === 'schema' && a.before !== undefined);
    if (schema.length > 0) {
      return [
        {
          severity: 'warning',
          address: c.address,
          message: `${where}: the apply fails, Cognito cannot modify or remove schema attributes (${schema.map((a) => `\`${a.path}\``).join(', ')}); only additions apply.`,
        },
      ];
    }
  }
  return [];
}

function outputsOf(doc: TerraformJson): Record<string, unknown> {
  const o = doc['output'];
  return isObject(o) ? o : {};
}

function outputChanges(base: TerraformJson, head: TerraformJson): OutputChanges {
  const b = outputsOf(base);
  const h = outputsOf(head);
  return {
    added: Object.keys(h).filter((k) => !(k in b)).sort(),
    removed: Object.keys(b).filter((k) => !(k in h)).sort(),
    changed: Object.keys(h).filter((k) => k in b && !jsonEqual(b[k], h[k])).sort(),
  };
}

function stackFindings(base: TerraformJson, head: TerraformJson, outputs: OutputChanges): Finding[] {
  const out: Finding[] = [];
  for (const name of outputs.removed) {
    out.push({ severity: 'warning', address: `output.${name}`, message: `output \`${name}\` is removed: whatever reads the outputs file (e2e suite, twin) loses it.` });
  }
  const bb = backendOf(base);
  const hb = backendOf(head);
  if (bb !== hb) {
    out.push({
      severity: 'warning',
      address: 'terraform.backend',
      message: `the state backend changes from ${bb} to ${hb}: run \`terraform init -migrate-state\` before the next plan, or the plan starts from an empty state.`,
    });
  }
  return out;
}

/** The backend as a reviewer cares about it; a local backend's absolute path depends on the checkout. */
function backendOf(doc: TerraformJson): string {
  const tf = doc['terraform'];
  const backend = isObject(tf) && isObject(tf['backend']) ? tf['backend'] : undefined;
  if (!backend) return 'local (default)';
  const [type] = Object.keys(backend);
  const cfg = backend[type];
  if (type === 'local' || !isObject(cfg)) return type;
  const keys = ['bucket', 'key', 'region', 'workspace_key_prefix'].filter((k) => typeof cfg[k] === 'string');
  return `${type} (${keys.map((k) => `${k}=${String(cfg[k])}`).join(', ')})`;
}
