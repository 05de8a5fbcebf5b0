import * as oidc from 'openid-client';
import { CALLBACK, ids, RunningTwin, startTwin } from '../test-support';
import { formOf, MiniBrowser } from './browser.fixture';

// Each spec builds a twin (RSA keys, scrypt) and talks HTTP: generous limits keep a loaded machine from failing it.
jest.setTimeout(30_000);

let t: RunningTwin;
let id: ReturnType<typeof ids>;

beforeAll(async () => {
  t = await startTwin();
  id = ids(t.twin);
  const pool = t.twin.cognito.directory.byId(id.pool);
  if (!pool) throw new Error('pool');
  const { user } = await t.twin.cognito.service.createUser(pool, { username: 'oidc@example.com', attributes: { email_verified: 'true' }, temporaryPassword: 'Temp-Passw0rd-1' });
  await t.twin.cognito.service.setPassword(pool, user, 'Str0ng-Passw0rd!', true);
});
afterAll(() => t.close());

describe('a standard OIDC client library (openid-client 6) against the twin', () => {
  it('discovers the issuer and completes code + PKCE, then userInfo, refresh and revocation', async () => {
    const issuer = new URL(`${t.base}/${id.pool}`);
    // openid-client refuses plain http unless told; the twin's issuer is loopback http.
    const config = await oidc.discovery(issuer, id.web, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    expect(config.serverMetadata().issuer).toBe(issuer.href);
    expect(config.serverMetadata().token_endpoint).toBe(`${t.base}/auth/twin-test/oauth2/token`);

    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: CALLBACK, scope: 'openid email', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state, nonce,
    });

    const browser = new MiniBrowser(t.base);
    const toLogin = await browser.request(url.href);
    const login = await browser.request(String(toLogin.headers.get('location')));
    const { action, fields } = formOf(await login.text());
    const done = await browser.request(action, { form: { ...fields, username: 'oidc@example.com', password: 'Str0ng-Passw0rd!' } });
    const callback = new URL(String(done.headers.get('location')));
    expect(callback.href.startsWith(CALLBACK)).toBe(true);

    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
    const claims = tokens.claims();
    expect(claims).toMatchObject({ iss: issuer.href, aud: id.web, email: 'oidc@example.com', token_use: 'id', nonce });
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.refresh_token).toBeDefined();

    const info = await oidc.fetchUserInfo(config, tokens.access_token, String(claims?.sub));
    expect(info).toMatchObject({ sub: claims?.sub, email: 'oidc@example.com' });

    const refreshed = await oidc.refreshTokenGrant(config, String(tokens.refresh_token));
    expect(refreshed.access_token).not.toBe(tokens.access_token);

    await oidc.tokenRevocation(config, String(tokens.refresh_token));
    await expect(oidc.refreshTokenGrant(config, String(tokens.refresh_token))).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
