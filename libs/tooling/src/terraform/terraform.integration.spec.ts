import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { childEnv } from '@secure-api/testing/process';
import forge from 'node-forge';
import { twinAccount } from './offline';
import { checkAwsCredentials, checkTerraform, explainInitFailure, PreflightError } from './preflight';
import { runTerraformTarget, twinRun } from './run';

const workspace = resolve(__dirname, '../../../..');

/**
 * A stub `terraform` on PATH that records each call's arguments (one JSON line) and imitates the real CLI:
 * `version -json`, `output -json` and `show` print something; STUB_FAIL=<subcommand> makes that call fail,
 * STUB_INIT_OUTPUT sets what a failing init prints.
 */
function stubTerraform(dir: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const script = `#!/usr/bin/env node
const fs = require('fs');
const args = process.argv.slice(2);
fs.appendFileSync(process.env.STUB_LOG, JSON.stringify({ args, cwd: process.cwd() }) + '\\n');
if (process.env.STUB_FAIL === args[0]) { process.stderr.write(process.env.STUB_INIT_OUTPUT || 'Error: boom'); process.exit(1); }
if (args[0] === 'version') { process.stdout.write(JSON.stringify({ terraform_version: process.env.STUB_VERSION || '1.10.5' })); }
if (args[0] === 'plan') { fs.writeFileSync('plan.tfplan', 'binary-plan'); }
if (args[0] === 'show') { process.stdout.write(args.includes('-json') ? '{"format_version":"1.2"}' : 'Plan: 1 to add'); }
if (args[0] === 'output') { process.stdout.write('{"api_invoke_url":{"value":"https://x","type":"string","sensitive":false}}'); }
`;
  writeFileSync(join(bin, 'terraform'), script);
  chmodSync(join(bin, 'terraform'), 0o755);
  return bin;
}

/** An RSA key pair as node-forge takes it (node's crypto makes it: forge's own keygen takes seconds). */
function forgeKeys(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; pem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey: forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()) as forge.pki.rsa.PrivateKey,
    publicKey: forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString()) as forge.pki.rsa.PublicKey,
    pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/** A CA (as the twin's `tls/ca.pem`, or a corporate bundle) and, when `serve`, a certificate it issues for 127.0.0.1. */
function testCa(name: string): { pem: string; issue: () => { cert: string; key: string } } {
  const keys = forgeKeys();
  const ca = forge.pki.createCertificate();
  ca.publicKey = keys.publicKey;
  ca.serialNumber = '01';
  ca.validity.notBefore = new Date(Date.now() - 86_400_000);
  ca.validity.notAfter = new Date(Date.now() + 86_400_000);
  ca.setSubject([{ name: 'commonName', value: name }]);
  ca.setIssuer([{ name: 'commonName', value: name }]);
  ca.setExtensions([{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, critical: true }]);
  ca.sign(keys.privateKey, forge.md.sha256.create());
  return {
    pem: forge.pki.certificateToPem(ca),
    issue() {
      const server = forgeKeys();
      const cert = forge.pki.createCertificate();
      cert.publicKey = server.publicKey;
      cert.serialNumber = '02';
      cert.validity.notBefore = ca.validity.notBefore;
      cert.validity.notAfter = ca.validity.notAfter;
      cert.setSubject([{ name: 'commonName', value: 'localhost' }]);
      cert.setIssuer(ca.subject.attributes);
      cert.setExtensions([{ name: 'basicConstraints', cA: false }, { name: 'extKeyUsage', serverAuth: true }, { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }]);
      cert.sign(keys.privateKey, forge.md.sha256.create());
      return { cert: forge.pki.certificateToPem(cert), key: server.pem };
    },
  };
}

