// Removes the test keys jest.global-setup.js wrote.
const { rmSync } = require('node:fs');
const { dirname } = require('node:path');

module.exports = async function globalTeardown() {
  const file = process.env.TWIN_TEST_KEYS_FILE;
  if (file) rmSync(dirname(file), { recursive: true, force: true });
};
