import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, unwatchFile, watchFile, writeFileSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseFlags, processIo, runCli, UsageError, workspaceRoot, type CliIo } from '@secure-api/cli';
import { buildApp, TwinApp } from './app';
import { mapTerraformOutputs, readTwinOutputs } from './outputs';
import type { DeliveredMessage } from './cognito/service';
import { DataDirError } from './store/data-dir';
import { StackError } from './stack/stack-model';
import { ofTwinScheme } from './shared/scheme';
import { TlsError } from './tls/local-ca';

const USAGE = `usage: twin --stack <name> [--tls] [--port N] [--data-dir DIR] [--outputs-file FILE] [--stack-file FILE] [--timings-file FILE]
                  [--lambda-instances N]
       twin --empty [--tls] [--port N] [--data-dir DIR] [--outputs-file FILE] [--timings-file FILE]
       twin map-outputs --terraform-outputs FILE --twin-outputs FILE --out FILE

Runs the synthesized stack cdktf.out/stacks/<name>/cdk.tf.json offline on 127.0.0.1: its Cognito user pools
(hosted UI, OAuth 2.0 / OIDC endpoints, Cognito JSON API) and its API Gateway REST APIs. With --empty, runs an
AWS account on loopback instead, with nothing in it: Terraform (AWS_ENDPOINT_URL) and the AWS SDK deploy to it with
the credentials its outputs file names, and what they create is served at once.

  --stack NAME          stack to run (synthesized first when cdk.tf.json is missing)       default: dev
  --empty               no stack: an empty account to deploy to
  --tls                 serve HTTPS only, as AWS does, with a certificate from a local CA made once
                        in <data-dir>/tls; prints the CA file to trust (NODE_EXTRA_CA_CERTS for Node,
                        AWS_CA_BUNDLE for the AWS SDKs, the AWS CLI and Terraform's AWS provider)
  --port N              port on 127.0.0.1; 0 picks a free one                               default: 0
  --data-dir DIR        AWS resources, users, tokens, keys and credentials                  default: .twin/<stack>
                        (created if absent)                                                    (.twin/account with --empty)
  --outputs-file FILE   write the outputs once ready, in the shape of \`terraform output -json\`: the
                        stack's (resolved to twin URLs) and the twin's own (twin_endpoint_url,
                        twin_region, twin_account_id, twin_access_key_id, twin_secret_access_key,
                        twin_ca_file with --tls)
  --stack-file FILE     run this cdk.tf.json instead of the synthesized one
  --timings-file FILE   append one JSON line per AWS API call answered (service, operation, status, ms)
  --lambda-instances N  instances a Lambda function runs at once, 1 to 50; more   default: cores + 1, at most 8
                        calls wait (raise it for handlers that mostly wait on I/O)

A running twin also keeps its outputs in <data-dir>/twin-outputs.json, where \`nx run <env>:deploy:twin\` finds it.
With a stack, it applies the stack file again whenever it changes (nx run <env>:synth): no restart needed.
map-outputs maps \`terraform output -json\` of a stack applied to a twin to the twin's URLs (see its --help).
`;

interface Options {
  /** The stack to run; undefined for an empty twin. */
  stack?: string;
  port: number;
  dataDir?: string;
  outputsFile?: string;
  stackFile?: string;
  timingsFile?: string;
  tls: boolean;
  lambdaInstances?: number;
}

const FLAGS = { stack: { type: 'string' }, empty: { type: 'boolean' }, tls: { type: 'boolean' }, port: { type: 'string' }, 'data-dir': { type: 'string' }, 'outputs-file': { type: 'string' }, 'stack-file': { type: 'string' }, 'timings-file': { type: 'string' }, 'lambda-instances': { type: 'string' } } as const;