/** An HTTPS server in a child process (twinAccount's probe blocks this process's event loop), as a twin `--tls` listens. */
async function httpsChild(tls: { cert: string; key: string }): Promise<{ child: ChildProcess; endpoint: string }> {
  const child = spawn(process.execPath, ['-e', "const s=require('https').createServer({cert:process.env.CERT,key:process.env.KEY},(q,r)=>r.end('{}')).listen(0,'127.0.0.1',()=>console.log(s.address().port))"], { env: { ...childEnv(), CERT: tls.cert, KEY: tls.key }, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((done, fail) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', done);
    child.once('exit', (code) => fail(new Error(`the https server exited (${code})`)));
  });
  return { child, endpoint: `https://127.0.0.1:${port.trim()}` };
}

describe('terraform targets (stub terraform on PATH)', () => {
  let root: string;
  let bin: string;
  let logFile: string;
  let env: NodeJS.ProcessEnv;
  const calls = () => readFileSync(logFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l).args as string[]);
  const lines: string[] = [];
  const run = (command: 'plan' | 'deploy' | 'destroy' | 'output' | 'validate', extra: Partial<Parameters<typeof runTerraformTarget>[0]> = {}) =>
    runTerraformTarget({ command, env: 'dev', root, env_: env, log: (l) => lines.push(l), ...extra });

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'tf-'));
    mkdirSync(join(root, 'cdktf.out/stacks/dev'), { recursive: true });
    writeFileSync(join(root, 'cdktf.out/stacks/dev/cdk.tf.json'), '{}');
    bin = stubTerraform(root);
    logFile = join(root, 'calls.log');
    writeFileSync(logFile, '');
    env = { PATH: `${bin}:${process.env['PATH']}`, STUB_LOG: logFile, AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', HOME: root };
    lines.length = 0;
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('plan: init, then a plan saved in the stack folder with text and JSON renderings', () => {
    expect(run('plan')).toBe(0);
    expect(calls()).toEqual([['version', '-json'], ['init', '-input=false', '-no-color'], ['plan', '-input=false', '-out=plan.tfplan'], ['show', '-no-color', 'plan.tfplan'], ['show', '-json', 'plan.tfplan']]);
    const dir = join(root, 'cdktf.out/stacks/dev');
    expect(readFileSync(join(dir, 'plan.txt'), 'utf8')).toBe('Plan: 1 to add');
    expect(JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'))).toEqual({ format_version: '1.2' });
    const cwds = readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l).cwd);
    expect(cwds.slice(1).every((c: string) => c === dir)).toBe(true);
  });

  it('deploy applies the saved plan and removes it', () => {
    run('plan');
    writeFileSync(logFile, '');
    expect(run('deploy')).toBe(0);
    expect(calls()).toContainEqual(['apply', '-input=false', 'plan.tfplan']);
    expect(existsSync(join(root, 'cdktf.out/stacks/dev/plan.tfplan'))).toBe(false);
  });

  it('deploy without a saved plan needs --auto-approve, then plans and applies in one step', () => {
    expect(() => run('deploy')).toThrow(/no saved plan for "dev": run `nx run dev:plan`/);
    expect(run('deploy', { autoApprove: true })).toBe(0);
    expect(calls()).toContainEqual(['apply', '-input=false', '-auto-approve']);
  });

  it('destroy needs --auto-approve', () => {
    expect(() => run('destroy')).toThrow(/needs --auto-approve/);
    expect(run('destroy', { autoApprove: true })).toBe(0);
    expect(calls()).toContainEqual(['destroy', '-input=false', '-auto-approve']);
  });

  it('output writes terraform output -json to a file', () => {
    const out = join(root, 'outputs.json');
    expect(run('output', { outFile: out })).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).api_invoke_url.value).toBe('https://x');
  });

  it('stops at once, with one line, when the stack is not synthesized or the environment is unknown', () => {
    mkdirSync(join(root, 'apps/prod/src'), { recursive: true });
    writeFileSync(join(root, 'apps/prod/src/main.ts'), '');
    expect(() => run('plan', { env: 'prod' })).toThrow(/stack "prod" is not synthesized .* run `nx run prod:synth` first/);
    expect(() => run('plan', { env: 'nope' })).toThrow(/unknown environment "nope": there is no apps\/nope\/src\/main.ts/);
    expect(calls()).toEqual([]);
  });

  it('refuses to plan or deploy a local-state stack in CI, where the state file would be lost', () => {
    expect(() => run('plan', { env_: { ...env, CI: 'true' } })).toThrow(/keeps its state in a local file, which a CI runner throws away/);
    expect(() => run('deploy', { env_: { ...env, GITHUB_ACTIONS: 'true' }, autoApprove: true })).toThrow(/local file/);
    writeFileSync(join(root, 'cdktf.out/stacks/dev/cdk.tf.json'), JSON.stringify({ terraform: { backend: { s3: { bucket: 'b', key: 'k' } } } }));
    expect(run('plan', { env_: { ...env, CI: 'true' } })).toBe(0);
  });

  it('stops at once when terraform is missing, too old, or credentials are missing', () => {
    expect(() => run('plan', { env_: { ...env, PATH: '/nonexistent' } })).toThrow(/terraform is not on PATH: install Terraform >= 1.10/);
    expect(() => run('plan', { env_: { ...env, STUB_VERSION: '1.5.7' } })).toThrow(/terraform 1.5.7 is too old/);
    expect(() => run('plan', { env_: { ...env, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined } })).toThrow(/no AWS credentials found/);
    expect(calls().some((c) => c[0] === 'init')).toBe(false);
  });

  it('explains an init that cannot download the AWS provider in one line', () => {
    const e = { ...env, STUB_FAIL: 'init', STUB_INIT_OUTPUT: 'Error: Failed to query available provider packages\n\nCould not retrieve the list of available versions for provider hashicorp/aws' };
    expect(() => run('plan', { env_: e })).toThrow(/could not install the AWS provider .*provider mirror/);
    expect(calls().some((c) => c[0] === 'plan')).toBe(false);
  });

  it('validate: without Terraform it says so in one line and passes, except in CI, where it fails', () => {
    expect(run('validate', { env_: { ...env, PATH: '/nonexistent', CI: '' } })).toBe(0);
    expect(lines).toEqual(['validate dev: skipped, terraform is not on PATH: install Terraform >= 1.10 (https://developer.hashicorp.com/terraform/install) or put it on PATH.']);
    expect(() => run('validate', { env_: { ...env, PATH: '/nonexistent', CI: 'true' } })).toThrow(/terraform is not on PATH/);
  });

  it('validate: a mirror named by SECURE_API_TF_MIRROR must hold the AWS provider, and is what init installs from', () => {
    expect(() => run('validate', { env_: { ...env, SECURE_API_TF_MIRROR: join(root, 'nothing-here') } })).toThrow(/SECURE_API_TF_MIRROR=.*holds no hashicorp\/aws provider/);
    const mirror = join(root, 'mirror');
    mkdirSync(join(mirror, 'registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64'), { recursive: true });
    writeFileSync(logFile, '');
    expect(run('validate', { env_: { ...env, SECURE_API_TF_MIRROR: mirror } })).toBe(0);
    const validateDir = join(root, 'cdktf.out/stacks/dev/validate');
    expect(calls()).toEqual([['version', '-json'], ['init', '-backend=false', '-input=false', '-no-color'], ['validate', '-no-color']]);
    expect(readFileSync(join(validateDir, 'terraform.rc'), 'utf8')).toContain(`path    = ${JSON.stringify(mirror)}`);
    expect(readFileSync(join(validateDir, 'cdk.tf.json'), 'utf8')).toBe('{}');
    expect(lines).toContainEqual(expect.stringMatching(/hashicorp\/aws from the mirror .*mirror \(5\.100\.0\)/));
  });

  it('the twin configuration names the fix when no twin runs, the outputs file is foreign, or its endpoint is not loopback', () => {
    expect(() => run('plan', { twin: true })).toThrow(/no twin is running for .*\.twin\/account .*start one with `npm run twin -- --empty`/);
    expect(() => run('plan', { twin: true, env_: { ...env, SECURE_API_TWIN_OUTPUTS: join(root, 'none.json') } })).toThrow(/SECURE_API_TWIN_OUTPUTS=.*none\.json does not exist/);
    const file = join(root, 'outputs.json');
    writeFileSync(file, JSON.stringify({ region: { value: 'eu-west-1' } }));
    expect(() => run('plan', { twin: true, env_: { ...env, SECURE_API_TWIN_OUTPUTS: file } })).toThrow(/has no twin_endpoint_url: it is not the outputs file of a twin/);
    const twinOutputs = (endpoint: string) => Object.fromEntries(Object.entries({ twin_endpoint_url: endpoint, twin_region: 'us-east-1', twin_account_id: '000000000000', twin_access_key_id: 'AKIAEXAMPLE', twin_secret_access_key: 's' }).map(([k, v]) => [k, { value: v }]));
    writeFileSync(file, JSON.stringify(twinOutputs('https://apigateway.eu-west-1.amazonaws.com')));
    expect(() => run('plan', { twin: true, env_: { ...env, SECURE_API_TWIN_OUTPUTS: file } })).toThrow(/is not a loopback twin; the twin configuration never sends calls elsewhere/);
    writeFileSync(file, JSON.stringify(twinOutputs('http://127.0.0.1:9')));
    expect(() => run('plan', { twin: true, env_: { ...env, SECURE_API_TWIN_OUTPUTS: file } })).toThrow(/does not answer at http:\/\/127\.0\.0\.1:9 \(stopped\?\)/);
    // A twin over HTTPS (`--tls`) needs its CA: the outputs file's twin_ca_file, or the user's AWS_CA_BUNDLE.
    writeFileSync(file, JSON.stringify(twinOutputs('https://127.0.0.1:9')));
    expect(() => run('plan', { twin: true, env_: { ...env, SECURE_API_TWIN_OUTPUTS: file } })).toThrow(/the twin at https:\/\/127\.0\.0\.1:9 serves HTTPS but no CA file is known\. Fix: set AWS_CA_BUNDLE to the ca\.pem the twin printed/);
    writeFileSync(file, JSON.stringify({ ...twinOutputs('https://127.0.0.1:9'), twin_ca_file: { value: join(root, 'gone.pem') } }));
    expect(() => run('plan', { twin: true, env_: { ...env, SECURE_API_TWIN_OUTPUTS: file } })).toThrow(/serves HTTPS but its CA file .*gone\.pem does not exist/);
    // The outputs file's CA wins: a user's AWS_CA_BUNDLE does not stand in for a twin_ca_file that is gone.
    const bundle = join(root, 'bundle.pem');
    writeFileSync(bundle, '');
    expect(() => run('plan', { twin: true, env_: { ...env, SECURE_API_TWIN_OUTPUTS: file, AWS_CA_BUNDLE: bundle } })).toThrow(/serves HTTPS but its CA file .*gone\.pem does not exist/);
    expect(calls()).toEqual([]);
  });

  describe("a twin over HTTPS: its own CA, whatever the user's AWS_CA_BUNDLE holds", () => {
    const twinCa = testCa('secure-api local twin CA test');
    const corporate = testCa('Corporate Root CA');
    let server: { child: ChildProcess; endpoint: string };
    let outputs: (caFile?: string) => NodeJS.ProcessEnv;
    beforeAll(async () => {
      server = await httpsChild(twinCa.issue());
    }, 30_000);
    afterAll(() => server?.child.kill());
    beforeEach(() => {
      writeFileSync(join(root, 'ca.pem'), twinCa.pem);
      writeFileSync(join(root, 'corporate.pem'), corporate.pem);
      outputs = (caFile) => {
        const file = join(root, 'outputs.json');
        const values = { twin_endpoint_url: server.endpoint, twin_region: 'us-east-1', twin_account_id: '000000000000', twin_access_key_id: 'AKIAEXAMPLE', twin_secret_access_key: 's', ...(caFile ? { twin_ca_file: caFile } : {}) };
        writeFileSync(file, JSON.stringify(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v }]))));
        return { ...env, SECURE_API_TWIN_OUTPUTS: file };
      };
    });

    it("prefers the outputs file's twin_ca_file to a corporate AWS_CA_BUNDLE, and hands it to the provider", () => {
      const e = { ...outputs(join(root, 'ca.pem')), AWS_CA_BUNDLE: join(root, 'corporate.pem') };
      const account = twinAccount(root, e);
      expect(account.caFile).toBe(join(root, 'ca.pem'));
      expect(twinRun(account, join(root, 'cdktf.out/stacks/dev'), undefined, e).env['AWS_CA_BUNDLE']).toBe(join(root, 'ca.pem'));
      expect(run('plan', { twin: true, env_: e })).toBe(0);
      expect(calls().map((c) => c[0])).toEqual(['version', 'init', 'plan', 'show', 'show']);
    });

    it("takes the user's AWS_CA_BUNDLE when the outputs file names no CA", () => {
      expect(twinAccount(root, { ...outputs(), AWS_CA_BUNDLE: join(root, 'ca.pem') }).caFile).toBe(join(root, 'ca.pem'));
    });

    it('says the certificate is not trusted, not that the twin is stopped, when the CA does not vouch for it', () => {
      expect(() => twinAccount(root, { ...outputs(), AWS_CA_BUNDLE: join(root, 'corporate.pem') })).toThrow(
        new RegExp(`^AWS_CA_BUNDLE=${join(root, 'corporate.pem')} does not trust the twin's certificate at https://127\\.0\\.0\\.1:\\d+ \\(UNABLE_TO_VERIFY_LEAF_SIGNATURE\\): set AWS_CA_BUNDLE to the ca\\.pem the twin printed at start`),
      );
      expect(() => twinAccount(root, outputs(join(root, 'corporate.pem')))).toThrow(/^the twin of .*outputs\.json at https:\/\/127\.0\.0\.1:\d+ does not present a certificate its CA .*corporate\.pem \(twin_ca_file\) trusts \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/);
      expect(() => run('plan', { twin: true, env_: { ...outputs(), AWS_CA_BUNDLE: join(root, 'corporate.pem') } })).toThrow(/does not trust the twin's certificate/);
      expect(calls()).toEqual([]);
    });
  });

  it('the CLI wiring prints one error line and a non-zero code', () => {
    const res = spawnSync(process.execPath, [join(workspace, 'libs/tooling/bin/run.mjs'), join(workspace, 'libs/tooling/src/terraform/cli.ts'), 'plan', '--env', 'dev'], {
      cwd: root,
      env: childEnv({ PATH: dirname(process.execPath), NX_WORKSPACE_ROOT: root }, env),
      encoding: 'utf8',
    });
    expect(res.stderr.trim().split('\n')).toEqual(['error: terraform is not on PATH: install Terraform >= 1.10 (https://developer.hashicorp.com/terraform/install) or put it on PATH.']);
    expect(res.status).toBe(2);
    const ok = spawnSync(process.execPath, [join(workspace, 'libs/tooling/bin/run.mjs'), join(workspace, 'libs/tooling/src/terraform/cli.ts'), 'plan', '--env', 'dev'], { cwd: root, env: childEnv({ ...env, CI: '', GITHUB_ACTIONS: '', NX_WORKSPACE_ROOT: root }), encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(calls().map((c) => c[0])).toEqual(['version', 'init', 'plan', 'show', 'show']);
    const bad = spawnSync(process.execPath, [join(workspace, 'libs/tooling/bin/run.mjs'), join(workspace, 'libs/tooling/src/terraform/cli.ts'), 'plan', '--env'], { cwd: root, env: childEnv(env), encoding: 'utf8' });
    expect(bad.stderr).toMatch(/^error: --env needs an environment name/);
  });
});

