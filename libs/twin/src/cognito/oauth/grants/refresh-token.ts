import { CognitoError, OAuthError } from '../../errors';
import type { AppClient } from '../../pools';
import type { OAuthContext } from '../context';
import type { TokenResponse } from './token-response';

/** `grant_type=refresh_token`, as the token endpoint parsed it. */
export interface RefreshTokenRequest {
  readonly grantType: 'refresh_token';
  readonly refreshToken?: string;
}

/** New ID and access tokens from a live refresh token of this client; Cognito issues no new refresh token. */
export async function refreshTokenGrant(ctx: OAuthContext, client: AppClient, req: RefreshTokenRequest): Promise<TokenResponse> {
  if (!req.refreshToken) throw new OAuthError('invalid_request', 'refresh_token is required.');
  const { service } = ctx;
  try {
    const tokens = await service.refresh(client, service.refreshRecord(client, req.refreshToken));
    return { id_token: tokens.idToken, access_token: tokens.accessToken, expires_in: tokens.expiresIn, token_type: 'Bearer' };
  } catch (err) {
    if (err instanceof CognitoError) throw new OAuthError('invalid_grant', err.message);
    throw err;
  }
}
