import nx from '@nx/eslint-plugin';

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
          paths: [{ name: '@cdktf/provider-aws', message: 'Import the resource by deep path: @cdktf/provider-aws/lib/<resource>.' }],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests build partial fixtures of synthesized JSON; loose types there are deliberate.
    files: ['**/*.spec.ts', '**/*.e2e.ts', '**/*.fixture.ts', '**/test-support/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
];
