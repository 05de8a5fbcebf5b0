import type { FastifyInstance } from 'fastify';
import type { CognitoDirectory } from './pools';

/**
 * Discovery and keys under each pool's issuer, as on `cognito-idp.<region>.amazonaws.com/<poolId>`:
 * `/.well-known/openid-configuration` and `/.well-known/jwks.json`. The OAuth endpoints point at the pool's
 * hosted UI domain when it has one, as Cognito's document does.
 */
export async function oidcPlugin(app: FastifyInstance, opts: { directory: CognitoDirectory }): Promise<void> {
  for (const pool of opts.directory.all()) {
    const cache = { 'cache-control': 'public, max-age=300', 'content-type': 'application/json; charset=utf-8' };
    app.get(`/${pool.id}/.well-known/jwks.json`, { config: { errorStyle: 'aws-json' } }, async (_req, reply) => reply.headers(cache).send(JSON.stringify(pool.jwks())));
    app.get(`/${pool.id}/.well-known/openid-configuration`, { config: { errorStyle: 'aws-json' } }, async (_req, reply) => {
      const ui = pool.hostedUiBase();
      const doc = {
        ...(ui
          ? {
              authorization_endpoint: `${ui}/oauth2/authorize`,
              end_session_endpoint: `${ui}/logout`,
            }
          : {}),
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
      return reply.headers(cache).send(JSON.stringify(doc));
    });
  }
}
