import type { FastifyInstance } from 'fastify';
import { OAuthError } from '../errors';
import { str, type Params } from './authorize-request';
import { authenticateClient } from './client-auth';
import { DOMAIN_ROUTE, FORM_BODY_LIMIT, knownDomain, requireDomain, type OAuthContext } from './context';
import { authorizationCodeGrant, type AuthorizationCodeRequest } from './grants/authorization-code';
import { clientCredentialsGrant, type ClientCredentialsRequest } from './grants/client-credentials';
import { refreshTokenGrant, type RefreshTokenRequest } from './grants/refresh-token';
import type { TokenResponse } from './grants/token-response';

const TOKEN_BODY = {
  type: 'object',
  properties: { grant_type: str(64), code: str(512), redirect_uri: str(2048), code_verifier: str(256), refresh_token: str(8192), client_id: str(128), client_secret: str(128), scope: str(2048) },
} as const;

/** A token request, parsed per grant type. */
export type TokenRequest = AuthorizationCodeRequest | RefreshTokenRequest | ClientCredentialsRequest;

/** Reads the grant's own parameters from the form; an unknown or missing grant type is the client's error. */
export function parseTokenRequest(body: Params): TokenRequest {
  const grant = body['grant_type'];
  if (!grant) throw new OAuthError('invalid_request', 'grant_type is required.');
  switch (grant) {
    case 'authorization_code':
      return { grantType: grant, code: body['code'], redirectUri: body['redirect_uri'], codeVerifier: body['code_verifier'] };
    case 'refresh_token':
      return { grantType: grant, refreshToken: body['refresh_token'] };
    case 'client_credentials':
      return { grantType: grant, scopes: (body['scope'] ?? '').split(/[ +]/).filter(Boolean) };
    default:
      throw new OAuthError('unsupported_grant_type', `Unsupported grant_type ${grant.slice(0, 64)}.`);
  }
}

/** `POST /oauth2/token`: authenticates the client, then runs the one function of its grant. */
export function tokenEndpoint(app: FastifyInstance, ctx: OAuthContext): void {
  const { directory } = ctx.service;
  app.post(`${DOMAIN_ROUTE}/oauth2/token`, { onRequest: knownDomain(directory), config: { errorStyle: 'oauth' }, bodyLimit: FORM_BODY_LIMIT, schema: { body: TOKEN_BODY } }, async (request, reply) => {
    const body = (request.body ?? {}) as Params;
    const client = authenticateClient(request, body, requireDomain(directory, request), (id) => directory.client(id));
    const req = parseTokenRequest(body);
    let result: TokenResponse;
    switch (req.grantType) {
      case 'authorization_code':
        result = await authorizationCodeGrant(ctx, client, req);
        break;
      case 'refresh_token':
        result = await refreshTokenGrant(ctx, client, req);
        break;
      case 'client_credentials':
        result = await clientCredentialsGrant(ctx, client, req);
        break;
    }
    return reply
      .header('content-type', 'application/json;charset=UTF-8')
      .header('cache-control', 'no-store')
      .header('pragma', 'no-cache')
      .send(JSON.stringify(Object.fromEntries(Object.entries(result).filter(([, v]) => v !== undefined))));
  });
}
