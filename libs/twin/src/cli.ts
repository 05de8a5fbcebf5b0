import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseFlags, processIo, runCli, UsageError, workspaceRoot, type CliIo } from '@secure-api/cli';
import { buildApp, TwinApp } from './app';
import type { DeliveredMessage } from './cognito/service';
import { DataDirError } from './store/data-dir';
import { StackError } from './stack/stack-model';

const USAGE = `usage: twin --stack <name> [--port N] [--data-dir DIR] [--outputs-file FILE] [--stack-file FILE]

Runs the synthesized stack cdktf.out/stacks/<name>/cdk.tf.json offline on 127.0.0.1: its Cognito user pools
(hosted UI, OAuth 2.0 / OIDC endpoints, Cognito JSON API) and its API Gateway REST APIs.

  --stack NAME          stack to run (synthesized first when cdk.tf.json is missing)       default: dev
  --port N              port on 127.0.0.1; 0 picks a free one                               default: 0
  --data-dir DIR        users, refresh tokens and keys (created if absent)                  default: .twin/<stack>
  --outputs-file FILE   write the stack outputs, resolved to twin URLs, once ready
                        (the shape of \`terraform output -json\`, plus cognito_idp_endpoint)
  --stack-file FILE     run this cdk.tf.json instead of the synthesized one
`;

interface Options {
  stack: string;
  port: number;
  dataDir?: string;
  outputsFile?: string;
  stackFile?: string;
}

const FLAGS = { stack: { type: 'string' }, port: { type: 'string' }, 'data-dir': { type: 'string' }, 'outputs-file': { type: 'string' }, 'stack-file': { type: 'string' } } as const;

function parse(args: string[]): Options | 'help' {
  const { values, help } = parseFlags(args, FLAGS);
  if (help) return 'help';
  const stack = values.stack ?? 'dev';
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(stack)) throw new UsageError(`--stack ${JSON.stringify(stack)} is not a stack name (letters, digits, - and _)`);
  const port = Number(values.port ?? '0');
  if (!/^\d+$/.test(values.port ?? '0') || port > 65535) throw new UsageError(`--port ${JSON.stringify(values.port)} is not a port number (0 to 65535)`);
  return { stack, port, dataDir: values['data-dir'], outputsFile: values['outputs-file'], stackFile: values['stack-file'] };
}

/**
 * The twin's CLI: builds the stack's twin, listens on 127.0.0.1 only, prints its URLs and the generated
 * temporary passwords, writes the outputs file, and shuts down cleanly on SIGINT or SIGTERM.
 * Resolves with the exit code once stopped.
 */
export async function main(args: string[], io: CliIo = processIo()): Promise<number> {
  return runCli(io, { label: 'twin', usage: USAGE.trimEnd() }, () => {
    const opts = parse(args);
    if (opts === 'help') {
      io.out(USAGE);
      return 0;
    }
    return serve(opts);
  });
}

