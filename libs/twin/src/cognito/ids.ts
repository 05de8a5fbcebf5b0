import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

function randomString(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** A user pool id as AWS makes them: `<region>_<9 letters or digits>`. */
export function newPoolId(region: string): string {
  return `${region}_${randomString(ALNUM, 9)}`;
}

/** An app client id: 26 lower-case letters and digits. */
export function newClientId(): string {
  return randomString(LOWER_ALNUM, 26);
}

/** An app client secret: 51 lower-case letters and digits. */
export function newClientSecret(): string {
  return randomString(LOWER_ALNUM, 51);
}

/** A UUID v4, as Cognito uses for `sub`, `jti`, `origin_jti` and `event_id`. */
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

/**
 * An opaque refresh token shaped like Cognito's (five base64url segments, like a JWE), carrying nothing the
 * twin reads: the store keeps only its SHA-256.
 */
export function newRefreshToken(): string {
  const header = Buffer.from(JSON.stringify({ cty: 'JWT', enc: 'A256GCM', alg: 'RSA-OAEP' })).toString('base64url');
  return [header, randomBytes(256).toString('base64url'), randomBytes(12).toString('base64url'), randomBytes(384).toString('base64url'), randomBytes(16).toString('base64url')].join('.');
}
