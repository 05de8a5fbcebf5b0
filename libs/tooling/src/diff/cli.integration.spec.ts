import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnv } from '@secure-api/testing/process';
import { main } from './cli';

// A stand-in for the workspace's synth script with the same contract (`synth.mjs <env> --outdir DIR` writes
// DIR/stacks/<env>/cdk.tf.json): it copies the checkout's stacks/<env>.json, so each commit of the temporary
// repository below carries the stack it synthesizes to.
const FAKE_SYNTH = `import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
const args = process.argv.slice(2);
const outdir = args[args.indexOf('--outdir') + 1];
const env = args[0];
if (!existsSync(\`stacks/\${env}.json\`)) { console.error(\`no stack \${env}\`); process.exit(1); }
mkdirSync(\`\${outdir}/stacks/\${env}\`, { recursive: true });
copyFileSync(\`stacks/\${env}.json\`, \`\${outdir}/stacks/\${env}/cdk.tf.json\`);
`;

const fixtures = join(__dirname, 'fixtures');

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
    env: childEnv({ GIT_DIR: undefined, GIT_WORK_TREE: undefined, GIT_INDEX_FILE: undefined }),
  });
}

function capture(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { cwd, out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out: () => out.join(''), err: () => err.join('') };
}

describe('stack diff CLI on a temporary git repository', () => {
  let repo: string;

  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), 'stack-diff-cli-'));
    git(repo, 'init', '--quiet', '--initial-branch=main');
    mkdirSync(join(repo, 'libs/tooling/bin'), { recursive: true });
    writeFileSync(join(repo, 'libs/tooling/bin/synth.mjs'), FAKE_SYNTH);
    writeFileSync(join(repo, 'README.md'), 'no environments yet\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '--quiet', '-m', 'before any environment');
    git(repo, 'tag', 'empty');
    // An app skeleton without src/main.ts is not a stack yet.
    mkdirSync(join(repo, 'apps/dev'), { recursive: true });
    writeFileSync(join(repo, 'apps/dev/project.json'), JSON.stringify({ name: 'dev', tags: ['type:app', 'scope:dev'] }));
    git(repo, 'add', '.');
    git(repo, 'commit', '--quiet', '-m', 'dev skeleton');
    git(repo, 'tag', 'skeleton');
    for (const env of ['dev', 'prod']) {
      mkdirSync(join(repo, 'apps', env), { recursive: true });
      writeFileSync(join(repo, 'apps', env, 'project.json'), JSON.stringify({ name: env, tags: ['type:app', `scope:${env}`] }));
      mkdirSync(join(repo, 'apps', env, 'src'));
      writeFileSync(join(repo, 'apps', env, 'src/main.ts'), 'export function defineStack() {}\n');
    }
    mkdirSync(join(repo, 'apps/bootstrap'), { recursive: true });
    writeFileSync(join(repo, 'apps/bootstrap/project.json'), JSON.stringify({ name: 'bootstrap', tags: ['type:app', 'scope:shared'] }));
    mkdirSync(join(repo, 'stacks'));
    copyFileSync(join(fixtures, 'base.cdk.tf.json'), join(repo, 'stacks/dev.json'));
    copyFileSync(join(fixtures, 'base.cdk.tf.json'), join(repo, 'stacks/prod.json'));
    git(repo, 'add', '.');
    git(repo, 'commit', '--quiet', '-m', 'base');
    git(repo, 'tag', 'base');
    copyFileSync(join(fixtures, 'force-new.cdk.tf.json'), join(repo, 'stacks/dev.json'));
    copyFileSync(join(fixtures, 'update.cdk.tf.json'), join(repo, 'stacks/prod.json'));
    git(repo, 'commit', '--quiet', '-am', 'head');
  }, 30_000);

  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it('exits 1 on DANGER, prints the plan-like diff and writes the Markdown', async () => {
    const c = capture(repo);
    const md = join(repo, 'out/diff/dev.md');
    expect(await main(['--env', 'dev', '--base', 'base', '--markdown', 'out/diff/dev.md'], c.io)).toBe(1);
    expect(c.out()).toMatch(/^Offline diff of stack "dev": base \([0-9a-f]{7,}\) → HEAD \([0-9a-f]{7,}\)/);
    expect(c.out()).toContain('-/+ aws_cognito_user_pool.SecureApi_UserPool_B91911E0 (dev/SecureApi/UserPool/Resource) must be replaced');
    expect(c.err()).toContain('DANGER in stack "dev"');
    const markdown = readFileSync(md, 'utf8');
    // The pool's replacement takes the domain and the user that name its id along, as the real provider plans it.
    expect(markdown).toContain('> **DANGER: 3 changes can destroy data or replace a resource.**');
    expect(markdown).toContain('`username_attributes` cannot change in place');
    expect(markdown).toContain('`user_pool_id` (new with the replacement of aws_cognito_user_pool.SecureApi_UserPool_B91911E0) cannot change in place');
  }, 30_000);

  it('exits 0 on DANGER with --allow-danger, still reporting it', async () => {
    const c = capture(repo);
    expect(await main(['--env=dev', '--base=base', '--allow-danger'], c.io)).toBe(0);
    expect(c.out()).toContain('DANGER (3)');
    expect(c.out()).toContain('DANGER acknowledged (--allow-danger)');
  }, 30_000);

  it('exits 0 for in-place updates, and leaves no worktree behind', async () => {
    const c = capture(repo);
    expect(await main(['--env', 'prod', '--base', 'base'], c.io)).toBe(0);
    expect(c.out()).toContain('Diff: 0 to create, 3 to update, 0 to replace, 0 to delete; 5 unchanged.');
    expect(git(repo, 'worktree', 'list').trim().split('\n')).toHaveLength(1);
  }, 30_000);

  it('reports no changes against HEAD itself', async () => {
    const c = capture(repo);
    expect(await main(['--env', 'dev', '--base', 'HEAD'], c.io)).toBe(0);
    expect(c.out()).toContain('No changes. 8 resources are identical.');
  }, 30_000);

  it('includes uncommitted changes of the work tree on the head side', async () => {
    copyFileSync(join(fixtures, 'delete.cdk.tf.json'), join(repo, 'stacks/prod.json'));
    try {
      const c = capture(repo);
      expect(await main(['--env', 'prod', '--base', 'HEAD'], c.io)).toBe(1);
      expect(c.out()).toContain('+ uncommitted changes)');
      expect(c.out()).toContain('2 to delete');
    } finally {
      git(repo, 'checkout', '--quiet', '--', 'stacks/prod.json');
    }
  }, 30_000);

  it.each(['empty', 'skeleton'])('shows everything as new when the base (%s) has no such stack', async (base) => {
    const c = capture(repo);
    expect(await main(['--env', 'dev', '--base', base], c.io)).toBe(0);
    expect(c.err()).toContain('has no apps/dev/src/main.ts: every resource of "dev" is shown as new');
    expect(c.out()).toContain('Diff: 8 to create, 0 to update, 0 to replace, 0 to delete; 0 unchanged.');
  }, 30_000);

  it.each([
    [['--env', 'dev', '--base', 'no-such-branch'], /unknown git ref "no-such-branch": no such branch, tag or commit here\. Fetch it first/],
    [['--env', 'staging', '--base', 'base'], /unknown environment "staging": no apps\/staging\/project.json tagged scope:staging\. Known environments: dev, prod\./],
    [['--env', 'bootstrap', '--base', 'base'], /unknown environment "bootstrap"/],
    [['--env', 'dev'], /--base is required/],
    [['--base', 'main'], /--env is required/],
    [['--env', 'dev', '--base'], /--base needs a value/],
    [['--env', 'dev', '--base', 'main', '--force'], /unknown option "--force"/],
    [['--env', 'dev', '--base', 'main', 'extra'], /unexpected argument "extra"/],
    [['--env', 'Dev!', '--base', 'main'], /invalid --env "Dev!"/],
    [['--env', 'dev', '--base', '--upload-pack=x'], /--base needs a value/],
    [['--env', 'dev', '--base=-x'], /invalid --base "-x": a git ref cannot start with "-"/],
  ])('exits 2 with a clear error for %j', async (args, message) => {
    const c = capture(repo);
    expect(await main(args, c.io)).toBe(2);
    expect(c.err()).toMatch(message);
    expect(c.out()).toBe('');
  }, 30_000);

  it('names the failing side when a synth fails', async () => {
    const c = capture(repo);
    rmSync(join(repo, 'stacks/dev.json'));
    try {
      expect(await main(['--env', 'dev', '--base', 'base'], c.io)).toBe(2);
      expect(c.err()).toMatch(/synth of stack "dev" at HEAD \([0-9a-f]+ \+ uncommitted changes\) failed \(exit 1\):\nno stack dev/);
    } finally {
      git(repo, 'checkout', '--quiet', '--', 'stacks/dev.json');
    }
    expect(existsSync(join(repo, 'stacks/dev.json'))).toBe(true);
  }, 30_000);

  it('fails outside a git repository', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stack-diff-nogit-'));
    try {
      const c = capture(dir);
      expect(await main(['--env', 'dev', '--base', 'main'], c.io)).toBe(2);
      expect(c.err()).toContain('is not inside a git work tree');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints the usage for --help', async () => {
    const c = capture(repo);
    expect(await main(['--help'], c.io)).toBe(0);
    expect(c.out()).toContain('usage: node libs/tooling/bin/run.mjs libs/tooling/src/diff/cli.ts --env <env> --base <git ref>');
  });
});
