import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { TwinClock } from '../contracts';
import type { RefreshTokenRecord, TwinStore, UserRecord, UserStatus } from '../store/store';
import { CognitoError } from './errors';
import { opaque, sha256, uuid } from '../shared/ids';
import { DEFAULT_SCRYPT, DummyHash, generatePassword, PasswordHasher, policyViolations, ScryptParams } from './passwords';
import type { AppClient, CognitoDirectory, UserPool } from './pools';
import { IssuedTokens, TokenService } from './tokens';

/** The scope of tokens from the JSON API sign-in: it lets the user call GetUser, GlobalSignOut and the like. */
export const ADMIN_SCOPE = 'aws.cognito.signin.user.admin';

/** A message Cognito would send by email (the twin hands it to `onMessage` instead). */
export interface DeliveredMessage {
  readonly poolId: string;
  readonly username: string;
  readonly destination: string | undefined;
  readonly kind: 'temporary-password' | 'confirmation-code';
  readonly secret: string;
}

/** Settings of the Cognito service. */
export interface CognitoServiceOptions {
  /** @default DEFAULT_SCRYPT (OWASP-equivalent cost) */
  readonly scrypt?: ScryptParams;
  /** Receives what Cognito would email. @default - dropped */
  readonly onMessage?: (message: DeliveredMessage) => void;
}

/** A pending NEW_PASSWORD_REQUIRED challenge. */
export interface ChallengeSession {
  readonly poolId: string;
  readonly clientId: string;
  readonly sub: string;
  readonly expiresAt: number;
}

export const LOCKOUT_THRESHOLD = 5;
export const LOCKOUT_BASE_MS = 1000;
export const LOCKOUT_MAX_MS = 15 * 60 * 1000;
const CODE_TTL_MS = 24 * 3600 * 1000;
const PHANTOM_LIMIT = 10_000;

const ERR = {
  incorrect: () => new CognitoError('NotAuthorizedException', 'Incorrect username or password.'),
  attempts: () => new CognitoError('NotAuthorizedException', 'Password attempts exceeded'),
  notFound: () => new CognitoError('UserNotFoundException', 'User does not exist.'),
};

/** The user store and sign-in logic of every pool: what the JSON API and the hosted UI both call. */
export class CognitoService {
  readonly tokens: TokenService;
  /** Every password hash and check of every pool: one scrypt computation each. */
  readonly hasher: PasswordHasher;
  /** What an unknown user's password is checked against, so that both paths run the same computation. */
  readonly dummy: DummyHash;
  private readonly challenges = new Map<string, ChallengeSession>();
  /** Failed sign-ins for user names that do not exist, so that lockout does not reveal which ones do. */
  private readonly phantoms = new Map<string, { failed: number; lockedUntil: number }>();

  constructor(readonly directory: CognitoDirectory, readonly store: TwinStore, readonly clock: TwinClock, private readonly options: CognitoServiceOptions = {}) {
    this.hasher = new PasswordHasher(options.scrypt ?? DEFAULT_SCRYPT);
    this.dummy = new DummyHash(this.hasher);
    this.tokens = new TokenService(directory, store, clock);
  }

  /** Finds a user by user name, or by email where the pool signs in by email. */
  findUser(pool: UserPool, name: string): UserRecord | undefined {
    if (pool.emailIsUsername) {
      return this.store.userByEmail(pool.id, name.toLowerCase()) ?? this.store.userByKey(pool.id, name.toLowerCase());
    }
    const byName = this.store.userByKey(pool.id, pool.settings.caseSensitive ? name : name.toLowerCase());
    if (byName || !pool.emailSignIn) return byName;
    return this.store.userByEmail(pool.id, name.toLowerCase());
  }

  /** Like findUser, but an unknown user is Cognito's UserNotFoundException. */
  requireUser(pool: UserPool, name: string): UserRecord {
    const user = this.findUser(pool, name);
    if (!user) throw ERR.notFound();
    return user;
  }

