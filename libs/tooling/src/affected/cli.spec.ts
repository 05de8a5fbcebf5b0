import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environmentTargets, main } from './cli';

describe('affected environments CLI', () => {
  let dir: string;
  const run = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(args, { cwd: dir, out: (t) => out.push(t), err: (t) => err.push(t) });
    return { code, out: out.join(''), err: err.join('') };
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'affected-envs-'));
    for (const [name, scope] of [['dev', 'dev'], ['prod', 'prod'], ['load-test', 'load-test'], ['bootstrap', 'shared'], ['e2e', 'shared']]) {
      mkdirSync(join(dir, 'apps', name), { recursive: true });
      writeFileSync(join(dir, 'apps', name, 'project.json'), JSON.stringify({ name, tags: ['type:app', `scope:${scope}`] }));
    }
    writeFileSync(join(dir, 'affected.json'), JSON.stringify(['core', 'prod', 'e2e', 'bootstrap', 'dev', 'load-test']));
    writeFileSync(join(dir, 'none.json'), JSON.stringify(['core', 'e2e']));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ projects: [] }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the affected environments with their role variables, in GITHUB_OUTPUT form', async () => {
    const r = await run(['--affected', 'affected.json']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      'envs=[{"env":"dev","plan_role":"DEV_PLAN_ROLE_ARN","deploy_role":"DEV_DEPLOY_ROLE_ARN"},' +
        '{"env":"load-test","plan_role":"LOAD_TEST_PLAN_ROLE_ARN","deploy_role":"LOAD_TEST_DEPLOY_ROLE_ARN"},' +
        '{"env":"prod","plan_role":"PROD_PLAN_ROLE_ARN","deploy_role":"PROD_DEPLOY_ROLE_ARN"}]\ncount=3\ne2e=dev,load-test,prod\n',
    );
  });

  it('writes an empty list when no environment is affected', async () => {
    expect((await run(['--affected=none.json'])).out).toBe('envs=[]\ncount=0\ne2e=\n');
  });

  it("runs every environment's e2e suite when the twin or the Terraform runner is affected, or the suite's own files changed", async () => {
    writeFileSync(join(dir, 'twin.json'), JSON.stringify(['twin', 'tooling', 'e2e']));
    writeFileSync(join(dir, 'dev-and-suite.json'), JSON.stringify(['dev', 'e2e']));
    writeFileSync(join(dir, 'suite.txt'), 'apps/dev/src/index.ts\napps/e2e/src/walkthrough.e2e.ts\n');
    writeFileSync(join(dir, 'dev.txt'), 'apps/dev/src/index.ts\n');
    const e2e = async (args: string[]) => /^e2e=(.*)$/m.exec((await run(args)).out)?.[1];
    expect(await e2e(['--affected', 'twin.json'])).toBe('dev,load-test,prod');
    // The twin's change marks no environment for plan review: its stacks are what they were.
    expect((await run(['--affected', 'twin.json'])).out).toMatch(/^envs=\[\]\ncount=0\n/);
    expect(await e2e(['--affected', 'dev-and-suite.json', '--changed', 'suite.txt'])).toBe('dev,load-test,prod');
    expect(await e2e(['--affected', 'dev-and-suite.json', '--changed', 'dev.txt'])).toBe('dev');
    expect(await e2e(['--affected', 'dev-and-suite.json'])).toBe('dev');
  });

  it.each([
    [[], /expected --affected FILE and at most --changed FILE/],
    [['--affected'], /expected --affected FILE and at most --changed FILE/],
    [['--affected', 'affected.json', '--changed'], /expected --affected FILE and at most --changed FILE/],
    [['--affected', 'affected.json', '--changed', 'missing.txt'], /cannot read missing.txt \(ENOENT\): write it with `git diff --name-only BASE HEAD > missing.txt`/],
    [['--affected', 'missing.json'], /cannot read missing.json as JSON \(ENOENT\)/],
    [['--affected', 'bad.json'], /is not a JSON array of project names/],
  ])('exits 2 for %j', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it('keeps only names that are environments', () => {
    expect(environmentTargets(['twin', 'dev'], ['dev', 'prod']).map((t) => t.env)).toEqual(['dev']);
  });
});
