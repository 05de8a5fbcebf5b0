import type { FastifyInstance } from 'fastify';
import { CognitoError } from '../cognito/errors';
import { AUTHORIZE_QUERY, DOMAIN_ROUTE, FORM_BODY_LIMIT, knownDomain, parseAuthorizeRequest, requireDomain, str, type Params } from '../cognito/oauth';
import type { HostedUiContext } from './context';
import { showChangePassword, showLogin, signIn } from './login';
import { checkCsrf } from './page';

const CHANGE_BODY = { type: 'object', properties: { _csrf: str(256), session: str(2048), password: str(512), confirm_password: str(512) } } as const;

/** A submitted password change form. */
export interface ChangePasswordForm {
  readonly csrf?: string;
  readonly session: string;
  readonly password: string;
  readonly confirmPassword: string;
}

export function parseChangePasswordForm(body: Params): ChangePasswordForm {
  return { csrf: body['_csrf'], session: body['session'] ?? '', password: body['password'] ?? '', confirmPassword: body['confirm_password'] ?? '' };
}

/**
 * `POST /changePassword`: completes the NEW_PASSWORD_REQUIRED challenge of the first sign-in; the new password must
 * meet the pool's policy. An expired challenge sends the browser back to the sign-in form.
 */
export function changePasswordPage(app: FastifyInstance, ctx: HostedUiContext): void {
  const { service } = ctx;
  app.post(`${DOMAIN_ROUTE}/changePassword`, { onRequest: knownDomain(service.directory), config: { errorStyle: 'html' }, bodyLimit: FORM_BODY_LIMIT, schema: { querystring: AUTHORIZE_QUERY, body: CHANGE_BODY } }, async (request, reply) => {
    const domain = requireDomain(service.directory, request);
    const req = parseAuthorizeRequest(request.query as Params, domain, service.directory);
    const form = parseChangePasswordForm((request.body ?? {}) as Params);
    checkCsrf(request, form.csrf);
    let user;
    try {
      user = service.challengeUser(req.client, form.session);
    } catch (err) {
      if (err instanceof CognitoError) return showLogin(ctx, reply, domain, req, { error: 'Your session has expired. Please sign in again.' });
      throw err;
    }
    const display = user.attributes['email'] ?? user.username;
    if (form.password !== form.confirmPassword) return showChangePassword(ctx, reply, domain, req, form.session, display, 'Passwords do not match.');
    try {
      user = await service.completeNewPassword(domain.pool, user, form.password);
    } catch (err) {
      if (err instanceof CognitoError) return showChangePassword(ctx, reply, domain, req, form.session, display, err.message);
      throw err;
    }
    service.closeChallenge(form.session);
    return signIn(ctx, reply, domain, req, user.sub);
  });
}
