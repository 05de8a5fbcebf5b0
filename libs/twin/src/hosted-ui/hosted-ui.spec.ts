import { decodeJwt } from 'jose';
import { CALLBACK, ids, LOGOUT, RunningTwin, startTwin, TestClock } from '../test-support';
import { atHash } from '../cognito/tokens';
import { formOf, MiniBrowser, pkce } from './browser.fixture';

// Each spec builds a twin (RSA keys, scrypt) and talks HTTP: generous limits keep a loaded machine from failing it.
jest.setTimeout(30_000);

let t: RunningTwin;
let id: ReturnType<typeof ids>;
let clock: TestClock;
const UI = '/auth/twin-test';
const STRONG = 'Str0ng-Passw0rd!';
const TEMP = 'Temp-Passw0rd-1';

beforeAll(async () => {
  clock = new TestClock();
  t = await startTwin({ clock });
  id = ids(t.twin);
});
afterAll(() => t.close());

let n = 0;
/** An admin-created user (FORCE_CHANGE_PASSWORD) or, with `confirmed`, one that already chose a password. */
async function user(confirmed = true): Promise<string> {
  const email = `hosted-${++n}@example.com`;
  const pool = t.twin.cognito.directory.byId(id.pool);
  if (!pool) throw new Error('pool');
  const { user: u } = await t.twin.cognito.service.createUser(pool, { username: email, attributes: { email_verified: 'true' }, temporaryPassword: TEMP });
  if (confirmed) await t.twin.cognito.service.setPassword(pool, u, STRONG, true);
  return email;
}

