import { createHash } from 'node:crypto';
import { OAuthError } from '../../errors';
import type { AppClient } from '../../pools';
import { safeEqual } from '../../service';
import type { OAuthContext } from '../context';
import type { TokenResponse } from './token-response';

/** `grant_type=authorization_code`, as the token endpoint parsed it. */
export interface AuthorizationCodeRequest {
  readonly grantType: 'authorization_code';
  readonly code?: string;
  readonly redirectUri?: string;
  readonly codeVerifier?: string;
}

/**
 * Redeems a code: once (a replay revokes what it produced, RFC 6749 §4.1.2), by the client it was issued to, with the
 * exact redirect URI of the authorization request and, with PKCE, the verifier of its S256 challenge.
 */
export async function authorizationCodeGrant(ctx: OAuthContext, client: AppClient, req: AuthorizationCodeRequest): Promise<TokenResponse> {
  const { service } = ctx;
  if (!req.code) throw new OAuthError('invalid_request', 'code is required.');
  // A request missing a parameter is malformed: it leaves the code unspent, unlike a wrong value.
  if (req.redirectUri === undefined) throw new OAuthError('invalid_request', 'redirect_uri is required with the authorization_code grant.');
  const taken = ctx.codes.take(req.code);
  if (!taken) throw new OAuthError('invalid_grant', 'The code is invalid or has expired.');
  const { grant: g, replayed } = taken;
  if (replayed) {
    service.store.revokeOrigin(g.originJti, service.clock.now() + client.settings.refreshTokenValidityMs);
    throw new OAuthError('invalid_grant', 'The code has already been used.');
  }
  if (g.clientId !== client.id) throw new OAuthError('invalid_grant', 'The code was issued to another client.');
  if (req.redirectUri !== g.redirectUri) throw new OAuthError('invalid_grant', 'redirect_uri does not match the authorization request.');
  const verifier = req.codeVerifier;
  if (g.challenge === undefined) {
    if (verifier !== undefined) throw new OAuthError('invalid_request', 'code_verifier was sent but the authorization request had no code_challenge.');
  } else {
    if (verifier === undefined) throw new OAuthError('invalid_grant', 'code_verifier is required.');
    if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || !safeEqual(createHash('sha256').update(verifier).digest('base64url'), g.challenge)) {
      throw new OAuthError('invalid_grant', 'code_verifier does not match the code_challenge.');
    }
  }
  const user = service.store.userBySub(g.poolId, g.sub);
  if (!user || !user.enabled) throw new OAuthError('invalid_grant', 'The user of this code is no longer valid.');
  const tokens = await service.tokens.issueForUser({
    client, user, scopes: g.scopes, authTime: g.authTime, withIdToken: g.scopes.includes('openid'), withRefreshToken: true,
    hostedUi: true, nonce: g.nonce, sessionId: g.sessionId, originJti: g.originJti,
  });
  return { id_token: tokens.idToken, access_token: tokens.accessToken, refresh_token: tokens.refreshToken, expires_in: tokens.expiresIn, token_type: 'Bearer' };
}