  /**
   * Creates a user. Without a password, a temporary one is generated (and returned). Pools that sign in by
   * email take the email as the name the caller gives and use the `sub` as the user name, as Cognito does.
   */
  async createUser(
    pool: UserPool,
    input: { username: string; attributes: Record<string, string>; temporaryPassword?: string; permanentPassword?: string; enabled?: boolean; status?: UserStatus; existsMessage?: string },
  ): Promise<{ user: UserRecord; temporaryPassword?: string }> {
    const attributes = { ...input.attributes };
    const sub = uuid();
    let username = input.username;
    if (pool.emailIsUsername) {
      if (!EMAIL.test(input.username)) throw new CognitoError('InvalidParameterException', 'Username should be an email.');
      if (attributes['email'] !== undefined && attributes['email'].toLowerCase() !== input.username.toLowerCase()) {
        throw new CognitoError('InvalidParameterException', 'Username and email attribute values must match when email is the user name.');
      }
      attributes['email'] = input.username;
      username = sub;
    }
    if (attributes['email'] !== undefined && !EMAIL.test(attributes['email'])) throw new CognitoError('InvalidParameterException', 'Invalid email address format.');
    for (const flag of ['email_verified', 'phone_number_verified']) {
      if (attributes[flag] !== undefined && attributes[flag] !== 'true' && attributes[flag] !== 'false') {
        throw new CognitoError('InvalidParameterException', `${flag} must be 'true' or 'false'.`);
      }
    }
    const emailKey = pool.emailSignIn && attributes['email'] ? attributes['email'].toLowerCase() : null;
    const usernameKey = pool.settings.caseSensitive && !pool.emailIsUsername ? username : username.toLowerCase();
    const existing = this.store.userByKey(pool.id, usernameKey) ?? (emailKey ? this.store.userByEmail(pool.id, emailKey) : undefined);
    if (existing) throw new CognitoError('UsernameExistsException', input.existsMessage ?? 'User account already exists');
    let temporaryPassword: string | undefined;
    let status: UserStatus;
    let passwordHash: string;
    let tempPasswordExpiresAt: number | null = null;
    const now = this.clock.now();
    if (input.permanentPassword !== undefined) {
      this.checkPolicy(pool, input.permanentPassword);
      passwordHash = await this.hasher.hash(input.permanentPassword);
      status = input.status ?? 'CONFIRMED';
    } else {
      temporaryPassword = input.temporaryPassword ?? generatePassword(pool.settings.passwordPolicy);
      this.checkPolicy(pool, temporaryPassword);
      passwordHash = await this.hasher.hash(temporaryPassword);
      status = 'FORCE_CHANGE_PASSWORD';
      tempPasswordExpiresAt = now + pool.settings.passwordPolicy.temporaryPasswordValidityDays * 86_400_000;
    }
    const user: UserRecord = {
      poolId: pool.id, username, usernameKey, sub, emailKey, attributes: { sub, ...attributes }, status, enabled: input.enabled ?? true,
      passwordHash, tempPasswordExpiresAt, createdAt: now, updatedAt: now, failedAttempts: 0, lockedUntil: 0, tokensValidAfter: 0,
      confirmationCodeHash: null, confirmationCodeExpiresAt: null,
    };
    // The uniqueness checks above ran before an await: the store's unique keys are the final word.
    try {
      this.store.insertUser(user);
    } catch (err) {
      if (/UNIQUE/.test((err as Error).message)) throw new CognitoError('UsernameExistsException', input.existsMessage ?? 'User account already exists');
      throw err;
    }
    return { user, temporaryPassword };
  }