function authorizeQuery(extra: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries({ client_id: id.web, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid email', state: 'st-1', ...extra })) {
    if (v !== undefined) q.set(k, v);
  }
  return q.toString();
}

/** Follows authorize → login and submits the form; returns the last response. */
async function signIn(b: MiniBrowser, query: string, username: string, password: string): Promise<Response> {
  const start = await b.request(`${UI}/oauth2/authorize?${query}`);
  expect(start.status).toBe(302);
  const login = await b.request(String(start.headers.get('location')));
  expect(login.status).toBe(200);
  const { action, fields } = formOf(await login.text());
  return b.request(action, { form: { ...fields, username, password } });
}

function location(res: Response): URL {
  expect(res.status).toBe(302);
  return new URL(String(res.headers.get('location')), 'http://twin.invalid');
}

async function redeem(form: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${t.base}${UI}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form).toString() });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('hosted UI pages', () => {
  it('authorize sends an anonymous browser to /login with the same parameters', async () => {
    const b = new MiniBrowser(t.base);
    const res = await b.request(`${UI}/oauth2/authorize?${authorizeQuery()}`);
    const loc = location(res);
    expect(loc.pathname).toBe(`${UI}/login`);
    expect(Object.fromEntries(loc.searchParams)).toEqual({ client_id: id.web, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid email', state: 'st-1' });
  });

  it('renders a real login form with a CSRF token in an HttpOnly, path-scoped cookie and strict headers', async () => {
    const b = new MiniBrowser(t.base);
    const res = await b.request(`${UI}/login?${authorizeQuery()}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const csp = String(res.headers.get('content-security-policy'));
    expect(csp).toMatch(/default-src 'none'; style-src 'nonce-[\w-]+'/);
    expect(csp).toContain("form-action 'self' http://localhost:3000 https://app.example.com");
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await res.text();
    expect(html).toContain('<form method="post"');
    expect(html).not.toContain('<script');
    const { action, fields } = formOf(html);
    expect(action).toBe(`${UI}/login?${authorizeQuery()}`);
    const xsrf = b.cookie('XSRF-TOKEN');
    expect(xsrf?.value).toBe(fields['_csrf']);
    expect(xsrf?.attributes).toMatch(/Path=\/auth\/twin-test; HttpOnly; SameSite=Lax/);
  });

  it('refuses a login POST without the CSRF token, or with another one', async () => {
    const email = await user();
    const b = new MiniBrowser(t.base);
    const page = await b.request(`${UI}/login?${authorizeQuery()}`);
    const { action, fields } = formOf(await page.text());
    const missing = await b.request(action, { form: { username: email, password: STRONG } });
    expect(missing.status).toBe(403);
    expect(await missing.text()).toContain('invalid_csrf_token');
    const forged = await b.request(action, { form: { _csrf: 'x'.repeat(43), username: email, password: STRONG } });
    expect(forged.status).toBe(403);
    const stranger = new MiniBrowser(t.base);
    const replayed = await stranger.request(action, { form: { ...fields, username: email, password: STRONG } });
    expect(replayed.status).toBe(403);
  });

  it('refuses a change-password POST without the CSRF token, with another one or from another browser, keeping the challenge', async () => {
    const email = await user(false);
    const b = new MiniBrowser(t.base);
    const change = await signIn(b, authorizeQuery(), email, TEMP);
    const { action, fields } = formOf(await change.text());
    expect(fields['session']).toBeTruthy();
    const { _csrf: _token, ...withoutToken } = fields;
    const attempts = [
      b.request(action, { form: { ...withoutToken, password: STRONG, confirm_password: STRONG } }),
      b.request(action, { form: { ...fields, _csrf: 'x'.repeat(43), password: STRONG, confirm_password: STRONG } }),
      new MiniBrowser(t.base).request(action, { form: { ...fields, password: STRONG, confirm_password: STRONG } }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('invalid_csrf_token');
    }
    const pool = t.twin.cognito.directory.byId(id.pool);
    if (!pool) throw new Error('pool');
    expect(t.twin.cognito.service.findUser(pool, email)?.status).toBe('FORCE_CHANGE_PASSWORD');
    const done = location(await b.request(action, { form: { ...fields, password: STRONG, confirm_password: STRONG } }));
    expect(done.searchParams.get('code')).toBeTruthy();
  });

  it('takes form bodies only, and refuses oversize ones with an HTML 413', async () => {
    const b = new MiniBrowser(t.base);
    const { action, fields } = formOf(await (await b.request(`${UI}/login?${authorizeQuery()}`)).text());
    const json = await fetch(`${t.base}${action}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: `XSRF-TOKEN=${fields['_csrf']}` }, body: JSON.stringify({ ...fields, username: 'a@example.com', password: STRONG }) });
    expect(json.status).toBe(415);
    expect(json.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const big = await b.request(action, { form: { ...fields, username: 'a'.repeat(20_000), password: STRONG } });
    expect(big.status).toBe(413);
    expect(big.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await big.text()).toContain('Request body is too large.');
  });

  it('shows the same page for a wrong password and an unknown user', async () => {
    const email = await user();
    const messages: string[] = [];
    for (const [name, pw] of [[email, 'Wrong-Passw0rd!'], ['nobody@example.com', 'Wrong-Passw0rd!']]) {
      const res = await signIn(new MiniBrowser(t.base), authorizeQuery(), name, pw);
      expect(res.status).toBe(200);
      messages.push(/id="errorMessage">([^<]*)</.exec(await res.text())?.[1] ?? '');
    }
    expect(messages).toEqual(['Incorrect username or password.', 'Incorrect username or password.']);
  });
});

describe('code grant with PKCE through the first-login password change', () => {
  it('forces a policy-conforming new password, then returns a single-use code redeemable once with the verifier', async () => {
    const email = await user(false);
    const b = new MiniBrowser(t.base);
    const { verifier, challenge } = pkce();
    const query = authorizeQuery({ code_challenge: challenge, code_challenge_method: 'S256', nonce: 'n-123' });
    const change = await signIn(b, query, email, TEMP);
    expect(change.status).toBe(200);
    const html = await change.text();
    expect(html).toContain('Change password');
    expect(html).toContain('At least 12 characters');
    let form = formOf(html);
    const weak = await b.request(form.action, { form: { ...form.fields, password: 'weakpassword', confirm_password: 'weakpassword' } });
    const weakHtml = await weak.text();
    expect(weakHtml).toContain('Password does not conform to policy: Password must have uppercase characters');
    form = formOf(weakHtml);
    const mismatch = await b.request(form.action, { form: { ...form.fields, password: STRONG, confirm_password: `${STRONG}x` } });
    const mismatchHtml = await mismatch.text();
    expect(mismatchHtml).toContain('Passwords do not match.');
    form = formOf(mismatchHtml);
    const done = await b.request(form.action, { form: { ...form.fields, password: STRONG, confirm_password: STRONG } });
    const cb = location(done);
    expect(`${cb.origin}${cb.pathname}`).toBe(CALLBACK);
    expect(cb.searchParams.get('state')).toBe('st-1');
    const code = String(cb.searchParams.get('code'));
    expect(code).toMatch(/^[\w-]{43}$/);
    expect(b.cookie('cognito')?.attributes).toMatch(/^Path=\/auth\/twin-test; HttpOnly; SameSite=Lax; Max-Age=3600$/);

    const missingVerifier = await redeem({ grant_type: 'authorization_code', client_id: id.web, code, redirect_uri: CALLBACK });
    expect(missingVerifier).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'code_verifier is required.' } });
    // Single use: a failed redemption burns the code too.
    expect((await redeem({ grant_type: 'authorization_code', client_id: id.web, code, redirect_uri: CALLBACK, code_verifier: verifier })).body['error']).toBe('invalid_grant');
  });

  it('issues ID, access and refresh tokens with at_hash and nonce, refreshes, and refuses a replayed code (revoking what it issued)', async () => {
    const email = await user();
    const b = new MiniBrowser(t.base);
    const { verifier, challenge } = pkce();
    const cb = location(await signIn(b, authorizeQuery({ code_challenge: challenge, code_challenge_method: 'S256', nonce: 'n-456', scope: 'openid email https://api.example.com/read' }), email, STRONG));
    const code = String(cb.searchParams.get('code'));
    const ok = await redeem({ grant_type: 'authorization_code', client_id: id.web, code, redirect_uri: CALLBACK, code_verifier: verifier });
    expect(ok.status).toBe(200);
    expect(Object.keys(ok.body).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'refresh_token', 'token_type']);
    expect(ok.body['token_type']).toBe('Bearer');
    expect(ok.body['expires_in']).toBe(3600);
    const idc = decodeJwt(String(ok.body['id_token']));
    expect(idc['at_hash']).toBe(atHash(String(ok.body['access_token'])));
    expect(idc['nonce']).toBe('n-456');
    expect(idc['email']).toBe(email);
    const access = decodeJwt(String(ok.body['access_token']));
    expect(Object.keys(access).sort()).toEqual(['auth_time', 'client_id', 'event_id', 'exp', 'iat', 'iss', 'jti', 'origin_jti', 'scope', 'sub', 'token_use', 'username', 'version']);
    expect(access).toMatchObject({ scope: 'openid email https://api.example.com/read', version: 2, token_use: 'access', client_id: id.web, origin_jti: idc['origin_jti'], event_id: idc['event_id'], auth_time: idc['auth_time'] });
    expect(Object.keys(idc).sort()).toEqual(['at_hash', 'aud', 'auth_time', 'cognito:username', 'email', 'email_verified', 'event_id', 'exp', 'iat', 'iss', 'jti', 'nonce', 'origin_jti', 'sub', 'token_use']);

    const refreshed = await redeem({ grant_type: 'refresh_token', client_id: id.web, refresh_token: String(ok.body['refresh_token']) });
    expect(refreshed.status).toBe(200);
    expect(Object.keys(refreshed.body).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'token_type']);

    const replay = await redeem({ grant_type: 'authorization_code', client_id: id.web, code, redirect_uri: CALLBACK, code_verifier: verifier });
    expect(replay).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'The code has already been used.' } });
    const afterReplay = await fetch(`${t.base}${UI}/oauth2/userInfo`, { headers: { authorization: `Bearer ${ok.body['access_token']}` } });
    expect(afterReplay.status).toBe(401);
  });

  it('signs a browser with a live session in without the login page', async () => {
    const email = await user();
    const b = new MiniBrowser(t.base);
    location(await signIn(b, authorizeQuery(), email, STRONG));
    const again = location(await b.request(`${UI}/oauth2/authorize?${authorizeQuery({ state: 'st-2' })}`));
    expect(`${again.origin}${again.pathname}`).toBe(CALLBACK);
    expect(again.searchParams.get('state')).toBe('st-2');
    expect(again.searchParams.get('code')).toBeTruthy();
    const forced = location(await b.request(`${UI}/oauth2/authorize?${authorizeQuery({ prompt: 'login' })}`));
    expect(forced.pathname).toBe(`${UI}/login`);
    const none = location(await new MiniBrowser(t.base).request(`${UI}/oauth2/authorize?${authorizeQuery({ prompt: 'none' })}`));
    expect(none.searchParams.get('error')).toBe('login_required');
  });
});

