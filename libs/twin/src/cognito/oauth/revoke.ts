import type { FastifyInstance } from 'fastify';
import { OAuthError } from '../errors';
import { str, type Params } from './authorize-request';
import { authenticateClient } from './client-auth';
import { DOMAIN_ROUTE, FORM_BODY_LIMIT, knownDomain, requireDomain, type OAuthContext } from './context';

const REVOKE_BODY = { type: 'object', properties: { token: str(8192), client_id: str(128), client_secret: str(128), token_type_hint: str(64) } } as const;

/**
 * `POST /oauth2/revoke` (RFC 7009): revokes a refresh token of the authenticated client and the tokens issued with
 * it; an unknown token is not an error. Only refresh tokens can be revoked, as on Cognito.
 */
export function revokeEndpoint(app: FastifyInstance, ctx: OAuthContext): void {
  const { service } = ctx;
  app.post(`${DOMAIN_ROUTE}/oauth2/revoke`, { onRequest: knownDomain(service.directory), config: { errorStyle: 'oauth' }, bodyLimit: FORM_BODY_LIMIT, schema: { body: REVOKE_BODY } }, async (request, reply) => {
    const body = (request.body ?? {}) as Params;
    const token = body['token'];
    if (!token) throw new OAuthError('invalid_request', 'token is required.');
    const client = authenticateClient(request, body, requireDomain(service.directory, request), (id) => service.directory.client(id));
    if (!client.settings.enableTokenRevocation) throw new OAuthError('invalid_request', 'Token revocation is not enabled for this client.');
    if (token.split('.').length === 3) throw new OAuthError('unsupported_token_type', 'Only refresh tokens can be revoked.');
    if (service.revoke(client, token) === 'other-client') throw new OAuthError('unauthorized_client', 'The token was not issued to this client.');
    return reply.header('cache-control', 'no-store').send('');
  });
}