  /** Sets a new temporary password (AdminCreateUser RESEND, twin start-up for an unused stack user). */
  async resetTemporaryPassword(pool: UserPool, user: UserRecord, temporaryPassword = generatePassword(pool.settings.passwordPolicy)): Promise<string> {
    this.checkPolicy(pool, temporaryPassword);
    const hash = await this.hasher.hash(temporaryPassword);
    const now = this.clock.now();
    const fresh = this.store.userBySub(pool.id, user.sub) ?? user;
    this.store.updateUser({
      ...fresh, passwordHash: hash, status: 'FORCE_CHANGE_PASSWORD', updatedAt: now,
      tempPasswordExpiresAt: now + pool.settings.passwordPolicy.temporaryPasswordValidityDays * 86_400_000, failedAttempts: 0, lockedUntil: 0,
    });
    return temporaryPassword;
  }

  /** AdminSetUserPassword. */
  async setPassword(pool: UserPool, user: UserRecord, password: string, permanent: boolean): Promise<void> {
    if (!permanent) {
      await this.resetTemporaryPassword(pool, user, password);
      return;
    }
    this.checkPolicy(pool, password);
    const hash = await this.hasher.hash(password);
    const fresh = this.store.userBySub(pool.id, user.sub) ?? user;
    this.store.updateUser({ ...fresh, passwordHash: hash, status: 'CONFIRMED', tempPasswordExpiresAt: null, updatedAt: this.clock.now(), failedAttempts: 0, lockedUntil: 0 });
  }

  /** Throws InvalidPasswordException, worded as Cognito words it, when a password breaks the pool's policy. */
  checkPolicy(pool: UserPool, password: string): void {
    const problems = policyViolations(password, pool.settings.passwordPolicy);
    if (problems.length > 0) throw new CognitoError('InvalidPasswordException', `Password does not conform to policy: ${problems[0]}`);
  }

  /**
   * Checks a user name and password. Unknown users cost the same scrypt work and, where the client prevents
   * user-existence errors, get the same answer as a wrong password, lockout included.
   * Lockout: after 5 failures, 1 s, doubling with each further failure, at most 15 minutes.
   */
  async checkPassword(client: AppClient, name: string, password: string): Promise<UserRecord> {
    const pool = client.pool;
    const user = this.findUser(pool, name);
    const now = this.clock.now();
    const phantomKey = `${pool.id}\u0000${name.toLowerCase()}`;
    const lockedUntil = user ? user.lockedUntil : (this.phantoms.get(phantomKey)?.lockedUntil ?? 0);
    if (lockedUntil > now) {
      if (!user && !client.settings.preventUserExistenceErrors) throw ERR.notFound();
      throw ERR.attempts();
    }
    const ok = user?.passwordHash ? await this.hasher.verify(password, user.passwordHash) : await this.dummy.verify(password);
    if (!user) {
      this.recordPhantomFailure(phantomKey);
      if (!client.settings.preventUserExistenceErrors) throw ERR.notFound();
      throw ERR.incorrect();
    }
    const fresh = this.store.userBySub(pool.id, user.sub);
    if (!fresh) throw client.settings.preventUserExistenceErrors ? ERR.incorrect() : ERR.notFound();
    if (!ok) {
      const failed = fresh.failedAttempts + 1;
      const at = this.clock.now();
      this.store.updateUser({ ...fresh, failedAttempts: failed, lockedUntil: failed >= LOCKOUT_THRESHOLD ? at + lockoutMs(failed) : fresh.lockedUntil });
      throw ERR.incorrect();
    }
    if (fresh.failedAttempts !== 0 || fresh.lockedUntil !== 0) this.store.updateUser({ ...fresh, failedAttempts: 0, lockedUntil: 0 });
    if (!fresh.enabled) throw new CognitoError('NotAuthorizedException', 'User is disabled.');
    if (fresh.status === 'UNCONFIRMED') throw new CognitoError('UserNotConfirmedException', 'User is not confirmed.');
    if (fresh.status === 'RESET_REQUIRED') throw new CognitoError('PasswordResetRequiredException', 'Password reset required for the user');
    if (fresh.status === 'FORCE_CHANGE_PASSWORD' && fresh.tempPasswordExpiresAt !== null && fresh.tempPasswordExpiresAt < this.clock.now()) {
      throw new CognitoError('NotAuthorizedException', 'Temporary password has expired and must be reset by an administrator.');
    }
    return { ...fresh, failedAttempts: 0, lockedUntil: 0 };
  }