describe('implicit grant', () => {
  it('returns id_token, access_token, token_type, expires_in and state in the fragment, and no refresh token', async () => {
    const email = await user();
    const res = await signIn(new MiniBrowser(t.base), authorizeQuery({ response_type: 'token', nonce: 'imp' }), email, STRONG);
    const loc = location(res);
    expect(loc.search).toBe('');
    const f = new URLSearchParams(loc.hash.slice(1));
    expect([...f.keys()].sort()).toEqual(['access_token', 'expires_in', 'id_token', 'state', 'token_type']);
    expect(f.get('token_type')).toBe('Bearer');
    expect(f.get('expires_in')).toBe('3600');
    expect(f.get('state')).toBe('st-1');
    const idc = decodeJwt(String(f.get('id_token')));
    expect(idc['at_hash']).toBe(atHash(String(f.get('access_token'))));
    expect(idc['nonce']).toBe('imp');
  });

  it('omits the ID token without the openid scope', async () => {
    const email = await user();
    const f = new URLSearchParams(location(await signIn(new MiniBrowser(t.base), authorizeQuery({ response_type: 'token', scope: 'https://api.example.com/read' }), email, STRONG)).hash.slice(1));
    expect(f.get('id_token')).toBeNull();
    expect(decodeJwt(String(f.get('access_token')))['scope']).toBe('https://api.example.com/read');
  });

  it('is refused where the client does not allow it', async () => {
    const loc = location(await new MiniBrowser(t.base).request(`${UI}/oauth2/authorize?${authorizeQuery({ client_id: id.codeOnly, response_type: 'token' })}`));
    expect(`${loc.origin}${loc.pathname}`).toBe(CALLBACK);
    expect(loc.searchParams.get('error')).toBe('unauthorized_client');
    expect(loc.searchParams.get('state')).toBe('st-1');
  });
});

