import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { childEnv } from '@secure-api/testing/process';

const workspace = resolve(__dirname, '../../../..');
const stackDir = join(workspace, 'cdktf.out/stacks/dev');

/**
 * The real Nx targets (`nx run dev:plan`, `dev:deploy`, `dev:output`) with a stub `terraform` first on PATH that
 * records its arguments and working directory: the wiring from target to stack folder, end to end.
 */
describe('nx run dev:<terraform target> (stub terraform on PATH)', () => {
  let dir: string;
  let log: string;
  let env: NodeJS.ProcessEnv;
  const calls = () => readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { args: string[]; cwd: string });
  const nx = (...args: string[]) => spawnSync(join(workspace, 'node_modules/.bin/nx'), ['run', ...args, '--output-style=stream-without-prefixes'], { cwd: workspace, env, encoding: 'utf8' });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nx-tf-'));
    mkdirSync(join(dir, 'bin'));
    log = join(dir, 'calls.log');
    writeFileSync(log, '');
    writeFileSync(
      join(dir, 'bin/terraform'),
      `#!/usr/bin/env node
const fs = require('fs');
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ args, cwd: process.cwd() }) + '\\n');
if (args[0] === 'version') process.stdout.write('{"terraform_version":"1.11.4"}');
if (args[0] === 'plan') fs.writeFileSync('plan.tfplan', 'stub');
if (args[0] === 'show') process.stdout.write(args.includes('-json') ? '{}' : 'Plan: 0 to add');
if (args[0] === 'output') process.stdout.write('{"region":{"value":"eu-west-1","type":"string","sensitive":false}}');
`,
    );
    chmodSync(join(dir, 'bin/terraform'), 0o755);
    env = childEnv({ PATH: `${join(dir, 'bin')}:${process.env['PATH']}`, AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'example', NX_DAEMON: 'false', NX_TUI: 'false' });
    rmSync(join(stackDir, 'plan.tfplan'), { force: true });
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    for (const f of ['plan.tfplan', 'plan.txt', 'plan.json']) rmSync(join(stackDir, f), { force: true });
  });

  it('plan synthesizes the stack, then runs init and a saved plan in its folder', () => {
    const res = nx('dev:plan');
    expect(res.status).toBe(0);
    expect(calls().map((c) => c.args[0])).toEqual(['version', 'init', 'plan', 'show', 'show']);
    expect(calls().slice(1).every((c) => c.cwd === stackDir)).toBe(true);
    expect(existsSync(join(stackDir, 'plan.tfplan'))).toBe(true);
  });

  it('deploy applies the saved plan', () => {
    writeFileSync(log, '');
    expect(nx('dev:deploy').status).toBe(0);
    expect(calls().map((c) => c.args)).toContainEqual(['apply', '-input=false', 'plan.tfplan']);
  });

  it('output writes terraform output -json to the file given with --out=', () => {
    const out = join(dir, 'outputs.json');
    expect(nx('dev:output', `--out=${out}`).status).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).region.value).toBe('eu-west-1');
  });

  it('stops with one line when credentials are missing', () => {
    const res = spawnSync(join(workspace, 'node_modules/.bin/nx'), ['run', 'dev:plan', '--output-style=stream-without-prefixes'], {
      cwd: workspace,
      env: { ...env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '', HOME: dir, AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'), AWS_CONFIG_FILE: join(dir, 'none') },
      encoding: 'utf8',
    });
    expect(res.status).not.toBe(0);
    expect(`${res.stdout}\n${res.stderr}`).toMatch(/error: no AWS credentials found: set AWS_PROFILE/);
  });
});
