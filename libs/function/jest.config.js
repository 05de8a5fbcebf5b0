module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'function',
  rootDir: __dirname,
};
