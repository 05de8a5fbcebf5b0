// The twin's CLI as a user runs it, killed with SIGKILL right after the control plane acknowledged its calls: what it
// acknowledged is there when a twin starts again on the same data directory (the store commits before it answers).
import { CognitoIdentityProviderClient, CreateUserPoolClientCommand, CreateUserPoolCommand, DescribeUserPoolClientCommand, DescribeUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { APIGatewayClient, CreateRestApiCommand, GetRestApiCommand } from '@aws-sdk/client-api-gateway';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const WORKSPACE = resolve(__dirname, '../../../..');
jest.setTimeout(120_000);

async function start(dataDir: string, outputsFile: string): Promise<{ child: ChildProcess; outputs: Record<string, { value: string }> }> {
  rmSync(outputsFile, { force: true });
  const child = spawn(process.execPath, [join(WORKSPACE, 'libs/tooling/bin/run.mjs'), join(WORKSPACE, 'libs/twin/src/cli.ts'), '--empty', '--port', '0', '--data-dir', dataDir, '--outputs-file', outputsFile], { cwd: WORKSPACE, stdio: 'ignore' });
  const started = Date.now();
  while (!existsSync(outputsFile)) {
    if (child.exitCode !== null || Date.now() - started > 60_000) throw new Error('the twin did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, outputs: JSON.parse(readFileSync(outputsFile, 'utf8')) as Record<string, { value: string }> };
}

function clients(outputs: Record<string, { value: string }>) {
  const config = { endpoint: outputs['twin_endpoint_url'].value, region: 'eu-west-1', credentials: { accessKeyId: outputs['twin_access_key_id'].value, secretAccessKey: outputs['twin_secret_access_key'].value }, maxAttempts: 1 };
  return { cognito: new CognitoIdentityProviderClient(config), apigw: new APIGatewayClient(config) };
}

it('keeps every acknowledged control-plane change across kill -9, with the same account and credentials', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'twin-durable-'));
  try {
    const first = await start(join(dir, 'data'), join(dir, 'outputs.json'));
    const a = clients(first.outputs);
    const pool = (await a.cognito.send(new CreateUserPoolCommand({ PoolName: 'durable', UserPoolTags: { team: 'platform' } }))).UserPool!;
    const client = (await a.cognito.send(new CreateUserPoolClientCommand({ UserPoolId: pool.Id!, ClientName: 'web', GenerateSecret: true }))).UserPoolClient!;
    const api = await a.apigw.send(new CreateRestApiCommand({ name: 'durable', tags: { team: 'platform' } }));
    const killed = new Promise((r) => first.child.once('exit', r));
    first.child.kill('SIGKILL');
    await killed;

    const second = await start(join(dir, 'data'), join(dir, 'outputs.json'));
    try {
      expect(second.outputs['twin_access_key_id'].value).toBe(first.outputs['twin_access_key_id'].value);
      const b = clients(second.outputs);
      expect((await b.cognito.send(new DescribeUserPoolCommand({ UserPoolId: pool.Id! }))).UserPool).toMatchObject({ Id: pool.Id, Name: 'durable', Arn: pool.Arn, UserPoolTags: { team: 'platform' } });
      expect((await b.cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: pool.Id!, ClientId: client.ClientId! }))).UserPoolClient).toMatchObject({ ClientSecret: client.ClientSecret });
      expect(await b.apigw.send(new GetRestApiCommand({ restApiId: api.id! }))).toMatchObject({ name: 'durable', rootResourceId: api.rootResourceId, tags: { team: 'platform' } });
      const discovery = await fetch(`${second.outputs['twin_endpoint_url'].value}/${pool.Id}/.well-known/openid-configuration`);
      expect(discovery.status).toBe(200);
    } finally {
      second.child.kill('SIGTERM');
      await new Promise((r) => second.child.once('exit', r));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
