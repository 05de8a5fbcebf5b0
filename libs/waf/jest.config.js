module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'waf',
  rootDir: __dirname,
};