function parse(args: string[]): Options | 'help' {
  const { values, help } = parseFlags(args, FLAGS);
  if (help) return 'help';
  if (values.empty && (values.stack !== undefined || values['stack-file'] !== undefined)) throw new UsageError('--empty runs no stack: leave out --stack and --stack-file');
  const stack = values.empty ? undefined : values.stack ?? 'dev';
  if (stack !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(stack)) throw new UsageError(`--stack ${JSON.stringify(stack)} is not a stack name (letters, digits, - and _)`);
  const port = Number(values.port ?? '0');
  if (!/^\d+$/.test(values.port ?? '0') || port > 65535) throw new UsageError(`--port ${JSON.stringify(values.port)} is not a port number (0 to 65535)`);
  const instances = values['lambda-instances'];
  if (instances !== undefined && (!/^\d+$/.test(instances) || Number(instances) < 1 || Number(instances) > 50)) {
    throw new UsageError(`--lambda-instances ${JSON.stringify(instances)} is not a number of instances (1 to 50, as many as Lambda's burst gives a function here)`);
  }
  return {
    stack, port, dataDir: values['data-dir'], outputsFile: values['outputs-file'], stackFile: values['stack-file'], timingsFile: values['timings-file'], tls: values.tls === true,
    ...(instances !== undefined ? { lambdaInstances: Number(instances) } : {}),
  };
}

/**
 * The twin's CLI: builds the stack's twin, listens on 127.0.0.1 only, prints its URLs and the generated
 * temporary passwords, writes the outputs file, and shuts down cleanly on SIGINT or SIGTERM.
 * Resolves with the exit code once stopped.
 */
