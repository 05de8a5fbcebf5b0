import { randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt cost parameters. */
export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  readonly N: number;
  /** Block size. */
  readonly r: number;
  /** Parallelisation. */
  readonly p: number;
}

/**
 * OWASP's Password Storage Cheat Sheet lists N=2^15, r=8, p=3 as equivalent to its N=2^17, r=8, p=1 minimum,
 * with a quarter of the memory (32 MiB) per hash: a sign-in costs about 0.3 s of one core here.
 */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 15, r: 8, p: 3 };

const KEY_LENGTH = 32;

/** The pool's password policy (`password_policy` of `aws_cognito_user_pool`). */
export interface PasswordPolicy {
  readonly minimumLength: number;
  readonly requireLowercase: boolean;
  readonly requireUppercase: boolean;
  readonly requireNumbers: boolean;
  readonly requireSymbols: boolean;
  /** Days a temporary password stays valid. */
  readonly temporaryPasswordValidityDays: number;
}

/** Cognito's policy when a pool declares none. */
export const DEFAULT_POLICY: PasswordPolicy = {
  minimumLength: 8,
  requireLowercase: true,
  requireUppercase: true,
  requireNumbers: true,
  requireSymbols: true,
  temporaryPasswordValidityDays: 7,
};

/** The characters Cognito counts as symbols (user-pool-settings-policies), space included. */
export const SYMBOLS = '^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+- ';

/**
 * The policy rules `password` breaks, each worded as Cognito words it after "Password does not conform to
 * policy: ". Empty when the password conforms.
 */
export function policyViolations(password: string, policy: PasswordPolicy): string[] {
  const out: string[] = [];
  if ([...password].length < policy.minimumLength) out.push('Password not long enough');
  if (policy.requireLowercase && !/[a-z]/.test(password)) out.push('Password must have lowercase characters');
  if (policy.requireUppercase && !/[A-Z]/.test(password)) out.push('Password must have uppercase characters');
  if (policy.requireNumbers && !/[0-9]/.test(password)) out.push('Password must have numeric characters');
  if (policy.requireSymbols && ![...password].some((c) => SYMBOLS.includes(c))) out.push('Password must have symbol characters');
  return out;
}

/**
 * A random password that satisfies `policy` (at least 16 characters), with symbols that survive copy and paste
 * from a terminal.
 */
export function generatePassword(policy: PasswordPolicy): string {
  const lower = 'abcdefghijkmnopqrstuvwxyz';
  const upper = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
  const digits = '23456789';
  const symbols = '!#%*+-=?@^_~';
  const all = lower + upper + digits + symbols;
  const chars = [pick(lower), pick(upper), pick(digits), pick(symbols)];
  const length = Math.max(16, policy.minimumLength);
  while (chars.length < length) chars.push(pick(all));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}

function pick(alphabet: string): string {
  return alphabet[randomInt(alphabet.length)];
}

/**
 * Hashes and verifies passwords with scrypt: `scrypt$N$r$p$<salt>$<hash>` (base64url). Every hash and every check is
 * one call of `derive`, the only place scrypt runs, so that what a sign-in costs can be observed and compared.
 */
export class PasswordHasher {
  constructor(readonly params: ScryptParams = DEFAULT_SCRYPT) {}

  /** A new hash of `password` with a random salt, at this hasher's cost. */
  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const hash = await this.derive(password, salt, this.params);
    return ['scrypt', this.params.N, this.params.r, this.params.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
  }

  /**
   * Checks a password against a stored hash (at the stored hash's own cost), comparing in constant time. A
   * malformed stored hash never matches.
   */
  async verify(password: string, stored: string): Promise<boolean> {
    const parts = stored.split('$');
    if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
    const [N, r, p] = parts.slice(1, 4).map(Number);
    if (![N, r, p].every((v) => Number.isSafeInteger(v) && v > 0)) return false;
    const salt = Buffer.from(parts[4], 'base64url');
    const expected = Buffer.from(parts[5], 'base64url');
    if (expected.length !== KEY_LENGTH) return false;
    const actual = await this.derive(password, salt, { N, r, p });
    return timingSafeEqual(actual, expected);
  }

  /** The scrypt key of `password` and `salt`: every hash and check goes through here, once. */
  derive(password: string, salt: Buffer, { N, r, p }: ScryptParams): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { N, r, p, maxmem: 128 * N * r * p + 32 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)));
    });
  }
}

/** Hashes a password with scrypt and a random salt: `scrypt$N$r$p$<salt>$<hash>` (base64url). */
export function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  return new PasswordHasher(params).hash(password);
}

/**
 * Checks a password against a stored hash in constant time for a given hash. A malformed stored hash never
 * matches.
 */
export function verifyPassword(password: string, stored: string): Promise<boolean> {
  return new PasswordHasher().verify(password, stored);
}

/**
 * Verifies passwords for users that do not exist against a dummy hash of the same cost, so that an unknown user
 * and a wrong password run the same scrypt computation with the same parameters.
 */
export class DummyHash {
  private readonly hasher: PasswordHasher;
  // Made at once, not on first use: a lazy hash would make the first unknown-user sign-in cost two scrypt runs.
  private readonly hash: Promise<string>;

  constructor(params: ScryptParams | PasswordHasher) {
    this.hasher = params instanceof PasswordHasher ? params : new PasswordHasher(params);
    this.hash = this.hasher.hash(randomBytes(18).toString('base64url'));
  }

  /** Resolves once the dummy hash exists: from then on, a check costs exactly one scrypt run. */
  async ready(): Promise<void> {
    await this.hash;
  }

  async verify(password: string): Promise<false> {
    await this.hasher.verify(password, await this.hash);
    return false;
  }
}
