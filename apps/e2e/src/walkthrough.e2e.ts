/**
 * The walk-through, end to end, against whatever the outputs file describes: the local twin (`nx run dev:e2e`)
 * or a real deployment (`nx run dev:e2e --outputs cdktf.out/stacks/dev/outputs.json`, AWS credentials allowed to
 * manage the pool's users). Every step is a request a person or a browser makes.
 */
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { authorizeUrl, claimsOf, launchChromium, pkcePair, redeemCode, signInOnHostedUi, strongPassword, type TokenSet } from './lib/hosted-ui';
import { readTarget } from './lib/outputs';
import { runPostmanCollection } from './lib/postman';

const outputsFile = process.env['E2E_OUTPUTS'];
if (!outputsFile) throw new Error('E2E_OUTPUTS is not set. Fix: run the suite through `nx run <env>:e2e` (it starts the twin or takes --outputs FILE).');
const target = readTarget(outputsFile);
const api = (path: string, token?: string) => fetch(`${target.invokeUrl}${path}`, { headers: token ? { authorization: token } : {} });
/** `POST path` with `body` as is and its content type (the orders handler answers 415 for anything but JSON). */
const post = (path: string, token: string, body: string, contentType = 'application/json') =>
  fetch(`${target.invokeUrl}${path}`, { method: 'POST', headers: { authorization: token, 'content-type': contentType }, body });
// The scope POST /orders requires (the environment stacks' resource server), spelled out: the suite tests the contract.
const ORDERS_WRITE_SCOPE = 'api/orders.write';
const SCOPES = `openid email profile ${ORDERS_WRITE_SCOPE}`;

