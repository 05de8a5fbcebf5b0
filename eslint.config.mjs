import nx from '@nx/eslint-plugin';

/** Specs, fixtures and the helpers only tests import. */
const TEST_FILES = ['**/*.spec.ts', '**/*.e2e.ts', '**/*.fixture.ts', '**/test-support/**/*.ts', 'libs/*/src/test/**/*.ts'];

/** The dependency matrix on two tag axes; `tests` adds what only test code may import (the testing library). */
function boundaries(tests) {
  const testing = tests ? ['type:testing'] : [];
  return {
    enforceBuildableLibDependency: true,
    allow: [],
    depConstraints: [
      { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:stack', 'type:construct', 'type:util', ...testing] },
      { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:twin', 'type:util', ...testing] },
      { sourceTag: 'type:stack', onlyDependOnLibsWithTags: ['type:construct', 'type:util', ...testing] },
      { sourceTag: 'type:construct', onlyDependOnLibsWithTags: ['type:construct', 'type:util', ...testing] },
      { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:util'] },
      { sourceTag: 'type:twin', onlyDependOnLibsWithTags: ['type:util', ...testing] },
      { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:util', ...testing] },
      { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', ...testing] },
      // Business code (Lambda handlers): bundled into functions by path, never imported by constructs or stacks.
      { sourceTag: 'type:handler', onlyDependOnLibsWithTags: ['type:util', ...testing] },
      { sourceTag: 'scope:dev', onlyDependOnLibsWithTags: ['scope:shared'] },
      { sourceTag: 'scope:prod', onlyDependOnLibsWithTags: ['scope:shared'] },
      { sourceTag: 'scope:twin', onlyDependOnLibsWithTags: ['scope:shared'] },
      // The end-to-end suite is the one project that drives the twin besides its own CLI.
      { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['scope:shared', 'scope:twin'] },
      { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
    ],
  };
}

const PROVIDER_ROOT = { name: '@cdktf/provider-aws', message: 'Import the resource by deep path: @cdktf/provider-aws/lib/<resource>.' };

/** Forbids the twin's folders `from` to import the folders (or top-level modules) `above`. */
function twinLayer(from, above) {
  return [
    {
      files: from.map((f) => `libs/twin/src/${f}/**/*.ts`),
      ignores: ['**/*.spec.ts', '**/*.fixture.ts'],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            paths: [PROVIDER_ROOT],
            patterns: [{ regex: `^(\\.\\.?/)+(${above.join('|')})(/|$)`, message: `the twin's layers: ${from.join(', ')} must not import ${above.join(', ')} (a layer imports only from layers below it)` }],
          },
        ],
      },
    },
  ];
}

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '**/cdktf.out', '**/.nx', '**/*.js', '**/*.mjs'] },
  {
    files: ['**/*.ts'],
    rules: {
      // Module boundaries on two axes (type, scope). Construct libraries never reach into apps or the twin.
      '@nx/enforce-module-boundaries': ['error', boundaries(false)],
      // The package root loads every AWS resource class (about 10 s and 750 MB per process).
      'no-restricted-imports': [
        'error',
        {
          paths: [PROVIDER_ROOT],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Only tests (and their helpers) may use the testing library: it is never a dependency of library code.
    files: TEST_FILES,
    rules: { '@nx/enforce-module-boundaries': ['error', boundaries(true)] },
  },
  // The twin's layers, lowest first: shared helpers; the stack reader and the store; Cognito and API Gateway; the
  // hosted UI and the demo page; the app and its CLI. A layer imports only from layers below it (tests may reach up).
  ...twinLayer(['shared'], ['stack', 'store', 'aws', 'cognito', 'apigw', 'logs', 'sts', 'provision', 'hosted-ui', 'demo', 'app', 'cli']),
  ...twinLayer(['stack', 'store'], ['aws', 'cognito', 'apigw', 'logs', 'sts', 'provision', 'hosted-ui', 'demo', 'app', 'cli']),
  ...twinLayer(['aws'], ['cognito', 'apigw', 'logs', 'sts', 'provision', 'hosted-ui', 'demo', 'app', 'cli']),
  ...twinLayer(['cognito'], ['apigw', 'logs', 'sts', 'provision', 'hosted-ui', 'demo', 'app', 'cli']),
  ...twinLayer(['apigw'], ['cognito', 'logs', 'sts', 'provision', 'hosted-ui', 'demo', 'app', 'cli']),
  ...twinLayer(['logs', 'sts'], ['cognito', 'apigw', 'provision', 'hosted-ui', 'demo', 'app', 'cli']),
  // Lambda: runs functions' own bundles in child processes; knows nothing of API Gateway or Cognito.
  ...twinLayer(['lambda'], ['cognito', 'apigw', 'logs', 'sts', 'provision', 'hosted-ui', 'demo', 'app', 'cli']),
  ...twinLayer(['provision'], ['hosted-ui', 'demo', 'app', 'cli']),
  ...twinLayer(['hosted-ui', 'demo'], ['provision', 'app', 'cli']),
  // TLS (the local CA and the HTTPS-only server) stands beside the layers: it knows nothing of AWS.
  ...twinLayer(['tls'], ['shared', 'stack', 'store', 'aws', 'cognito', 'apigw', 'logs', 'sts', 'provision', 'hosted-ui', 'demo', 'app', 'cli']),
  {
    // Tests build partial fixtures of synthesized JSON; loose types there are deliberate.
    files: TEST_FILES,
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
];
