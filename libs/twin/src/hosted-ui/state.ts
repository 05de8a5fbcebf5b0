import type { TwinClock } from '../contracts';
import { opaque, sha256 } from '../shared/ids';

/** A signed-in browser on one hosted UI domain. */
export interface HostedSession {
  /** SHA-256 of the cookie value: also the `session_id` recorded on refresh tokens, so /logout can revoke them. */
  readonly id: string;
  readonly domain: string;
  readonly poolId: string;
  readonly sub: string;
  /** Seconds since the epoch. */
  readonly authTime: number;
  readonly expiresAt: number;
}

/** An authorization code, kept by its SHA-256. */
export interface CodeGrant {
  readonly clientId: string;
  readonly poolId: string;
  readonly sub: string;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  readonly challenge?: string;
  readonly nonce?: string;
  readonly authTime: number;
  readonly sessionId: string;
  /** The origin_jti the tokens of this code carry, so that a replayed code can revoke them. */
  readonly originJti: string;
  readonly expiresAt: number;
  redeemed: boolean;
}

/** Hosted UI sessions last an hour, as Cognito's session cookie does. */
export const SESSION_TTL_MS = 3600 * 1000;
/** Codes live five minutes. */
export const CODE_TTL_MS = 5 * 60 * 1000;

/** Short-lived hosted UI state: sessions and authorization codes (a restart signs browsers out, like a new deploy). */
export class HostedState {
  private readonly sessions = new Map<string, HostedSession>();
  private readonly codes = new Map<string, CodeGrant>();

  constructor(private readonly clock: TwinClock) {}

  /** Opens a session; returns the cookie value. */
  openSession(domain: string, poolId: string, sub: string, authTime: number): { cookie: string; session: HostedSession } {
    this.prune();
    const cookie = opaque(32);
    const session: HostedSession = { id: sha256(cookie), domain, poolId, sub, authTime, expiresAt: this.clock.now() + SESSION_TTL_MS };
    this.sessions.set(session.id, session);
    return { cookie, session };
  }

  /** The live session of a cookie value on this domain (a cookie of another domain never matches). */
  session(cookie: string | undefined, domain: string): HostedSession | undefined {
    if (!cookie) return undefined;
    const s = this.sessions.get(sha256(cookie));
    if (!s || s.domain !== domain || s.expiresAt <= this.clock.now()) return undefined;
    return s;
  }

  closeSession(id: string): void {
    this.sessions.delete(id);
  }

  /** Issues a code; returns its value. */
  issueCode(grant: Omit<CodeGrant, 'expiresAt' | 'redeemed'>): string {
    this.prune();
    const code = opaque(32);
    this.codes.set(sha256(code), { ...grant, expiresAt: this.clock.now() + CODE_TTL_MS, redeemed: false });
    return code;
  }

  /**
   * Takes a code for redemption. The first call marks it redeemed, synchronously, so that two concurrent
   * redemptions cannot both pass; later calls see `replayed`.
   */
  takeCode(code: string): { grant: CodeGrant; replayed: boolean } | undefined {
    const grant = this.codes.get(sha256(code));
    if (!grant || grant.expiresAt <= this.clock.now()) return undefined;
    const replayed = grant.redeemed;
    grant.redeemed = true;
    return { grant, replayed };
  }

  private prune(): void {
    const now = this.clock.now();
    for (const [k, v] of this.sessions) if (v.expiresAt <= now) this.sessions.delete(k);
    for (const [k, v] of this.codes) if (v.expiresAt <= now) this.codes.delete(k);
  }
}
