import type { FastifyReply, FastifyRequest } from 'fastify';
import { PreparedResponseError } from '../cognito/errors';
import type { AppClient, HostedDomain } from '../cognito/pools';
import { safeEqual } from '../cognito/service';
import { opaque } from '../shared/ids';
import { errorPage } from './html';
import { cookiesOf, CSRF_COOKIE, type SessionStore } from './sessions';

/**
 * Sends a hosted UI page with its security headers: a CSP whose `form-action` admits only this origin and the
 * client's own callback and logout origins, no framing, no referrer, no caching.
 */
export function sendPage(reply: FastifyReply, status: number, body: (nonce: string) => string, client?: AppClient): FastifyReply {
  const nonce = opaque(16);
  const targets = new Set<string>();
  for (const u of [...(client?.settings.callbackUrls ?? []), ...(client?.settings.logoutUrls ?? [])]) {
    try {
      const url = new URL(u);
      targets.add(url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : url.protocol);
    } catch {
      // A URL the stack check let through but URL cannot parse is simply not a form target.
    }
  }
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', `default-src 'none'; style-src 'nonce-${nonce}'; img-src 'self' data:; form-action 'self' ${[...targets].join(' ')}; frame-ancestors 'none'; base-uri 'none'`)
    .header('cache-control', 'no-store')
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .send(body(nonce));
}

/** A fresh CSRF token for a form, set as the domain's CSRF cookie on the reply. */
export function issueCsrf(reply: FastifyReply, sessions: SessionStore, domain: HostedDomain): string {
  const csrf = opaque(32);
  reply.header('set-cookie', sessions.cookie(domain, CSRF_COOKIE, csrf, 3600));
  return csrf;
}

/** Refuses a form whose CSRF token is not the one its page set (403, an error page). */
export function checkCsrf(request: FastifyRequest, sent: string | undefined): void {
  const expected = cookiesOf(request)[CSRF_COOKIE];
  if (!expected || !sent || !safeEqual(expected, sent)) {
    const nonce = opaque(16);
    throw new PreparedResponseError({
      statusCode: 403,
      headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': `default-src 'none'; style-src 'nonce-${nonce}'; frame-ancestors 'none'` },
      body: errorPage(nonce, 'invalid_csrf_token', 'The form expired or was not sent from this page. Go back, reload the sign-in page and try again.'),
    });
  }
}
