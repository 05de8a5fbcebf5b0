import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError } from '../errors';
import { AccessTokenError } from '../tokens';
import { str } from './authorize-request';
import { DOMAIN_ROUTE, FORM_BODY_LIMIT, knownDomain, requireDomain, type OAuthContext } from './context';

const USERINFO_HEADERS = { type: 'object', properties: { authorization: str(20000) } } as const;

/** A userInfo request: the bearer access token of the Authorization header. */
export interface UserInfoRequest {
  readonly accessToken: string;
}

const BEARER = /^Bearer ([A-Za-z0-9\-_=.]+)$/i;

export function parseUserInfoRequest(request: FastifyRequest): UserInfoRequest {
  const header = request.headers.authorization;
  const m = header ? BEARER.exec(header.trim()) : null;
  if (!m) throw new OAuthError('invalid_request', 'An access token is required in the Authorization header.', 401, { 'www-authenticate': 'Bearer' });
  return { accessToken: m[1] };
}

const invalid = (description: string) => new OAuthError('invalid_token', description, 401, { 'www-authenticate': `Bearer error="invalid_token", error_description="${description}"` });
const REVOKED = 'Access token is expired, disabled, or deleted, or the user has globally signed out.';

/** `GET|POST /oauth2/userInfo`: the user's attributes for an access token of this domain's pool holding `openid`. */
export function userInfoEndpoint(app: FastifyInstance, ctx: OAuthContext): void {
  const { service } = ctx;
  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const { pool } = requireDomain(service.directory, request);
    const req = parseUserInfoRequest(request);
    let verified;
    try {
      verified = await service.tokens.verifyAccessToken(req.accessToken);
    } catch (err) {
      if (err instanceof AccessTokenError) throw invalid(REVOKED);
      throw err;
    }
    if (verified.pool !== pool || !verified.user) throw invalid('Access token is not valid for this user pool.');
    if (!String(verified.claims['scope'] ?? '').split(' ').includes('openid')) {
      throw new OAuthError('insufficient_scope', 'The access token does not hold the openid scope.', 403, { 'www-authenticate': 'Bearer error="insufficient_scope"' });
    }
    if (!verified.user.enabled) throw invalid(REVOKED);
    return reply
      .header('content-type', 'application/json;charset=UTF-8')
      .header('cache-control', 'no-store')
      .send(JSON.stringify({ ...verified.user.attributes, username: verified.user.username }));
  };
  const options = { onRequest: knownDomain(service.directory), config: { errorStyle: 'oauth' as const }, schema: { headers: USERINFO_HEADERS } };
  app.get(`${DOMAIN_ROUTE}/oauth2/userInfo`, options, handler);
  app.post(`${DOMAIN_ROUTE}/oauth2/userInfo`, { ...options, bodyLimit: FORM_BODY_LIMIT }, handler);
}
