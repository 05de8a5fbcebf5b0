module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'user-pool',
  rootDir: __dirname,
};
