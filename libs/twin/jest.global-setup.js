// Generates the RSA signing keys that tests hand to their twins (see reusableKey in
// src/test-support/keys.ts) once per Jest run instead of once per test file: key generation was the largest
// share of the suite's CPU time. Workers inherit the file's path through the environment; the fixture generates its
// own keys when run without it.
const { createHash, generateKeyPair } = require('node:crypto');
const { mkdtempSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { promisify } = require('node:util');

const KEYS = 16;

module.exports = async function globalSetup() {
  const keys = await Promise.all(
    Array.from({ length: KEYS }, async () => {
      const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
      const jwk = privateKey.export({ format: 'jwk' });
      return { kid: createHash('sha256').update(String(jwk.n)).digest('base64'), privateJwk: JSON.stringify(jwk) };
    }),
  );
  const dir = mkdtempSync(join(tmpdir(), 'twin-test-keys-'));
  const file = join(dir, 'keys.json');
  writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  process.env.TWIN_TEST_KEYS_FILE = file;
};
