import { diffStacks, STATEFUL_TYPES } from '../diff';
import { describeWithTerraform, destructiveChanges, EmptyTwin, stackJson, TwinStack } from '../test/twin-terraform';

// The offline diff's DANGER list rests on the provider's force-new rules (libs/tooling/src/diff/lib/stateful.ts).
// Here the real provider is the judge: for each stateful attribute those rules list, a head stack that differs from
// the applied base only there is planned, and the stateful resources the real plan deletes or replaces must be
// exactly the ones the DANGER list names, so that no real replacement goes unflagged and nothing is flagged for
// nothing.
jest.setTimeout(600_000);

type Json = Record<string, any>;

const first = (json: Json, type: string): Json => Object.values(json['resource'][type] as Json)[0] as Json;
const byName = (json: Json, type: string, pattern: RegExp): Json => Object.entries(json['resource'][type] as Json).find(([name]) => pattern.test(name))?.[1] as Json;

/** One head variant per attribute of the DANGER rules: what changes, and how. */
const VARIANTS: readonly [string, (head: Json) => void][] = [
  ['aws_cognito_user_pool.name', (h) => void (first(h, 'aws_cognito_user_pool')['name'] = 'secure-api-dev-renamed')],
  // The two conflict: signing in by alias instead of by email changes both.
  ['aws_cognito_user_pool.alias_attributes', (h) => {
    const pool = first(h, 'aws_cognito_user_pool');
    delete pool['username_attributes'];
    pool['alias_attributes'] = ['email'];
  }],
  ['aws_cognito_user_pool.username_attributes', (h) => void (first(h, 'aws_cognito_user_pool')['username_attributes'] = ['email', 'phone_number'])],
  ['aws_cognito_user_pool.username_configuration', (h) => void (first(h, 'aws_cognito_user_pool')['username_configuration'] = { case_sensitive: true })],
  ['aws_cognito_user_pool_domain.domain', (h) => void (first(h, 'aws_cognito_user_pool_domain')['domain'] = 'secure-api-dev-other')],
  ['aws_cognito_user_pool_domain.user_pool_id', (h) => void (first(h, 'aws_cognito_user_pool_domain')['user_pool_id'] = 'eu-west-1_Elsewhere1')],
  ['aws_cognito_user_pool_domain.certificate_arn (added)', (h) => void Object.assign(first(h, 'aws_cognito_user_pool_domain'), { domain: 'login.example.com', certificate_arn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' })],
  ['aws_cognito_user.username', (h) => void (first(h, 'aws_cognito_user')['username'] = 'other@example.com')],
  ['aws_cognito_user.user_pool_id', (h) => void (first(h, 'aws_cognito_user')['user_pool_id'] = 'eu-west-1_Elsewhere1')],
  ['aws_cloudwatch_log_group.name', (h) => void (byName(h, 'aws_cloudwatch_log_group', /AccessLogs/)['name'] = '/aws/apigateway/secure-api-dev-api/v1/access-renamed')],
  ['aws_cloudwatch_log_group.name_prefix', (h) => {
    const group = byName(h, 'aws_cloudwatch_log_group', /AccessLogs/);
    delete group['name'];
    group['name_prefix'] = '/aws/apigateway/secure-api-dev-access-';
  }],
  ['aws_cloudwatch_log_group.log_group_class', (h) => void (byName(h, 'aws_cloudwatch_log_group', /AccessLogs/)['log_group_class'] = 'INFREQUENT_ACCESS')],
  ['aws_kms_key.customer_master_key_spec', (h) => void (byName(h, 'aws_kms_key', /LogKey/)['customer_master_key_spec'] = 'RSA_2048')],
  ['aws_kms_key.key_usage', (h) => void Object.assign(byName(h, 'aws_kms_key', /LogKey/), { customer_master_key_spec: 'RSA_2048', key_usage: 'SIGN_VERIFY' })],
  ['aws_kms_key.multi_region', (h) => void (byName(h, 'aws_kms_key', /LogKey/)['multi_region'] = true)],
  ['aws_kms_key.custom_key_store_id', (h) => void (byName(h, 'aws_kms_key', /LogKey/)['custom_key_store_id'] = 'cks-1234567890abcdef0')],
  ['aws_kms_key.xks_key_id', (h) => void Object.assign(byName(h, 'aws_kms_key', /LogKey/), { custom_key_store_id: 'cks-1234567890abcdef0', xks_key_id: 'external-key-1' })],
  ['aws_sns_topic.name', (h) => void (first(h, 'aws_sns_topic')['name'] = 'secure-api-dev-alarms-renamed')],
  ['aws_sns_topic.name_prefix', (h) => {
    const topic = first(h, 'aws_sns_topic');
    delete topic['name'];
    topic['name_prefix'] = 'secure-api-dev-alarms-';
  }],
  ['aws_sns_topic.fifo_topic', (h) => void Object.assign(first(h, 'aws_sns_topic'), { name: 'secure-api-dev-alarms.fifo', fifo_topic: true })],
];

/** The same for the web ACL, which only prod declares. */
const PROD_VARIANTS: readonly [string, (head: Json) => void][] = [
  ['aws_wafv2_web_acl.name', (h) => void (first(h, 'aws_wafv2_web_acl')['name'] = 'secure-api-prod-api-renamed')],
  ['aws_wafv2_web_acl.name_prefix', (h) => {
    const acl = first(h, 'aws_wafv2_web_acl');
    delete acl['name'];
    acl['name_prefix'] = 'secure-api-prod-';
  }],
  ['aws_wafv2_web_acl.scope', (h) => void (first(h, 'aws_wafv2_web_acl')['scope'] = 'CLOUDFRONT')],
];

describeWithTerraform('the offline diff DANGER list against real replacements (dev applied, head planned)', () => {
  let twin: EmptyTwin;
  let stack: TwinStack;
  let base: Json;

  beforeAll(async () => {
    twin = await EmptyTwin.start();
    base = stackJson('dev');
    stack = new TwinStack(twin, 'dev', 'danger').use(base);
    if (stack.target('deploy') !== 0) throw new Error('applying the base failed');
  }, 180_000);
  afterAll(() => twin?.stop());

  it('covers every attribute of the DANGER rules', () => {
    const rules = Object.entries(STATEFUL_TYPES).flatMap(([type, t]) => t.forceNew.map((r) => `${type}.${r.path}`));
    expect(rules.filter((r) => ![...VARIANTS, ...PROD_VARIANTS].some(([name]) => name.startsWith(r)))).toEqual([]);
  });

  it.each(VARIANTS)('%s: the stateful resources the real plan deletes or replaces are exactly those the DANGER list names', (_what, change) => {
    expectSameReplacements(stack, base, change);
  });

  describe('on prod (the web ACL)', () => {
    let prod: TwinStack;
    let prodBase: Json;
    beforeAll(() => {
      prodBase = stackJson('prod');
      prod = new TwinStack(twin, 'prod', 'danger').use(prodBase);
      if (prod.target('deploy') !== 0) throw new Error('applying the prod base failed');
    }, 180_000);

    it.each(PROD_VARIANTS)('%s: the stateful resources the real plan deletes or replaces are exactly those the DANGER list names', (_what, change) => {
      expectSameReplacements(prod, prodBase, change);
    });
  });
});

function expectSameReplacements(stack: TwinStack, base: Json, change: (head: Json) => void): void {
  const head = structuredClone(base);
  change(head);
  const offline = diffStacks(base, head);
  const flagged = new Set(offline.findings.filter((f) => f.severity === 'danger').map((f) => f.address).filter((a) => a.split('.')[0] in STATEFUL_TYPES));
  const { json } = stack.use(head).planJson();
  const real = new Map([...destructiveChanges(json)].filter(([address]) => address.split('.')[0] in STATEFUL_TYPES));
  expect({ flagged: [...flagged].sort() }).toEqual({ flagged: [...real.keys()].sort() });
  expect(real.size).toBeGreaterThan(0);
}
