import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, JsonWebKey, KeyObject } from 'node:crypto';

/** One RS256 signing key of a pool. */
export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  /** The public half as published in the pool's JWKS. */
  readonly publicJwk: JsonWebKey;
}

/** Generates an RSA 2048 key; its kid is the base64 SHA-256 of the modulus, shaped like Cognito's kids. */
export function generateSigningKey(): { kid: string; privateJwk: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  const kid = createHash('sha256').update(String(jwk.n)).digest('base64');
  return { kid, privateJwk: JSON.stringify(jwk) };
}

/** Loads a stored key. */
export function loadSigningKey(kid: string, privateJwk: string): SigningKey {
  const privateKey = createPrivateKey({ key: JSON.parse(privateJwk) as JsonWebKey, format: 'jwk' });
  const pub = createPublicKey(privateKey).export({ format: 'jwk' });
  return { kid, privateKey, publicJwk: { alg: 'RS256', e: pub.e, kid, kty: 'RSA', n: pub.n, use: 'sig' } };
}
