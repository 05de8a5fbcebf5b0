module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'handlers',
  rootDir: __dirname,
};
