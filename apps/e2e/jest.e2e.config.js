// The walk-through suite: runs only through `nx run <env>:e2e` (apps/e2e/src/run.ts), which provides E2E_OUTPUTS.
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.e2e.ts'],
  testTimeout: 120_000,
  maxWorkers: 1,
};