export async function main(args: string[], io: CliIo = processIo()): Promise<number> {
  return runCli(io, { label: 'twin', usage: USAGE.trimEnd() }, () => {
    if (args[0] === 'map-outputs') return mapOutputsCommand(args.slice(1), io);
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
  const stackFile = opts.stack === undefined ? undefined : opts.stackFile ? resolve(opts.stackFile) : join(root, 'cdktf.out', 'stacks', opts.stack, 'cdk.tf.json');
  if (stackFile && opts.stack && !opts.stackFile && !existsSync(stackFile)) {
    process.stdout.write(`twin: ${stackFile} is missing; synthesizing stack ${opts.stack}...\n`);
    const synth = spawnSync(process.execPath, [join(root, 'libs/tooling/bin/synth.mjs'), opts.stack], { cwd: root, stdio: 'inherit' });
    if (synth.status !== 0 || !existsSync(stackFile)) {
      process.stderr.write(`twin: synthesizing stack ${opts.stack} failed. Fix: run \`node libs/tooling/bin/synth.mjs ${opts.stack}\` and read its error.\n`);
      return 1;
    }
  }
  const dataDir = resolve(opts.dataDir ?? join(root, '.twin', opts.stack ?? 'account'));

  let twin: TwinApp;
  try {
    const timings = opts.timingsFile ? createWriteStream(resolve(opts.timingsFile), { flags: 'a' }) : undefined;
    twin = await buildApp({ stack: stackFile, dataDir, tls: opts.tls, onMessage: printMessage, onAwsCall: timings ? (r) => timings.write(`${JSON.stringify(r)}\n`) : undefined, lambdaMaxInstances: opts.lambdaInstances });
  } catch (err) {
    if (err instanceof StackError || err instanceof DataDirError || err instanceof TlsError) {
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
    base = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${address.port}`;
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

  // The account file in the data directory lets the terraform targets' `twin` configuration find this twin.
  const accountFile = join(dataDir, ACCOUNT_FILE);
  for (const file of [accountFile, ...(opts.outputsFile ? [resolve(opts.outputsFile)] : [])]) {
    try {
      writeOutputs(file, twin.outputs());
    } catch (err) {
      await twin.close();
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      process.stderr.write(`twin: cannot write the outputs file ${file} (${code}). Fix: pass an --outputs-file in a writable directory.\n`);
      return 1;
    }
  }
  void stopped.then(() => rmSync(accountFile, { force: true }));
  if (stackFile) watchStack(twin, stackFile, [accountFile, ...(opts.outputsFile ? [resolve(opts.outputsFile)] : [])], stopped);
  process.stdout.write(summary(twin, base, opts.stack, dataDir, opts.outputsFile ? resolve(opts.outputsFile) : undefined));
  return stopped;
}

/**
 * Applies the stack file again whenever it changes (`nx run dev:synth` after a handler or a construct changed): the
 * running twin serves what it says at once, new function packages included, without a restart. A stack AWS would
 * refuse is printed and leaves the twin as it was.
 */
function watchStack(twin: TwinApp, stackFile: string, outputFiles: readonly string[], stopped: Promise<number>): void {
  const onChange = (now: Stats, before: Stats) => {
    if (now.mtimeMs === before.mtimeMs || now.size === 0) return;
    twin.reload(stackFile).then(
      (warnings) => {
        for (const file of outputFiles) writeOutputs(file, twin.outputs());
        process.stdout.write(`twin: ${stackFile} changed: applied${warnings.length ? ` (${warnings.length} warning${warnings.length > 1 ? 's' : ''}: ${warnings.join('; ')})` : ''}.\n`);
      },
      (err: Error) => process.stderr.write(`twin: ${stackFile} changed but was not applied: ${err.message}\n`),
    );
  };
  watchFile(stackFile, { interval: 500 }, onChange);
  void stopped.then(() => unwatchFile(stackFile, onChange));
}

/** The outputs file every running twin keeps in its data directory (removed when it stops). */
export const ACCOUNT_FILE = 'twin-outputs.json';

/** Writes outputs atomically, readable by the owner only (they hold the credentials and temporary passwords). */
function writeOutputs(file: string, outputs: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(outputs, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

const MAP_USAGE = `usage: twin map-outputs --terraform-outputs FILE --twin-outputs FILE --out FILE

Maps \`terraform output -json\` of a stack applied to a twin to the twin's URLs (execute-api invoke URLs, hosted UI
domains, issuers) and adds the twin's own outputs (endpoint, region, account id, credentials), in the shape the e2e
suite and the Postman environment read.`;

function mapOutputsCommand(args: string[], io: CliIo): number {
  const { values, help } = parseFlags(args, { 'terraform-outputs': { type: 'string', required: true }, 'twin-outputs': { type: 'string', required: true }, out: { type: 'string', required: true } });
  if (help) {
    io.out(`${MAP_USAGE}\n`);
    return 0;
  }
  const read = (flag: 'terraform-outputs' | 'twin-outputs'): unknown => {
    const file = resolve(String(values[flag]));
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(`--${flag} ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new UsageError(`--${flag} ${file} is not JSON`);
    }
  };
  let mapped;
  try {
    mapped = mapTerraformOutputs(read('terraform-outputs'), readTwinOutputs(read('twin-outputs'), String(values['twin-outputs'])));
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError((err as Error).message);
  }
  const out = resolve(String(values.out));
  writeOutputs(out, mapped);
  io.out(`twin: outputs mapped to the twin written to ${out}\n`);
  return 0;
}

function summary(twin: TwinApp, base: string, stack: string | undefined, dataDir: string, outputsFile: string | undefined): string {
  const { accessKeyId } = twin.account.credentials();
  const lines = [
    stack ? `Local twin of stack "${stack}" listening on ${base} (loopback only)` : `Local twin: an empty AWS account listening on ${base} (loopback only)`,
    `  AWS endpoint (AWS_ENDPOINT_URL for Terraform and the AWS SDK): ${base}`,
    `  Account ${twin.account.accountId}, region ${twin.account.defaultRegion}, access key ${accessKeyId} (the secret key is in the outputs file)`,
  ];
  if (twin.tls) {
    lines.push(
      `  HTTPS only: the certificate for 127.0.0.1 and localhost (valid to ${twin.tls.notAfter.toISOString().slice(0, 10)}) is issued by the local CA ${twin.tls.caFile}${twin.tls.made === 'ca' ? ' (made at this start: trust it once)' : ''}`,
      '  Trust it in the shell that runs your clients:',
      `    export NODE_EXTRA_CA_CERTS=${twin.tls.caFile}   # Node clients (aws-jwt-verify, openid-client, fetch)`,
      `    export AWS_CA_BUNDLE=${twin.tls.caFile}   # the AWS SDKs, the AWS CLI and Terraform's AWS provider`,
    );
  }
  for (const pool of twin.cognito.directory.all()) {
    lines.push(`  User pool ${pool.settings.name} (${pool.id})`, `    Issuer: ${pool.issuer}`);
    const ui = pool.hostedUiBase();
    if (ui) lines.push(`    Hosted UI: ${ui}`);
    for (const client of pool.clients) {
      const s = client.settings;
      if (!ui || !s.oauthEnabled || s.callbackUrls.length === 0) continue;
      for (const flow of s.allowedOAuthFlows) {
        if (flow === 'client_credentials') continue;
        const q = new URLSearchParams({ client_id: client.id, response_type: flow === 'code' ? 'code' : 'token', scope: s.allowedScopes.join(' '), redirect_uri: String(ofTwinScheme(s.callbackUrls, base)) });
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