  private recordPhantomFailure(key: string): void {
    const entry = this.phantoms.get(key) ?? { failed: 0, lockedUntil: 0 };
    entry.failed += 1;
    if (entry.failed >= LOCKOUT_THRESHOLD) entry.lockedUntil = this.clock.now() + lockoutMs(entry.failed);
    this.phantoms.delete(key);
    this.phantoms.set(key, entry);
    if (this.phantoms.size > PHANTOM_LIMIT) this.phantoms.delete(this.phantoms.keys().next().value as string);
  }

  /** Opens a NEW_PASSWORD_REQUIRED challenge; the returned session string is what the client sends back. */
  openChallenge(client: AppClient, user: UserRecord): string {
    this.pruneChallenges();
    const session = opaque(96);
    this.challenges.set(sha256(session), { poolId: client.pool.id, clientId: client.id, sub: user.sub, expiresAt: this.clock.now() + client.settings.authSessionValidityMs });
    return session;
  }

  /** The user of a live challenge session of this client, or Cognito's "session is expired" error. */
  challengeUser(client: AppClient, session: string): UserRecord {
    const entry = this.challenges.get(sha256(session));
    if (!entry || entry.clientId !== client.id || entry.expiresAt < this.clock.now()) {
      throw new CognitoError('NotAuthorizedException', 'Invalid session for the user, session is expired.');
    }
    const user = this.store.userBySub(entry.poolId, entry.sub);
    if (!user) throw new CognitoError('NotAuthorizedException', 'Invalid session for the user, session is expired.');
    return user;
  }

  closeChallenge(session: string): void {
    this.challenges.delete(sha256(session));
  }

  private pruneChallenges(): void {
    const now = this.clock.now();
    for (const [k, v] of this.challenges) if (v.expiresAt < now) this.challenges.delete(k);
  }

  /** Completes NEW_PASSWORD_REQUIRED: the new password must meet the policy; the user becomes CONFIRMED. */
  async completeNewPassword(pool: UserPool, user: UserRecord, newPassword: string, attributes: Record<string, string> = {}): Promise<UserRecord> {
    if (user.status !== 'FORCE_CHANGE_PASSWORD') throw new CognitoError('NotAuthorizedException', 'Invalid session for the user, session is expired.');
    this.checkPolicy(pool, newPassword);
    const hash = await this.hasher.hash(newPassword);
    const fresh = this.store.userBySub(pool.id, user.sub) ?? user;
    const updated: UserRecord = {
      ...fresh, attributes: { ...fresh.attributes, ...attributes, sub: fresh.sub }, passwordHash: hash, status: 'CONFIRMED',
      tempPasswordExpiresAt: null, updatedAt: this.clock.now(), failedAttempts: 0, lockedUntil: 0,
    };
    this.store.updateUser(updated);
    return updated;
  }

