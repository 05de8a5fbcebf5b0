// Tooling tests that spawn processes (a stub terraform, git worktrees and synth runs) or read the real project graph.
module.exports = {
  ...require('./jest.config.js'),
  displayName: 'tooling:integration',
  testMatch: ['<rootDir>/src/**/*.integration.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
};
