import type { FastifyRequest } from 'fastify';
import { OAuthError } from '../errors';
import type { AppClient, HostedDomain } from '../pools';
import { safeEqual } from '../service';
import type { Params } from './authorize-request';

/**
 * The client a token or revoke request authenticates as. RFC 6749 §2.3.1: HTTP Basic (URL-encoded id and secret) or
 * the body, never both; secrets compared in constant time; a public client must send no secret.
 */
export function authenticateClient(request: FastifyRequest, body: Params, domain: HostedDomain, find: (clientId: string) => AppClient | undefined): AppClient {
  const header = request.headers.authorization;
  let id = body['client_id'];
  let secret = body['client_secret'];
  if (header !== undefined) {
    const m = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header.trim());
    if (!m) throw new OAuthError('invalid_client', 'The Authorization header must be HTTP Basic with the client id and secret.');
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new OAuthError('invalid_client', 'The Authorization header must be HTTP Basic with the client id and secret.');
    if (secret !== undefined) throw new OAuthError('invalid_request', 'Send the client secret either in the Authorization header or in the body, not both.');
    let basicId: string;
    try {
      basicId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
      secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
    } catch {
      throw new OAuthError('invalid_client', 'The Authorization header is not valid.');
    }
    if (id !== undefined && id !== basicId) throw new OAuthError('invalid_client', 'client_id differs from the Authorization header.');
    id = basicId;
  }
  if (!id) throw new OAuthError('invalid_request', 'client_id is required.');
  const client = find(id);
  if (!client || client.pool !== domain.pool) throw new OAuthError('invalid_client', 'Client authentication failed.');
  if (client.secret !== undefined ? secret === undefined || !safeEqual(secret, client.secret) : secret !== undefined) {
    throw new OAuthError('invalid_client', 'Client authentication failed.');
  }
  return client;
}
