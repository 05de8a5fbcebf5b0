import { AdminCreateUserCommand, AdminSetUserPasswordCommand, CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithTerraform, EmptyTwin, expectCleanPlan, plannedActions, TwinStack, WORKSPACE } from '../test/twin-terraform';

// Real Terraform 1.11 and the real AWS provider 5.100 apply a stack with Lambda routes (NodejsFunction: zip packages,
// execution roles, inline policies, log groups, permissions) to an empty twin, which then runs the very packages
// Terraform uploaded behind the Cognito authorizer.
jest.setTimeout(300_000);

type Json = Record<string, any>;

describeWithTerraform('Lambda functions applied to an empty twin by real Terraform', () => {
  let twin: EmptyTwin;
  let stack: TwinStack;
  let base: Json;
  let synthDir: string;

  beforeAll(async () => {
    synthDir = mkdtempSync(join(tmpdir(), 'synth-lambda-'));
    execFileSync(process.execPath, [join(WORKSPACE, 'libs/tooling/bin/run.mjs'), join(WORKSPACE, 'libs/function/src/test/lambda-stack.fixture.ts'), '--outdir', synthDir], { cwd: WORKSPACE, stdio: 'pipe' });
    base = JSON.parse(readFileSync(join(synthDir, 'stacks/lambda/cdk.tf.json'), 'utf8')) as Json;
    twin = await EmptyTwin.start();
    stack = new TwinStack(twin, 'dev', 'lambda').use(base);
    cpSync(join(synthDir, 'stacks/lambda/assets'), join(stack.stackDir, 'assets'), { recursive: true });
  }, 180_000);
  afterAll(async () => {
    await twin?.stop();
    rmSync(synthDir, { recursive: true, force: true });
  });

  const outputs = (): Json => {
    const file = join(twin.dir, 'outputs.lambda.json');
    expect(stack.target('output', file)).toBe(0);
    return JSON.parse(readFileSync(file, 'utf8')) as Json;
  };

  it('applies the functions, roles, policies and permissions, and a second plan finds no changes', () => {
    expect(stack.target('deploy')).toBe(0);
    const state = stack.terraform('state', 'list').stdout;
    for (const type of ['aws_lambda_function', 'aws_iam_role', 'aws_iam_role_policy', 'aws_lambda_permission']) expect(state).toContain(`${type}.`);
    expectCleanPlan(stack);
  });

  it('runs the package Terraform uploaded: the public route answers from the bundle, the protected one with the caller\'s claims', async () => {
    const out = outputs();
    const invoke = String(out['api_invoke_url'].value);
    const hello = await fetch(`${invoke}/hello`);
    expect(hello.status).toBe(200);
    expect(await hello.json()).toEqual({ message: 'hello world' });
    expect((await fetch(`${invoke}/me`)).status).toBe(401);

    const { endpoint, accessKeyId, secretAccessKey } = twin.account;
    const cognito = new CognitoIdentityProviderClient({ endpoint, region: 'eu-west-1', credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
    const pool = String(out['user_pool_id'].value);
    const username = 'lambda@example.com';
    await cognito.send(new AdminCreateUserCommand({ UserPoolId: pool, Username: username, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: username }, { Name: 'email_verified', Value: 'true' }] }));
    await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: pool, Username: username, Password: 'Lambda-Passw0rd-1!', Permanent: true }));
    const auth = await cognito.send(new InitiateAuthCommand({ ClientId: String(out['app_client_id'].value), AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: 'Lambda-Passw0rd-1!' } }));
    cognito.destroy();
    const me = await fetch(`${invoke}/me`, { headers: { authorization: String(auth.AuthenticationResult?.IdToken) } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ email: username, emailVerified: true, tokenUse: 'id', clientId: String(out['app_client_id'].value) });
  });

  it('a changed package and memory size update the function in place, and the new code answers', async () => {
    const head = structuredClone(base);
    const fn = head['resource']['aws_lambda_function'];
    const helloKey = Object.keys(fn).find((k) => String(fn[k].function_name) === 'lambda-test-hello') as string;
    const meKey = Object.keys(fn).find((k) => String(fn[k].function_name) === 'lambda-test-me') as string;
    // The hello function takes the me function's package: a code update, as a rebuilt bundle would make.
    Object.assign(fn[helloKey], { filename: fn[meKey].filename, source_code_hash: fn[meKey].source_code_hash, memory_size: 512 });
    stack.use(head);
    const { json } = stack.planJson();
    expect([...plannedActions(json).entries()]).toEqual([[`aws_lambda_function.${helloKey}`, 'update']]);
    expect(stack.target('deploy')).toBe(0);
    expectCleanPlan(stack);
    const invoke = String(outputs()['api_invoke_url'].value);
    // Terraform ran synchronously for half a minute: let fetch's keep-alive pool retire the connection the twin closed
    // meanwhile (its idle timers could not fire while this process was blocked).
    await new Promise((r) => setTimeout(r, 50));
    const hello = await fetch(`${invoke}/hello`);
    // The me handler on a public route: no claims, so it refuses, as it would on AWS.
    expect(hello.status).toBe(401);
  });

  it('destroys every function, role and permission', () => {
    expect(stack.target('destroy')).toBe(0);
    expect(stack.terraform('state', 'list').stdout.trim()).toBe('');
  });
});
