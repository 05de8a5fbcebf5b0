import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';

/** `length` characters drawn uniformly from `alphabet`. */
export function randomString(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** A UUID v4, as Cognito uses for `sub`, `jti`, `origin_jti` and `event_id`, and AWS for request ids. */
export function uuid(): string {
  return randomUUID();
}

/** An unguessable opaque value (codes, sessions, CSRF tokens). */
export function opaque(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 hex of a secret value, so that the store never holds the value itself. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A stable id in API Gateway's alphabet (lower-case letters and digits) derived from a seed such as a Terraform
 * address, so that a restart of the twin keeps every invoke URL, and a renamed resource gets a new id as on AWS.
 */
export function stableId(seed: string, length: number): string {
  const digest = createHash('sha256').update(seed).digest();
  let out = '';
  for (let i = 0; i < length; i++) out += LOWER_ALNUM[digest[i] % LOWER_ALNUM.length];
  return out;
}
