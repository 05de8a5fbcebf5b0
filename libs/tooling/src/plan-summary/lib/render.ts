import { STATEFUL_TYPES, statefulRank } from '../../diff/lib/stateful';
import type { PlanSummary, PlannedChange } from './summarize';

export interface PlanRenderContext {
  /** The environment (stack) name, e.g. `dev`. */
  readonly env: string;
  /** The commit the plan was made for. */
  readonly commit?: string;
  /** A link to the workflow run that made it. */
  readonly runUrl?: string;
  /** `terraform show -no-color <planfile>`, folded away at the end. */
  readonly planText?: string;
  /**
   * The most characters the whole comment may have; the plan text is cut to fit. GitHub refuses comments over
   * 65,536 characters.
   * @default 60000
   */
  readonly maxChars?: number;
}

const REASONS: Record<string, string> = {
  replace_because_cannot_update: 'an attribute cannot change in place',
  replace_because_tainted: 'the object is tainted',
  replace_by_request: 'requested with -replace',
  replace_by_triggers: 'replace_triggered_by fired',
  delete_because_no_resource_config: 'its configuration was removed',
  delete_because_no_module: 'its module was removed',
  delete_because_wrong_repetition: 'count/for_each changed',
  delete_because_count_index: 'its count index is gone',
  delete_because_each_key: 'its for_each key is gone',
  delete_because_no_move_target: 'its moved target does not exist',
};

function code(s: string): string {
  const ticks = Math.max(0, ...[...s.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(ticks + 1);
  return ticks ? `${fence} ${s} ${fence}` : `${fence}${s}${fence}`;
}

function line(c: PlannedChange): string {
  const losing = c.stateful && (c.action === 'replace' || c.action === 'delete');
  const why: string[] = [];
  if (c.replacePaths.length) why.push(`forced by ${c.replacePaths.map(code).join(', ')}`);
  if (c.reason && REASONS[c.reason]) why.push(REASONS[c.reason]);
  if (c.previousAddress) why.push(`moved from ${code(c.previousAddress)}`);
  if (c.importing) why.push('imported');
  if (c.deposed) why.push(`deposed object ${code(c.deposed)}`);
  if (losing) why.push(STATEFUL_TYPES[c.type].loss);
  return `- ${losing ? '🛑 ' : ''}${code(c.address)}${why.length ? `: ${why.join('; ')}` : ''}`;
}

const SECTIONS: ReadonlyArray<[PlannedChange['action'], string]> = [
  ['replace', 'Replaced (destroyed, then created)'],
  ['delete', 'Destroyed'],
  ['forget', 'Removed from state (not destroyed)'],
  ['update', 'Updated in place'],
  ['create', 'Created'],
  ['import', 'Imported'],
  ['move', 'Moved'],
];

/** `Plan: 1 to add, 2 to change, 0 to destroy.`, as Terraform prints it. */
export function planLine(s: PlanSummary): string {
  const { add, change, destroy, import: imp, forget } = s.counts;
  const extra = [imp ? `${imp} to import` : '', forget ? `${forget} to forget` : ''].filter(Boolean);
  return `Plan: ${extra.length ? `${extra.join(', ')}, ` : ''}${add} to add, ${change} to change, ${destroy} to destroy.`;
}

/** The sticky pull-request comment for one environment: counts, replaced and destroyed resources first, full plan folded. */
export function renderPlanMarkdown(s: PlanSummary, ctx: PlanRenderContext): string {
  const head: string[] = [`<!-- secure-api:plan:${ctx.env} -->`, `### Terraform plan: \`${ctx.env}\``, ''];
  const meta = [ctx.commit ? `commit \`${ctx.commit.slice(0, 12)}\`` : '', s.terraformVersion ? `Terraform ${s.terraformVersion}` : '', ctx.runUrl ? `[workflow run](${ctx.runUrl})` : '']
    .filter(Boolean)
    .join(' · ');
  if (s.errored) head.push('> [!WARNING]', '> **The plan errored**: it is incomplete. See the workflow log.', '');
  const noChanges = s.changes.length === 0 && s.outputs.create.length + s.outputs.update.length + s.outputs.delete.length === 0;
  head.push(noChanges ? '**No changes.** Your infrastructure matches the configuration.' : `**${planLine(s)}**`);
  if (meta) head.push('', meta);

  const byRank = (a: PlannedChange, b: PlannedChange) => statefulRank(a.type) - statefulRank(b.type) || a.address.localeCompare(b.address);
  const losing = s.changes.filter((c) => c.stateful && (c.action === 'replace' || c.action === 'delete')).sort(byRank);
  if (losing.length) {
    head.push(
      '',
      '> [!CAUTION]',
      `> **${losing.length} stateful resource${losing.length > 1 ? 's' : ''} will be destroyed or replaced** (${losing.map((c) => code(c.address)).join(', ')}). ` +
        'Data in them is lost. Do not merge unless that is intended.',
    );
  }
  for (const [action, title] of SECTIONS) {
    const items = s.changes.filter((c) => c.action === action);
    if (!items.length) continue;
    const ordered = [...items].sort(byRank);
    const body = ordered.map(line);
    if (action === 'update' || action === 'create') {
      head.push('', `<details><summary><b>${title} (${items.length})</b></summary>`, '', ...body, '', '</details>');
    } else {
      head.push('', `**${title} (${items.length})**`, '', ...body);
    }
  }
  const outputs = [
    ...s.outputs.create.map((o) => `+${o}`),
    ...s.outputs.update.map((o) => `~${o}`),
    ...s.outputs.delete.map((o) => `-${o}`),
  ];
  if (outputs.length) head.push('', `Outputs: ${outputs.map(code).join(' ')}`);
  if (s.drift.length) head.push('', `Changed outside Terraform since the last apply: ${s.drift.map(code).join(', ')}`);

  const text = head.join('\n');
  if (ctx.planText === undefined) return `${text}\n`;
  const max = ctx.maxChars ?? 60_000;
  const wrapperChars = 200;
  let plan = ctx.planText.replace(/\s+$/, '');
  let note = '';
  const room = max - text.length - wrapperChars;
  if (plan.length > room) {
    plan = plan.slice(0, Math.max(0, room));
    note = '\n\n_The plan is cut here to fit a comment; the workflow log has all of it._';
  }
  const ticks = Math.max(2, ...[...plan.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(ticks + 1);
  return `${text}\n\n<details><summary>Full plan</summary>\n\n${fence}terraform\n${plan}\n${fence}${note}\n\n</details>\n`;
}
