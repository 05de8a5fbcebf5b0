import { statefulRank } from './stateful';
import type { AttributeChange, ChangeAction, Finding, ResourceChange, StackDiff } from './types';

/** What the renderers say about where the two sides came from. */
export interface RenderContext {
  /** The environment (stack) name, e.g. `dev`. */
  readonly env: string;
  /** The base as the user named it, e.g. `origin/main`, optionally with its commit. */
  readonly base: string;
  /** The head, e.g. `HEAD (1a2b3c4)`. @default 'HEAD' */
  readonly head?: string;
  /** The pull-request label that acknowledges DANGER. @default 'danger-acknowledged' */
  readonly ackLabel?: string;
}

/** The label CI looks for before it lets a DANGER diff pass. */
export const DEFAULT_ACK_LABEL = 'danger-acknowledged';

const SYMBOL: Record<ChangeAction, string> = { create: '+', update: '~', replace: '-/+', delete: '-', move: '->' };

// Whole path segments only: `password_policy` is configuration, `temporary_password` is a secret.
const SENSITIVE_SEGMENT = /^(.*_)?(password|secret|private_key|token)$/i;

/** A value as one short line; values of sensitive-looking attributes are never printed. */
export function formatValue(value: unknown, path = ''): string {
  if (value === undefined) return '(not set)';
  if (path.split(/[.[\]"]+/).some((seg) => SENSITIVE_SEGMENT.test(seg))) return '(sensitive)';
  const s = JSON.stringify(value);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

/** Changes in review order: DANGER first, then by action (delete, replace, update, move, create), the user pool first. */
export function reviewOrder(diff: StackDiff): ResourceChange[] {
  const dangerous = new Set(diff.findings.filter((f) => f.severity === 'danger').map((f) => f.address));
  const order: Record<ChangeAction, number> = { delete: 0, replace: 1, update: 2, move: 3, create: 4 };
  return [...diff.changes].sort(
    (a, b) =>
      Number(!dangerous.has(a.address)) - Number(!dangerous.has(b.address)) ||
      order[a.action] - order[b.action] ||
      statefulRank(a.type) - statefulRank(b.type) ||
      a.address.localeCompare(b.address),
  );
}

function headline(c: ResourceChange): string {
  const where = c.constructPath ? ` (${c.constructPath})` : '';
  switch (c.action) {
    case 'create':
      return `${SYMBOL.create} ${c.address}${where} will be created`;
    case 'update':
      return `${SYMBOL.update} ${c.address}${where} will be updated in place`;
    case 'replace':
      return `${SYMBOL.replace} ${c.address}${where} must be replaced`;
    case 'delete':
      return `${SYMBOL.delete} ${c.address}${where} will be destroyed`;
    case 'move':
      return `${SYMBOL.move} ${c.movedFrom} has moved to ${c.address}${where}`;
  }
}

function attributeLine(a: AttributeChange): string {
  if (a.replacedWith) return `~ ${a.path}: ${formatValue(a.before, a.path)} (known after apply: ${a.replacedWith} is replaced)   # forces replacement`;
  const notes = [a.forceNew && !a.ignored ? 'forces replacement' : '', a.ignored ? 'ignored: lifecycle.ignore_changes' : ''].filter(Boolean);
  return `~ ${a.path}: ${formatValue(a.before, a.path)} → ${formatValue(a.after, a.path)}${notes.length ? `   # ${notes.join(', ')}` : ''}`;
}

/** The per-resource lines shared by the text and the Markdown renderers. */
export function changeLines(c: ResourceChange): string[] {
  const lines = [headline(c)];
  if (c.movedFrom && c.action !== 'move') lines.push(`    (moved from ${c.movedFrom})`);
  if (c.rename) {
    lines.push(
      c.action === 'delete'
        ? `    rename: changed construct id; recreated as ${c.rename.to}${c.rename.toPath ? ` (${c.rename.toPath})` : ''}`
        : `    rename: changed construct id; replaces ${c.rename.from}${c.rename.fromPath ? ` (${c.rename.fromPath})` : ''}`,
    );
  }
  for (const a of c.attributes) lines.push(`    ${attributeLine(a)}`);
  return lines;
}

export function summaryLine(diff: StackDiff): string {
  const { create, update, replace, delete: del, move } = diff.counts;
  const moved = move ? `, ${move} moved` : '';
  return `${create} to create, ${update} to update, ${replace} to replace, ${del} to delete${moved}; ${diff.unchanged} unchanged.`;
}

function outputsLine(diff: StackDiff): string | undefined {
  const parts = [
    ...diff.outputs.added.map((o) => `+${o}`),
    ...diff.outputs.changed.map((o) => `~${o}`),
    ...diff.outputs.removed.map((o) => `-${o}`),
  ];
  return parts.length ? `Outputs: ${parts.join(' ')}` : undefined;
}

/** A plan-like text report for a terminal or a CI log. */
export function renderText(diff: StackDiff, ctx: RenderContext): string {
  const label = ctx.ackLabel ?? DEFAULT_ACK_LABEL;
  const out: string[] = [];
  out.push(`Offline diff of stack "${ctx.env}": ${ctx.base} → ${ctx.head ?? 'HEAD'} (synthesized configuration, not a terraform plan).`);
  if (!diff.baseExists) out.push(`The base has no stack "${ctx.env}": every resource is new.`);
  if (diff.changes.length === 0 && diff.outputs.added.length + diff.outputs.removed.length + diff.outputs.changed.length === 0) {
    out.push('', `No changes. ${diff.unchanged} resources are identical.`);
    return `${out.join('\n')}\n`;
  }
  const danger = diff.findings.filter((f) => f.severity === 'danger');
  const warnings = diff.findings.filter((f) => f.severity === 'warning');
  if (danger.length) {
    out.push('', `DANGER (${danger.length}): review each line below; to go ahead, add the "${label}" label to the pull request.`);
    for (const f of danger) out.push(`  !! ${f.message}`);
  }
  if (warnings.length) {
    out.push('', `Warnings (${warnings.length}):`);
    for (const f of warnings) out.push(`  !  ${f.message}`);
  }
  out.push('');
  for (const c of reviewOrder(diff)) for (const line of changeLines(c)) out.push(`  ${line}`);
  const outputs = outputsLine(diff);
  if (outputs) out.push('', outputs);
  out.push('', `Diff: ${summaryLine(diff)}`);
  return `${out.join('\n')}\n`;
}

function cell(s: string): string {
  return s.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

function fenceFor(body: string): string {
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(longest + 1);
}

function findingRow(f: Finding): string {
  return `| ${f.severity === 'danger' ? '🛑' : '⚠️'} | \`${cell(f.address)}\` | ${cell(f.message)} |`;
}

/** Markdown for the pull-request comment: DANGER first, then the counts, then every change folded away. */
export function renderMarkdown(diff: StackDiff, ctx: RenderContext): string {
  const label = ctx.ackLabel ?? DEFAULT_ACK_LABEL;
  const out: string[] = [`<!-- secure-api:offline-diff:${ctx.env} -->`, `### Offline stack diff: \`${ctx.env}\``, ''];
  out.push(`Base \`${cell(ctx.base)}\` → \`${cell(ctx.head ?? 'HEAD')}\`. Synthesized configuration only; the plan comment shows what AWS would do.`);
  if (!diff.baseExists) out.push('', `The base has no stack \`${ctx.env}\`: every resource is new.`);
  const danger = diff.findings.filter((f) => f.severity === 'danger');
  if (danger.length) {
    out.push(
      '',
      '> [!CAUTION]',
      `> **DANGER: ${danger.length} change${danger.length > 1 ? 's' : ''} can destroy data or replace a resource.** ` +
        `Review each one. To go ahead, a maintainer adds the \`${label}\` label to this pull request.`,
    );
  }
  if (diff.findings.length) {
    out.push('', '| | Resource | Why |', '|---|---|---|', ...diff.findings.map(findingRow));
  }
  if (diff.changes.length === 0 && diff.outputs.added.length + diff.outputs.removed.length + diff.outputs.changed.length === 0) {
    out.push('', `**No changes.** ${diff.unchanged} resources are identical.`);
    return `${out.join('\n')}\n`;
  }
  const { create, update, replace, delete: del, move } = diff.counts;
  const counts = [`${create} to create`, `${update} to update`, `${replace} to replace`, `${del} to delete`, ...(move ? [`${move} moved`] : [])];
  out.push('', `**${counts.join(' · ')}** · ${diff.unchanged} unchanged`);
  const body = [...reviewOrder(diff).flatMap(changeLines), ...(outputsLine(diff) ? ['', outputsLine(diff) as string] : [])].join('\n');
  const fence = fenceFor(body);
  out.push('', `<details><summary>All changes (${diff.changes.length})</summary>`, '', `${fence}diff`, body, fence, '', '</details>');
  return `${out.join('\n')}\n`;
}
