/**
 * A stack with Lambda routes behind the Cognito authorizer, for the tests that apply it to the twin (real Terraform,
 * and the twin's stack loader): `node libs/tooling/bin/run.mjs libs/function/src/test/lambda-stack.fixture.ts
 * --outdir DIR` (run from the workspace root) writes `DIR/stacks/lambda/cdk.tf.json` and its packages.
 */
import { join, resolve } from 'node:path';
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Duration, requireAwsProvider } from '@secure-api/core';
import { Integration, type RouteTable } from '@secure-api/rest-api';
import { SecureApi } from '@secure-api/secure-api';
import { NodejsFunction } from '../lib/nodejs-function';

export function main(args: string[]): number {
  const outdir = resolve(args[args.indexOf('--outdir') + 1] ?? 'cdktf.out');
  const root = process.cwd();
  const app = new App({ outdir });
  const stack = new TerraformStack(app, 'lambda');
  requireAwsProvider(stack);
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  const fn = (id: string, entry: string, name: string) => new NodejsFunction(stack, id, { entry: join(root, entry), functionName: `lambda-test-${name}`, timeout: Duration.seconds(5) });
  const hello = fn('Hello', 'libs/function/src/test/fixtures/hello.ts', 'hello');
  const me = fn('Me', 'libs/handlers/src/me.ts', 'me');
  const orders = fn('Orders', 'libs/handlers/src/orders.ts', 'orders');
  const routes: RouteTable = {
    'GET /hello': { integration: Integration.lambdaProxy(hello), public: 'the fixture greeting' },
    'GET /me': { integration: Integration.lambdaProxy(me) },
    'POST /orders': { integration: Integration.lambdaProxy(orders), authorizationScopes: ['api/orders.write'] },
  } as RouteTable;
  const api = new SecureApi(stack, 'Api', {
    namePrefix: 'lambda-test',
    domainPrefix: 'lambda-test-login',
    client: { callbackUrls: ['http://localhost:3000/callback'], logoutUrls: ['http://localhost:3000/'], userPasswordAuth: true },
    routes,
    apiScopes: { identifier: 'api', scopes: [{ name: 'orders.write', description: 'Create orders' }] },
  });
  new TerraformOutput(stack, 'api_invoke_url', { value: api.api.invokeUrl });
  new TerraformOutput(stack, 'user_pool_id', { value: api.userPool.userPoolId });
  new TerraformOutput(stack, 'app_client_id', { value: api.client.clientId });
  app.synth();
  return 0;
}
