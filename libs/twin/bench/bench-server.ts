import { parseFlags, processIo, runCli, UsageError } from '@secure-api/cli';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app';
import { StackModel } from '../src/stack/stack-model';
import { ensureTls } from '../src/tls/local-ca';
import { mintIdToken } from '../src/testing/expired-token';

/**
 * The twin side of `npm run bench:twin`: the given stack with stage throttling off (the benchmark measures the
 * gateway, not the stack's rate limit) and the authorizer result cache at `--ttl` seconds. Prints one JSON line
 * `{ port, invokeUrl, routes, idToken, caFile }` once listening; stops on SIGTERM. `--tls` serves HTTPS (`twin --tls`).
 * `--bare` serves no stack: a bare node:http (node:https with `--tls`, a certificate of the twin's own local CA) server
 * answering every request with a small JSON document, the floor a twin route is compared with; it prints `{ port, url,
 * caFile }`.
 */
type Blocks = Record<string, Record<string, Record<string, unknown>>>;

/**
 * Serves the protected route (`GET /<protectedPart>`) from a MOCK, as the public route (`GET /<mockPart>`) is: the
 * authorizer's cost measured on its own, beside the Lambda route's. Copies the public route's integration, integration
 * response and method response onto the protected method, in place of its Lambda integration.
 */
function mockProtectedRoute(json: { resource: Blocks }, protectedPart: string, mockPart: string): void {
  const r = json.resource;
  const resourceRef = (part: string) => {
    const found = Object.entries(r['aws_api_gateway_resource'] ?? {}).find(([, b]) => b['path_part'] === part);
    if (!found) throw new UsageError(`the stack has no resource /${part}`);
    return `\${aws_api_gateway_resource.${found[0]}.id}`;
  };
  const target = resourceRef(protectedPart);
  const source = resourceRef(mockPart);
  const method = Object.entries(r['aws_api_gateway_method'] ?? {}).find(([, b]) => b['resource_id'] === target && b['http_method'] === 'GET');
  if (!method) throw new UsageError(`the stack has no GET /${protectedPart}`);
  for (const type of ['aws_api_gateway_integration', 'aws_api_gateway_integration_response', 'aws_api_gateway_method_response']) {
    const blocks = r[type] ?? (r[type] = {});
    for (const [name, b] of Object.entries(blocks)) if (b['resource_id'] === target) delete blocks[name];
    for (const [name, b] of Object.entries({ ...blocks })) {
      if (b['resource_id'] !== source) continue;
      const { depends_on: _after, ...copy } = structuredClone(b);
      blocks[`${name}_MockProtected`] = { ...copy, resource_id: target, http_method: `\${aws_api_gateway_method.${method[0]}.http_method}` };
    }
  }
}

export async function main(args: string[]): Promise<number> {
  return runCli(processIo(), { label: 'bench-server', usage: 'usage: bench-server --stack-file cdk.tf.json [--ttl 0..3600] [--tls] [--mock-protected]\n       bench-server --bare [--tls]' }, () => (args.includes('--bare') ? serveBare(args) : serve(args)));
}

/** The bare server of `--bare`: what Node's own HTTP (and TLS) stack costs, with nothing of the twin's. */
async function serveBare(args: string[]): Promise<number> {
  const { values } = parseFlags(args, { bare: { type: 'boolean' }, tls: { type: 'boolean' } });
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-bare-'));
  const handler = (_req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('content-type', 'application/json');
    res.end('{"hello":"world"}');
  };
  const tls = values.tls ? ensureTls(dataDir) : undefined;
  const server = tls ? createHttpsServer({ cert: tls.cert, key: tls.key }, handler) : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ port, url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}/`, caFile: tls?.caFile })}\n`);
  await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dataDir, { recursive: true, force: true });
  return 0;
}

async function serve(args: string[]): Promise<number> {
  const { values } = parseFlags(args, { 'stack-file': { type: 'string', required: true }, ttl: { type: 'string' }, tls: { type: 'boolean' }, 'mock-protected': { type: 'boolean' } });
  const stackFile = values['stack-file'] as string;
  const ttl = Number(values.ttl ?? '300');
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > 3600) throw new UsageError('--ttl must be 0 to 3600 seconds');
  const model = StackModel.fromFile(stackFile);
  const json = model.json as { resource: Record<string, Record<string, Record<string, unknown>>> };
  for (const authorizer of Object.values(json.resource['aws_api_gateway_authorizer'] ?? {})) authorizer['authorizer_result_ttl_in_seconds'] = ttl;
  if (values['mock-protected']) mockProtectedRoute(json, 'me', 'health');
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-twin-'));
  const twin = await buildApp({ stack: new StackModel(json, stackFile), dataDir, tls: values.tls === true, apiGateway: { throttling: false, accessLog: () => undefined }, onLambdaLog: () => undefined, lambdaMaxInstances: process.env['BENCH_LAMBDA_INSTANCES'] ? Number(process.env['BENCH_LAMBDA_INSTANCES']) : undefined });
  await twin.app.listen({ host: '127.0.0.1', port: 0 });
  const address = twin.app.server.address();
  if (!address || typeof address === 'string') throw new Error('no TCP address');
  twin.setBaseUrl(`${twin.tls ? 'https' : 'http'}://127.0.0.1:${address.port}`);
  const outputs = twin.outputs();
  const value = (name: string) => outputs[name]?.value as string;
  // A new pool's keys are made in the background; asking for its JWKS makes sure they are there before minting.
  twin.cognito.directory.byId(value('user_pool_id'))?.jwks();
  const idToken = await mintIdToken({
    dataDir,
    userPoolId: value('user_pool_id'),
    clientId: value('app_client_id'),
    issuer: value('issuer_url'),
    email: 'bench@example.com',
    exp: Math.floor(Date.now() / 1000) + 3600,
  });
  process.stdout.write(`${JSON.stringify({ port: address.port, invokeUrl: value('api_invoke_url'), routes: outputs['api_routes']?.value, idToken, caFile: twin.tls?.caFile })}\n`);
  await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  await twin.close();
  rmSync(dataDir, { recursive: true, force: true });
  return 0;
}
