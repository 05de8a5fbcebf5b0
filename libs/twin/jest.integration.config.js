// The twin's integration tests: headless Chromium, the CLI in a child process, timing-sensitive security checks.
module.exports = {
  ...require('./jest.config.js'),
  displayName: 'twin:integration',
  testMatch: ['<rootDir>/src/**/*.integration.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
};
