import { OAuthError } from '../../errors';
import type { AppClient } from '../../pools';
import type { OAuthContext } from '../context';
import type { TokenResponse } from './token-response';

/** `grant_type=client_credentials`, as the token endpoint parsed it. */
export interface ClientCredentialsRequest {
  readonly grantType: 'client_credentials';
  /** Requested scopes; none asks for every resource-server scope of the client. */
  readonly scopes: readonly string[];
}

/** An access token for a confidential client itself, holding only its resource-server scopes. */
export async function clientCredentialsGrant(ctx: OAuthContext, client: AppClient, req: ClientCredentialsRequest): Promise<TokenResponse> {
  if (!client.settings.allowedOAuthFlows.includes('client_credentials') || !client.secret) throw new OAuthError('unauthorized_client', 'The client_credentials grant is not enabled for this client.');
  const custom = client.settings.allowedScopes.filter((x) => x.includes('/'));
  const scopes = req.scopes.length > 0 ? [...new Set(req.scopes)] : custom;
  if (scopes.length === 0 || scopes.some((x) => !custom.includes(x))) throw new OAuthError('invalid_scope', 'Only the client\'s resource-server scopes can be granted to a client.');
  const tokens = await ctx.service.tokens.issueForClient(client, scopes);
  return { access_token: tokens.accessToken, expires_in: tokens.expiresIn, token_type: 'Bearer' };
}