describe('authorize bad input (redirect_uri, client_id, response_type, PKCE)', () => {
  const mismatches = [
    'http://localhost:3000/callback/', 'http://localhost:3000/Callback', 'http://localhost:3001/callback', 'http://127.0.0.1:3000/callback',
    'https://localhost:3000/callback', 'http://localhost:3000/callback?x=1', 'http://localhost:3000/callback#x', 'http://localhost:3000/other',
    'https://evil.example.com/callback', 'HTTP://LOCALHOST:3000/callback', '',
  ];
  it.each(mismatches)('never redirects to an unregistered redirect_uri (%p): redirect_mismatch error page', async (uri) => {
    const res = await new MiniBrowser(t.base).request(`${UI}/oauth2/authorize?${authorizeQuery({ redirect_uri: uri || undefined })}`);
    const loc = location(res);
    expect(loc.pathname).toBe(`${UI}/error`);
    expect(Object.fromEntries(loc.searchParams)).toEqual({ error: 'redirect_mismatch', client_id: id.web });
  });

  it('renders the error page for redirect_mismatch and unknown clients, never reflecting markup', async () => {
    const page = await fetch(`${t.base}${UI}/error?error=redirect_mismatch&client_id=${id.web}`);
    expect(page.status).toBe(400);
    const html = await page.text();
    expect(html).toContain('An error was encountered with the requested page.');
    expect(html).toContain('redirect_mismatch');
    const evil = await (await fetch(`${t.base}${UI}/error?error=${encodeURIComponent('<script>alert(1)</script>')}`)).text();
    expect(evil).not.toContain('<script>');
    expect(evil).toContain('&#60;script&#62;');
    for (const client of [undefined, 'unknownclient00000000000000', id.otherWeb]) {
      const loc = location(await new MiniBrowser(t.base).request(`${UI}/oauth2/authorize?${authorizeQuery({ client_id: client })}`));
      expect(loc.pathname).toBe(`${UI}/error`);
      expect(loc.searchParams.get('error')).toBe('invalid_request');
    }
  });

  it.each([
    [{ response_type: undefined }, 'invalid_request'],
    [{ response_type: 'code token' }, 'invalid_request'],
    [{ response_type: 'id_token' }, 'invalid_request'],
    [{ scope: 'openid admin' }, 'invalid_scope'],
    [{ scope: 'aws.cognito.signin.user.admin' }, 'invalid_scope'],
    [{ code_challenge: pkce().challenge, code_challenge_method: 'plain' }, 'invalid_request'],
    [{ code_challenge: pkce().challenge }, 'invalid_request'],
    [{ code_challenge_method: 'S256' }, 'invalid_request'],
    [{ code_challenge: 'short', code_challenge_method: 'S256' }, 'invalid_request'],
    [{ identity_provider: 'Google' }, 'invalid_request'],
  ])('sends %p back to the registered callback as %s', async (extra, error) => {
    const loc = location(await new MiniBrowser(t.base).request(`${UI}/oauth2/authorize?${authorizeQuery(extra as Record<string, string>)}`));
    expect(`${loc.origin}${loc.pathname}`).toBe(CALLBACK);
    expect(loc.searchParams.get('error')).toBe(error);
    expect(loc.searchParams.get('state')).toBe('st-1');
  });

  it('answers a repeated parameter with an error page, never a 500', async () => {
    const res = await fetch(`${t.base}${UI}/oauth2/authorize?${authorizeQuery()}&client_id=${id.codeOnly}`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('invalid_request');
  });
});

describe('token endpoint bad input (client, code reuse and age, PKCE)', () => {
  async function code(extra: Record<string, string> = {}, clientId = id.web): Promise<{ code: string; verifier: string }> {
    const email = await user();
    const { verifier, challenge } = pkce();
    const loc = location(await signIn(new MiniBrowser(t.base), authorizeQuery({ client_id: clientId, code_challenge: challenge, code_challenge_method: 'S256', ...extra }), email, STRONG));
    return { code: String(loc.searchParams.get('code')), verifier };
  }

  it('refuses a wrong verifier, another redirect_uri, another client and an unknown code with invalid_grant', async () => {
    let c = await code();
    expect((await redeem({ grant_type: 'authorization_code', client_id: id.web, code: c.code, redirect_uri: CALLBACK, code_verifier: pkce().verifier })).body['error']).toBe('invalid_grant');
    c = await code();
    expect((await redeem({ grant_type: 'authorization_code', client_id: id.web, code: c.code, redirect_uri: 'https://app.example.com/cb', code_verifier: c.verifier })).body['error']).toBe('invalid_grant');
    c = await code();
    expect((await redeem({ grant_type: 'authorization_code', client_id: id.codeOnly, code: c.code, redirect_uri: CALLBACK, code_verifier: c.verifier })).body['error']).toBe('invalid_grant');
    expect((await redeem({ grant_type: 'authorization_code', client_id: id.web, code: 'unknown-code', redirect_uri: CALLBACK, code_verifier: c.verifier })).body['error']).toBe('invalid_grant');
  });

  it('refuses a missing redirect_uri with invalid_request, leaving the code redeemable', async () => {
    const c = await code();
    expect(await redeem({ grant_type: 'authorization_code', client_id: id.web, code: c.code, code_verifier: c.verifier })).toEqual({
      status: 400, body: { error: 'invalid_request', error_description: 'redirect_uri is required with the authorization_code grant.' },
    });
    expect((await redeem({ grant_type: 'authorization_code', client_id: id.web, code: c.code, redirect_uri: CALLBACK, code_verifier: c.verifier })).status).toBe(200);
  });

  it('refuses a code older than 5 minutes', async () => {
    const c = await code();
    clock.advance(5 * 60 * 1000 + 1);
    try {
      expect(await redeem({ grant_type: 'authorization_code', client_id: id.web, code: c.code, redirect_uri: CALLBACK, code_verifier: c.verifier })).toEqual({
        status: 400, body: { error: 'invalid_grant', error_description: 'The code is invalid or has expired.' },
      });
    } finally {
      clock.advance(-(5 * 60 * 1000 + 1));
    }
  });

  it('refuses a verifier sent for a code without challenge (invalid_request)', async () => {
    const email = await user();
    const loc = location(await signIn(new MiniBrowser(t.base), authorizeQuery(), email, STRONG));
    expect((await redeem({ grant_type: 'authorization_code', client_id: id.web, code: String(loc.searchParams.get('code')), redirect_uri: CALLBACK, code_verifier: pkce().verifier })).body['error']).toBe('invalid_request');
  });

  it('names missing and unsupported grant types, unknown clients, bad media types, oversize and repeated parameters', async () => {
    expect(await redeem({ client_id: id.web })).toEqual({ status: 400, body: { error: 'invalid_request', error_description: 'grant_type is required.' } });
    expect((await redeem({ grant_type: 'password', client_id: id.web, username: 'a', password: 'b' })).body['error']).toBe('unsupported_grant_type');
    expect((await redeem({ grant_type: 'authorization_code', client_id: 'unknownclient00000000000000', code: 'x' })).body['error']).toBe('invalid_client');
    expect((await redeem({ grant_type: 'authorization_code', client_id: id.otherWeb, code: 'x' })).body['error']).toBe('invalid_client');
    const json = await fetch(`${t.base}${UI}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'refresh_token', client_id: id.web, refresh_token: 'x' }) });
    expect(json.status).toBe(400);
    expect(await json.json()).toEqual({ error: 'invalid_request', error_description: 'Unsupported Content-Type.' });
    const big = await fetch(`${t.base}${UI}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=refresh_token&refresh_token=${'a'.repeat(20_000)}` });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: string }).error).toBe('invalid_request');
    const dup = await fetch(`${t.base}${UI}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=refresh_token&grant_type=authorization_code&client_id=${id.web}` });
    expect(dup.status).toBe(400);
    expect(((await dup.json()) as { error: string }).error).toBe('invalid_request');
    expect((await redeem({ grant_type: 'refresh_token', client_id: id.web, refresh_token: 'not-a-token' })).body).toEqual({ error: 'invalid_grant', error_description: 'Invalid Refresh Token' });
  });

  it('authenticates confidential clients by Basic or body secret, never both, never without', async () => {
    const basic = (secret: string) => ({ authorization: `Basic ${Buffer.from(`${id.confidential}:${secret}`).toString('base64')}` });
    const email = await user();
    const loc = location(await signIn(new MiniBrowser(t.base), authorizeQuery({ client_id: id.confidential, redirect_uri: 'https://app.example.com/cb' }), email, STRONG));
    const c = String(loc.searchParams.get('code'));
    expect((await redeem({ grant_type: 'authorization_code', client_id: id.confidential, code: c, redirect_uri: 'https://app.example.com/cb' })).body['error']).toBe('invalid_client');
    expect((await redeem({ grant_type: 'authorization_code', code: c, redirect_uri: 'https://app.example.com/cb' }, basic('wrong'))).body['error']).toBe('invalid_client');
    expect((await redeem({ grant_type: 'authorization_code', code: c, redirect_uri: 'https://app.example.com/cb', client_secret: id.confidentialSecret }, basic(id.confidentialSecret))).body['error']).toBe('invalid_request');
    const ok = await redeem({ grant_type: 'authorization_code', code: c, redirect_uri: 'https://app.example.com/cb' }, basic(id.confidentialSecret));
    expect(ok.status).toBe(200);
  });
});

describe('client_credentials', () => {
  const basic = () => ({ authorization: `Basic ${Buffer.from(`${id.machine}:${id.machineSecret}`).toString('base64')}` });

  it('issues an access token with the resource-server scopes to a confidential client', async () => {
    const ok = await redeem({ grant_type: 'client_credentials' }, basic());
    expect(ok.status).toBe(200);
    expect(Object.keys(ok.body).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
    const c = decodeJwt(String(ok.body['access_token']));
    expect(c).toMatchObject({ sub: id.machine, client_id: id.machine, token_use: 'access', scope: 'https://api.example.com/read' });
    expect((await redeem({ grant_type: 'client_credentials', client_id: id.machine, client_secret: id.machineSecret, scope: 'https://api.example.com/read' })).status).toBe(200);
  });

  it('refuses other scopes, public clients and clients without the flow', async () => {
    expect((await redeem({ grant_type: 'client_credentials', scope: 'openid' }, basic())).body['error']).toBe('invalid_scope');
    expect((await redeem({ grant_type: 'client_credentials', scope: 'https://api.example.com/write' }, basic())).body['error']).toBe('invalid_scope');
    expect((await redeem({ grant_type: 'client_credentials', client_id: id.web })).body['error']).toBe('unauthorized_client');
    const conf = { authorization: `Basic ${Buffer.from(`${id.confidential}:${id.confidentialSecret}`).toString('base64')}` };
    expect((await redeem({ grant_type: 'client_credentials' }, conf)).body['error']).toBe('unauthorized_client');
  });
});

describe('userInfo, revoke and logout', () => {
  async function tokens(b = new MiniBrowser(t.base)): Promise<{ b: MiniBrowser; body: Record<string, unknown> }> {
    const email = await user();
    const loc = location(await signIn(b, authorizeQuery(), email, STRONG));
    const res = await redeem({ grant_type: 'authorization_code', client_id: id.web, code: String(loc.searchParams.get('code')), redirect_uri: CALLBACK });
    return { b, body: res.body };
  }

  it('userInfo answers the user attributes for an access token with openid, 401 otherwise', async () => {
    const { body } = await tokens();
    const res = await fetch(`${t.base}${UI}/oauth2/userInfo`, { headers: { authorization: `Bearer ${body['access_token']}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ email: expect.stringMatching(/^hosted-\d+@example\.com$/), email_verified: 'true', sub: expect.any(String), username: expect.any(String) });
    const none = await fetch(`${t.base}${UI}/oauth2/userInfo`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    const idToken = await fetch(`${t.base}${UI}/oauth2/userInfo`, { headers: { authorization: `Bearer ${body['id_token']}` } });
    expect(idToken.status).toBe(401);
    expect(((await idToken.json()) as { error: string }).error).toBe('invalid_token');
    const other = await fetch(`${t.base}/auth/twin-other/oauth2/userInfo`, { headers: { authorization: `Bearer ${body['access_token']}` } });
    expect(other.status).toBe(401);
  });

  it('revoke revokes a refresh token and its access tokens; refuses access tokens and missing tokens', async () => {
    const { body } = await tokens();
    const post = (form: Record<string, string>) => fetch(`${t.base}${UI}/oauth2/revoke`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
    expect(((await (await post({ client_id: id.web })).json()) as { error: string }).error).toBe('invalid_request');
    expect(((await (await post({ client_id: id.web, token: String(body['access_token']) })).json()) as { error: string }).error).toBe('unsupported_token_type');
    expect(((await (await post({ client_id: id.codeOnly, token: String(body['refresh_token']) })).json()) as { error: string }).error).toBe('unauthorized_client');
    const ok = await post({ client_id: id.web, token: String(body['refresh_token']) });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('');
    expect((await redeem({ grant_type: 'refresh_token', client_id: id.web, refresh_token: String(body['refresh_token']) })).body).toEqual({ error: 'invalid_grant', error_description: 'Refresh Token has been revoked' });
    expect((await fetch(`${t.base}${UI}/oauth2/userInfo`, { headers: { authorization: `Bearer ${body['access_token']}` } })).status).toBe(401);
  });

  it('logout ends the session, revokes its refresh tokens and redirects only to a registered logout URL', async () => {
    const { b, body } = await tokens();
    const bad = location(await b.request(`${UI}/logout?client_id=${id.web}&logout_uri=${encodeURIComponent('https://evil.example.com/')}`));
    expect(bad.pathname).toBe(`${UI}/error`);
    expect(bad.searchParams.get('error')).toBe('redirect_mismatch');
    const out = await b.request(`${UI}/logout?client_id=${id.web}&logout_uri=${encodeURIComponent(LOGOUT)}`);
    expect(out.headers.get('location')).toBe(LOGOUT);
    expect(b.cookie('cognito')).toBeUndefined();
    expect((await redeem({ grant_type: 'refresh_token', client_id: id.web, refresh_token: String(body['refresh_token']) })).body['error_description']).toBe('Refresh Token has been revoked');
    const again = location(await b.request(`${UI}/oauth2/authorize?${authorizeQuery()}`));
    expect(again.pathname).toBe(`${UI}/login`);
  });
});

describe('several domains stay apart', () => {
  it('scopes cookies to each domain path and never accepts one domain session on another', async () => {
    const email = await user();
    const b = new MiniBrowser(t.base);
    location(await signIn(b, authorizeQuery(), email, STRONG));
    const session = b.cookie('cognito');
    expect(session?.attributes).toContain('Path=/auth/twin-test;');
    // Even a session cookie carried over by hand is not a session on the other domain.
    const q = new URLSearchParams({ client_id: id.otherWeb, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid' });
    const res = await fetch(`${t.base}/auth/twin-other/oauth2/authorize?${q}`, { headers: { cookie: `cognito=${session?.value}` }, redirect: 'manual' });
    expect(new URL(String(res.headers.get('location')), t.base).pathname).toBe('/auth/twin-other/login');
    const unknown = await fetch(`${t.base}/auth/no-such-domain/login`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('text/html');
  });

  it('answers every endpoint of a domain no pool has with the not-found page, before reading its query or body', async () => {
    for (const [method, path] of [['GET', '/oauth2/authorize?client_id=' + 'x'.repeat(500)], ['POST', '/oauth2/token'], ['POST', '/oauth2/revoke'], ['GET', '/oauth2/userInfo'], ['GET', '/logout'], ['POST', '/login'], ['POST', '/changePassword'], ['GET', '/error'], ['GET', '/signedOut']] as const) {
      const res = await fetch(`${t.base}/auth/no-such-domain${path}`, { method, headers: method === 'POST' ? { 'content-type': 'application/json' } : {}, body: method === 'POST' ? '{"not":"a form"}' : undefined });
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(await res.text()).toContain('No hosted UI page here');
    }
  });
});
