import { createHash, createPrivateKey, createPublicKey, generateKeyPair, generateKeyPairSync, JsonWebKey, KeyObject } from 'node:crypto';

/** One RS256 signing key of a pool. */
export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  /** The public half as published in the pool's JWKS. */
  readonly publicJwk: JsonWebKey;
}

/** Generates an RSA 2048 key; its kid is the base64 SHA-256 of the modulus, shaped like Cognito's kids. */
export function generateSigningKey(): { kid: string; privateJwk: string } {
  return exported(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
}

/** generateSigningKey off the event loop (in libuv's thread pool): what a new pool's keys are made with. */
export function generateSigningKeyAsync(): Promise<{ kid: string; privateJwk: string }> {
  return new Promise((resolve, reject) => generateKeyPair('rsa', { modulusLength: 2048 }, (err, _pub, privateKey) => (err ? reject(err) : resolve(exported(privateKey)))));
}

function exported(privateKey: KeyObject): { kid: string; privateJwk: string } {
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