describe('preflight checks', () => {
  it('accepts each AWS credential source and rejects half-set keys', () => {
    const home = mkdtempSync(join(tmpdir(), 'home-'));
    expect(checkAwsCredentials({ AWS_PROFILE: 'dev' }, home)).toBe('profile dev');
    expect(checkAwsCredentials({ AWS_WEB_IDENTITY_TOKEN_FILE: '/t', AWS_ROLE_ARN: 'arn' }, home)).toMatch(/OIDC/);
    expect(checkAwsCredentials({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/x' }, home)).toMatch(/container/);
    expect(checkAwsCredentials({ SECURE_API_AWS_CREDENTIALS: 'instance' }, home)).toMatch(/instance/);
    expect(() => checkAwsCredentials({ AWS_ACCESS_KEY_ID: 'x' }, home)).toThrow(/AWS_SECRET_ACCESS_KEY is not/);
    expect(() => checkAwsCredentials({}, home)).toThrow(PreflightError);
    mkdirSync(join(home, '.aws'));
    writeFileSync(join(home, '.aws', 'credentials'), '[default]\n');
    expect(checkAwsCredentials({}, home)).toBe('shared config files');
    rmSync(home, { recursive: true, force: true });
  });

  it('names the first terraform error for other init failures', () => {
    expect(explainInitFailure('Error: Backend configuration changed\n...')).toBe('terraform init failed: Backend configuration changed. Run it by hand in the stack folder for details.');
  });

  it('checkTerraform reports a missing binary', () => {
    expect(() => checkTerraform({ PATH: '/nonexistent' })).toThrow(/not on PATH/);
  });
});
