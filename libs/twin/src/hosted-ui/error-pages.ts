import type { FastifyInstance } from 'fastify';
import { DOMAIN_ROUTE, knownDomain, str, type Params } from '../cognito/oauth';
import type { HostedUiContext } from './context';
import { errorPage, signedOutPage } from './html';
import { sendPage } from './page';

const ERROR_QUERY = { type: 'object', properties: { error: str(128), error_description: str(512), client_id: str(128) } } as const;

const REDIRECT_MISMATCH = 'The redirect URI is not registered for this app client. Fix: add it to the client\'s callback URLs, exactly (scheme, host, port, path, case, trailing slash).';

/** `GET /error` (where requests that cannot go back to a client end) and `GET /signedOut`. */
export function errorPages(app: FastifyInstance, ctx: HostedUiContext): void {
  const route = { onRequest: knownDomain(ctx.service.directory), config: { errorStyle: 'html' as const } };
  app.get(`${DOMAIN_ROUTE}/error`, { ...route, schema: { querystring: ERROR_QUERY } }, async (request, reply) => {
    const q = request.query as Params;
    const error = q['error'] ?? 'invalid_request';
    const description = error === 'redirect_mismatch' ? REDIRECT_MISMATCH : q['error_description'];
    return sendPage(reply, 400, (nonce) => errorPage(nonce, error, description));
  });
  app.get(`${DOMAIN_ROUTE}/signedOut`, route, async (_request, reply) => sendPage(reply, 200, (nonce) => signedOutPage(nonce)));
}