  /**
   * AdminUpdateUserAttributes / AdminDeleteUserAttributes: sets (or, with `remove`, deletes) attributes. `sub` and,
   * in pools that sign in by email, the email that is the user name's key cannot be removed; a new email is
   * unverified unless the same call verifies it, as Cognito does.
   */
  updateAttributes(pool: UserPool, user: UserRecord, set: Record<string, string>, remove: readonly string[] = []): UserRecord {
    for (const name of ['sub', ...(pool.emailIsUsername ? ['email'] : [])]) {
      if (remove.includes(name)) throw new CognitoError('InvalidParameterException', `Cannot delete the ${name} attribute.`);
    }
    if (set['sub'] !== undefined) throw new CognitoError('InvalidParameterException', 'Cannot modify the non-mutable attribute sub.');
    if (set['email'] !== undefined && !EMAIL.test(set['email'])) throw new CognitoError('InvalidParameterException', 'Invalid email address format.');
    for (const flag of ['email_verified', 'phone_number_verified']) {
      if (set[flag] !== undefined && set[flag] !== 'true' && set[flag] !== 'false') throw new CognitoError('InvalidParameterException', `${flag} must be 'true' or 'false'.`);
    }
    const fresh = this.store.userBySub(pool.id, user.sub) ?? user;
    const attributes: Record<string, string> = { ...fresh.attributes, ...set };
    if (set['email'] !== undefined && set['email'] !== fresh.attributes['email'] && set['email_verified'] === undefined) attributes['email_verified'] = 'false';
    for (const name of remove) delete attributes[name];
    const emailKey = pool.emailSignIn && attributes['email'] ? attributes['email'].toLowerCase() : null;
    if (emailKey && emailKey !== fresh.emailKey && this.store.userByEmail(pool.id, emailKey)) throw new CognitoError('AliasExistsException', 'An account with the given email already exists.');
    const updated: UserRecord = { ...fresh, attributes: { ...attributes, sub: fresh.sub }, emailKey, updatedAt: this.clock.now() };
    this.store.updateUser(updated);
    return updated;
  }

  /** SignUp: an UNCONFIRMED user; a confirmation code goes to the email when the pool verifies it. */
  async signUp(client: AppClient, username: string, password: string, attributes: Record<string, string>): Promise<{ user: UserRecord; delivered?: string }> {
    const pool = client.pool;
    if (pool.settings.allowAdminCreateUserOnly) throw new CognitoError('NotAuthorizedException', 'SignUp is not permitted for this user pool');
    this.checkPolicy(pool, password);
    const { user } = await this.createUser(pool, {
      username, attributes, permanentPassword: password, status: 'UNCONFIRMED',
      existsMessage: pool.emailIsUsername ? 'An account with the given email already exists.' : 'User already exists',
    });
    if (!pool.settings.autoVerifiedAttributes.includes('email') || !user.attributes['email']) return { user };
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    this.store.updateUser({ ...user, confirmationCodeHash: sha256(`${user.sub}:${code}`), confirmationCodeExpiresAt: this.clock.now() + CODE_TTL_MS });
    this.deliver(pool, user, 'confirmation-code', code);
    return { user, delivered: user.attributes['email'] };
  }

  /** ConfirmSignUp with the emailed code. Five wrong codes void the code. */
  confirmSignUp(client: AppClient, username: string, code: string): void {
    const pool = client.pool;
    const user = this.findUser(pool, username);
    if (!user) {
      if (client.settings.preventUserExistenceErrors) throw new CognitoError('CodeMismatchException', 'Invalid verification code provided, please try again.');
      throw new CognitoError('UserNotFoundException', 'Username/client id combination not found.');
    }
    if (user.status !== 'UNCONFIRMED') throw new CognitoError('NotAuthorizedException', `User cannot be confirmed. Current status is ${user.status}`);
    if (!user.confirmationCodeHash || (user.confirmationCodeExpiresAt ?? 0) < this.clock.now()) {
      throw new CognitoError('ExpiredCodeException', 'Invalid code provided, please request a code again.');
    }
    if (!safeEqual(sha256(`${user.sub}:${code}`), user.confirmationCodeHash)) {
      const failed = user.failedAttempts + 1;
      this.store.updateUser({ ...user, failedAttempts: failed, ...(failed >= LOCKOUT_THRESHOLD ? { confirmationCodeHash: null, confirmationCodeExpiresAt: null } : {}) });
      throw new CognitoError('CodeMismatchException', 'Invalid verification code provided, please try again.');
    }
    this.store.updateUser({
      ...user, status: 'CONFIRMED', failedAttempts: 0, confirmationCodeHash: null, confirmationCodeExpiresAt: null, updatedAt: this.clock.now(),
      attributes: pool.settings.autoVerifiedAttributes.includes('email') && user.attributes['email'] ? { ...user.attributes, email_verified: 'true' } : user.attributes,
    });
  }

