import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { childEnv } from '@secure-api/testing/process';

// The workspace's lint configuration, run on probe files that exist only in memory: each boundary the
// configuration promises refuses an import across it and lets the same import through where it is allowed.
const workspaceRoot = resolve(__dirname, '../../../..');

jest.setTimeout(120_000);

// ESLint loads the flat config with a dynamic import, which Jest's module system cannot run: the probes are linted
// in one child process, with the workspace's own ESLint.
const LINT = `
import { ESLint } from 'eslint';
const probes = JSON.parse(process.argv[1]);
const eslint = new ESLint({ cwd: process.cwd() });
const out = [];
for (const { file, code } of probes) {
  const [result] = await eslint.lintText(code, { filePath: file });
  out.push(result.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries' || m.ruleId === 'no-restricted-imports').map((m) => m.message));
}
process.stdout.write(JSON.stringify(out));`;

function lint(probes: readonly (readonly [string, string])[]): string[][] {
  const input = probes.map(([file, code]) => ({ file: resolve(workspaceRoot, file), code: `${code}\nexport const probe = value;\n` }));
  const res = spawnSync(process.execPath, ['--input-type=module', '-e', LINT, JSON.stringify(input)], { cwd: workspaceRoot, env: childEnv(), encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (res.status !== 0) throw new Error(`eslint failed: ${res.stderr}`);
  return JSON.parse(res.stdout) as string[][];
}

/** A probe's import line, written so that the workspace's own import scan never takes this file for an importer. */
const importOf = (name: string, specifier: string): string => ['import', `{ ${name} as value }`, 'from', `'${specifier}';`].join(' ');

describe('module boundaries, as lint enforces them', () => {
  const REFUSED: [string, string, string, RegExp][] = [
    ['library code of a construct never imports the testing library', 'libs/user-pool/src/lib/probe.ts', importOf('Template', '@secure-api/testing'), /tagged with "type:construct" can only depend on libs tagged with "type:construct", "type:util"$/m],
    ['a stack library never imports the twin', 'libs/environment/src/lib/probe.ts', importOf('buildApp', '@secure-api/twin'), /can only depend on libs tagged with/],
    ['the tooling never imports the twin', 'libs/tooling/src/probe.ts', importOf('buildApp', '@secure-api/twin'), /tagged with "type:tool" can only depend on libs tagged with "type:util"$/m],
    ['an environment app never imports the twin', 'apps/dev/src/probe.ts', importOf('buildApp', '@secure-api/twin'), /can only depend on libs tagged with/],
    ["the twin's Cognito layer never imports the hosted UI above it", 'libs/twin/src/cognito/probe.ts', importOf('SessionStore', '../hosted-ui'), /the twin's layers: cognito must not import/],
    ["the twin's shared helpers never import the stack reader", 'libs/twin/src/shared/probe.ts', importOf('StackModel', '../stack/stack-model'), /the twin's layers: shared must not import/],
    ['nothing imports the AWS provider package root', 'libs/rest-api/src/lib/probe.ts', importOf('provider', '@cdktf/provider-aws'), /Import the resource by deep path/],
  ];
  const ALLOWED: [string, string, string][] = [
    ['a construct spec imports the testing library', 'libs/user-pool/src/lib/probe.spec.ts', importOf('Template', '@secure-api/testing')],
    ["a construct library's test helpers import it", 'libs/rest-api/src/test/probe.ts', importOf('Template', '@secure-api/testing')],
    ['the end-to-end suite (scope:e2e) drives the twin', 'apps/e2e/src/probe.ts', importOf('mintIdToken', '@secure-api/twin/testing')],
    ["the twin's hosted UI imports the Cognito layer below it", 'libs/twin/src/hosted-ui/probe.ts', importOf('CodeStore', '../cognito/oauth')],
  ];
  let results: string[][];
  beforeAll(() => {
    results = lint([...REFUSED, ...ALLOWED].map(([, file, code]) => [file, code] as const));
  });

  it.each(REFUSED.map((c, i) => [...c, i] as const))('refuses: %s', (_what, _file, _code, message, i) => {
    expect(results[i].length).toBeGreaterThan(0);
    expect(results[i].join('\n')).toMatch(message);
  });

  it.each(ALLOWED.map((c, i) => [...c, REFUSED.length + i] as const))('allows: %s', (_what, _file, _code, i) => {
    expect(results[i]).toEqual([]);
  });
});
