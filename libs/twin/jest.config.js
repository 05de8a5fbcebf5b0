module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'twin',
  rootDir: __dirname,
};
