import { InitiateAuthCommand, CognitoIdentityProviderClient, AdminCreateUserCommand, RespondToAuthChallengeCommand } from '@aws-sdk/client-cognito-identity-provider';
import { JwtRsaVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { ids, RunningTwin, startTwin } from '../test-support';
import { atHash } from './tokens';

// Each spec builds a twin (RSA keys, scrypt) and talks HTTP: generous limits keep a loaded machine from failing it.
jest.setTimeout(30_000);

let t: RunningTwin;
let id: ReturnType<typeof ids>;
let tokens: { IdToken?: string; AccessToken?: string; RefreshToken?: string };

beforeAll(async () => {
  t = await startTwin();
  id = ids(t.twin);
  const cognito = new CognitoIdentityProviderClient({ endpoint: t.base, region: 'eu-west-1', credentials: t.twin.account.credentials(), maxAttempts: 1 });
  await cognito.send(new AdminCreateUserCommand({ UserPoolId: id.pool, Username: 'claims@example.com', TemporaryPassword: 'Temp-Passw0rd-1', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email_verified', Value: 'true' }] }));
  const first = await cognito.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: id.web, AuthParameters: { USERNAME: 'claims@example.com', PASSWORD: 'Temp-Passw0rd-1' } }));
  const done = await cognito.send(new RespondToAuthChallengeCommand({ ClientId: id.web, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: first.Session, ChallengeResponses: { USERNAME: 'claims@example.com', NEW_PASSWORD: 'Str0ng-Passw0rd!' } }));
  tokens = done.AuthenticationResult ?? {};
  cognito.destroy();
});
afterAll(() => t.close());

describe('tokens as Cognito issues them', () => {
  it('signs ID and access tokens with RS256 under two different kids, both in the pool JWKS', async () => {
    const idHeader = decodeProtectedHeader(String(tokens.IdToken));
    const accessHeader = decodeProtectedHeader(String(tokens.AccessToken));
    expect(idHeader.alg).toBe('RS256');
    expect(accessHeader.alg).toBe('RS256');
    expect(idHeader.kid).not.toBe(accessHeader.kid);
    const jwks = (await (await fetch(`${t.base}/${id.pool}/.well-known/jwks.json`)).json()) as { keys: Record<string, string>[] };
    expect(jwks.keys.map((k) => k.kid).sort()).toEqual([idHeader.kid, accessHeader.kid].sort());
    for (const k of jwks.keys) {
      expect(k).toEqual({ alg: 'RS256', e: 'AQAB', kid: k.kid, kty: 'RSA', n: expect.any(String), use: 'sig' });
      expect(Object.keys(k)).not.toEqual(expect.arrayContaining(['d', 'p', 'q', 'dp', 'dq', 'qi']));
    }
  });

  it('puts the claims Cognito documents for ID tokens in the ID token', () => {
    const c = decodeJwt(String(tokens.IdToken));
    expect(Object.keys(c).sort()).toEqual(['aud', 'auth_time', 'cognito:username', 'email', 'email_verified', 'event_id', 'exp', 'iat', 'iss', 'jti', 'origin_jti', 'sub', 'token_use'].sort());
    expect(c).toMatchObject({ aud: id.web, email: 'claims@example.com', email_verified: true, token_use: 'id', iss: `${t.base}/${id.pool}` });
    expect(c['cognito:username']).toBe(c.sub);
    expect(c.exp).toBe(Number(c.iat) + 3600);
  });

  it('puts the claims Cognito documents for access tokens in the access token, with no aud', () => {
    const c = decodeJwt(String(tokens.AccessToken));
    expect(Object.keys(c).sort()).toEqual(['auth_time', 'client_id', 'event_id', 'exp', 'iat', 'iss', 'jti', 'origin_jti', 'scope', 'sub', 'token_use', 'username', 'version'].sort());
    expect(c).toMatchObject({ client_id: id.web, token_use: 'access', scope: 'aws.cognito.signin.user.admin', version: 2, iss: `${t.base}/${id.pool}` });
    const idc = decodeJwt(String(tokens.IdToken));
    expect(c.origin_jti).toBe(idc['origin_jti']);
    expect(c.event_id).toBe(idc['event_id']);
    expect(c.jti).not.toBe(idc.jti);
  });

  it('keeps refresh tokens opaque', () => {
    expect(() => decodeJwt(String(tokens.RefreshToken))).toThrow();
    expect(String(tokens.RefreshToken).split('.')).toHaveLength(5);
  });

  it('verifies with aws-jwt-verify against the twin JWKS (ID and access tokens)', async () => {
    // aws-jwt-verify's own fetcher speaks https only; the twin listens on loopback http.
    const jwksCache = new SimpleJwksCache({ fetcher: { fetch: async (uri: string) => (await fetch(uri)).arrayBuffer() } });
    const idVerifier = JwtRsaVerifier.create({ issuer: `${t.base}/${id.pool}`, audience: id.web, jwksUri: `${t.base}/${id.pool}/.well-known/jwks.json`, customJwtCheck: ({ payload }) => { if (payload['token_use'] !== 'id') throw new Error('not an ID token'); } }, { jwksCache });
    await expect(idVerifier.verify(String(tokens.IdToken))).resolves.toMatchObject({ email: 'claims@example.com' });
    const accessVerifier = JwtRsaVerifier.create({ issuer: `${t.base}/${id.pool}`, audience: null, jwksUri: `${t.base}/${id.pool}/.well-known/jwks.json` }, { jwksCache });
    await expect(accessVerifier.verify(String(tokens.AccessToken))).resolves.toMatchObject({ client_id: id.web });
    const otherPool = JwtRsaVerifier.create({ issuer: `${t.base}/${id.other}`, audience: null, jwksUri: `${t.base}/${id.other}/.well-known/jwks.json` }, { jwksCache });
    await expect(otherPool.verify(String(tokens.AccessToken))).rejects.toThrow();
    const [h, p, s] = String(tokens.IdToken).split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...decodeJwt(String(tokens.IdToken)), email: 'evil@example.com' })).toString('base64url')}.${s}`;
    await expect(idVerifier.verify(tampered)).rejects.toThrow();
    expect(p).toBeTruthy();
  });

  it('serves OpenID discovery under the issuer, pointing at the pool hosted UI', async () => {
    const doc = (await (await fetch(`${t.base}/${id.pool}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(doc).toEqual({
      authorization_endpoint: `${t.base}/auth/twin-test/oauth2/authorize`,
      end_session_endpoint: `${t.base}/auth/twin-test/logout`,
      id_token_signing_alg_values_supported: ['RS256'],
      issuer: `${t.base}/${id.pool}`,
      jwks_uri: `${t.base}/${id.pool}/.well-known/jwks.json`,
      response_types_supported: ['code', 'token'],
      revocation_endpoint: `${t.base}/auth/twin-test/oauth2/revoke`,
      scopes_supported: ['openid', 'email', 'phone', 'profile'],
      subject_types_supported: ['public'],
      token_endpoint: `${t.base}/auth/twin-test/oauth2/token`,
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      userinfo_endpoint: `${t.base}/auth/twin-test/oauth2/userInfo`,
    });
    const other = (await (await fetch(`${t.base}/${id.other}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(other['authorization_endpoint']).toBe(`${t.base}/auth/twin-other/oauth2/authorize`);
    expect((await fetch(`${t.base}/eu-west-1_Unknown00/.well-known/jwks.json`)).status).toBe(404);
  });

  it('computes at_hash as OIDC defines it', () => {
    // The access token / at_hash pair of OpenID Connect Core 1.0, appendix A.3.
    expect(atHash('jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y')).toBe('77QmUPtjPfzWtF2AnpK9RQ');
  });
});
