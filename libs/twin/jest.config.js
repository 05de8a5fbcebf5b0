const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'twin',
  rootDir: __dirname,
  transform: {
    ...preset.transform,
    '/node_modules/(jose|openid-client|oauth4webapi)/.+\\.js$': require.resolve('./jest.esm-transform.js'),
  },
  transformIgnorePatterns: ['/node_modules/(?!(jose|openid-client|oauth4webapi)/)'],
};
