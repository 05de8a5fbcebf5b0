import type { TwinClock } from '../../contracts';
import { opaque, sha256 } from '../../shared/ids';

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

/** Codes live five minutes. */
export const CODE_TTL_MS = 5 * 60 * 1000;

/** The authorization codes the authorize endpoint issued, in memory (a restart voids them, as a deploy would). */
export class CodeStore {
  private readonly codes = new Map<string, CodeGrant>();

  constructor(private readonly clock: TwinClock) {}

  /** Issues a code; returns its value. */
  issue(grant: Omit<CodeGrant, 'expiresAt' | 'redeemed'>): string {
    this.prune();
    const code = opaque(32);
    this.codes.set(sha256(code), { ...grant, expiresAt: this.clock.now() + CODE_TTL_MS, redeemed: false });
    return code;
  }

  /**
   * Takes a code for redemption. The first call marks it redeemed, synchronously, so that two concurrent
   * redemptions cannot both pass; later calls see `replayed`.
   */
  take(code: string): { grant: CodeGrant; replayed: boolean } | undefined {
    const grant = this.codes.get(sha256(code));
    if (!grant || grant.expiresAt <= this.clock.now()) return undefined;
    const replayed = grant.redeemed;
    grant.redeemed = true;
    return { grant, replayed };
  }

  private prune(): void {
    const now = this.clock.now();
    for (const [k, v] of this.codes) if (v.expiresAt <= now) this.codes.delete(k);
  }
}
