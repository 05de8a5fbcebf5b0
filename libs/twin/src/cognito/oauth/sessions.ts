import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HostedDomain } from '../pools';

/** A signed-in browser on one hosted UI domain, as the OAuth endpoints see it. */
export interface SignInSession {
  /** Also the `session_id` recorded on refresh tokens, so that /logout can revoke them. */
  readonly id: string;
  readonly sub: string;
  /** Seconds since the epoch. */
  readonly authTime: number;
}

/**
 * What the OAuth endpoints need of the hosted UI's sign-in sessions: the hosted UI owns the sessions and their
 * cookies; authorize reads them (a signed-in browser gets its code at once) and logout ends them.
 */
export interface SignInSessions {
  /** The live session the request's cookie names on this domain, if any. */
  current(request: FastifyRequest, domain: HostedDomain): SignInSession | undefined;
  /** Forgets a session (its user can no longer sign in through it). */
  close(id: string): void;
  /** Ends the request's session on this domain, if any, and clears the hosted UI's cookies on the reply. */
  end(request: FastifyRequest, reply: FastifyReply, domain: HostedDomain): SignInSession | undefined;
}
