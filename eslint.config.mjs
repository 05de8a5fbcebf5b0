import nx from '@nx/eslint-plugin';

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
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:stack', 'type:construct', 'type:util', 'type:testing', 'type:tool'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:twin', 'type:testing', 'type:util', 'type:tool'] },
            { sourceTag: 'type:stack', onlyDependOnLibsWithTags: ['type:construct', 'type:util', 'type:testing'] },
            { sourceTag: 'type:construct', onlyDependOnLibsWithTags: ['type:construct', 'type:util', 'type:testing'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'type:twin', onlyDependOnLibsWithTags: ['type:util', 'type:testing'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:util', 'type:testing'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'scope:dev', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:prod', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:twin', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared', 'scope:twin'] },
          ],
        },
      ],
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
  // The twin's layers, lowest first: shared helpers; the stack reader and the store; Cognito and API Gateway; the
  // hosted UI and the demo page; the app and its CLI. A layer imports only from layers below it (tests may reach up).
  ...twinLayer(['shared'], ['stack', 'store', 'cognito', 'apigw', 'hosted-ui', 'demo', 'app', 'cli']),
  ...twinLayer(['stack', 'store'], ['cognito', 'apigw', 'hosted-ui', 'demo', 'app', 'cli']),
  ...twinLayer(['cognito'], ['apigw', 'hosted-ui', 'demo', 'app', 'cli']),
  ...twinLayer(['apigw'], ['cognito', 'hosted-ui', 'demo', 'app', 'cli']),
  ...twinLayer(['hosted-ui', 'demo'], ['app', 'cli']),
  {
    // Tests build partial fixtures of synthesized JSON; loose types there are deliberate.
    files: ['**/*.spec.ts', '**/*.e2e.ts', '**/*.fixture.ts', '**/test-support/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
];
