import type { FastifyInstance, FastifyReply } from 'fastify';
import { uuid } from '../../shared/ids';
import { AUTHORIZE_QUERY, callbackError, parseAuthorizeRequest, prefixOf, toCallback, type AuthRequest, type Params } from './authorize-request';
import { DOMAIN_ROUTE, knownDomain, requireDomain, type OAuthContext } from './context';
import type { SignInSession } from './sessions';
import type { HostedDomain } from '../pools';

/**
 * Ends a successful sign-in: a code on the redirect URI's query, or (implicit grant) tokens in its fragment. A session
 * whose user can no longer sign in is closed and the browser sent back to the login page.
 */
export async function completeAuthorization(ctx: OAuthContext, reply: FastifyReply, domain: HostedDomain, req: AuthRequest, session: SignInSession): Promise<FastifyReply> {
  const { service } = ctx;
  const pool = domain.pool;
  const user = service.store.userBySub(pool.id, session.sub);
  if (!user || !user.enabled || user.status !== 'CONFIRMED') {
    ctx.sessions.close(session.id);
    return reply.code(302).header('location', `${prefixOf(domain)}/login?${req.params}`).send();
  }
  let location: string;
  if (req.responseType === 'code') {
    const code = ctx.codes.issue({
      clientId: req.client.id, poolId: pool.id, sub: user.sub, redirectUri: req.redirectUri, scopes: req.scopes, challenge: req.challenge,
      nonce: req.nonce, authTime: session.authTime, sessionId: session.id, originJti: uuid(),
    });
    location = toCallback(req.redirectUri, { code, state: req.state });
  } else {
    const tokens = await service.tokens.issueForUser({
      client: req.client, user, scopes: req.scopes, authTime: session.authTime, withIdToken: req.scopes.includes('openid'),
      withRefreshToken: false, hostedUi: true, nonce: req.nonce, sessionId: session.id,
    });
    location = toCallback(req.redirectUri, { id_token: tokens.idToken, access_token: tokens.accessToken, token_type: 'Bearer', expires_in: String(tokens.expiresIn), state: req.state }, true);
  }
  return reply.code(302).header('location', location).header('cache-control', 'no-store').send();
}

/**
 * `GET /oauth2/authorize`: a signed-in browser gets its code (or tokens) at once unless `prompt=login`; others go to
 * the login page with the request's parameters (`prompt=none` answers `login_required` instead).
 */
export function authorizeEndpoint(app: FastifyInstance, ctx: OAuthContext): void {
  const { directory } = ctx.service;
  app.get(`${DOMAIN_ROUTE}/oauth2/authorize`, { onRequest: knownDomain(directory), config: { errorStyle: 'html' }, schema: { querystring: AUTHORIZE_QUERY } }, async (request, reply) => {
    const domain = requireDomain(directory, request);
    const req = parseAuthorizeRequest(request.query as Params, domain, directory);
    const session = req.prompt === 'login' ? undefined : ctx.sessions.current(request, domain);
    if (session) return completeAuthorization(ctx, reply, domain, req, session);
    if (req.prompt === 'none') return callbackError(req, 'login_required', 'The user is not signed in.');
    return reply.code(302).header('location', `${prefixOf(domain)}/login?${req.params}`).header('cache-control', 'no-store').send();
  });
}
