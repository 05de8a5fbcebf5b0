const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'twin',
  // The largest suite: two workers let it use the second core once the smaller projects are done.
  maxWorkers: 2,
  // Its specs start servers and talk HTTP while `npm test` runs other projects' tasks on the same 2 cores: Jest's 5 s
  // default failed a one-request spec under that load (a timeout here is no speed check; the benchmarks are).
  testTimeout: 30_000,
  rootDir: __dirname,
  globalSetup: '<rootDir>/jest.global-setup.js',
  globalTeardown: '<rootDir>/jest.global-teardown.js',
  transform: {
    ...preset.transform,
    '/node_modules/(jose|openid-client|oauth4webapi)/.+\\.js$': require.resolve('./jest.esm-transform.js'),
  },
  transformIgnorePatterns: ['/node_modules/(?!(jose|openid-client|oauth4webapi)/)'],
};
