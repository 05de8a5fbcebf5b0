import { readFileSync } from 'node:fs';
import { generateSigningKey } from '../cognito/keys';

/**
 * Signing keys handed out in turn: every test builds twins, and RSA key generation dominated their run time.
 * Jest's global setup makes them once per run (`TWIN_TEST_KEYS_FILE`); without it they are made once per test
 * file. Sixteen keys keep the kids of one data directory unique for up to eight pools.
 */
const reusableKeys: { kid: string; privateJwk: string }[] = sharedKeys();
let nextKey = 0;
export function reusableKey(): { kid: string; privateJwk: string } {
  const i = nextKey++ % 16;
  reusableKeys[i] ??= generateSigningKey();
  return reusableKeys[i];
}

function sharedKeys(): { kid: string; privateJwk: string }[] {
  const file = process.env['TWIN_TEST_KEYS_FILE'];
  if (!file) return [];
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { kid: string; privateJwk: string }[]).slice(0, 16);
  } catch {
    return [];
  }
}

/** Cheap scrypt for tests that do not measure hashing itself. */
export const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };
