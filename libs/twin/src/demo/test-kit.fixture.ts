import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildApp, type TwinApp } from '../app';
import { StackModel } from '../stack/stack-model';
import { reusableKey } from '../cognito/test-kit.fixture';

const ROOT = resolve(__dirname, '../../../..');

/** Synthesizes the real dev stack into a fresh directory (never touching cdktf.out) and returns its JSON. */
export function synthDevStack(): Record<string, unknown> {
  const outdir = mkdtempSync(join(tmpdir(), 'twin-demo-synth-'));
  try {
    execFileSync(process.execPath, [join(ROOT, 'libs/tooling/bin/synth.mjs'), 'dev', '--outdir', outdir], { cwd: ROOT, stdio: 'pipe' });
    return JSON.parse(readFileSync(join(outdir, 'stacks/dev/cdk.tf.json'), 'utf8')) as Record<string, unknown>;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** A running twin of a stack on 127.0.0.1:0, and a close that removes its data directory. */
export interface DevTwin {
  readonly twin: TwinApp;
  readonly base: string;
  readonly dataDir: string;
  close(): Promise<void>;
}

export async function startTwin(json: Record<string, unknown>, accessLog: (line: string) => void = () => undefined): Promise<DevTwin> {
  const dataDir = mkdtempSync(join(tmpdir(), 'twin-demo-'));
  const twin = await buildApp({ stack: new StackModel(json, 'dev'), dataDir, scrypt: { N: 1024, r: 8, p: 1 }, generateKey: reusableKey, apiGateway: { accessLog } });
  await twin.app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(twin.app.server.address() as AddressInfo).port}`;
  twin.setBaseUrl(base);
  return {
    twin,
    base,
    dataDir,
    async close() {
      await twin.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

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

/** Points every `http://localhost:<port>` URL of the stack's app clients at another port. */
export function withLocalPort(json: Record<string, unknown>, port: number): Record<string, unknown> {
  return JSON.parse(JSON.stringify(json).replace(/http:\/\/localhost:\d+/g, `http://localhost:${port}`)) as Record<string, unknown>;
}
