import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_EMAIL, fixtureStack, runEntry, untilReady, type ChildRun } from './test-support';

// Each spec builds a twin (RSA keys, scrypt) and talks HTTP: generous limits keep a loaded machine from failing it.
jest.setTimeout(30_000);

let dir: string;
let stackFile: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'twin-cli-'));
  stackFile = join(dir, 'cdk.tf.json');
  writeFileSync(stackFile, JSON.stringify(fixtureStack()));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[]): ChildRun => runEntry([join(__dirname, 'cli.ts'), ...args]);
const ready = untilReady;

/** Listening sockets of this machine's IPv4 table: the twin must appear only as 127.0.0.1. */
function listeners(port: number): string[] {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  return readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f[1]?.endsWith(`:${hex}`) && f[3] === '0A')
    .map((f) => f[1].split(':')[0]);
}

describe('twin CLI', () => {
  it('listens on 127.0.0.1 only, prints URLs and the generated password, writes outputs, and stops on SIGTERM', async () => {
    const outputs = join(dir, 'out', 'twin-outputs.json');
    const r = run(['--stack', 'fixture', '--stack-file', stackFile, '--port', '0', '--data-dir', join(dir, 'data'), '--outputs-file', outputs]);
    const out = await ready(r);
    const base = /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(out);
    expect(base).not.toBeNull();
    const port = Number(base?.[2]);
    expect(listeners(port)).toEqual(['0100007F']);

    const file = JSON.parse(readFileSync(outputs, 'utf8')) as Record<string, { sensitive: boolean; value: unknown }>;
    expect(statSync(outputs).mode & 0o777).toBe(0o600);
    expect(file['cognito_idp_endpoint']).toEqual({ sensitive: false, type: 'string', value: base?.[1] });
    expect(file['hosted_ui_url'].value).toBe(`${base?.[1]}/auth/twin-test`);
    const password = (file['temporary_passwords'].value as Record<string, string>)[DEMO_EMAIL];
    expect(file['temporary_passwords'].sensitive).toBe(true);
    expect(out).toContain(`User ${DEMO_EMAIL}: temporary password ${password} (shown once`);
    expect(out).toContain(`Hosted UI: ${base?.[1]}/auth/twin-test`);
    expect(out).toMatch(/Sign in \(web, code grant\): http:\/\/127\.0\.0\.1:\d+\/auth\/twin-test\/login\?client_id=[a-z0-9]{26}&response_type=code/);
    expect(out).toContain('Warning: Not emulated by the twin (ignored): aws_shield_protection (1)');

    const discovery = await fetch(`${base?.[1]}/${String(file['user_pool_id'].value)}/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);

    r.child.kill('SIGTERM');
    expect(await r.exit).toBe(0);
    expect(r.out()).toContain('twin: stopped.');
    expect(r.err()).toBe('');
    expect(listeners(port)).toEqual([]);
  }, 90_000);

  it('keeps its state across a restart and stops on SIGINT', async () => {
    const data = join(dir, 'data');
    const first = run(['--stack-file', stackFile, '--data-dir', data]);
    const out1 = await ready(first);
    first.child.kill('SIGINT');
    expect(await first.exit).toBe(0);
    const second = run(['--stack-file', stackFile, '--data-dir', data]);
    const out2 = await ready(second);
    const poolLine = (s: string) => /User pool fixture-users \(([^)]+)\)/.exec(s)?.[1];
    expect(poolLine(out2)).toBe(poolLine(out1));
    second.child.kill('SIGINT');
    expect(await second.exit).toBe(0);
  }, 90_000);

  it('refuses bad arguments with the usage and exit code 2', async () => {
    for (const args of [['--port', 'eighty'], ['--port', '70000'], ['--stack'], ['--colour', 'blue'], ['--stack', '../etc'], ['--empty', '--stack', 'dev'], ['--empty', 'yes'], ['--lambda-instances', '0'], ['--lambda-instances', '51'], ['--lambda-instances', 'many']]) {
      const r = run(args);
      expect(await r.exit).toBe(2);
      expect(r.err()).toMatch(/^twin: .+\n\nusage: twin --stack <name>/);
    }
  }, 60_000);

  it('refuses a foreign data directory and a taken port with one clear line, exit code 1, no stack trace', async () => {
    const foreign = join(dir, 'home');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    const r = run(['--stack-file', stackFile, '--data-dir', foreign]);
    expect(await r.exit).toBe(1);
    expect(r.err()).toMatch(/^twin: the data directory .*home is not a twin data directory: it holds notes\.txt/);
    expect(r.err()).not.toMatch(/\n\s+at /);
    expect(readFileSync(join(foreign, 'notes.txt'), 'utf8')).toBe('mine');

    const blocker = createServer();
    await new Promise<void>((res) => blocker.listen(0, '127.0.0.1', res));
    const port = (blocker.address() as { port: number }).port;
    try {
      const taken = run(['--stack-file', stackFile, '--data-dir', join(dir, 'data'), '--port', String(port)]);
      expect(await taken.exit).toBe(1);
      expect(taken.err()).toBe(`twin: port ${port} on 127.0.0.1 is in use. Fix: stop what uses it, or pass --port 0 for any free port.\n`);
    } finally {
      await new Promise((res) => blocker.close(res));
    }
  }, 60_000);

  it('stops with one clear line when it cannot write the outputs file', async () => {
    writeFileSync(join(dir, 'a-file'), 'x');
    const file = join(dir, 'a-file', 'outputs.json');
    const r = run(['--stack-file', stackFile, '--data-dir', join(dir, 'data'), '--outputs-file', file]);
    expect(await r.exit).toBe(1);
    // mkdir of a path that is a file: EEXIST.
    expect(r.err()).toBe(`twin: cannot write the outputs file ${file} (EEXIST). Fix: pass an --outputs-file in a writable directory.\n`);
    expect(r.err()).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('synthesizes a stack that is not synthesized yet, and says so when that fails', async () => {
    const r = run(['--stack', 'no-such-env', '--data-dir', join(dir, 'data')]);
    expect(await r.exit).toBe(1);
    expect(r.out()).toMatch(/twin: .*cdktf\.out\/stacks\/no-such-env\/cdk\.tf\.json is missing; synthesizing stack no-such-env/);
    expect(r.err()).toContain('synth: unknown environment "no-such-env"');
    expect(r.err()).toContain('twin: synthesizing stack no-such-env failed. Fix: run `node libs/tooling/bin/synth.mjs no-such-env` and read its error.');
  }, 60_000);

  it('applies the stack file again when it changes: a function whose package changed answers with the new code, no restart', async () => {
    // A stack with Lambda routes and its packages, as synth writes them (the fixture of @secure-api/function).
    const synth = runEntry([join(__dirname, '../../function/src/test/lambda-stack.fixture.ts'), '--outdir', join(dir, 'synth')]);
    expect(await synth.exit).toBe(0);
    const file = join(dir, 'synth', 'stacks', 'lambda', 'cdk.tf.json');
    const r = run(['--stack', 'lambda', '--stack-file', file, '--port', '0', '--data-dir', join(dir, 'data'), '--lambda-instances', '2']);
    const out = await ready(r);
    const invoke = /REST API lambda-test-api \([a-z0-9]+\), stage v1: (\S+)/.exec(out)?.[1];
    expect((await (await fetch(`${invoke}/hello`)).json())).toEqual({ message: 'hello world' });

    // Rebuilt: the hello function now ships the me handler's package (no claims on a public route: 401).
    const json = JSON.parse(readFileSync(file, 'utf8'));
    const fns = json.resource.aws_lambda_function;
    const key = (name: string) => Object.keys(fns).find((k) => fns[k].function_name === name) as string;
    Object.assign(fns[key('lambda-test-hello')], { filename: fns[key('lambda-test-me')].filename, source_code_hash: fns[key('lambda-test-me')].source_code_hash });
    writeFileSync(file, JSON.stringify(json));
    const deadline = Date.now() + 20_000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) {
      await new Promise((res) => setTimeout(res, 250));
      status = (await fetch(`${invoke}/hello`)).status;
    }
    expect(status).toBe(401);
    expect(r.out()).toContain(`twin: ${file} changed: applied`);
    r.child.kill('SIGTERM');
    expect(await r.exit).toBe(0);
  }, 90_000);

  it('refuses a stack AWS would refuse, naming the resource', async () => {
    writeFileSync(stackFile, JSON.stringify(fixtureStack({ pool: { mfa_configuration: 'ON' } })));
    const r = run(['--stack-file', stackFile, '--data-dir', join(dir, 'data')]);
    expect(await r.exit).toBe(1);
    expect(r.err()).toBe("twin: aws_cognito_user_pool.Pool (fixture/SecureApi/UserPool/Resource): AWS would refuse this resource at apply time with InvalidParameterException: Invalid MFA configuration given, can't disable all MFAs with a required or optional configuration.\n");
  }, 60_000);

  it('--empty: an AWS account on loopback with no stack; its outputs file and the one in its data directory name the endpoint and credentials', async () => {
    const outputs = join(dir, 'twin.json');
    const dataDir = join(dir, 'account');
    const r = run(['--empty', '--data-dir', dataDir, '--outputs-file', outputs]);
    const printed = await ready(r);
    const base = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(printed)?.[1];
    expect(printed).toMatch(/^Local twin: an empty AWS account listening on http:\/\/127\.0\.0\.1:\d+ \(loopback only\)$/m);
    const file = JSON.parse(readFileSync(outputs, 'utf8')) as Record<string, { value: string; sensitive: boolean }>;
    expect(Object.keys(file).sort()).toEqual(['cognito_idp_endpoint', 'twin_access_key_id', 'twin_account_id', 'twin_endpoint_url', 'twin_region', 'twin_secret_access_key']);
    expect(file['twin_endpoint_url'].value).toBe(base);
    expect(file['twin_access_key_id'].value).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(file['twin_secret_access_key']).toMatchObject({ sensitive: true, value: expect.stringMatching(/^[A-Za-z0-9+/]{40}$/) });
    expect(printed).not.toContain(file['twin_secret_access_key'].value);
    expect(JSON.parse(readFileSync(join(dataDir, 'twin-outputs.json'), 'utf8'))).toEqual(file);
    expect(statSync(join(dataDir, 'twin-outputs.json')).mode & 0o777).toBe(0o600);
    r.child.kill('SIGTERM');
    expect(await r.exit).toBe(0);
    expect(() => statSync(join(dataDir, 'twin-outputs.json'))).toThrow();
  }, 60_000);

  it('map-outputs maps terraform output -json to the twin, and refuses files that are not what it needs', async () => {
    const twinFile = join(dir, 'twin.json');
    const tf = join(dir, 'tf.json');
    const out = join(dir, 'mapped.json');
    const own = { twin_endpoint_url: 'http://127.0.0.1:4566', twin_region: 'us-east-1', twin_account_id: '000000000000', twin_access_key_id: 'AKIAEXAMPLE', twin_secret_access_key: 's', cognito_idp_endpoint: 'http://127.0.0.1:4566' };
    writeFileSync(twinFile, JSON.stringify(Object.fromEntries(Object.entries(own).map(([k, v]) => [k, { sensitive: k.includes('secret'), type: 'string', value: v }]))));
    writeFileSync(tf, JSON.stringify({
      api_invoke_url: { sensitive: false, type: 'string', value: 'https://abcdefghij.execute-api.eu-west-1.amazonaws.com/v1' },
      hosted_ui_base_url: { sensitive: false, type: 'string', value: 'https://my-login.auth.eu-west-1.amazoncognito.com' },
      issuer_url: { sensitive: false, type: 'string', value: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEfGhI' },
      api_routes: { sensitive: false, type: ['object', {}], value: { public: '/health' } },
    }));
    const ok = run(['map-outputs', '--terraform-outputs', tf, '--twin-outputs', twinFile, '--out', out]);
    expect(await ok.exit).toBe(0);
    const mapped = JSON.parse(readFileSync(out, 'utf8')) as Record<string, { value: unknown }>;
    expect(mapped['api_invoke_url'].value).toBe('http://127.0.0.1:4566/abcdefghij/v1');
    expect(mapped['hosted_ui_base_url'].value).toBe('http://127.0.0.1:4566/auth/my-login');
    expect(mapped['issuer_url'].value).toBe('http://127.0.0.1:4566/eu-west-1_AbCdEfGhI');
    expect(mapped['api_routes'].value).toEqual({ public: '/health' });
    expect(mapped['twin_access_key_id'].value).toBe('AKIAEXAMPLE');
    writeFileSync(join(dir, 'not-json.json'), '{');
    for (const [args, message] of [
      [['--terraform-outputs', join(dir, 'none.json'), '--twin-outputs', twinFile, '--out', out], /--terraform-outputs .*none\.json cannot be read \(ENOENT\)/],
      [['--terraform-outputs', join(dir, 'not-json.json'), '--twin-outputs', twinFile, '--out', out], /is not JSON/],
      [['--terraform-outputs', tf, '--twin-outputs', tf, '--out', out], /names no twin \(no twin_endpoint_url on loopback\)/],
      [['--terraform-outputs', twinFile], /--twin-outputs is required/],
    ] as const) {
      const r = run(['map-outputs', ...args]);
      expect(await r.exit).toBe(2);
      expect(r.err()).toMatch(message);
      expect(r.err()).not.toMatch(/\bat .*\.(ts|js):\d+/);
    }
  }, 60_000);
});