async function serve(opts: Options): Promise<number> {
  const root = workspaceRoot();
  const stackFile = opts.stackFile ? resolve(opts.stackFile) : join(root, 'cdktf.out', 'stacks', opts.stack, 'cdk.tf.json');
  if (!opts.stackFile && !existsSync(stackFile)) {
    process.stdout.write(`twin: ${stackFile} is missing; synthesizing stack ${opts.stack}...\n`);
    const synth = spawnSync(process.execPath, [join(root, 'libs/tooling/bin/synth.mjs'), opts.stack], { cwd: root, stdio: 'inherit' });
    if (synth.status !== 0 || !existsSync(stackFile)) {
      process.stderr.write(`twin: synthesizing stack ${opts.stack} failed. Fix: run \`node libs/tooling/bin/synth.mjs ${opts.stack}\` and read its error.\n`);
      return 1;
    }
  }
  const dataDir = resolve(opts.dataDir ?? join(root, '.twin', opts.stack));

  let twin: TwinApp;
  try {
    twin = await buildApp({ stack: stackFile, dataDir, onMessage: printMessage });
  } catch (err) {
    if (err instanceof StackError || err instanceof DataDirError) {
      process.stderr.write(`twin: ${err.message}\n`);
      return 1;
    }
    throw err;
  }

  let base: string;
  try {
    await twin.app.listen({ host: '127.0.0.1', port: opts.port });
    const address = twin.app.server.address();
    if (!address || typeof address === 'string') throw new Error('the server has no TCP address');
    base = `http://127.0.0.1:${address.port}`;
  } catch (err) {
    await twin.close();
    const code = (err as NodeJS.ErrnoException).code;
    process.stderr.write(code === 'EADDRINUSE'
      ? `twin: port ${opts.port} on 127.0.0.1 is in use. Fix: stop what uses it, or pass --port 0 for any free port.\n`
      : `twin: cannot listen on 127.0.0.1:${opts.port} (${code ?? (err as Error).message}).\n`);
    return 1;
  }
  twin.setBaseUrl(base);

  const stopped = new Promise<number>((resolveStop) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      process.stdout.write(`\ntwin: ${signal} received, stopping...\n`);
      twin.close().then(
        () => {
          process.stdout.write('twin: stopped.\n');
          resolveStop(0);
        },
        (err: Error) => {
          process.stderr.write(`twin: error while stopping: ${err.message}\n`);
          resolveStop(1);
        },
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

  if (opts.outputsFile) {
    const file = resolve(opts.outputsFile);
    try {
      mkdirSync(dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      // Sensitive outputs (temporary passwords, client secrets) are in it: readable by the owner only.
      writeFileSync(tmp, `${JSON.stringify(twin.outputs(), null, 2)}\n`, { mode: 0o600 });
      renameSync(tmp, file);
    } catch (err) {
      await twin.close();
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      process.stderr.write(`twin: cannot write the outputs file ${file} (${code}). Fix: pass an --outputs-file in a writable directory.\n`);
      return 1;
    }
  }
  process.stdout.write(summary(twin, base, opts.stack, dataDir, opts.outputsFile ? resolve(opts.outputsFile) : undefined));
  return stopped;
}

function summary(twin: TwinApp, base: string, stack: string, dataDir: string, outputsFile: string | undefined): string {
  const lines = [`Local twin of stack "${stack}" listening on ${base} (loopback only)`, `  Cognito API endpoint (AWS SDK endpoint): ${base}`];
  for (const pool of twin.cognito.directory.all()) {
    lines.push(`  User pool ${pool.settings.name} (${pool.id})`, `    Issuer: ${pool.issuer}`);
    const ui = pool.hostedUiBase();
    if (ui) lines.push(`    Hosted UI: ${ui}`);
    for (const client of pool.clients) {
      const s = client.settings;
      if (!ui || !s.oauthEnabled || s.callbackUrls.length === 0) continue;
      for (const flow of s.allowedOAuthFlows) {
        if (flow === 'client_credentials') continue;
        const q = new URLSearchParams({ client_id: client.id, response_type: flow === 'code' ? 'code' : 'token', scope: s.allowedScopes.join(' '), redirect_uri: s.callbackUrls[0] });
        lines.push(`    Sign in (${s.name}, ${flow === 'code' ? 'code grant' : 'implicit grant'}): ${ui}/login?${q}`);
      }
    }
  }
  for (const api of twin.apiGateway.apis()) {
    for (const stage of api.stages) lines.push(`  REST API ${api.name} (${api.id}), stage ${stage.name}: ${stage.invokeUrl}`);
  }
  for (const u of twin.stackUsers) {
    if (u.temporaryPassword !== undefined && u.generated) {
      lines.push(`  User ${u.username}: temporary password ${u.temporaryPassword} (shown once; the first sign-in asks for a new one)`);
    } else if (u.temporaryPassword !== undefined) {
      lines.push(`  User ${u.username}: the temporary password the stack sets (first sign-in asks for a new one)`);
    } else {
      lines.push(`  User ${u.username}: ${u.status}`);
    }
  }
  for (const w of twin.ctx.warnings) lines.push(`  Warning: ${w}`);
  lines.push(`  Data directory: ${dataDir}`);
  if (outputsFile) lines.push(`  Outputs file: ${outputsFile}`);
  lines.push('Ready. Press Ctrl+C to stop.', '');
  return lines.join('\n');
}

function printMessage(m: DeliveredMessage): void {
  const what = m.kind === 'temporary-password' ? `temporary password ${m.secret}` : `confirmation code ${m.secret}`;
  process.stdout.write(`twin: email to ${m.destination ?? m.username} (not sent, local twin): ${what}\n`);
}
