module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'secure-api',
  rootDir: __dirname,
};
