import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createHash, randomBytes } from 'node:crypto';
import { CognitoError, OAuthError, PreparedResponseError } from '../cognito/errors';
import { opaque, uuid } from '../shared/ids';
import type { AppClient, HostedDomain } from '../cognito/pools';
import { CognitoService, safeEqual } from '../cognito/service';
import { AccessTokenError } from '../cognito/tokens';
import { changePasswordPage, errorPage, loginPage, signedOutPage } from './html';
import { HostedSession, HostedState, SESSION_TTL_MS } from './state';

/** Form and token request bodies are small; anything larger is refused before parsing. */
export const FORM_BODY_LIMIT = 16 * 1024;
const SESSION_COOKIE = 'cognito';
const CSRF_COOKIE = 'XSRF-TOKEN';

const s = (max: number) => ({ type: 'string', maxLength: max }) as const;

const AUTHORIZE_QUERY = {
  type: 'object',
  properties: {
    client_id: s(128), redirect_uri: s(2048), response_type: s(64), scope: s(2048), state: s(4096), code_challenge: s(256),
    code_challenge_method: s(32), nonce: s(2048), identity_provider: s(128), idp_identifier: s(128), prompt: s(64), lang: s(32),
  },
} as const;

const LOGIN_BODY = { type: 'object', properties: { _csrf: s(256), username: s(512), password: s(512) } } as const;
const CHANGE_BODY = { type: 'object', properties: { _csrf: s(256), session: s(2048), password: s(512), confirm_password: s(512) } } as const;
const TOKEN_BODY = {
  type: 'object',
  properties: { grant_type: s(64), code: s(512), redirect_uri: s(2048), code_verifier: s(256), refresh_token: s(8192), client_id: s(128), client_secret: s(128), scope: s(2048) },
} as const;
const REVOKE_BODY = { type: 'object', properties: { token: s(8192), client_id: s(128), client_secret: s(128), token_type_hint: s(64) } } as const;
const LOGOUT_QUERY = { type: 'object', properties: { ...AUTHORIZE_QUERY.properties, logout_uri: s(2048) } } as const;
const ERROR_QUERY = { type: 'object', properties: { error: s(128), error_description: s(512), client_id: s(128) } } as const;

type Query = Partial<Record<string, string>>;

/** A validated authorization request. */
interface AuthRequest {
  readonly client: AppClient;
  readonly redirectUri: string;
  readonly responseType: 'code' | 'token';
  readonly scopes: string[];
  readonly state?: string;
  readonly challenge?: string;
  readonly nonce?: string;
  readonly prompt?: string;
  /** The request's parameters, carried from page to page. */
  readonly params: URLSearchParams;
}

export interface HostedUiOptions {
  readonly service: CognitoService;
  /** Whether the twin is served over https (cookies then get `Secure`). */
  readonly secure: () => boolean;
}

/**
 * The hosted UI of every domain of the stack, at `/auth/<domain>/...`: login, first-login password change,
 * authorize (code + PKCE S256, implicit where allowed), token, userInfo, revoke, logout and the error page.
 * Each domain's routes, cookies (path-scoped) and sessions are its own.
 */
export async function hostedUiPlugin(app: FastifyInstance, opts: HostedUiOptions): Promise<void> {
  // Cognito's forms and OAuth endpoints take application/x-www-form-urlencoded only: JSON or text bodies are 415.
  app.removeAllContentTypeParsers();
  await app.register(formbody, { bodyLimit: FORM_BODY_LIMIT });
  const state = new HostedState(opts.service.clock);
  for (const domain of opts.service.directory.domains()) registerDomain(app, domain, opts, state);
}

