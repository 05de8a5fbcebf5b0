import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from './cli';
import { PlanError, compareFingerprints, fingerprint, planLine, renderPlanMarkdown, summarizePlan } from './index';

const fixtures = join(__dirname, 'fixtures');
const read = (name: string): unknown => JSON.parse(readFileSync(join(fixtures, name), 'utf8'));
const POOL = 'aws_cognito_user_pool.SecureApi_UserPool_B91911E0';

describe('summarizePlan', () => {
  const summary = summarizePlan(read('replace-user-pool.plan.json'));

  it('counts as Terraform does: a replacement is one add and one destroy; data reads and no-ops do not count', () => {
    expect(summary.counts).toEqual({ add: 3, change: 1, destroy: 3, import: 0, move: 0, forget: 0 });
    expect(planLine(summary)).toBe('Plan: 3 to add, 1 to change, 3 to destroy.');
    expect(summary.changes.map((c) => c.address)).not.toContain('data.aws_caller_identity.current');
    expect(summary.changes.map((c) => c.address)).not.toContain('aws_api_gateway_stage.SecureApi_Api_Stage_5A1B2C3D');
    expect(summary.terraformVersion).toBe('1.9.8');
  });

  it('keeps the replace paths, the reason and whether the resource is stateful', () => {
    const pool = summary.changes.find((c) => c.address === POOL);
    expect(pool).toMatchObject({ action: 'replace', replacePaths: ['username_attributes'], reason: 'replace_because_cannot_update', stateful: true });
    expect(summary.changes.find((c) => c.type === 'aws_cognito_user_pool_client')).toMatchObject({ action: 'update', stateful: false });
    expect(summary.outputs).toEqual({ create: [], update: ['user_pool_id'], delete: [] });
    expect(summary.drift).toEqual(['aws_cloudwatch_log_group.SecureApi_Api_AccessLogs_99887766']);
  });

  it('reads moves, imports and forgets', () => {
    const s = summarizePlan({
      format_version: '1.2',
      resource_changes: [
        { address: 'aws_cognito_user.New', mode: 'managed', type: 'aws_cognito_user', previous_address: 'aws_cognito_user.Old', change: { actions: ['no-op'] } },
        { address: 'aws_s3_bucket.B', mode: 'managed', type: 'aws_s3_bucket', change: { actions: ['no-op'], importing: { id: 'b' } } },
        { address: 'aws_s3_bucket.C', mode: 'managed', type: 'aws_s3_bucket', change: { actions: ['forget'] } },
        { address: 'aws_s3_bucket.D', mode: 'managed', type: 'aws_s3_bucket', change: { actions: ['create', 'delete'], replace_paths: [['tags', 'x'], ['rule', 0, 'id']] } },
      ],
    });
    expect(s.changes.map((c) => [c.address, c.action])).toEqual([
      ['aws_cognito_user.New', 'move'],
      ['aws_s3_bucket.B', 'import'],
      ['aws_s3_bucket.C', 'forget'],
      ['aws_s3_bucket.D', 'replace'],
    ]);
    expect(s.changes[3].replacePaths).toEqual(['tags.x', 'rule[0].id']);
    expect(planLine(s)).toBe('Plan: 1 to import, 1 to forget, 1 to add, 0 to change, 1 to destroy.');
  });

  it.each([
    [[], /not a JSON object/],
    [{ version: 4, resources: [] }, /no format_version: this is not `terraform show -json <planfile>` output/],
    [{ format_version: '2.0', resource_changes: [] }, /unsupported plan format_version 2\.0/],
    [{ format_version: '1.0', values: { root_module: {} } }, /looks like a state, not a plan/],
  ])('refuses %j with a clear error', (input, message) => {
    expect(() => summarizePlan(input)).toThrow(PlanError);
    expect(() => summarizePlan(input)).toThrow(message);
  });
});

describe('renderPlanMarkdown', () => {
  const summary = summarizePlan(read('replace-user-pool.plan.json'));
  const planText = readFileSync(join(fixtures, 'replace-user-pool.plan.txt'), 'utf8');
  const md = renderPlanMarkdown(summary, { env: 'dev', commit: '0123456789abcdef0123', runUrl: 'https://github.com/o/r/actions/runs/1', planText });

  it('leads with the counts, then the stateful loss, then replaced and destroyed resources before the rest', () => {
    expect(md.startsWith('<!-- secure-api:plan:dev -->\n### Terraform plan: `dev`')).toBe(true);
    expect(md).toContain('**Plan: 3 to add, 1 to change, 3 to destroy.**');
    expect(md).toContain('commit `0123456789ab` · Terraform 1.9.8 · [workflow run](https://github.com/o/r/actions/runs/1)');
    const order = ['> [!CAUTION]', '**Replaced (destroyed, then created) (2)**', '**Destroyed (1)**', 'Updated in place (1)', 'Created (1)', '<summary>Full plan</summary>'].map((s) =>
      md.indexOf(s),
    );
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(md).toContain(
      `- 🛑 \`${POOL}\`: forced by \`username_attributes\`; an attribute cannot change in place; every user, password, MFA device and refresh token in the pool is lost, and the pool id changes`,
    );
    expect(md).toContain('3 stateful resources will be destroyed or replaced');
    // The user pool leads every list: losing it loses everything below it.
    expect(md.indexOf(`\`${POOL}\``)).toBeLessThan(md.indexOf('`aws_cognito_user_pool_domain.'));
    expect(md).toContain('Outputs: `~user_pool_id`');
    expect(md).toContain('Changed outside Terraform since the last apply: `aws_cloudwatch_log_group.SecureApi_Api_AccessLogs_99887766`');
  });

  it('folds the full plan away in a terraform code block', () => {
    expect(md).toMatch(/<details><summary>Full plan<\/summary>\n\n```terraform\nTerraform used the selected providers[\s\S]*Plan: 3 to add, 1 to change, 3 to destroy\.\n```\n\n<\/details>\n$/);
  });

  it('cuts a plan that would not fit a GitHub comment, and says so', () => {
    const long = renderPlanMarkdown(summary, { env: 'dev', planText: 'x'.repeat(200_000), maxChars: 10_000 });
    expect(long.length).toBeLessThanOrEqual(10_000);
    expect(long).toContain('_The plan is cut here to fit a comment; the workflow log has all of it._');
  });

  it('says "No changes" for a plan of no-ops', () => {
    const none = renderPlanMarkdown(summarizePlan(read('no-changes.plan.json')), { env: 'prod' });
    expect(none).toContain('**No changes.** Your infrastructure matches the configuration.');
    expect(none).not.toContain('CAUTION');
  });

  it('warns that an errored plan is incomplete', () => {
    const s = summarizePlan({ format_version: '1.2', errored: true, resource_changes: [] });
    expect(renderPlanMarkdown(s, { env: 'dev' })).toContain('**The plan errored**');
  });
});