describe(`walk-through against ${target.kind === 'twin' ? 'the local twin' : 'AWS'}`, () => {
  let browser: Browser;
  let cognito: CognitoIdentityProviderClient;
  let username: string;
  let createdUser = false;
  let password: string;
  let tokens: TokenSet;

  beforeAll(async () => {
    browser = await launchChromium();
    cognito = new CognitoIdentityProviderClient({
      region: target.region,
      ...(target.cognitoEndpoint ? { endpoint: target.cognitoEndpoint, credentials: target.twinCredentials } : {}),
    });
    // A temporary password set by an administrator puts the user in FORCE_CHANGE_PASSWORD, as at creation.
    const temporary = strongPassword();
    if (target.users.length > 0) {
      username = target.users[0];
    } else {
      username = `e2e-${Date.now()}@example.com`;
      await cognito.send(new AdminCreateUserCommand({ UserPoolId: target.userPoolId, Username: username, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: username }, { Name: 'email_verified', Value: 'true' }] }));
      createdUser = true;
    }
    await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: target.userPoolId, Username: username, Password: temporary, Permanent: false }));
    password = temporary;
  });

  afterAll(async () => {
    if (createdUser) await cognito.send(new AdminDeleteUserCommand({ UserPoolId: target.userPoolId, Username: username })).catch(() => undefined);
    cognito?.destroy();
    await browser?.close();
  });

  it('public route without a token: 200', async () => {
    const res = await api(target.routes.public);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amzn-requestid')).toBeTruthy();
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('protected route without a token: 401 Unauthorized', async () => {
    const res = await api(target.routes.protected);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: 'Unauthorized' });
  });

  it('first sign-in on the hosted UI forces a new password, code + PKCE returns ID and access tokens', async () => {
    const { verifier, challenge } = pkcePair();
    const state = strongPassword();
    const newPassword = strongPassword();
    const result = await signInOnHostedUi(browser, {
      authorizeUrl: authorizeUrl(target.hostedUiBaseUrl, { response_type: 'code', client_id: target.clientId, redirect_uri: target.callbackUrl, scope: SCOPES, state, code_challenge: challenge, code_challenge_method: 'S256' }),
      callbackUrl: target.callbackUrl,
      username,
      password,
      newPassword,
    });
    expect(result.changedPassword).toBe(true);
    password = newPassword;
    expect(result.url.searchParams.get('state')).toBe(state);
    const code = result.url.searchParams.get('code');
    expect(code).toBeTruthy();
    tokens = await redeemCode(target.hostedUiBaseUrl, { clientId: target.clientId, code: code!, redirectUri: target.callbackUrl, verifier });
    expect(tokens.token_type).toBe('Bearer');
    expect(claimsOf(tokens.id_token)).toMatchObject({ token_use: 'id', aud: target.clientId, email: username, iss: expect.stringMatching(new RegExp(`/${target.userPoolId}$`)) });
    expect(claimsOf(tokens.access_token)).toMatchObject({ token_use: 'access', client_id: target.clientId, scope: expect.stringContaining(ORDERS_WRITE_SCOPE) });
  });

  it('the implicit grant returns tokens in the URL fragment where the client allows it, unauthorized_client where not', async () => {
    if (!target.implicitGrant) {
      const res = await fetch(authorizeUrl(target.hostedUiBaseUrl, { response_type: 'token', client_id: target.clientId, redirect_uri: target.callbackUrl, scope: 'openid' }), { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(new URL(res.headers.get('location')!).searchParams.get('error')).toBe('unauthorized_client');
      return;
    }
    const state = strongPassword();
    const result = await signInOnHostedUi(browser, {
      authorizeUrl: authorizeUrl(target.hostedUiBaseUrl, { response_type: 'token', client_id: target.clientId, redirect_uri: target.callbackUrl, scope: SCOPES, state }),
      callbackUrl: target.callbackUrl,
      username,
      password,
      newPassword: strongPassword(),
    });
    expect(result.changedPassword).toBe(false);
    const fragment = new URLSearchParams(result.url.hash.slice(1));
    expect(fragment.get('token_type')).toBe('Bearer');
    expect(fragment.get('state')).toBe(state);
    expect(Number(fragment.get('expires_in'))).toBeGreaterThan(0);
    const res = await api(target.routes.protected, fragment.get('id_token')!);
    expect(res.status).toBe(200);
  });

  // Against a twin over HTTPS (`nx run dev:e2e:tls`), everything a client sees names https, as on AWS.
  (process.env['E2E_TLS_SPKI'] ? it : it.skip)('over HTTPS: every URL of the outputs and the tokens\' issuer carry https://', () => {
    for (const url of [target.invokeUrl, target.hostedUiBaseUrl, target.issuerUrl, target.cognitoEndpoint]) expect(url).toMatch(/^https:\/\//);
    expect(claimsOf(tokens.id_token)['iss']).toBe(target.issuerUrl);
    expect(claimsOf(tokens.access_token)['iss']).toBe(target.issuerUrl);
  });

  it('ID token on GET /me: 200 naming the signed-in user, raw or with Bearer', async () => {
    const sub = claimsOf(tokens.id_token)['sub'];
    expect(sub).toBeTruthy();
    for (const header of [tokens.id_token, `Bearer ${tokens.id_token}`]) {
      const res = await api(target.routes.protected, header);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      // The identity comes from the claims API Gateway verified, so it is the user who signed in on the hosted UI.
      expect(await res.json()).toMatchObject({ sub, email: username, tokenUse: 'id', clientId: target.clientId, issuer: claimsOf(tokens.id_token)['iss'] });
    }
  });

  it('access token on a route without scopes: 401 (such routes take ID tokens only)', async () => {
    const res = await api(target.routes.protected, tokens.access_token);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: 'Unauthorized' });
  });

  it('access token holding the scope on POST /orders: 201 with the order and its location', async () => {
    const res = await post(target.routes.scoped, tokens.access_token, JSON.stringify({ item: 'coffee', quantity: 2 }));
    expect(res.status).toBe(201);
    const order = (await res.json()) as Record<string, unknown>;
    expect(order).toEqual({ id: expect.stringMatching(/^ord_[a-z2-7]{20}$/), item: 'coffee', quantity: 2, status: 'received', createdAt: expect.any(String), createdBy: claimsOf(tokens.access_token)['sub'] });
    expect(order['createdBy']).toBe(claimsOf(tokens.id_token)['sub']);
    expect(Number.isNaN(Date.parse(order['createdAt'] as string))).toBe(false);
    expect(res.headers.get('location')).toBe(`${target.routes.scoped}/${order['id'] as string}`);
  });

  it('POST /orders with a bad body: 400 naming the field; not JSON: 415', async () => {
    for (const [body, field] of [[{ item: 'coffee', quantity: 0 }, 'quantity'], [{ quantity: 2 }, 'item']] as const) {
      const res = await post(target.routes.scoped, tokens.access_token, JSON.stringify(body));
      expect(res.status).toBe(400);
      expect(((await res.json()) as { message: string }).message).toMatch(new RegExp(`\\b${field}\\b`));
    }
    const res = await post(target.routes.scoped, tokens.access_token, 'item=coffee&quantity=2', 'application/x-www-form-urlencoded');
    expect(res.status).toBe(415);
  });

  // The web ACL inspects requests before API Gateway does: a body over its size limit never reaches the authorizer
  // or the function, and API Gateway answers WAF's block with 403 {"message":"Forbidden"}.
  const bodyLimit = target.webAcl?.bodySizeLimit ?? 0;
  (bodyLimit > 0 ? it : it.skip)('POST /orders with a body over the web ACL size limit: 403 Forbidden from WAF; at the limit it passes WAF', async () => {
    const order = (note: string) => JSON.stringify({ item: 'coffee', quantity: 1, note });
    const padding = bodyLimit - Buffer.byteLength(order(''));
    const over = await post(target.routes.scoped, tokens.access_token, order('x'.repeat(padding + 1)));
    expect(over.status).toBe(403);
    expect(await over.json()).toEqual({ message: 'Forbidden' });
    const at = await post(target.routes.scoped, tokens.access_token, order('x'.repeat(padding)));
    // The handler may refuse a note that long (400), but WAF let it through.
    expect([201, 400]).toContain(at.status);
  });

  it('ID token on POST /orders: 401 (scoped routes take access tokens only)', async () => {
    const res = await post(target.routes.scoped, tokens.id_token, JSON.stringify({ item: 'coffee', quantity: 2 }));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: 'Unauthorized' });
  });

  it('tampered tokens: 401', async () => {
    const [h, p, s] = tokens.id_token.split('.');
    const claims = claimsOf(tokens.id_token);
    const forged = Buffer.from(JSON.stringify({ ...claims, email: 'admin@example.com' })).toString('base64url');
    const flipped = s.slice(0, -4) + (s.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA');
    for (const bad of [`${h}.${forged}.${s}`, `${h}.${p}.${flipped}`, `${h}.${p}.`, 'not-a-token']) {
      const res = await api(target.routes.protected, bad);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ message: 'Unauthorized' });
    }
  });

  it('expired token: 401 "The incoming token has expired"', async () => {
    const expired = process.env['E2E_EXPIRED_ID_TOKEN'];
    if (!expired) {
      console.warn('no E2E_EXPIRED_ID_TOKEN given: the runner mints one on the twin; against AWS pass an ID token of this pool older than its validity');
    }
    expect(expired).toBeTruthy();
    const res = await api(target.routes.protected, expired!);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: 'The incoming token has expired' });
  });

  it('the Postman collection passes under newman', async () => {
    const summary = await runPostmanCollection(join(__dirname, '../postman/secure-api.postman_collection.json'), {
      invokeUrl: target.invokeUrl,
      publicPath: target.routes.public,
      protectedPath: target.routes.protected,
      scopedPath: target.routes.scoped,
      idToken: tokens.id_token,
      accessToken: tokens.access_token,
    });
    expect(summary.failures).toEqual([]);
    expect(summary.assertions).toBeGreaterThanOrEqual(10);
  });
});