function registerDomain(app: FastifyInstance, domain: HostedDomain, opts: HostedUiOptions, state: HostedState): void {
  const { service } = opts;
  const pool = domain.pool;
  const prefix = `/auth/${domain.domain}`;
  const html = { config: { errorStyle: 'html' as const } };
  const oauth = { config: { errorStyle: 'oauth' as const } };

  const cookie = (name: string, value: string, maxAge: number) =>
    `${name}=${value}; Path=${prefix}; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${opts.secure() ? '; Secure' : ''}`;

  const errorRedirect = (error: string, clientId?: string): never => {
    const q = new URLSearchParams({ error, ...(clientId ? { client_id: clientId } : {}) });
    throw new PreparedResponseError({ statusCode: 302, headers: { location: `${prefix}/error?${q}`, 'cache-control': 'no-store' }, body: '' });
  };

  const toCallback = (req: AuthRequest | { redirectUri: string }, params: Record<string, string | undefined>, fragment = false): string => {
    const url = new URL(req.redirectUri);
    const defined = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined);
    if (fragment) url.hash = new URLSearchParams(defined).toString();
    else for (const [k, v] of defined) url.searchParams.append(k, v);
    return url.toString();
  };

  const callbackError = (req: { redirectUri: string; state?: string }, error: string, description: string): never => {
    throw new PreparedResponseError({ statusCode: 302, headers: { location: toCallback(req, { error, error_description: description, state: req.state }), 'cache-control': 'no-store' }, body: '' });
  };

  /** Checks an authorization request in Cognito's order: client, redirect URI (never redirect to an unknown one), then the rest. */
  const authorizeRequest = (q: Query): AuthRequest => {
    const clientId = q['client_id'];
    const client = clientId ? service.directory.client(clientId) : undefined;
    if (!client || client.pool !== pool) return errorRedirect('invalid_request', clientId);
    const redirectUri = q['redirect_uri'];
    if (!redirectUri || !client.settings.callbackUrls.includes(redirectUri)) return errorRedirect('redirect_mismatch', client.id);
    const base = { redirectUri, state: q['state'] };
    if (!client.settings.oauthEnabled || !client.settings.supportedIdentityProviders.includes('COGNITO')) {
      return callbackError(base, 'unauthorized_client', 'Client is not enabled for OAuth2.0 flows with the Cognito user pool as identity provider.');
    }
    if (q['identity_provider'] !== undefined && q['identity_provider'] !== 'COGNITO') {
      return callbackError(base, 'invalid_request', 'Only the COGNITO identity provider is emulated by the local twin.');
    }
    const responseType = q['response_type'];
    if (responseType !== 'code' && responseType !== 'token') {
      return callbackError(base, 'invalid_request', responseType === undefined ? 'response_type is required.' : 'response_type must be exactly code or token.');
    }
    if (!client.settings.allowedOAuthFlows.includes(responseType === 'code' ? 'code' : 'implicit')) {
      return callbackError(base, 'unauthorized_client', `The ${responseType === 'code' ? 'authorization code' : 'implicit'} grant is not enabled for this client.`);
    }
    const requested = (q['scope'] ?? '').split(/[ +]/).filter(Boolean);
    const scopes = requested.length > 0 ? [...new Set(requested)] : [...client.settings.allowedScopes];
    const notAllowed = scopes.filter((x) => !client.settings.allowedScopes.includes(x));
    if (notAllowed.length > 0) return callbackError(base, 'invalid_scope', `Scope not allowed for this client: ${notAllowed.join(' ')}`);
    let challenge: string | undefined;
    if (responseType === 'code') {
      const method = q['code_challenge_method'];
      challenge = q['code_challenge'];
      if (challenge === undefined && method !== undefined) return callbackError(base, 'invalid_request', 'code_challenge_method was sent without code_challenge.');
      if (challenge !== undefined) {
        if (method !== 'S256') return callbackError(base, 'invalid_request', 'Only the S256 code_challenge_method is supported.');
        if (!/^[A-Za-z0-9_-]{43}$/.test(challenge)) return callbackError(base, 'invalid_request', 'code_challenge must be a base64url SHA-256 digest (43 characters).');
      }
    }
    const params = new URLSearchParams();
    for (const key of Object.keys(AUTHORIZE_QUERY.properties)) {
      const v = q[key];
      if (v !== undefined) params.set(key, v);
    }
    return { client, redirectUri, responseType, scopes, state: q['state'], challenge, nonce: q['nonce'], prompt: q['prompt'], params };
  };

  /** Ends a successful sign-in: a code on the query, or tokens in the fragment. */
  const complete = async (reply: FastifyReply, req: AuthRequest, session: HostedSession): Promise<FastifyReply> => {
    const user = service.store.userBySub(pool.id, session.sub);
    if (!user || !user.enabled || user.status !== 'CONFIRMED') {
      state.closeSession(session.id);
      return reply.code(302).header('location', `${prefix}/login?${req.params}`).send();
    }
    let location: string;
    if (req.responseType === 'code') {
      const code = state.issueCode({
        clientId: req.client.id, poolId: pool.id, sub: user.sub, redirectUri: req.redirectUri, scopes: req.scopes, challenge: req.challenge,
        nonce: req.nonce, authTime: session.authTime, sessionId: session.id, originJti: uuid(),
      });
      location = toCallback(req, { code, state: req.state });
    } else {
      const tokens = await service.tokens.issueForUser({
        client: req.client, user, scopes: req.scopes, authTime: session.authTime, withIdToken: req.scopes.includes('openid'),
        withRefreshToken: false, hostedUi: true, nonce: req.nonce, sessionId: session.id,
      });
      location = toCallback(req, { id_token: tokens.idToken, access_token: tokens.accessToken, token_type: 'Bearer', expires_in: String(tokens.expiresIn), state: req.state }, true);
    }
    return reply.code(302).header('location', location).header('cache-control', 'no-store').send();
  };

  const signIn = (reply: FastifyReply, req: AuthRequest, sub: string): Promise<FastifyReply> => {
    const { cookie: value, session } = state.openSession(domain.domain, pool.id, sub, Math.floor(service.clock.now() / 1000));
    reply.header('set-cookie', [cookie(SESSION_COOKIE, value, SESSION_TTL_MS / 1000), cookie(CSRF_COOKIE, '', 0)]);
    return complete(reply, req, session);
  };

  const sendPage = (reply: FastifyReply, status: number, body: (nonce: string) => string, nonce: string, client?: AppClient): FastifyReply => {
    const targets = new Set<string>();
    for (const u of [...(client?.settings.callbackUrls ?? []), ...(client?.settings.logoutUrls ?? [])]) {
      try {
        const url = new URL(u);
        targets.add(url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : url.protocol);
      } catch {
        // A URL the stack check let through but URL cannot parse is simply not a form target.
      }
    }
    return reply
      .code(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', `default-src 'none'; style-src 'nonce-${nonce}'; img-src 'self' data:; form-action 'self' ${[...targets].join(' ')}; frame-ancestors 'none'; base-uri 'none'`)
      .header('cache-control', 'no-store')
      .header('x-frame-options', 'DENY')
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .send(body(nonce));
  };

  const showLogin = (reply: FastifyReply, req: AuthRequest, status: number, extra: { error?: string; username?: string } = {}): FastifyReply => {
    const csrf = opaque(32);
    reply.header('set-cookie', cookie(CSRF_COOKIE, csrf, 3600));
    const nonce = opaque(16);
    return sendPage(reply, status, (n) => loginPage({
      nonce: n, action: `${prefix}/login?${req.params}`, csrf, clientName: req.client.settings.name,
      usernameLabel: pool.emailIsUsername ? 'Email' : 'Username', ...extra,
    }), nonce, req.client);
  };

  const showChange = (reply: FastifyReply, req: AuthRequest, session: string, username: string, error?: string): FastifyReply => {
    const csrf = opaque(32);
    reply.header('set-cookie', cookie(CSRF_COOKIE, csrf, 3600));
    return sendPage(reply, 200, (n) => changePasswordPage({ nonce: n, action: `${prefix}/changePassword?${req.params}`, csrf, session, username, policy: pool.settings.passwordPolicy, error }), opaque(16), req.client);
  };

  const checkCsrf = (request: FastifyRequest, sent: string | undefined): void => {
    const expected = cookies(request)[CSRF_COOKIE];
    if (!expected || !sent || !safeEqual(expected, sent)) {
      const nonce = opaque(16);
      throw new PreparedResponseError({
        statusCode: 403,
        headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': `default-src 'none'; style-src 'nonce-${nonce}'; frame-ancestors 'none'` },
        body: errorPage(nonce, 'invalid_csrf_token', 'The form expired or was not sent from this page. Go back, reload the sign-in page and try again.'),
      });
    }
  };

  app.get(`${prefix}/oauth2/authorize`, { ...html, schema: { querystring: AUTHORIZE_QUERY } }, async (request, reply) => {
    const req = authorizeRequest(request.query as Query);
    const session = req.prompt === 'login' ? undefined : state.session(cookies(request)[SESSION_COOKIE], domain.domain);
    if (session) return complete(reply, req, session);
    if (req.prompt === 'none') return callbackError(req, 'login_required', 'The user is not signed in.');
    return reply.code(302).header('location', `${prefix}/login?${req.params}`).header('cache-control', 'no-store').send();
  });

  app.get(`${prefix}/login`, { ...html, schema: { querystring: AUTHORIZE_QUERY } }, async (request, reply) => {
    const req = authorizeRequest(request.query as Query);
    return showLogin(reply, req, 200);
  });

  app.post(`${prefix}/login`, { ...html, bodyLimit: FORM_BODY_LIMIT, schema: { querystring: AUTHORIZE_QUERY, body: LOGIN_BODY } }, async (request, reply) => {
    const req = authorizeRequest(request.query as Query);
    const body = (request.body ?? {}) as Query;
    checkCsrf(request, body['_csrf']);
    const username = (body['username'] ?? '').trim();
    const password = body['password'] ?? '';
    if (!username || !password) return showLogin(reply, req, 200, { error: 'Please enter your username and password.', username });
    let user;
    try {
      user = await service.checkPassword(req.client, username, password);
    } catch (err) {
      if (err instanceof CognitoError) return showLogin(reply, req, 200, { error: err.message, username });
      throw err;
    }
    if (user.status === 'FORCE_CHANGE_PASSWORD') return showChange(reply, req, service.openChallenge(req.client, user), username);
    return signIn(reply, req, user.sub);
  });

  app.post(`${prefix}/changePassword`, { ...html, bodyLimit: FORM_BODY_LIMIT, schema: { querystring: AUTHORIZE_QUERY, body: CHANGE_BODY } }, async (request, reply) => {
    const req = authorizeRequest(request.query as Query);
    const body = (request.body ?? {}) as Query;
    checkCsrf(request, body['_csrf']);
    const session = body['session'] ?? '';
    let user;
    try {
      user = service.challengeUser(req.client, session);
    } catch (err) {
      if (err instanceof CognitoError) return showLogin(reply, req, 200, { error: 'Your session has expired. Please sign in again.' });
      throw err;
    }
    const display = user.attributes['email'] ?? user.username;
    const password = body['password'] ?? '';
    if (password !== (body['confirm_password'] ?? '')) return showChange(reply, req, session, display, 'Passwords do not match.');
    try {
      user = await service.completeNewPassword(pool, user, password);
    } catch (err) {
      if (err instanceof CognitoError) return showChange(reply, req, session, display, err.message);
      throw err;
    }
    service.closeChallenge(session);
    return signIn(reply, req, user.sub);
  });

  app.post(`${prefix}/oauth2/token`, { ...oauth, bodyLimit: FORM_BODY_LIMIT, schema: { body: TOKEN_BODY } }, async (request, reply) => {
    const body = (request.body ?? {}) as Query;
    const client = authenticateClient(request, body);
    const grant = body['grant_type'];
    if (!grant) throw new OAuthError('invalid_request', 'grant_type is required.');
    let result: Record<string, unknown>;
    if (grant === 'authorization_code') {
      const code = body['code'];
      if (!code) throw new OAuthError('invalid_request', 'code is required.');
      // A request missing a parameter is malformed: it leaves the code unspent, unlike a wrong value.
      if (body['redirect_uri'] === undefined) throw new OAuthError('invalid_request', 'redirect_uri is required with the authorization_code grant.');
      const taken = state.takeCode(code);
      if (!taken) throw new OAuthError('invalid_grant', 'The code is invalid or has expired.');
      const { grant: g, replayed } = taken;
      if (replayed) {
        // RFC 6749 §4.1.2: a code used twice revokes what it already produced.
        service.store.revokeOrigin(g.originJti, service.clock.now() + client.settings.refreshTokenValidityMs);
        throw new OAuthError('invalid_grant', 'The code has already been used.');
      }
      if (g.clientId !== client.id) throw new OAuthError('invalid_grant', 'The code was issued to another client.');
      if (body['redirect_uri'] !== g.redirectUri) throw new OAuthError('invalid_grant', 'redirect_uri does not match the authorization request.');
      const verifier = body['code_verifier'];
      if (g.challenge === undefined) {
        if (verifier !== undefined) throw new OAuthError('invalid_request', 'code_verifier was sent but the authorization request had no code_challenge.');
      } else {
        if (verifier === undefined) throw new OAuthError('invalid_grant', 'code_verifier is required.');
        if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || !safeEqual(createHash('sha256').update(verifier).digest('base64url'), g.challenge)) {
          throw new OAuthError('invalid_grant', 'code_verifier does not match the code_challenge.');
        }
      }
      const user = service.store.userBySub(g.poolId, g.sub);
      if (!user || !user.enabled) throw new OAuthError('invalid_grant', 'The user of this code is no longer valid.');
      const tokens = await service.tokens.issueForUser({
        client, user, scopes: g.scopes, authTime: g.authTime, withIdToken: g.scopes.includes('openid'), withRefreshToken: true,
        hostedUi: true, nonce: g.nonce, sessionId: g.sessionId, originJti: g.originJti,
      });
      result = { id_token: tokens.idToken, access_token: tokens.accessToken, refresh_token: tokens.refreshToken, expires_in: tokens.expiresIn, token_type: 'Bearer' };
    } else if (grant === 'refresh_token') {
      const token = body['refresh_token'];
      if (!token) throw new OAuthError('invalid_request', 'refresh_token is required.');
      let tokens;
      try {
        tokens = await service.refresh(client, service.refreshRecord(client, token));
      } catch (err) {
        if (err instanceof CognitoError) throw new OAuthError('invalid_grant', err.message);
        throw err;
      }
      result = { id_token: tokens.idToken, access_token: tokens.accessToken, expires_in: tokens.expiresIn, token_type: 'Bearer' };
    } else if (grant === 'client_credentials') {
      if (!client.settings.allowedOAuthFlows.includes('client_credentials') || !client.secret) throw new OAuthError('unauthorized_client', 'The client_credentials grant is not enabled for this client.');
      const custom = client.settings.allowedScopes.filter((x) => x.includes('/'));
      const requested = (body['scope'] ?? '').split(/[ +]/).filter(Boolean);
      const scopes = requested.length > 0 ? [...new Set(requested)] : custom;
      if (scopes.length === 0 || scopes.some((x) => !custom.includes(x))) throw new OAuthError('invalid_scope', 'Only the client\'s resource-server scopes can be granted to a client.');
      const tokens = await service.tokens.issueForClient(client, scopes);
      result = { access_token: tokens.accessToken, expires_in: tokens.expiresIn, token_type: 'Bearer' };
    } else {
      throw new OAuthError('unsupported_grant_type', `Unsupported grant_type ${grant.slice(0, 64)}.`);
    }
    return reply
      .header('content-type', 'application/json;charset=UTF-8')
      .header('cache-control', 'no-store')
      .header('pragma', 'no-cache')
      .send(JSON.stringify(Object.fromEntries(Object.entries(result).filter(([, v]) => v !== undefined))));
  });

  /** RFC 6749 §2.3.1: HTTP Basic (URL-encoded id and secret) or the body, never both; secrets compared in constant time. */
  const authenticateClient = (request: FastifyRequest, body: Query): AppClient => {
    const header = request.headers.authorization;
    let id = body['client_id'];
    let secret = body['client_secret'];
    if (header !== undefined) {
      const m = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header.trim());
      if (!m) throw new OAuthError('invalid_client', 'The Authorization header must be HTTP Basic with the client id and secret.');
      const decoded = Buffer.from(m[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) throw new OAuthError('invalid_client', 'The Authorization header must be HTTP Basic with the client id and secret.');
      if (secret !== undefined) throw new OAuthError('invalid_request', 'Send the client secret either in the Authorization header or in the body, not both.');
      let basicId: string;
      try {
        basicId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
        secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
      } catch {
        throw new OAuthError('invalid_client', 'The Authorization header is not valid.');
      }
      if (id !== undefined && id !== basicId) throw new OAuthError('invalid_client', 'client_id differs from the Authorization header.');
      id = basicId;
    }
    if (!id) throw new OAuthError('invalid_request', 'client_id is required.');
    const client = service.directory.client(id);
    if (!client || client.pool !== pool) throw new OAuthError('invalid_client', 'Client authentication failed.');
    if (client.secret !== undefined ? secret === undefined || !safeEqual(secret, client.secret) : secret !== undefined) {
      throw new OAuthError('invalid_client', 'Client authentication failed.');
    }
    return client;
  };

  const userInfo = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const header = request.headers.authorization;
    const m = header ? /^Bearer ([A-Za-z0-9\-_=.]+)$/i.exec(header.trim()) : null;
    if (!m) throw new OAuthError('invalid_request', 'An access token is required in the Authorization header.', 401, { 'www-authenticate': 'Bearer' });
    const invalid = (description: string) => new OAuthError('invalid_token', description, 401, { 'www-authenticate': `Bearer error="invalid_token", error_description="${description}"` });
    let verified;
    try {
      verified = await service.tokens.verifyAccessToken(m[1]);
    } catch (err) {
      if (err instanceof AccessTokenError) throw invalid('Access token is expired, disabled, or deleted, or the user has globally signed out.');
      throw err;
    }
    if (verified.pool !== pool || !verified.user) throw invalid('Access token is not valid for this user pool.');
    if (!String(verified.claims['scope'] ?? '').split(' ').includes('openid')) {
      throw new OAuthError('insufficient_scope', 'The access token does not hold the openid scope.', 403, { 'www-authenticate': 'Bearer error="insufficient_scope"' });
    }
    if (!verified.user.enabled) throw invalid('Access token is expired, disabled, or deleted, or the user has globally signed out.');
    return reply
      .header('content-type', 'application/json;charset=UTF-8')
      .header('cache-control', 'no-store')
      .send(JSON.stringify({ ...verified.user.attributes, username: verified.user.username }));
  };
  app.get(`${prefix}/oauth2/userInfo`, { ...oauth, schema: { headers: { type: 'object', properties: { authorization: s(20000) } } } }, userInfo);
  app.post(`${prefix}/oauth2/userInfo`, { ...oauth, bodyLimit: FORM_BODY_LIMIT, schema: { headers: { type: 'object', properties: { authorization: s(20000) } } } }, userInfo);

  app.post(`${prefix}/oauth2/revoke`, { ...oauth, bodyLimit: FORM_BODY_LIMIT, schema: { body: REVOKE_BODY } }, async (request, reply) => {
    const body = (request.body ?? {}) as Query;
    const token = body['token'];
    if (!token) throw new OAuthError('invalid_request', 'token is required.');
    const client = authenticateClient(request, body);
    if (!client.settings.enableTokenRevocation) throw new OAuthError('invalid_request', 'Token revocation is not enabled for this client.');
    if (token.split('.').length === 3) throw new OAuthError('unsupported_token_type', 'Only refresh tokens can be revoked.');
    if (service.revoke(client, token) === 'other-client') throw new OAuthError('unauthorized_client', 'The token was not issued to this client.');
    return reply.header('cache-control', 'no-store').send('');
  });

  app.get(`${prefix}/logout`, { ...html, schema: { querystring: LOGOUT_QUERY } }, async (request, reply) => {
    const q = request.query as Query;
    const client = q['client_id'] ? service.directory.client(q['client_id']) : undefined;
    if (!client || client.pool !== pool) return errorRedirect('invalid_request', q['client_id']);
    const logoutUri = q['logout_uri'];
    let location: string;
    if (logoutUri !== undefined) {
      if (!client.settings.logoutUrls.includes(logoutUri)) return errorRedirect('redirect_mismatch', client.id);
      location = logoutUri;
    } else if (q['redirect_uri'] !== undefined) {
      const req = authorizeRequest(q);
      location = `${prefix}/login?${req.params}`;
    } else {
      return errorRedirect('invalid_request', client.id);
    }
    const session = state.session(cookies(request)[SESSION_COOKIE], domain.domain);
    if (session) {
      state.closeSession(session.id);
      service.store.revokeSession(session.id, service.clock.now(), service.clock.now() + client.settings.accessTokenValidityMs);
    }
    reply.header('set-cookie', [cookie(SESSION_COOKIE, '', 0), cookie(CSRF_COOKIE, '', 0)]);
    return reply.code(302).header('location', location).header('cache-control', 'no-store').send();
  });

  app.get(`${prefix}/error`, { ...html, schema: { querystring: ERROR_QUERY } }, async (request, reply) => {
    const q = request.query as Query;
    const error = q['error'] ?? 'invalid_request';
    const description = error === 'redirect_mismatch'
      ? 'The redirect URI is not registered for this app client. Fix: add it to the client\'s callback URLs, exactly (scheme, host, port, path, case, trailing slash).'
      : q['error_description'];
    return sendPage(reply, 400, (n) => errorPage(n, error, description), randomBytes(16).toString('base64url'));
  });

  app.get(`${prefix}/signedOut`, html, async (_request, reply) => sendPage(reply, 200, (n) => signedOutPage(n), opaque(16)));
}

/** The request's cookies (first value of each name). */
function cookies(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const name = part.slice(0, i).trim();
    if (name && !(name in out)) out[name] = part.slice(i + 1).trim();
  }
  return out;
}
