import { createHash } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A stable id in API Gateway's alphabet (lower-case letters and digits) derived from the Terraform address, so that
 * a restart of the twin keeps every invoke URL, and a renamed resource gets a new id as it would on AWS.
 */
export function stableId(seed: string, length: number): string {
  const digest = createHash('sha256').update(seed).digest();
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[digest[i] % ALPHABET.length];
  return out;
}
