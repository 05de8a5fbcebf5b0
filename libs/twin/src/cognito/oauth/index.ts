import type { FastifyInstance } from 'fastify';
import { authorizeEndpoint } from './authorize';
import { acceptFormsOnly, type OAuthContext } from './context';
import { logoutEndpoint } from './logout';
import { revokeEndpoint } from './revoke';
import { tokenEndpoint } from './token';
import { userInfoEndpoint } from './userinfo';

export { completeAuthorization } from './authorize';
export { AUTHORIZE_QUERY, parseAuthorizeRequest, prefixOf, str } from './authorize-request';
export type { AuthRequest, Params } from './authorize-request';
export { CodeStore, CODE_TTL_MS } from './codes';
export { acceptFormsOnly, DOMAIN_ROUTE, FORM_BODY_LIMIT, knownDomain, requireDomain } from './context';
export type { OAuthContext } from './context';
export type { SignInSession, SignInSessions } from './sessions';

/**
 * Cognito's OAuth 2.0 server on every hosted UI domain (`/auth/<domain>/...`): authorize (code + PKCE S256, implicit
 * where allowed), token (authorization_code, refresh_token, client_credentials), userInfo, revoke and logout.
 * Discovery and keys are `oidc.ts`; the pages and their sessions are the hosted UI's.
 */
export async function oauthPlugin(app: FastifyInstance, ctx: OAuthContext): Promise<void> {
  await acceptFormsOnly(app);
  authorizeEndpoint(app, ctx);
  tokenEndpoint(app, ctx);
  userInfoEndpoint(app, ctx);
  revokeEndpoint(app, ctx);
  logoutEndpoint(app, ctx);
}
