import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CognitoDirectory, UserPool } from './pools';

const CACHE = { 'cache-control': 'public, max-age=300', 'content-type': 'application/json; charset=utf-8' };

/**
 * Discovery and keys under each pool's issuer, as on `cognito-idp.<region>.amazonaws.com/<poolId>`:
 * `/.well-known/openid-configuration` and `/.well-known/jwks.json`. The OAuth endpoints point at the pool's
 * hosted UI domain when it has one, as Cognito's document does. A pool id no pool has is the twin's 404.
 */
export async function oidcPlugin(app: FastifyInstance, opts: { directory: CognitoDirectory }): Promise<void> {
  const pool = (request: FastifyRequest): UserPool | undefined => opts.directory.byId(String((request.params as { poolId?: unknown }).poolId));
  const route = { config: { errorStyle: 'aws-json' as const } };
  app.get('/:poolId/.well-known/jwks.json', route, async (request, reply: FastifyReply) => {
    const p = pool(request);
    return p ? reply.headers(CACHE).send(JSON.stringify(p.jwks())) : reply.callNotFound();
  });
  app.get('/:poolId/.well-known/openid-configuration', route, async (request, reply: FastifyReply) => {
    const p = pool(request);
    return p ? reply.headers(CACHE).send(JSON.stringify(discovery(p))) : reply.callNotFound();
  });
}

/** The pool's OpenID Provider configuration, members in Cognito's order. */
export function discovery(pool: UserPool): Record<string, unknown> {
  const ui = pool.hostedUiBase();
  return {
    ...(ui ? { authorization_endpoint: `${ui}/oauth2/authorize`, end_session_endpoint: `${ui}/logout` } : {}),
    id_token_signing_alg_values_supported: ['RS256'],
    issuer: pool.issuer,
    jwks_uri: `${pool.issuer}/.well-known/jwks.json`,
    response_types_supported: ['code', 'token'],
    ...(ui ? { revocation_endpoint: `${ui}/oauth2/revoke` } : {}),
    scopes_supported: ['openid', 'email', 'phone', 'profile'],
    subject_types_supported: ['public'],
    ...(ui ? { token_endpoint: `${ui}/oauth2/token` } : {}),
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    ...(ui ? { userinfo_endpoint: `${ui}/oauth2/userInfo` } : {}),
  };
}