  /** The stored refresh token of this client, or Cognito's NotAuthorizedException. */
  refreshRecord(client: AppClient, refreshToken: string): RefreshTokenRecord {
    const rec = this.store.refreshToken(sha256(refreshToken));
    if (!rec || rec.clientId !== client.id) throw new CognitoError('NotAuthorizedException', 'Invalid Refresh Token');
    if (rec.revokedAt !== null) throw new CognitoError('NotAuthorizedException', 'Refresh Token has been revoked');
    if (rec.expiresAt <= this.clock.now()) throw new CognitoError('NotAuthorizedException', 'Refresh Token has expired');
    return rec;
  }

  /** New ID and access tokens from a refresh token, tied to the original authentication; no new refresh token. */
  async refresh(client: AppClient, rec: RefreshTokenRecord): Promise<IssuedTokens> {
    const user = this.store.userBySub(client.pool.id, rec.sub);
    if (!user) throw new CognitoError('NotAuthorizedException', 'Invalid Refresh Token');
    if (!user.enabled) throw new CognitoError('NotAuthorizedException', 'User is disabled.');
    const scopes = rec.scopes.split(' ').filter(Boolean);
    return this.tokens.issueForUser({
      client, user, scopes, authTime: rec.authTime,
      withIdToken: scopes.includes('openid') || scopes.includes(ADMIN_SCOPE),
      withRefreshToken: false, hostedUi: false, originJti: rec.originJti,
    });
  }

  /** Revokes a refresh token of this client and every token issued with it. Unknown tokens are ignored (RFC 7009). */
  revoke(client: AppClient, refreshToken: string): 'revoked' | 'unknown' | 'other-client' {
    const rec = this.store.refreshToken(sha256(refreshToken));
    if (!rec) return 'unknown';
    if (rec.clientId !== client.id) return 'other-client';
    this.store.revokeRefreshToken(rec, this.clock.now(), this.clock.now() + client.settings.accessTokenValidityMs);
    return 'revoked';
  }

  /** GlobalSignOut: every refresh token of the user, and the tokens issued with them. */
  globalSignOut(pool: UserPool, user: UserRecord): void {
    this.store.revokeAllForUser(pool.id, user.sub, this.clock.now());
  }

  /** Hands a message Cognito would email to the configured sink. */
  deliver(pool: UserPool, user: UserRecord, kind: DeliveredMessage['kind'], secret: string): void {
    this.options.onMessage?.({ poolId: pool.id, username: user.attributes['email'] ?? user.username, destination: user.attributes['email'], kind, secret });
  }

  /**
   * Checks `SECRET_HASH` (Base64 HMAC-SHA256 of user name + client id, keyed with the client secret) for clients
   * with a secret. `names` are the user names the hash may have been computed over.
   */
  checkSecretHash(client: AppClient, secretHash: string | undefined, names: readonly string[]): void {
    if (!client.secret) return;
    if (secretHash === undefined) throw new CognitoError('NotAuthorizedException', `Client ${client.id} is configured for secret but secret was not received`);
    const ok = names.some((n) => safeEqual(createHmac('sha256', client.secret as string).update(n + client.id).digest('base64'), secretHash));
    if (!ok) throw new CognitoError('NotAuthorizedException', `Unable to verify secret hash for client ${client.id}`);
  }
}

function lockoutMs(failed: number): number {
  return Math.min(LOCKOUT_BASE_MS * 2 ** Math.min(failed - LOCKOUT_THRESHOLD, 20), LOCKOUT_MAX_MS);
}

/** Constant-time comparison of two strings of any length. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(sha256(a));
  const y = Buffer.from(sha256(b));
  return timingSafeEqual(x, y) && a === b;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
