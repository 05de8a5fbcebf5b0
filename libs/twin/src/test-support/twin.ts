// Starting the twin in tests: the whole twin on 127.0.0.1 port 0, or the API Gateway part alone over fake pools.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, TwinApp, TwinConfig } from '../app';
import type { DeliveredMessage } from '../cognito/service';
import type { TwinContext } from '../contracts';
import { StackModel } from '../stack/stack-model';
import { TwinStore } from '../store/store';
import { ApiGatewayControl } from '../apigw/control/service';
import { apiGatewayRestService } from '../apigw/control/routes';
import { LocalAwsClient } from '../aws/local-client';
import { CognitoDirectory } from '../cognito/pools';
import { CognitoService } from '../cognito/service';
import { LogsService, logsJsonService } from '../logs/service';
import { EMULATED_TYPES, provisionStack } from '../provision/provisioner';
import { TestClock } from './clock';
import { FAST_SCRYPT, reusableKey } from './keys';
import { FakePool, poolDirectory } from './pools';
import { fixtureStack, type FixtureOptions } from './stacks';

type Json = Record<string, unknown>;

/** A running twin on 127.0.0.1, its base URL, the messages it "emailed", and a close that removes its data. */
export interface RunningTwin {
  readonly twin: TwinApp;
  readonly base: string;
  readonly dataDir: string;
  readonly messages: DeliveredMessage[];
  close(options?: { keepData?: boolean }): Promise<void>;
}

export async function startTwin(options: Partial<TwinConfig> & { json?: Json; listen?: boolean; port?: number; empty?: boolean } = {}): Promise<RunningTwin> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'twin-cognito-'));
  const messages: DeliveredMessage[] = [];
  const twin = await buildApp({
    scrypt: FAST_SCRYPT,
    generateKey: reusableKey,
    onMessage: (m) => messages.push(m),
    apiGateway: { accessLog: () => undefined },
    onLambdaLog: () => undefined,
    ...options,
    stack: options.empty ? undefined : options.stack ?? new StackModel(options.json ?? fixtureStack(), 'fixture'),
    dataDir,
  });
  const scheme = options.tls ? 'https' : 'http';
  let base = `${scheme}://127.0.0.1`;
  if (options.listen !== false) {
    await twin.app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
    const address = twin.app.server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    base = `${scheme}://127.0.0.1:${address.port}`;
    twin.setBaseUrl(base);
  }
  return {
    twin,
    base,
    dataDir,
    messages,
    async close({ keepData = false } = {}) {
      await twin.close();
      if (!keepData && !options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The ids the twin gave the fixture's resources. */
export function ids(twin: TwinApp): { pool: string; other: string; web: string; codeOnly: string; legacy: string; confidential: string; confidentialSecret: string; machine: string; machineSecret: string; otherWeb: string } {
  const attr = (address: string, name: string) => String(twin.ctx.stack?.attributesOf(address)?.[name]);
  return {
    pool: attr('aws_cognito_user_pool.Pool', 'id'),
    other: attr('aws_cognito_user_pool.Other', 'id'),
    web: attr('aws_cognito_user_pool_client.Web', 'id'),
    codeOnly: attr('aws_cognito_user_pool_client.CodeOnly', 'id'),
    legacy: attr('aws_cognito_user_pool_client.Legacy', 'id'),
    confidential: attr('aws_cognito_user_pool_client.Confidential', 'id'),
    confidentialSecret: attr('aws_cognito_user_pool_client.Confidential', 'client_secret'),
    machine: attr('aws_cognito_user_pool_client.Machine', 'id'),
    machineSecret: attr('aws_cognito_user_pool_client.Machine', 'client_secret'),
    otherWeb: attr('aws_cognito_user_pool_client.OtherWeb', 'id'),
  };
}

/**
 * The API Gateway part alone: the fixture stack's REST API (and log groups) loaded into a store of its own, its
 * authorizer trusting the fake pool `aws_cognito_user_pool.Pool` (tests sign any token they like with its keys), and a
 * second fake pool the authorizer does not trust. The store is removed when the process exits.
 */
export async function gatewayContext(options: FixtureOptions = {}, base = 'http://127.0.0.1:4566'): Promise<{ ctx: TwinContext & { stack: StackModel; setBase(url: string): void }; pool: FakePool; other: FakePool; clock: TestClock }> {
  let current = base;
  const clock = new TestClock(Date.UTC(2026, 0, 15, 12, 0, 0));
  const pool = await FakePool.create('eu-west-1_Fixture01', () => current);
  const other = await FakePool.create('eu-west-1_Other0002', () => current);
  const stack = new StackModel(fixtureStack(options), 'fixture');
  stack.register('aws_cognito_user_pool.Pool', { id: pool.id, arn: pool.arn, endpoint: `cognito-idp.eu-west-1.amazonaws.com/${pool.id}` });
  const dir = mkdtempSync(join(tmpdir(), 'twin-gateway-'));
  const store = TwinStore.open(dir);
  leftovers.push({ dir, store });
  if (leftovers.length === 1) process.once('exit', removeLeftovers);
  const directory = new CognitoDirectory(store, { baseUrl: () => current, now: () => clock.now(), generateKey: reusableKey });
  const services = { json: [logsJsonService(new LogsService(store, clock))], rest: [apiGatewayRestService(new ApiGatewayControl(store, clock))] };
  const loaded = await provisionStack({
    stack, store, directory, users: new CognitoService(directory, store, clock), variables: {}, region: 'eu-west-1', accountId: pool.arn.split(':')[4],
    aws: new LocalAwsClient(services, { region: 'eu-west-1', accountId: pool.arn.split(':')[4] }), types: GATEWAY_TYPES,
  });
  const ctx = {
    stack,
    store,
    clock,
    baseUrl: () => current,
    setBase: (url: string) => {
      current = url;
    },
    pools: poolDirectory([pool, other]),
    warnings: [...loaded.warnings],
  };
  return { ctx, pool, other, clock };
}

/** Stores of gateway contexts, closed and removed when the process exits. */
const leftovers: { dir: string; store: TwinStore }[] = [];
function removeLeftovers(): void {
  for (const { dir, store } of leftovers.splice(0)) {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The resource types the API Gateway part serves (the REST API and its parts, log groups, the account). */
const GATEWAY_TYPES = EMULATED_TYPES.filter((t) => t.startsWith('aws_api_gateway_') || t === 'aws_cloudwatch_log_group');

/**
 * A loopback port that forwards everything to `target()`. The stack's callback URL must name a port before the
 * twin listens; this front door gets one first, so every server still binds 127.0.0.1 on port 0.
 */
export async function frontDoor(target: () => string): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const to = new URL(req.url ?? '/', target());
    const out = request(to, { method: req.method, headers: req.headers }, (back) => {
      res.writeHead(back.statusCode ?? 502, back.headers);
      back.pipe(res);
    });
    out.on('error', () => res.writeHead(502).end());
    req.pipe(out);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * An empty twin account (account 123456789012) for the whole suite: started before the first test, closed after
 * the last. Returns a getter, since the twin exists only once `beforeAll` has run.
 */
export function emptyTwinForSuite(): () => RunningTwin {
  let t: RunningTwin | undefined;
  beforeAll(async () => {
    t = await startTwin({ empty: true, accountId: '123456789012' });
  });
  afterAll(() => t?.close());
  return () => {
    if (!t) throw new Error('the twin starts in beforeAll: call the getter inside a test');
    return t;
  };
}
