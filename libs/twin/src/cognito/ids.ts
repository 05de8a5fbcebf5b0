import { randomBytes } from 'node:crypto';
import { randomString } from '../shared/ids';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

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

/**
 * An opaque refresh token shaped like Cognito's (five base64url segments, like a JWE), carrying nothing the
 * twin reads: the store keeps only its SHA-256.
 */
export function newRefreshToken(): string {
  const header = Buffer.from(JSON.stringify({ cty: 'JWT', enc: 'A256GCM', alg: 'RSA-OAEP' })).toString('base64url');
  return [header, randomBytes(256).toString('base64url'), randomBytes(12).toString('base64url'), randomBytes(384).toString('base64url'), randomBytes(16).toString('base64url')].join('.');
}
