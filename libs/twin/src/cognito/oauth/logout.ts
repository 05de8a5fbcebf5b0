import type { FastifyInstance } from 'fastify';
import { AUTHORIZE_QUERY, errorRedirect, parseAuthorizeRequest, prefixOf, str, type Params } from './authorize-request';
import { DOMAIN_ROUTE, knownDomain, requireDomain, type OAuthContext } from './context';

const LOGOUT_QUERY = { type: 'object', properties: { ...AUTHORIZE_QUERY.properties, logout_uri: str(2048) } } as const;

/**
 * `GET /logout`: ends the browser's session on the domain (its refresh tokens revoked with it), then redirects to a
 * registered `logout_uri`, or with `redirect_uri` (an authorization request) to the login page.
 */
export function logoutEndpoint(app: FastifyInstance, ctx: OAuthContext): void {
  const { service } = ctx;
  app.get(`${DOMAIN_ROUTE}/logout`, { onRequest: knownDomain(service.directory), config: { errorStyle: 'html' }, schema: { querystring: LOGOUT_QUERY } }, async (request, reply) => {
    const domain = requireDomain(service.directory, request);
    const q = request.query as Params;
    const client = q['client_id'] ? service.directory.client(q['client_id']) : undefined;
    if (!client || client.pool !== domain.pool) return errorRedirect(domain, 'invalid_request', q['client_id']);
    const logoutUri = q['logout_uri'];
    let location: string;
    if (logoutUri !== undefined) {
      if (!client.settings.logoutUrls.includes(logoutUri)) return errorRedirect(domain, 'redirect_mismatch', client.id);
      location = logoutUri;
    } else if (q['redirect_uri'] !== undefined) {
      const req = parseAuthorizeRequest(q, domain, service.directory);
      location = `${prefixOf(domain)}/login?${req.params}`;
    } else {
      return errorRedirect(domain, 'invalid_request', client.id);
    }
    const session = ctx.sessions.end(request, reply, domain);
    if (session) service.store.revokeSession(session.id, service.clock.now(), service.clock.now() + client.settings.accessTokenValidityMs);
    return reply.code(302).header('location', location).header('cache-control', 'no-store').send();
  });
}
