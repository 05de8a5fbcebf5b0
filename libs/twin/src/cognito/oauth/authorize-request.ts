import { PreparedResponseError } from '../errors';
import type { AppClient, CognitoDirectory, HostedDomain } from '../pools';

/** Query and form values as Fastify hands them over after the schema check. */
export type Params = Partial<Record<string, string>>;

/** JSON schema of one bounded string parameter. */
export const str = (max: number) => ({ type: 'string', maxLength: max }) as const;

/** The parameters of `/oauth2/authorize` (and of the hosted UI pages, which carry them from page to page). */
export const AUTHORIZE_QUERY = {
  type: 'object',
  properties: {
    client_id: str(128), redirect_uri: str(2048), response_type: str(64), scope: str(2048), state: str(4096), code_challenge: str(256),
    code_challenge_method: str(32), nonce: str(2048), identity_provider: str(128), idp_identifier: str(128), prompt: str(64), lang: str(32),
  },
} as const;

/** A validated authorization request. */
export interface AuthRequest {
  readonly client: AppClient;
  readonly redirectUri: string;
  readonly responseType: 'code' | 'token';
  readonly scopes: string[];
  readonly state?: string;
  readonly challenge?: string;
  readonly nonce?: string;
  readonly prompt?: string;
  /** The request's parameters, carried from page to page. */
  readonly params: URLSearchParams;
}

/** `/auth/<domain>`: where the twin serves a hosted UI domain. */
export function prefixOf(domain: HostedDomain): string {
  return `/auth/${domain.domain}`;
}

/** A redirect to the domain's error page; never to a client's URL (the client or its redirect URI is unknown). */
export function errorRedirect(domain: HostedDomain, error: string, clientId?: string): never {
  const q = new URLSearchParams({ error, ...(clientId ? { client_id: clientId } : {}) });
  throw new PreparedResponseError({ statusCode: 302, headers: { location: `${prefixOf(domain)}/error?${q}`, 'cache-control': 'no-store' }, body: '' });
}

/** The client's redirect URI with `params` added to its query or, for the implicit grant, as its fragment. */
export function toCallback(redirectUri: string, params: Record<string, string | undefined>, fragment = false): string {
  const url = new URL(redirectUri);
  const defined = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined);
  if (fragment) url.hash = new URLSearchParams(defined).toString();
  else for (const [k, v] of defined) url.searchParams.append(k, v);
  return url.toString();
}

/** An OAuth error sent back to a registered redirect URI (`?error=..&error_description=..&state=..`). */
export function callbackError(req: { redirectUri: string; state?: string }, error: string, description: string): never {
  throw new PreparedResponseError({ statusCode: 302, headers: { location: toCallback(req.redirectUri, { error, error_description: description, state: req.state }), 'cache-control': 'no-store' }, body: '' });
}

/**
 * Checks an authorization request in Cognito's order: client, redirect URI (never redirect to an unknown one), then
 * the rest, whose errors go back to the redirect URI.
 */
export function parseAuthorizeRequest(q: Params, domain: HostedDomain, directory: CognitoDirectory): AuthRequest {
  const clientId = q['client_id'];
  const client = clientId ? directory.client(clientId) : undefined;
  if (!client || client.pool !== domain.pool) return errorRedirect(domain, 'invalid_request', clientId);
  const redirectUri = q['redirect_uri'];
  if (!redirectUri || !client.settings.callbackUrls.includes(redirectUri)) return errorRedirect(domain, 'redirect_mismatch', client.id);
  const base = { redirectUri, state: q['state'] };
  if (!client.settings.oauthEnabled || !client.settings.supportedIdentityProviders.includes('COGNITO')) {
    return callbackError(base, 'unauthorized_client', 'Client is not enabled for OAuth2.0 flows with the Cognito user pool as identity provider.');
  }
  if (q['identity_provider'] !== undefined && q['identity_provider'] !== 'COGNITO') {
    return callbackError(base, 'invalid_request', 'Only the COGNITO identity provider is emulated by the local twin.');
  }
  const responseType = q['response_type'];
  if (responseType !== 'code' && responseType !== 'token') {
    return callbackError(base, 'invalid_request', responseType === undefined ? 'response_type is required.' : 'response_type must be exactly code or token.');
  }
  if (!client.settings.allowedOAuthFlows.includes(responseType === 'code' ? 'code' : 'implicit')) {
    return callbackError(base, 'unauthorized_client', `The ${responseType === 'code' ? 'authorization code' : 'implicit'} grant is not enabled for this client.`);
  }
  const requested = (q['scope'] ?? '').split(/[ +]/).filter(Boolean);
  const scopes = requested.length > 0 ? [...new Set(requested)] : [...client.settings.allowedScopes];
  const notAllowed = scopes.filter((x) => !client.settings.allowedScopes.includes(x));
  if (notAllowed.length > 0) return callbackError(base, 'invalid_scope', `Scope not allowed for this client: ${notAllowed.join(' ')}`);
  let challenge: string | undefined;
  if (responseType === 'code') {
    const method = q['code_challenge_method'];
    challenge = q['code_challenge'];
    if (challenge === undefined && method !== undefined) return callbackError(base, 'invalid_request', 'code_challenge_method was sent without code_challenge.');
    if (challenge !== undefined) {
      if (method !== 'S256') return callbackError(base, 'invalid_request', 'Only the S256 code_challenge_method is supported.');
      if (!/^[A-Za-z0-9_-]{43}$/.test(challenge)) return callbackError(base, 'invalid_request', 'code_challenge must be a base64url SHA-256 digest (43 characters).');
    }
  }
  const params = new URLSearchParams();
  for (const key of Object.keys(AUTHORIZE_QUERY.properties)) {
    const v = q[key];
    if (v !== undefined) params.set(key, v);
  }
  return { client, redirectUri, responseType, scopes, state: q['state'], challenge, nonce: q['nonce'], prompt: q['prompt'], params };
}