describe('fingerprints', () => {
  const base = read('replace-user-pool.plan.json') as { resource_changes: Array<{ address: string; change: { actions: string[]; before?: unknown } }> };
  const fp = fingerprint(summarizePlan(base));

  it('hold addresses and actions but no attribute values', () => {
    const text = JSON.stringify(fp);
    expect(text).toContain(POOL);
    expect(text).not.toContain('eu-west-1_AbCdEf123');
    expect(text).not.toContain('demo@example.com');
  });

  it('agree when only values changed, and name what differs otherwise', () => {
    const valuesOnly = structuredClone(base);
    valuesOnly.resource_changes[2].change.before = { callback_urls: [] };
    expect(compareFingerprints(fp, fingerprint(summarizePlan(valuesOnly)))).toEqual([]);
    const worse = structuredClone(base);
    worse.resource_changes[2].change.actions = ['delete', 'create'];
    worse.resource_changes.splice(3, 1);
    expect(compareFingerprints(fp, fingerprint(summarizePlan(worse)))).toEqual([
      'aws_cognito_user_pool_client.SecureApi_UserPool_WebClient_0A9B8C7D: reviewed update, now delete/create',
      'aws_cognito_user.SecureApi_UserPool_DemoUser_11223344: reviewed delete, no longer planned',
    ]);
  });
});

describe('plan summary CLI', () => {
  let dir: string;
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { cwd: dir, out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out: () => out.join(''), err: () => err.join('') };
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'plan-summary-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the comment and the fingerprint, then compares a later plan against it', async () => {
    const planJson = join(fixtures, 'replace-user-pool.plan.json');
    const c = io();
    expect(await main(['--env', 'dev', '--plan-json', planJson, '--plan-text', join(fixtures, 'replace-user-pool.plan.txt'), '--out', 'out/plan.md', '--fingerprint-out', 'out/fp.json'], c.io)).toBe(0);
    expect(readFileSync(join(dir, 'out/plan.md'), 'utf8')).toContain('**Plan: 3 to add, 1 to change, 3 to destroy.**');
    const same = io();
    expect(await main(['compare', '--reviewed', 'out/fp.json', '--plan-json', planJson], same.io)).toBe(0);
    expect(same.out()).toBe('The plan matches the reviewed plan.\n');
    const other = io();
    expect(await main(['compare', '--reviewed', 'out/fp.json', '--plan-json', join(fixtures, 'no-changes.plan.json')], other.io)).toBe(1);
    expect(other.err()).toContain('The plan differs from the reviewed plan (6):\n');
    expect(other.err()).toContain(`\n  ${POOL}: reviewed delete/create (replace paths username_attributes), no longer planned\n`);
    expect(other.err()).toContain('\n  outputs to update: reviewed ["user_pool_id"], now []\n');
  });

  it('prints the Markdown to stdout without --out', async () => {
    const c = io();
    expect(await main(['--env=prod', `--plan-json=${join(fixtures, 'no-changes.plan.json')}`], c.io)).toBe(0);
    expect(c.out()).toContain('### Terraform plan: `prod`');
  });

  it.each([
    [['--plan-json', 'x.json'], /--env is required/],
    [['--env', 'dev'], /--plan-json is required/],
    [['compare', '--plan-json', 'x.json'], /--reviewed is required/],
    [['--env', 'dev', '--plan-json', 'x.json', '--colour'], /unknown option "--colour"/],
    [['--env', 'dev', '--plan-json', 'missing.json'], /cannot read plan missing.json: ENOENT/],
    [['--env', 'dev', '--plan-json', 'bad.json'], /plan bad.json is not JSON/],
    [['--env', 'dev', '--plan-json', 'state.json'], /this looks like a state, not a plan/],
  ])('exits 2 with a clear error for %j', async (args, message) => {
    writeFileSync(join(dir, 'bad.json'), 'Plan: 1 to add');
    writeFileSync(join(dir, 'state.json'), JSON.stringify({ format_version: '1.0', values: {} }));
    const c = io();
    expect(await main(args, c.io)).toBe(2);
    expect(c.err()).toMatch(message);
  });
});
