import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { StackModel } from '../stack/stack-model';
import { startTwin, TestClock, type RunningTwin } from '../test-support';

// The web ACL of a stage enforced by the API Gateway data plane, with the stack loader building the fixture the
// Terraform spec applies (libs/tooling/src/terraform/fixtures/waf.tf.json: a 10-per-60-s rate rule per IP, a body
// size rule, three managed rule groups, a PLUS pool with threat protection ENFORCED). The clock is the twin's: the
// window passes without sleeping. Client addresses are real: the loopback net answers 127.0.0.2 and 127.0.0.3 too.
jest.setTimeout(30_000);

type Json = Record<string, any>;

const FIXTURE = join(__dirname, '../../../tooling/src/terraform/fixtures/waf.tf.json');
const fixture = (): Json => JSON.parse(readFileSync(FIXTURE, 'utf8')) as Json;

let t: RunningTwin;
let clock: TestClock;
let invoke: string;

beforeAll(async () => {
  clock = new TestClock(Date.UTC(2026, 0, 1));
  t = await startTwin({ json: fixture(), clock, accountId: '123456789012' });
  invoke = t.twin.apiGateway.apis()[0].stages[0].invokeUrl;
});
afterAll(() => t.close());

/** One request from a loopback address of the test's choosing. */
function send(path: string, options: { from?: string; method?: string; body?: Buffer; headers?: Record<string, string> } = {}): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${invoke}${path}`, { method: options.method ?? 'GET', localAddress: options.from ?? '127.0.0.1', headers: { 'content-type': 'application/json', ...options.headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const FORBIDDEN = { status: 403, type: 'application/json', body: '{"message":"Forbidden"}' };

describe('the stack loader builds the web ACL, its association and its logging', () => {
  it('registers the ACL with its ARN and capacity, and warns once of what WAF and Cognito do that the twin does not', () => {
    const acl = t.twin.ctx.stack?.attributesOf('aws_wafv2_web_acl.Acl') as Json;
    expect(acl['arn']).toMatch(/^arn:aws:wafv2:eu-west-1:123456789012:regional\/webacl\/waf-api\/[0-9a-f-]{36}$/);
    // 2 (rate-based) + 1 (size) + 25 + 700 + 200 (the managed groups).
    expect(acl['capacity']).toBe(928);
    expect(t.twin.ctx.stack?.attributesOf('aws_wafv2_web_acl_association.Stage')?.['id']).toBe(`${acl['arn']},${t.twin.ctx.stack?.attributesOf('aws_api_gateway_stage.Stage')?.['arn']}`);
    const warnings = t.twin.ctx.warnings;
    expect(warnings.filter((w) => w.startsWith('WAF'))).toEqual([
      'WAF managed rule groups are not emulated (AWSManagedRulesAmazonIpReputationList, AWSManagedRulesCommonRuleSet, AWSManagedRulesKnownBadInputsRuleSet): requests are not inspected by them.',
    ]);
    expect(warnings.filter((w) => w.startsWith('Cognito threat protection'))).toEqual([expect.stringMatching(/^Cognito threat protection is not emulated \(waf-users \(ENFORCED\)\)/)]);
    expect(warnings.join('\n')).not.toContain('aws_wafv2');
  });
});

describe('a rate-based rule per IP', () => {
  it('lets the limit through, blocks the next request with 403 Forbidden before the authorizer, keeps blocking for the window, then lets the IP through again; another IP is unaffected', async () => {
    for (let i = 0; i < 10; i++) expect((await send('/hello')).status).toBe(200);
    expect(await send('/hello')).toEqual(FORBIDDEN);
    // Blocked before the Cognito authorizer would have answered 401, and on any route.
    expect(await send('/me')).toEqual(FORBIDDEN);
    expect(await send('/nowhere')).toEqual(FORBIDDEN);
    expect(await send('/hello', { from: '127.0.0.2' })).toMatchObject({ status: 200, body: '{"message":"hello"}' });
    expect((await send('/me', { from: '127.0.0.2' })).status).toBe(401);

    clock.advance(30_000);
    expect(await send('/hello')).toEqual(FORBIDDEN);
    // The window (60 s) after the first burst: what is left in it is one request, well under the limit.
    clock.advance(32_000);
    expect((await send('/hello')).status).toBe(200);
    expect((await send('/hello', { from: '127.0.0.2' })).status).toBe(200);
  });
});

describe('a size constraint on the body', () => {
  it('blocks a body over 8192 bytes and passes one of 8192; an oversize body (over the 16 KB inspected) matches as OversizeHandling MATCH says', async () => {
    const from = '127.0.0.3';
    expect(await send('/echo', { from, method: 'POST', body: Buffer.alloc(8193, 'a') })).toEqual(FORBIDDEN);
    expect(await send('/echo', { from, method: 'POST', body: Buffer.alloc(8192, 'a') })).toMatchObject({ status: 200, body: '{"message":"received"}' });
    expect(await send('/echo', { from, method: 'POST', body: Buffer.alloc(20_000, 'a') })).toEqual(FORBIDDEN);
    expect((await send('/echo', { from, method: 'POST', body: Buffer.from('{}') })).status).toBe(200);
  });
});

describe('changes of the web ACL, applied by the stack loader', () => {
  it('a rule whose action is count never blocks; without the association the stage is not inspected at all', async () => {
    clock.advance(120_000);
    const from = '127.0.0.4';
    for (let i = 0; i < 10; i++) await send('/hello', { from });
    expect((await send('/hello', { from })).status).toBe(403);

    const counting = fixture();
    const rule = (counting['resource']['aws_wafv2_web_acl']['Acl']['rule'] as Json[]).find((r) => r['name'] === 'rate-limit-per-ip') as Json;
    rule['action'] = { count: {} };
    await t.twin.reload(new StackModel(counting, 'fixture'));
    for (let i = 0; i < 15; i++) expect((await send('/hello', { from })).status).toBe(200);
    expect((await send('/echo', { from, method: 'POST', body: Buffer.alloc(9000, 'a') })).status).toBe(403);

    const bare = fixture();
    delete bare['resource']['aws_wafv2_web_acl_association'];
    await t.twin.reload(new StackModel(bare, 'fixture'));
    expect(t.twin.ctx.stack?.attributesOf('aws_wafv2_web_acl.Acl')).toBeDefined();
    expect((await send('/echo', { from, method: 'POST', body: Buffer.alloc(9000, 'a') })).status).toBe(200);
    for (let i = 0; i < 15; i++) expect((await send('/hello', { from })).status).toBe(200);
  });
});
