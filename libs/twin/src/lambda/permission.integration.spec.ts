import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StackModel } from '../stack/stack-model';
import { runEntry, startTwin, type RunningTwin } from '../test-support';
import { signedCall } from '../test-support/signed';

// Builds the twin of a stack with Lambda routes, packages included: generous limits for a loaded machine.
jest.setTimeout(60_000);

let dir: string;
let t: RunningTwin;
let hello: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'twin-lambda-permission-'));
  const synth = runEntry([join(__dirname, '../../../function/src/test/lambda-stack.fixture.ts'), '--outdir', join(dir, 'synth')]);
  expect(await synth.exit).toBe(0);
  const file = join(dir, 'synth', 'stacks', 'lambda', 'cdk.tf.json');
  t = await startTwin({ stack: new StackModel(JSON.parse(readFileSync(file, 'utf8')), file) });
  hello = `${String(t.twin.outputs()['api_invoke_url'].value)}/hello`;
}, 120_000);
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

const policyPath = '/2015-03-31/functions/lambda-test-hello/policy';

// API Gateway calls a function only as its resource policy allows (lambda:AddPermission for apigateway.amazonaws.com
// with the API's execution ARN as AWS:SourceArn); without it, the method answers 500 ("Invalid permissions on Lambda
// function"). The twin remembers each decision for the hot path: every change of the policy must still count at once.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
describe("a Lambda route follows its function's resource policy as it changes", () => {
  it('answers 500 once the permission is removed, and 200 again once it is added back, without a restart', async () => {
    expect((await fetch(hello)).status).toBe(200);
    const policy = await signedCall(t, { service: 'lambda', method: 'GET', path: policyPath });
    expect(policy.status).toBe(200);
    const [statement] = (JSON.parse(String(policy.json()['Policy'])) as { Statement: Record<string, any>[] }).Statement;
    expect(statement).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: { Service: 'apigateway.amazonaws.com' } });

    const removed = await signedCall(t, { service: 'lambda', method: 'DELETE', path: `${policyPath}/${encodeURIComponent(String(statement['Sid']))}` });
    expect(removed.status).toBe(204);
    const refused = await fetch(hello);
    expect(refused.status).toBe(500);
    expect(await refused.json()).toEqual({ message: 'Internal server error' });

    const added = await signedCall(t, {
      service: 'lambda', path: policyPath, contentType: 'application/json',
      body: JSON.stringify({ StatementId: 'again', Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com', SourceArn: statement['Condition']['ArnLike']['AWS:SourceArn'] }),
    });
    expect(added.status).toBe(201);
    const again = await fetch(hello);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ message: 'hello world' });
  });

  it('answers 500 for a permission scoped to another method, and 200 for one of the right method', async () => {
    const policy = JSON.parse(String((await signedCall(t, { service: 'lambda', method: 'GET', path: policyPath })).json()['Policy'])) as { Statement: Record<string, any>[] };
    const sourceArn = String(policy.Statement[0]['Condition']['ArnLike']['AWS:SourceArn']);
    for (const s of policy.Statement) expect((await signedCall(t, { service: 'lambda', method: 'DELETE', path: `${policyPath}/${encodeURIComponent(String(s['Sid']))}` })).status).toBe(204);
    const post = sourceArn.replace(/\/GET\//, '/POST/');
    expect(post).not.toBe(sourceArn);
    const add = (sid: string, arn: string) => signedCall(t, { service: 'lambda', path: policyPath, contentType: 'application/json', body: JSON.stringify({ StatementId: sid, Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com', SourceArn: arn }) });
    expect((await add('post-only', post)).status).toBe(201);
    expect((await fetch(hello)).status).toBe(500);
    expect((await add('get', sourceArn)).status).toBe(201);
    expect((await fetch(hello)).status).toBe(200);
  });
});
