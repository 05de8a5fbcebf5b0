import type { FastifyInstance, FastifyReply } from 'fastify';
import { CognitoError } from '../cognito/errors';
import { AUTHORIZE_QUERY, completeAuthorization, DOMAIN_ROUTE, FORM_BODY_LIMIT, knownDomain, parseAuthorizeRequest, prefixOf, requireDomain, str, type AuthRequest, type Params } from '../cognito/oauth';
import type { HostedDomain } from '../cognito/pools';
import type { HostedUiContext } from './context';
import { changePasswordPage, loginPage } from './html';
import { checkCsrf, issueCsrf, sendPage } from './page';

const LOGIN_BODY = { type: 'object', properties: { _csrf: str(256), username: str(512), password: str(512) } } as const;

/** A submitted sign-in form. */
export interface LoginForm {
  readonly csrf?: string;
  readonly username: string;
  readonly password: string;
}

export function parseLoginForm(body: Params): LoginForm {
  return { csrf: body['_csrf'], username: (body['username'] ?? '').trim(), password: body['password'] ?? '' };
}

/** The sign-in page, with an error and the user name typed when shown again. */
export function showLogin(ctx: HostedUiContext, reply: FastifyReply, domain: HostedDomain, req: AuthRequest, extra: { error?: string; username?: string } = {}): FastifyReply {
  const csrf = issueCsrf(reply, ctx.sessions, domain);
  return sendPage(reply, 200, (nonce) => loginPage({
    nonce, action: `${prefixOf(domain)}/login?${req.params}`, csrf, clientName: req.client.settings.name,
    usernameLabel: domain.pool.emailIsUsername ? 'Email' : 'Username', ...extra,
  }), req.client);
}

/** The first-sign-in password change page of an open NEW_PASSWORD_REQUIRED challenge. */
export function showChangePassword(ctx: HostedUiContext, reply: FastifyReply, domain: HostedDomain, req: AuthRequest, session: string, username: string, error?: string): FastifyReply {
  const csrf = issueCsrf(reply, ctx.sessions, domain);
  return sendPage(reply, 200, (nonce) => changePasswordPage({ nonce, action: `${prefixOf(domain)}/changePassword?${req.params}`, csrf, session, username, policy: domain.pool.settings.passwordPolicy, error }), req.client);
}

/** Opens the browser's session for a user who proved their password, then completes the authorization request. */
export function signIn(ctx: HostedUiContext, reply: FastifyReply, domain: HostedDomain, req: AuthRequest, sub: string): Promise<FastifyReply> {
  const session = ctx.sessions.open(reply, domain, sub);
  return completeAuthorization(ctx, reply, domain, req, session);
}

/**
 * `GET|POST /login`: the sign-in form of an authorization request. A right password completes the request, or, for a
 * user created by an administrator, first shows the forced password change.
 */
export function loginPages(app: FastifyInstance, ctx: HostedUiContext): void {
  const { service } = ctx;
  const route = { onRequest: knownDomain(service.directory), config: { errorStyle: 'html' as const } };
  app.get(`${DOMAIN_ROUTE}/login`, { ...route, schema: { querystring: AUTHORIZE_QUERY } }, async (request, reply) => {
    const domain = requireDomain(service.directory, request);
    return showLogin(ctx, reply, domain, parseAuthorizeRequest(request.query as Params, domain, service.directory));
  });

  app.post(`${DOMAIN_ROUTE}/login`, { ...route, bodyLimit: FORM_BODY_LIMIT, schema: { querystring: AUTHORIZE_QUERY, body: LOGIN_BODY } }, async (request, reply) => {
    const domain = requireDomain(service.directory, request);
    const req = parseAuthorizeRequest(request.query as Params, domain, service.directory);
    const form = parseLoginForm((request.body ?? {}) as Params);
    checkCsrf(request, form.csrf);
    if (!form.username || !form.password) return showLogin(ctx, reply, domain, req, { error: 'Please enter your username and password.', username: form.username });
    let user;
    try {
      user = await service.checkPassword(req.client, form.username, form.password);
    } catch (err) {
      if (err instanceof CognitoError) return showLogin(ctx, reply, domain, req, { error: err.message, username: form.username });
      throw err;
    }
    if (user.status === 'FORCE_CHANGE_PASSWORD') return showChangePassword(ctx, reply, domain, req, service.openChallenge(req.client, user), form.username);
    return signIn(ctx, reply, domain, req, user.sub);
  });
}
