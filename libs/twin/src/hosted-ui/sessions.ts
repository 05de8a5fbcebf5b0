import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TwinClock } from '../contracts';
import type { HostedDomain } from '../cognito/pools';
import type { SignInSession, SignInSessions } from '../cognito/oauth';
import { opaque, sha256 } from '../shared/ids';

/** A signed-in browser on one hosted UI domain. */
export interface HostedSession extends SignInSession {
  /** SHA-256 of the cookie value. */
  readonly id: string;
  readonly domain: string;
  readonly poolId: string;
  readonly expiresAt: number;
}

/** Hosted UI sessions last an hour, as Cognito's session cookie does. */
export const SESSION_TTL_MS = 3600 * 1000;
export const SESSION_COOKIE = 'cognito';
export const CSRF_COOKIE = 'XSRF-TOKEN';

/**
 * The hosted UI's sign-in sessions and their cookies (HttpOnly, SameSite=Lax, scoped to the domain's path, Secure over
 * https), in memory: a restart signs browsers out, like a new deploy.
 */
export class SessionStore implements SignInSessions {
  private readonly sessions = new Map<string, HostedSession>();

  constructor(private readonly clock: TwinClock, private readonly secure: () => boolean) {}

  /** A `Set-Cookie` value for a cookie of the domain (`maxAge` 0 clears it). */
  cookie(domain: HostedDomain, name: string, value: string, maxAgeSeconds: number): string {
    return `${name}=${value}; Path=/auth/${domain.domain}; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${this.secure() ? '; Secure' : ''}`;
  }

  /** Opens a session for a user who just signed in; sets its cookie (and clears the form's CSRF cookie) on the reply. */
  open(reply: FastifyReply, domain: HostedDomain, sub: string): HostedSession {
    this.prune();
    const value = opaque(32);
    const session: HostedSession = { id: sha256(value), domain: domain.domain, poolId: domain.pool.id, sub, authTime: Math.floor(this.clock.now() / 1000), expiresAt: this.clock.now() + SESSION_TTL_MS };
    this.sessions.set(session.id, session);
    reply.header('set-cookie', [this.cookie(domain, SESSION_COOKIE, value, SESSION_TTL_MS / 1000), this.cookie(domain, CSRF_COOKIE, '', 0)]);
    return session;
  }

  current(request: FastifyRequest, domain: HostedDomain): HostedSession | undefined {
    const value = cookiesOf(request)[SESSION_COOKIE];
    if (!value) return undefined;
    const s = this.sessions.get(sha256(value));
    // A cookie of another domain never matches.
    if (!s || s.domain !== domain.domain || s.expiresAt <= this.clock.now()) return undefined;
    return s;
  }

  close(id: string): void {
    this.sessions.delete(id);
  }

  end(request: FastifyRequest, reply: FastifyReply, domain: HostedDomain): HostedSession | undefined {
    const session = this.current(request, domain);
    if (session) this.close(session.id);
    reply.header('set-cookie', [this.cookie(domain, SESSION_COOKIE, '', 0), this.cookie(domain, CSRF_COOKIE, '', 0)]);
    return session;
  }

  private prune(): void {
    const now = this.clock.now();
    for (const [k, v] of this.sessions) if (v.expiresAt <= now) this.sessions.delete(k);
  }
}

/** The request's cookies (first value of each name). */
export function cookiesOf(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const name = part.slice(0, i).trim();
    if (name && !(name in out)) out[name] = part.slice(i + 1).trim();
  }
  return out;
}
