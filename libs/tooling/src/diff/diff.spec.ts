import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffStacks, isForceNew, renderMarkdown, renderText } from './index';
import type { StackDiff, TerraformJson } from './index';

const fixture = (name: string): TerraformJson => JSON.parse(readFileSync(join(__dirname, 'fixtures', `${name}.cdk.tf.json`), 'utf8'));
const base = fixture('base');
const POOL = 'aws_cognito_user_pool.SecureApi_UserPool_B91911E0';
const ctx = { env: 'dev', base: 'origin/main (abc1234)', head: 'HEAD (def5678)' };

function change(diff: StackDiff, address: string) {
  const found = diff.changes.filter((c) => c.address === address);
  if (found.length !== 1) throw new Error(`expected one change for ${address}, got ${found.length}: ${diff.changes.map((c) => c.address).join(', ')}`);
  return found[0];
}

describe('diffStacks on fixture pairs', () => {
  it('nothing changed: keys in another order are the same configuration', () => {
    const diff = diffStacks(base, fixture('unchanged'));
    expect(diff.changes).toEqual([]);
    expect(diff.unchanged).toBe(8);
    expect(diff.danger).toBe(false);
    expect(diff.findings).toEqual([]);
    expect(renderText(diff, ctx)).toContain('No changes. 8 resources are identical.');
    expect(renderMarkdown(diff, ctx)).toContain('**No changes.**');
  });

  it('create: a new user is a create, with no DANGER', () => {
    const diff = diffStacks(base, fixture('create'));
    expect(diff.changes.map((c) => [c.action, c.address])).toEqual([['create', 'aws_cognito_user.SecureApi_UserPool_AdminUser_55667788']]);
    expect(diff.counts).toMatchObject({ create: 1, update: 0, replace: 0, delete: 0 });
    expect(diff.outputs.added).toEqual(['admin_username']);
    expect(diff.danger).toBe(false);
    const text = renderText(diff, ctx);
    expect(text).toContain('+ aws_cognito_user.SecureApi_UserPool_AdminUser_55667788 (dev/SecureApi/UserPool/AdminUser) will be created');
    expect(text).toContain('Diff: 1 to create, 0 to update, 0 to replace, 0 to delete; 8 unchanged.');
  });

  it('update: in-place changes list their attribute paths; ignore_changes is honoured', () => {
    const diff = diffStacks(base, fixture('update'));
    const pool = change(diff, POOL);
    expect(pool.action).toBe('update');
    expect(pool.attributes.map((a) => [a.path, a.before, a.after, a.forceNew, a.ignored])).toEqual([
      ['deletion_protection', 'INACTIVE', 'ACTIVE', false, false],
      ['password_policy.minimum_length', 12, 14, false, false],
      ['schema[0].mutable', true, false, false, true],
    ]);
    expect(change(diff, 'aws_cloudwatch_log_group.SecureApi_Api_AccessLogs_99887766').attributes.map((a) => a.path)).toEqual(['retention_in_days']);
    expect(change(diff, 'aws_cognito_user_pool_client.SecureApi_UserPool_WebClient_0A9B8C7D').attributes.map((a) => a.path)).toEqual(['callback_urls']);
    expect(diff.counts).toMatchObject({ create: 0, update: 3, replace: 0, delete: 0 });
    // The schema edit is ignored by lifecycle, so Cognito's "cannot modify schema" failure cannot happen.
    expect(diff.findings).toEqual([]);
    expect(diff.danger).toBe(false);
    const text = renderText(diff, ctx);
    expect(text).toContain('~ password_policy.minimum_length: 12 → 14');
    expect(text).toContain('~ schema[0].mutable: true → false   # ignored: lifecycle.ignore_changes');
  });

  it('delete: destroying a user and a log group is DANGER naming what is lost', () => {
    const diff = diffStacks(base, fixture('delete'));
    expect(diff.changes.filter((c) => c.action === 'delete').map((c) => c.address)).toEqual([
      'aws_cloudwatch_log_group.SecureApi_Api_AccessLogs_99887766',
      'aws_cognito_user.SecureApi_UserPool_DemoUser_11223344',
    ]);
    expect(change(diff, 'aws_api_gateway_stage.SecureApi_Api_Stage_5A1B2C3D').attributes.map((a) => [a.path, a.after])).toEqual([
      ['access_log_settings', undefined],
    ]);
    expect(diff.danger).toBe(true);
    const danger = diff.findings.filter((f) => f.severity === 'danger');
    expect(danger.map((f) => f.address).sort()).toEqual([
      'aws_cloudwatch_log_group.SecureApi_Api_AccessLogs_99887766',
      'aws_cognito_user.SecureApi_UserPool_DemoUser_11223344',
    ]);
    expect(danger.find((f) => f.address.startsWith('aws_cognito_user.'))?.message).toMatch(/is destroyed: the user is deleted with their password/);
    expect(danger.find((f) => f.address.startsWith('aws_cloudwatch'))?.message).toMatch(/every log event in the group is deleted/);
  });

  it('rename: a changed construct id is delete + create, flagged as a rename, for every resource below it', () => {
    const diff = diffStacks(base, fixture('rename'));
    const deletes = diff.changes.filter((c) => c.action === 'delete');
    const creates = diff.changes.filter((c) => c.action === 'create');
    expect(deletes).toHaveLength(4);
    expect(creates).toHaveLength(4);
    for (const c of [...deletes, ...creates]) expect(c.rename).toBeDefined();
    const pool = change(diff, POOL);
    expect(pool.rename).toEqual({
      from: POOL,
      to: 'aws_cognito_user_pool.SecureApi_Users_B91911E0',
      fromPath: 'dev/SecureApi/UserPool/Resource',
      toPath: 'dev/SecureApi/Users/Resource',
      evidence: 'same-body',
    });
    // The domain's body changed (its user_pool_id reference), so only the construct paths pair it.
    expect(change(diff, 'aws_cognito_user_pool_domain.SecureApi_UserPool_Domain_6F0E1D2C').rename?.evidence).toBe('construct-path');
    expect(diff.danger).toBe(true);
    // The user pool leads: losing it loses everything below it.
    expect(diff.findings.map((f) => f.address.split('.')[0])).toEqual([
      'aws_cognito_user_pool',
      'aws_cognito_user_pool_domain',
      'aws_cognito_user',
      'aws_cognito_user_pool_client',
    ]);
    const poolFinding = diff.findings.find((f) => f.address === POOL);
    expect(poolFinding?.severity).toBe('danger');
    expect(poolFinding?.message).toMatch(/^rename: changed construct id dev\/SecureApi\/UserPool\/Resource → dev\/SecureApi\/Users\/Resource/);
    expect(poolFinding?.message).toContain('every user, password, MFA device and refresh token in the pool is lost');
    expect(diff.outputs.changed).toEqual(['user_pool_id']);
    const text = renderText(diff, ctx);
    expect(text).toContain(`- ${POOL} (dev/SecureApi/UserPool/Resource) will be destroyed`);
    expect(text).toContain('rename: changed construct id; recreated as aws_cognito_user_pool.SecureApi_Users_B91911E0 (dev/SecureApi/Users/Resource)');
  });

  it('force-new: changing username_attributes replaces the user pool, and with it the domain and the user that take its id (DANGER)', () => {
    const diff = diffStacks(base, fixture('force-new'));
    const pool = change(diff, POOL);
    expect(pool.action).toBe('replace');
    expect(pool.attributes).toEqual([{ path: 'username_attributes', before: ['email'], after: ['email', 'phone_number'], forceNew: true, ignored: false }]);
    // The real provider plans the same (danger-crosscheck.integration.spec.ts): a new pool id replaces what names it.
    const dependants = diff.changes.filter((c) => c.action === 'replace' && c.address !== POOL);
    expect(dependants.map((c) => c.type).sort()).toEqual(['aws_cognito_user', 'aws_cognito_user_pool_domain']);
    expect(dependants[0].attributes).toEqual([expect.objectContaining({ path: 'user_pool_id', forceNew: true, replacedWith: POOL })]);
    expect(diff.counts).toMatchObject({ replace: 3, update: 0 });
    expect(diff.danger).toBe(true);
    expect(diff.findings).toHaveLength(3);
    expect(diff.findings[0].message).toMatch(/is replaced \(destroyed, then created\): `username_attributes` cannot change in place; every user/);
    expect(diff.findings.map((f) => f.message).join('\n')).toMatch(/`user_pool_id` \(new with the replacement of aws_cognito_user_pool\.[A-Za-z0-9_]+\) cannot change in place/);
    const text = renderText(diff, ctx);
    expect(text).toContain(`-/+ ${POOL} (dev/SecureApi/UserPool/Resource) must be replaced`);
    expect(text).toContain('~ username_attributes: ["email"] → ["email","phone_number"]   # forces replacement');
    const md = renderMarkdown(diff, ctx);
    expect(md.indexOf('DANGER')).toBeLessThan(md.indexOf('<details>'));
    expect(md).toContain(`| 🛑 | \`${POOL}\` |`);
  });
});

