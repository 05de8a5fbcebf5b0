import type { TwinClock, TwinPoolView } from '../../contracts';
import { JwtVerifier, type JwtVerifierOptions, type ReadToken, type VerifyResult } from '../../shared/jwt';
import { type Maybe } from '../../shared/maybe';
import { TokenMap } from '../../shared/token-map';

export { MAX_TOKEN_BYTES } from '../../shared/jwt';
export type { RejectedToken, TokenClaims, VerifiedToken, VerifyResult } from '../../shared/jwt';

/** Tunables of the verifier; the defaults are what the gateway uses. */
export type TokenVerifierOptions = JwtVerifierOptions;

/** How many verified tokens `TokenVerifier` remembers (oldest forgotten first). */
const VERIFIED_TOKENS_MAX = 10_000;

/**
 * Verifies Cognito user-pool tokens the way API Gateway's COGNITO_USER_POOLS authorizer does: the twin's one
 * verification (`JwtVerifier`: key choice, signature and claim rules), plus what is the gateway's own, a memory of
 * tokens whose RS256 signature already verified. The result for the same bytes and key never changes, so a repeated
 * token skips the parse and the RSA operation; `iss` and the checks against the clock (exp, iat, nbf) still run on
 * every request, as API Gateway's authorizer does with its result cache off.
 */
export class TokenVerifier {
  private readonly core: JwtVerifier;
  private readonly verified = new TokenMap<ReadToken>(VERIFIED_TOKENS_MAX);

  constructor(pools: () => readonly TwinPoolView[], clock: TwinClock, options: TokenVerifierOptions = {}) {
    this.core = new JwtVerifier(pools, clock, options);
  }

  verify(token: string): Maybe<VerifyResult> {
    if (typeof token !== 'string' || token.length === 0) return this.core.verify(token);
    const seen = this.verified.get(token);
    if (seen && this.core.isCurrent(seen)) return this.core.check(seen);
    const read = this.core.read(token);
    const remember = (r: Awaited<typeof read>): VerifyResult => {
      if (r.ok === false) return r;
      this.verified.set(token, r);
      return this.core.check(r);
    };
    return read instanceof Promise ? read.then(remember) : remember(read);
  }
}