describe('diffStacks rules', () => {
  const stack = (resources: Record<string, Record<string, unknown>>, extra: TerraformJson = {}): TerraformJson => {
    const resource: Record<string, Record<string, unknown>> = {};
    for (const [address, body] of Object.entries(resources)) {
      const [type, name] = address.split('.');
      resource[type] = { ...(resource[type] ?? {}), [name]: body };
    }
    return { resource, ...extra };
  };
  const meta = (path: string) => ({ '//': { metadata: { path, uniqueId: path.replace(/\//g, '_') } } });

  it('no base stack: every resource is a create and nothing is DANGER', () => {
    const diff = diffStacks(undefined, base);
    expect(diff.baseExists).toBe(false);
    expect(diff.counts.create).toBe(8);
    expect(diff.danger).toBe(false);
    expect(renderText(diff, { env: 'dev', base: 'main' })).toContain('The base has no stack "dev": every resource is new.');
  });

  it('a moved block turns a rename into a move without DANGER', () => {
    const before = stack({ 'aws_cognito_user_pool.Old': { ...meta('dev/Old'), name: 'p' }, 'aws_cognito_user_pool_domain.D': { domain: 'd', user_pool_id: '${aws_cognito_user_pool.Old.id}' } });
    const after = stack(
      { 'aws_cognito_user_pool.New': { ...meta('dev/New'), name: 'p' }, 'aws_cognito_user_pool_domain.D': { domain: 'd', user_pool_id: '${aws_cognito_user_pool.New.id}' } },
      { moved: [{ from: 'aws_cognito_user_pool.Old', to: 'aws_cognito_user_pool.New' }] },
    );
    const diff = diffStacks(before, after);
    expect(diff.changes.map((c) => [c.action, c.address, c.movedFrom])).toEqual([['move', 'aws_cognito_user_pool.New', 'aws_cognito_user_pool.Old']]);
    expect(diff.unchanged).toBe(1);
    expect(diff.danger).toBe(false);
    expect(renderText(diff, ctx)).toContain('-> aws_cognito_user_pool.Old has moved to aws_cognito_user_pool.New (dev/New)');
  });

  it('a new address of another type or at an unrelated path is not a rename', () => {
    const before = stack({ 'aws_cognito_user.A': { ...meta('dev/Pool/A'), username: 'a' } });
    const after = stack({ 'aws_cognito_user.B': { ...meta('dev/Other/Deep/B'), username: 'b' }, 'aws_cloudwatch_log_group.A': { ...meta('dev/Pool/A2'), username: 'a' } });
    const diff = diffStacks(before, after);
    expect(diff.changes.every((c) => c.rename === undefined)).toBe(true);
    expect(diff.findings.map((f) => f.message)).toEqual(['aws_cognito_user.A (dev/Pool/A) is destroyed: the user is deleted with their password, MFA setup and sessions, and gets a new `sub`.']);
  });

  describe('a user whose email changes is replaced, and the diff says so', () => {
    const user = (key: string, email: string) => ({
      [`aws_cognito_user.SecureApi_UserPool_User-${key}_1A2B3C4D`]: { ...meta(`dev/SecureApi/UserPool/User-${key}/Resource`), user_pool_id: '${aws_cognito_user_pool.P.id}', username: email, attributes: { email, email_verified: 'true' } },
    });

    it('with the key derived from the email, the user moves to a new address: a rename that destroys the user, DANGER', () => {
      const diff = diffStacks(stack(user('demo', 'demo@example.com')), stack(user('ann', 'ann@example.com')));
      expect(diff.changes.map((c) => c.action).sort()).toEqual(['create', 'delete']);
      expect(diff.danger).toBe(true);
      expect(diff.findings).toHaveLength(1);
      expect(diff.findings[0].message).toMatch(/^rename: changed construct id dev\/SecureApi\/UserPool\/User-demo\/Resource → dev\/SecureApi\/UserPool\/User-ann\/Resource: Terraform destroys aws_cognito_user\.SecureApi_UserPool_User-demo_1A2B3C4D .*; the user is deleted with their password/);
    });

    it('with a stable key, the address stays and the new username forces the replacement: DANGER', () => {
      const diff = diffStacks(stack(user('demo', 'demo@example.com')), stack(user('demo', 'ann@example.com')));
      expect(diff.changes.map((c) => [c.action, c.attributes.filter((a) => a.forceNew).map((a) => a.path)])).toEqual([['replace', ['username']]]);
      expect(diff.danger).toBe(true);
      expect(diff.findings[0].message).toMatch(/is replaced \(destroyed, then created\): `username` cannot change in place; the user is deleted with their password/);
    });
  });

  it('a renamed non-stateful resource is still DANGER: its address is its identity', () => {
    const before = stack({ 'aws_api_gateway_resource.A': { ...meta('dev/Api/Users'), path_part: 'users' } });
    const after = stack({ 'aws_api_gateway_resource.B': { ...meta('dev/Api/People'), path_part: 'users' } });
    const diff = diffStacks(before, after);
    expect(diff.danger).toBe(true);
    expect(diff.findings[0].message).toMatch(/^rename: changed construct id dev\/Api\/Users → dev\/Api\/People: Terraform destroys aws_api_gateway_resource.A and creates aws_api_gateway_resource.B\. Keep/);
  });

  it('ignore_changes = "all" silences force-new changes', () => {
    const before = stack({ 'aws_cognito_user_pool.P': { name: 'a', lifecycle: { ignore_changes: 'all' } } });
    const after = stack({ 'aws_cognito_user_pool.P': { name: 'b', lifecycle: { ignore_changes: 'all' } } });
    const diff = diffStacks(before, after);
    expect(diff.changes[0].action).toBe('update');
    expect(diff.changes[0].attributes[0]).toMatchObject({ path: 'name', forceNew: true, ignored: true });
    expect(diff.danger).toBe(false);
  });

  it('a schema attribute edit that lifecycle does not ignore warns that the apply fails', () => {
    const before = stack({ 'aws_cognito_user_pool.P': { name: 'a', schema: [{ name: 'email', mutable: true }] } });
    const after = stack({ 'aws_cognito_user_pool.P': { name: 'a', schema: [{ name: 'email', mutable: false }] } });
    const diff = diffStacks(before, after);
    expect(diff.danger).toBe(false);
    expect(diff.findings).toEqual([expect.objectContaining({ severity: 'warning', address: 'aws_cognito_user_pool.P' })]);
    expect(diff.findings[0].message).toContain('cannot modify or remove schema attributes (`schema[0].mutable`)');
  });

  it('removed outputs and a moved state backend are warnings', () => {
    const before = stack({}, { output: { a: { value: 1 } }, terraform: { backend: { s3: { bucket: 'b', key: 'p/dev/terraform.tfstate', region: 'eu-west-1' } } } });
    const after = stack({}, { output: {}, terraform: { backend: { s3: { bucket: 'b', key: 'p/development/terraform.tfstate', region: 'eu-west-1' } } } });
    const diff = diffStacks(before, after);
    expect(diff.danger).toBe(false);
    expect(diff.findings.map((f) => f.address)).toEqual(['output.a', 'terraform.backend']);
    expect(diff.findings[1].message).toContain('key=p/dev/terraform.tfstate');
  });

  it('a local backend path that differs between checkouts is not a change', () => {
    const a = stack({}, { terraform: { backend: { local: { path: '/tmp/a/terraform.dev.tfstate' } } } });
    const b = stack({}, { terraform: { backend: { local: { path: '/work/terraform.dev.tfstate' } } } });
    expect(diffStacks(a, b).findings).toEqual([]);
  });

  it('never prints the value of a sensitive-looking attribute', () => {
    const before = stack({ 'aws_cognito_user.U': { username: 'u', temporary_password: 'Old-Secret-1' } });
    const after = stack({ 'aws_cognito_user.U': { username: 'u', temporary_password: 'New-Secret-2' } });
    const text = renderText(diffStacks(before, after), ctx);
    expect(text).toContain('~ temporary_password: (sensitive) → (sensitive)');
    expect(text).not.toMatch(/Secret-/);
  });

  it('Markdown escapes table cells and fences values that contain backticks', () => {
    const before = stack({ 'aws_cognito_user.U': { username: 'a|b' } });
    const after = stack({});
    const md = renderMarkdown(diffStacks(before, after), ctx);
    expect(md).toContain('<!-- secure-api:offline-diff:dev -->');
    const withTicks = renderMarkdown(
      diffStacks(stack({ 'aws_sns_topic.T': { name: 'a' } }), stack({ 'aws_sns_topic.T': { name: '```' } })),
      ctx,
    );
    expect(withTicks).toContain('````diff');
  });
});

describe('isForceNew (provider schema)', () => {
  it.each([
    ['aws_cognito_user_pool', 'name', 'a', 'b', true],
    ['aws_cognito_user_pool', 'alias_attributes', ['email'], ['email', 'preferred_username'], true],
    ['aws_cognito_user_pool', 'username_attributes', undefined, ['email'], true],
    ['aws_cognito_user_pool', 'username_configuration.case_sensitive', true, false, true],
    ['aws_cognito_user_pool', 'password_policy.minimum_length', 8, 12, false],
    ['aws_cognito_user_pool', 'mfa_configuration', 'OFF', 'ON', false],
    ['aws_cognito_user_pool', 'schema[1].name', undefined, 'custom', false],
    ['aws_cognito_user_pool_domain', 'domain', 'a', 'b', true],
    ['aws_cognito_user_pool_domain', 'user_pool_id', 'a', 'b', true],
    ['aws_cognito_user_pool_domain', 'certificate_arn', undefined, 'arn:aws:acm:us-east-1:1:certificate/a', true],
    ['aws_cognito_user_pool_domain', 'certificate_arn', 'arn:aws:acm:us-east-1:1:certificate/a', undefined, true],
    ['aws_cognito_user_pool_domain', 'certificate_arn', 'arn:aws:acm:us-east-1:1:certificate/a', 'arn:aws:acm:us-east-1:1:certificate/b', false],
    ['aws_cognito_user', 'username', 'a', 'b', true],
    ['aws_cognito_user', 'user_pool_id', 'a', 'b', true],
    ['aws_cognito_user', 'attributes.email', 'a', 'b', false],
    ['aws_cloudwatch_log_group', 'name', 'a', 'b', true],
    ['aws_cloudwatch_log_group', 'name_prefix', 'a', 'b', true],
    ['aws_cloudwatch_log_group', 'log_group_class', 'STANDARD', 'INFREQUENT_ACCESS', true],
    ['aws_cloudwatch_log_group', 'retention_in_days', 30, 90, false],
    ['aws_cognito_user_pool_client', 'name', 'a', 'b', false],
  ])('%s %s: %j → %j forces new = %s', (type, path, before, after, expected) => {
    expect(isForceNew(type, path, before, after)).toBe(expected);
  });
});

describe('diffStacks on the production hardening (fixture hardened: keys, topic, web ACL, pool with threat protection)', () => {
  const hardened = fixture('hardened');
  type Json = Record<string, any>;
  const only = (json: Json, type: string): [string, Json] => Object.entries(json['resource'][type] as Json).find(([name]) => !/Alarm/.test(name) || type === 'aws_sns_topic') as [string, Json];
  const head = (edit: (h: Json) => void) => {
    const h = structuredClone(hardened) as Json;
    edit(h);
    return diffStacks(hardened, h);
  };
  const dangers = (diff: StackDiff) => diff.findings.filter((f) => f.severity === 'danger');

  it.each([
    ['aws_kms_key', 'key_usage', 'SIGN_VERIFY', /every log event of the groups that name it\) becomes unreadable/],
    ['aws_kms_key', 'customer_master_key_spec', 'RSA_2048', /becomes unreadable/],
    ['aws_wafv2_web_acl', 'name', 'secure-api-prod-api-2', /the stage is unprotected between the destroy and the new association/],
    ['aws_wafv2_web_acl', 'scope', 'CLOUDFRONT', /unprotected/],
    ['aws_sns_topic', 'name', 'secure-api-prod-alarms-2', /every subscription is deleted \(email subscribers must confirm again\)/],
    ['aws_sns_topic', 'fifo_topic', true, /alarms notify nobody/],
  ])('replacing %s (%s changes) is DANGER, naming the loss', (type, attribute, value, loss) => {
    const diff = head((h) => void (only(h, type)[1][attribute] = value));
    const [name] = only(hardened, type);
    expect(change(diff, `${type}.${name}`).action).toBe('replace');
    const finding = dangers(diff).find((f) => f.address === `${type}.${name}`);
    expect(finding?.message).toMatch(new RegExp(`\`${attribute}\` cannot change in place`));
    expect(finding?.message).toMatch(loss);
  });

  it('an in-place change (rotation period, ACL rules, topic key) is no DANGER', () => {
    const diff = head((h) => {
      only(h, 'aws_kms_key')[1]['rotation_period_in_days'] = 180;
      only(h, 'aws_wafv2_web_acl')[1]['rule'][0]['statement']['rate_based_statement']['limit'] = 500;
    });
    expect(diff.counts).toMatchObject({ update: 2, replace: 0 });
    expect(diff.danger).toBe(false);
  });

  it('deleting the key, the web ACL or the topic is DANGER', () => {
    for (const type of ['aws_kms_key', 'aws_wafv2_web_acl', 'aws_sns_topic']) {
      const diff = head((h) => void delete h['resource'][type][only(h, type)[0]]);
      expect(dangers(diff).map((f) => f.address)).toContain(`${type}.${only(hardened, type)[0]}`);
    }
  });

  it('removing the web ACL from the stage is DANGER: the stage takes every request unfiltered', () => {
    const diff = head((h) => void delete h['resource']['aws_wafv2_web_acl_association']);
    const [name] = only(hardened, 'aws_wafv2_web_acl_association');
    expect(dangers(diff)).toEqual([expect.objectContaining({ address: `aws_wafv2_web_acl_association.${name}`, message: expect.stringMatching(/loses its WAF web ACL/) })]);
  });

  it.each([
    ['removed', (pool: Json) => void delete pool['user_pool_add_ons'], /ENFORCED to OFF/],
    ['set to OFF', (pool: Json) => void (pool['user_pool_add_ons']['advanced_security_mode'] = 'OFF'), /ENFORCED to OFF/],
  ])('threat protection %s on the pool is DANGER', (_what, edit, message) => {
    const diff = head((h) => edit(only(h, 'aws_cognito_user_pool')[1]));
    expect(dangers(diff)).toEqual([expect.objectContaining({ address: `aws_cognito_user_pool.${only(hardened, 'aws_cognito_user_pool')[0]}`, message: expect.stringMatching(message) })]);
  });

  it('turning threat protection from ENFORCED to AUDIT keeps it on: no DANGER', () => {
    expect(head((h) => void (only(h, 'aws_cognito_user_pool')[1]['user_pool_add_ons']['advanced_security_mode'] = 'AUDIT')).danger).toBe(false);
  });
});
