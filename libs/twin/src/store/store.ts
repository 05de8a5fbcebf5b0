import Database from 'better-sqlite3';
import { chmodSync, existsSync, rmSync } from 'node:fs';
import { RecordTable } from './columns';
import { DataDirError, prepareDataDir } from './data-dir';

/** Marks a SQLite file as ours: a database without it is foreign and never touched. */
export const STORE_FORMAT = 'secure-api-twin';
/** The schema this build reads and writes. A store with a higher version is refused, never downgraded. */
export const SCHEMA_VERSION = 2;

/** Cognito's user statuses that the twin produces. */
export type UserStatus = 'FORCE_CHANGE_PASSWORD' | 'CONFIRMED' | 'UNCONFIRMED' | 'RESET_REQUIRED';

/** One user of one pool, as stored. */
export interface UserRecord {
  readonly poolId: string;
  /** The user name Cognito reports (for pools with email as user name: the `sub`). */
  readonly username: string;
  /** `username` as looked up: lower-cased unless the pool's user names are case sensitive. */
  readonly usernameKey: string;
  readonly sub: string;
  /** Lower-cased email when the pool signs in by email (unique per pool), else null. */
  readonly emailKey: string | null;
  readonly attributes: Readonly<Record<string, string>>;
  readonly status: UserStatus;
  readonly enabled: boolean;
  /** scrypt hash (`scrypt$N$r$p$salt$hash`), never the password. */
  readonly passwordHash: string | null;
  /** When the temporary password stops working (ms since epoch), or null. */
  readonly tempPasswordExpiresAt: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly failedAttempts: number;
  readonly lockedUntil: number;
  /** Access tokens issued before this instant are revoked (GlobalSignOut). */
  readonly tokensValidAfter: number;
  readonly confirmationCodeHash: string | null;
  readonly confirmationCodeExpiresAt: number | null;
}

/** A refresh token, kept by its SHA-256 only. */
export interface RefreshTokenRecord {
  readonly tokenHash: string;
  readonly poolId: string;
  readonly clientId: string;
  readonly sub: string;
  readonly originJti: string;
  /** Hosted UI session that produced it (revoked by /logout), or null. */
  readonly sessionId: string | null;
  readonly scopes: string;
  readonly authTime: number;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly revokedAt: number | null;
}

/** A signing key of one pool. */
export interface SigningKeyRecord {
  readonly poolId: string;
  readonly tokenUse: 'id' | 'access';
  readonly kid: string;
  /** Private key as a JWK (JSON). Lives only in the data directory. */
  readonly privateJwk: string;
}

const SCHEMA = `
CREATE TABLE twin_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at INTEGER NOT NULL);
CREATE TABLE resource_ids (address TEXT PRIMARY KEY, id TEXT NOT NULL UNIQUE, secret TEXT);
CREATE TABLE signing_keys (
  pool_id TEXT NOT NULL, token_use TEXT NOT NULL, kid TEXT NOT NULL UNIQUE, private_jwk TEXT NOT NULL,
  created_at INTEGER NOT NULL, PRIMARY KEY (pool_id, token_use));
CREATE TABLE users (
  pool_id TEXT NOT NULL, username TEXT NOT NULL, username_key TEXT NOT NULL, sub TEXT NOT NULL UNIQUE,
  email_key TEXT, attributes TEXT NOT NULL, status TEXT NOT NULL, enabled INTEGER NOT NULL,
  password_hash TEXT, temp_password_expires_at INTEGER, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  failed_attempts INTEGER NOT NULL DEFAULT 0, locked_until INTEGER NOT NULL DEFAULT 0,
  tokens_valid_after INTEGER NOT NULL DEFAULT 0, confirmation_code_hash TEXT, confirmation_code_expires_at INTEGER,
  PRIMARY KEY (pool_id, username_key));
CREATE UNIQUE INDEX users_by_email ON users (pool_id, email_key) WHERE email_key IS NOT NULL;
CREATE TABLE refresh_tokens (
  token_hash TEXT PRIMARY KEY, pool_id TEXT NOT NULL, client_id TEXT NOT NULL, sub TEXT NOT NULL,
  origin_jti TEXT NOT NULL, session_id TEXT, scopes TEXT NOT NULL, auth_time INTEGER NOT NULL,
  issued_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, revoked_at INTEGER);
CREATE INDEX refresh_tokens_by_user ON refresh_tokens (pool_id, sub);
CREATE INDEX refresh_tokens_by_session ON refresh_tokens (session_id);
CREATE TABLE issued_origins (origin_jti TEXT PRIMARY KEY, pool_id TEXT NOT NULL, sub TEXT NOT NULL, expires_at INTEGER NOT NULL);
CREATE INDEX issued_origins_by_user ON issued_origins (pool_id, sub);
CREATE TABLE revoked_origins (origin_jti TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
`;

/**
 * What each schema version adds to the one before (version 1 is SCHEMA). An older store is brought up to date at
 * open, in one transaction; a newer one is refused.
 */
const MIGRATIONS: Readonly<Record<number, string>> = {
  // The AWS resources the control plane (or the stack loader) created: one document per resource, in the shape
  // its Describe/Get operation answers, found by kind and id, listed by parent. Tags by ARN.
  2: `
CREATE TABLE aws_resources (
  kind TEXT NOT NULL, id TEXT NOT NULL, parent TEXT, doc TEXT NOT NULL, created_at INTEGER NOT NULL,
  PRIMARY KEY (kind, id));
CREATE INDEX aws_resources_by_parent ON aws_resources (kind, parent);
CREATE TABLE aws_tags (arn TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (arn, key));
CREATE TABLE stack_addresses (address TEXT PRIMARY KEY, type TEXT NOT NULL, record TEXT NOT NULL);
`,
};

/** One AWS resource as the twin keeps it. */
export interface ResourceRecord<D = Record<string, unknown>> {
  /** `cognito.pool`, `apigw.method`, `logs.group`, ... */
  readonly kind: string;
  /** Unique per kind; child resources carry their parents' ids (`<apiId>/<resourceId>/GET`). */
  readonly id: string;
  /** The id of the resource this one belongs to (deleted with it), or null. */
  readonly parent: string | null;
  /** The resource as its Describe/Get operation answers (AWS's member names). */
  readonly doc: D;
  readonly createdAt: number;
}

type Row = Record<string, unknown>;

const USERS = new RecordTable<UserRecord>('users', {
  poolId: 'pool_id', username: 'username', usernameKey: 'username_key', sub: 'sub', emailKey: { column: 'email_key', kind: 'nullable' },
  attributes: { column: 'attributes', kind: 'json' }, status: 'status', enabled: { column: 'enabled', kind: 'bool' },
  passwordHash: { column: 'password_hash', kind: 'nullable' }, tempPasswordExpiresAt: { column: 'temp_password_expires_at', kind: 'nullable' },
  createdAt: 'created_at', updatedAt: 'updated_at', failedAttempts: 'failed_attempts', lockedUntil: 'locked_until',
  tokensValidAfter: 'tokens_valid_after', confirmationCodeHash: { column: 'confirmation_code_hash', kind: 'nullable' },
  confirmationCodeExpiresAt: { column: 'confirmation_code_expires_at', kind: 'nullable' },
});
/** What a user update may change: everything but the pool, the names and the sub, which identify the user. */
const USER_MUTABLE: (keyof UserRecord & string)[] = ['emailKey', 'attributes', 'status', 'enabled', 'passwordHash', 'tempPasswordExpiresAt', 'updatedAt', 'failedAttempts', 'lockedUntil', 'tokensValidAfter', 'confirmationCodeHash', 'confirmationCodeExpiresAt'];

const RESOURCES = new RecordTable<ResourceRecord>('aws_resources', {
  kind: 'kind', id: 'id', parent: { column: 'parent', kind: 'nullable' }, doc: { column: 'doc', kind: 'json' }, createdAt: 'created_at',
});

const REFRESH_TOKENS = new RecordTable<RefreshTokenRecord>('refresh_tokens', {
  tokenHash: 'token_hash', poolId: 'pool_id', clientId: 'client_id', sub: 'sub', originJti: 'origin_jti', sessionId: { column: 'session_id', kind: 'nullable' },
  scopes: 'scopes', authTime: 'auth_time', issuedAt: 'issued_at', expiresAt: 'expires_at', revokedAt: { column: 'revoked_at', kind: 'nullable' },
});

/**
 * The twin's durable state in one SQLite file (WAL, every multi-step change in a transaction): ids of the
 * resources built from the stack, signing keys, users, refresh tokens and revocations.
 */
export class TwinStore {
  private constructor(private readonly db: Database.Database, readonly file: string) {}

  /** Statements prepared once per store and SQL text: preparing costs more than most of them take to run. */
  private readonly statements = new Map<string, Database.Statement>();
  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /**
   * Opens the store of `dir`, creating it in an empty or absent directory. Throws a DataDirError, before
   * writing anything, for an unreadable, foreign or newer-version directory.
   */
  static open(dir: string): TwinStore {
    const { file, exists } = prepareDataDir(dir);
    if (exists) checkExisting(file);
    let db: Database.Database;
    try {
      db = new Database(file, { fileMustExist: exists });
    } catch (err) {
      throw new DataDirError(`cannot open the twin store ${file} (${(err as Error).message}). Fix: check the file or pass another --data-dir.`);
    }
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 5000');
      if (!exists) {
        db.transaction(() => {
          db.exec(SCHEMA);
          const meta = db.prepare('INSERT INTO twin_meta (key, value) VALUES (?, ?)');
          meta.run('format', STORE_FORMAT);
          meta.run('created_at', new Date().toISOString());
          db.prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)').run(1, Date.now());
          migrate(db, 1);
        })();
        chmodSync(file, 0o600);
      } else {
        const version = (db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as Row)['v'] as number;
        if (version < SCHEMA_VERSION) db.transaction(() => migrate(db, version))();
      }
    } catch (err) {
      db.close();
      throw new DataDirError(`cannot prepare the twin store ${file} (${(err as Error).message}). Fix: pass another --data-dir.`);
    }
    return new TwinStore(db, file);
  }

  /** Runs `fn` in one transaction: all of its writes or none. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  get isOpen(): boolean {
    return this.db.open;
  }

  /** The id (and secret) recorded for a Terraform address, created by `create` on first use. */
  resourceId(address: string, create: () => { id: string; secret?: string }): { id: string; secret?: string } {
    return this.transaction(() => {
      const row = this.sql('SELECT id, secret FROM resource_ids WHERE address = ?').get(address) as Row | undefined;
      if (row) return { id: row['id'] as string, secret: (row['secret'] as string | null) ?? undefined };
      const made = create();
      this.sql('INSERT INTO resource_ids (address, id, secret) VALUES (?, ?, ?)').run(address, made.id, made.secret ?? null);
      return made;
    });
  }

  /**
   * What the stack loader made for a Terraform address (ids, and what decides whether a change replaces the
   * resource), or undefined. A store of schema 1 recorded only an id (and a secret) per address: those are
   * answered as `{ id, secret }`, so that pools and clients keep their ids across the upgrade.
   */
  addressRecord(address: string): { type: string; record: Record<string, unknown> } | undefined {
    const row = this.sql('SELECT type, record FROM stack_addresses WHERE address = ?').get(address) as Row | undefined;
    if (row) return { type: row['type'] as string, record: JSON.parse(row['record'] as string) as Record<string, unknown> };
    const legacy = this.sql('SELECT id, secret FROM resource_ids WHERE address = ?').get(address) as Row | undefined;
    if (!legacy) return undefined;
    return { type: address.split('.')[0], record: { id: legacy['id'], ...(legacy['secret'] ? { secret: legacy['secret'] } : {}), legacy: true } };
  }

  /** Records what the stack loader made for an address. */
  recordAddress(address: string, type: string, record: Readonly<Record<string, unknown>>): void {
    this.sql('INSERT INTO stack_addresses (address, type, record) VALUES (?, ?, ?) ON CONFLICT (address) DO UPDATE SET type = excluded.type, record = excluded.record').run(address, type, JSON.stringify(record));
  }

  /** Forgets an address (its resource was deleted). */
  forgetAddress(address: string): void {
    this.sql('DELETE FROM stack_addresses WHERE address = ?').run(address);
    this.sql('DELETE FROM resource_ids WHERE address = ?').run(address);
  }

  /** Every recorded address with its type, in recording order. */
  addresses(): { address: string; type: string; record: Record<string, unknown> }[] {
    const rows = this.sql('SELECT address, type, record FROM stack_addresses ORDER BY rowid').all() as Row[];
    return rows.map((r) => ({ address: r['address'] as string, type: r['type'] as string, record: JSON.parse(r['record'] as string) as Record<string, unknown> }));
  }

  /** The pool's key for one token use, created by `create` on first use. */
  signingKey(poolId: string, tokenUse: 'id' | 'access', create: () => { kid: string; privateJwk: string }, now: number): SigningKeyRecord {
    return this.transaction(() => {
      const row = this.sql('SELECT kid, private_jwk FROM signing_keys WHERE pool_id = ? AND token_use = ?').get(poolId, tokenUse) as Row | undefined;
      if (row) return { poolId, tokenUse, kid: row['kid'] as string, privateJwk: row['private_jwk'] as string };
      const made = create();
      this.sql('INSERT INTO signing_keys (pool_id, token_use, kid, private_jwk, created_at) VALUES (?, ?, ?, ?, ?)').run(poolId, tokenUse, made.kid, made.privateJwk, now);
      return { poolId, tokenUse, ...made };
    });
  }

  userByKey(poolId: string, usernameKey: string): UserRecord | undefined {
    return USERS.fromRow(this.sql(USERS.selectSql(['poolId', 'usernameKey'])).get(poolId, usernameKey) as Row | undefined);
  }

  userByEmail(poolId: string, emailKey: string): UserRecord | undefined {
    return USERS.fromRow(this.sql(USERS.selectSql(['poolId', 'emailKey'])).get(poolId, emailKey) as Row | undefined);
  }

  userBySub(poolId: string, sub: string): UserRecord | undefined {
    return USERS.fromRow(this.sql(USERS.selectSql(['poolId', 'sub'])).get(poolId, sub) as Row | undefined);
  }

  /** Users of a pool in user-name order, starting after `afterKey`. */
  listUsers(poolId: string, afterKey: string | undefined, limit: number): UserRecord[] {
    const rows = this.db
      .prepare('SELECT * FROM users WHERE pool_id = ? AND username_key > ? ORDER BY username_key LIMIT ?')
      .all(poolId, afterKey ?? '', limit) as Row[];
    return rows.map((r) => USERS.fromRow(r) as UserRecord);
  }

  countUsers(poolId: string): number {
    return (this.sql('SELECT COUNT(*) AS n FROM users WHERE pool_id = ?').get(poolId) as Row)['n'] as number;
  }

  insertUser(user: UserRecord): void {
    this.sql(USERS.insertSql()).run(USERS.params(user));
  }

  /** Replaces the mutable fields of a user (identified by pool and sub). */
  updateUser(user: UserRecord): void {
    this.sql(USERS.updateSql(USER_MUTABLE, ['poolId', 'sub'])).run(USERS.params(user));
  }

  /** Deletes a user and every refresh token issued to them, together. */
  deleteUser(poolId: string, sub: string): void {
    this.transaction(() => {
      this.sql('DELETE FROM refresh_tokens WHERE pool_id = ? AND sub = ?').run(poolId, sub);
      this.sql('DELETE FROM issued_origins WHERE pool_id = ? AND sub = ?').run(poolId, sub);
      this.sql('DELETE FROM users WHERE pool_id = ? AND sub = ?').run(poolId, sub);
    });
  }

  /** Deletes everything a deleted pool held: its users, their refresh tokens and issued tokens, and its signing keys. */
  deletePoolData(poolId: string): void {
    this.transaction(() => {
      for (const table of ['refresh_tokens', 'issued_origins', 'users', 'signing_keys']) this.sql(`DELETE FROM ${table} WHERE pool_id = ?`).run(poolId);
    });
  }

  insertRefreshToken(token: RefreshTokenRecord): void {
    this.sql(REFRESH_TOKENS.insertSql()).run(REFRESH_TOKENS.params(token));
  }

  refreshToken(tokenHash: string): RefreshTokenRecord | undefined {
    return REFRESH_TOKENS.fromRow(this.sql(REFRESH_TOKENS.selectSql(['tokenHash'])).get(tokenHash) as Row | undefined);
  }

  /** Revokes one refresh token and the access and ID tokens issued with it (same origin_jti). */
  revokeRefreshToken(token: RefreshTokenRecord, now: number, accessExpiresAt: number): void {
    this.transaction(() => {
      this.sql('UPDATE refresh_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL').run(now, token.tokenHash);
      this.revokeOrigin(token.originJti, Math.max(token.expiresAt, accessExpiresAt));
    });
  }

  /** Records that tokens of one authentication (origin_jti) were issued to a user, valid until `expiresAt`. */
  recordOrigin(originJti: string, poolId: string, sub: string, expiresAt: number): void {
    this.db
      .prepare('INSERT INTO issued_origins (origin_jti, pool_id, sub, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (origin_jti) DO UPDATE SET expires_at = MAX(expires_at, excluded.expires_at)')
      .run(originJti, poolId, sub, expiresAt);
  }

  /** GlobalSignOut: every refresh token of the user and every token issued to them until `now`. */
  revokeAllForUser(poolId: string, sub: string, now: number): void {
    this.transaction(() => {
      this.sql('UPDATE refresh_tokens SET revoked_at = ? WHERE pool_id = ? AND sub = ? AND revoked_at IS NULL').run(now, poolId, sub);
      this.db
        .prepare('INSERT INTO revoked_origins (origin_jti, expires_at) SELECT origin_jti, expires_at FROM issued_origins WHERE pool_id = ? AND sub = ? AND expires_at >= ? ON CONFLICT (origin_jti) DO NOTHING')
        .run(poolId, sub, now);
      this.sql('UPDATE users SET tokens_valid_after = ? WHERE pool_id = ? AND sub = ?').run(now, poolId, sub);
    });
  }

  /** /logout: the refresh tokens issued in one hosted UI session, with their access tokens. */
  revokeSession(sessionId: string, now: number, accessExpiresAt: number): number {
    return this.transaction(() => {
      const rows = this.sql('SELECT origin_jti, expires_at FROM refresh_tokens WHERE session_id = ? AND revoked_at IS NULL').all(sessionId) as Row[];
      for (const r of rows) this.revokeOrigin(r['origin_jti'] as string, Math.max(r['expires_at'] as number, accessExpiresAt));
      return this.sql('UPDATE refresh_tokens SET revoked_at = ? WHERE session_id = ? AND revoked_at IS NULL').run(now, sessionId).changes;
    });
  }

  /** Marks every token of one authentication (origin_jti) as revoked until `expiresAt`. */
  revokeOrigin(originJti: string, expiresAt: number): void {
    this.sql('INSERT INTO revoked_origins (origin_jti, expires_at) VALUES (?, ?) ON CONFLICT (origin_jti) DO UPDATE SET expires_at = MAX(expires_at, excluded.expires_at)').run(originJti, expiresAt);
  }

  isOriginRevoked(originJti: string): boolean {
    return this.sql('SELECT 1 FROM revoked_origins WHERE origin_jti = ?').get(originJti) !== undefined;
  }

  /** Drops revocation entries and refresh tokens that have expired anyway. */
  prune(now: number): void {
    this.transaction(() => {
      this.sql('DELETE FROM revoked_origins WHERE expires_at < ?').run(now);
      this.sql('DELETE FROM issued_origins WHERE expires_at < ?').run(now);
      this.sql('DELETE FROM refresh_tokens WHERE expires_at < ?').run(now);
    });
  }

  /** Changes with every write to a resource or a tag: views built from the resources compare it to know they are stale. */
  get generation(): number {
    return this.writes;
  }
  private writes = 0;

  /** The resource of `kind` with `id`, if any. */
  resource<D = Record<string, unknown>>(kind: string, id: string): ResourceRecord<D> | undefined {
    return RESOURCES.fromRow(this.sql(RESOURCES.selectSql(['kind', 'id'])).get(kind, id) as Row | undefined) as ResourceRecord<D> | undefined;
  }

  /** Every resource of `kind` (of one parent, when given), in creation order. */
  resources<D = Record<string, unknown>>(kind: string, parent?: string): ResourceRecord<D>[] {
    const rows = (parent === undefined
      ? this.sql('SELECT * FROM aws_resources WHERE kind = ? ORDER BY rowid').all(kind)
      : this.sql('SELECT * FROM aws_resources WHERE kind = ? AND parent = ? ORDER BY rowid').all(kind, parent)) as Row[];
    return rows.map((r) => RESOURCES.fromRow(r) as ResourceRecord<D>);
  }

  /** Creates or replaces a resource; a replaced one keeps its creation time and place in the order. */
  putResource(record: Omit<ResourceRecord, 'createdAt'> & { readonly createdAt?: number }): void {
    const params = RESOURCES.params({ ...record, createdAt: record.createdAt ?? Date.now() });
    this.db
      .prepare(`${RESOURCES.insertSql()} ON CONFLICT (kind, id) DO UPDATE SET parent = excluded.parent, doc = excluded.doc`)
      .run(params);
    this.writes++;
  }

  /** Deletes a resource; true when there was one. */
  deleteResource(kind: string, id: string): boolean {
    this.writes++;
    return this.sql('DELETE FROM aws_resources WHERE kind = ? AND id = ?').run(kind, id).changes > 0;
  }

  /** The tags of an ARN. */
  tags(arn: string): Record<string, string> {
    const rows = this.sql('SELECT key, value FROM aws_tags WHERE arn = ? ORDER BY key').all(arn) as Row[];
    return Object.fromEntries(rows.map((r) => [r['key'] as string, r['value'] as string]));
  }

  /** Adds or changes tags of an ARN. */
  tag(arn: string, tags: Readonly<Record<string, string>>): void {
    const put = this.sql('INSERT INTO aws_tags (arn, key, value) VALUES (?, ?, ?) ON CONFLICT (arn, key) DO UPDATE SET value = excluded.value');
    this.transaction(() => {
      for (const [k, v] of Object.entries(tags)) put.run(arn, k, v);
    });
    this.writes++;
  }

  /** Removes tags of an ARN by key (all of them without keys). */
  untag(arn: string, keys?: readonly string[]): void {
    if (keys === undefined) this.sql('DELETE FROM aws_tags WHERE arn = ?').run(arn);
    else {
      const del = this.sql('DELETE FROM aws_tags WHERE arn = ? AND key = ?');
      this.transaction(() => {
        for (const k of keys) del.run(arn, k);
      });
    }
    this.writes++;
  }

  /** A value of the store's own metadata (account id, credentials, ...). */
  meta(key: string): string | undefined {
    return (this.sql('SELECT value FROM twin_meta WHERE key = ?').get(key) as Row | undefined)?.['value'] as string | undefined;
  }

  /** Sets a metadata value once: an existing one is kept, and returned. */
  metaOnce(key: string, create: () => string): string {
    return this.transaction(() => {
      const existing = this.meta(key);
      if (existing !== undefined) return existing;
      const value = create();
      this.sql('INSERT INTO twin_meta (key, value) VALUES (?, ?)').run(key, value);
      return value;
    });
  }

  /** The schema version recorded in the store. */
  schemaVersion(): number {
    return (this.sql('SELECT MAX(version) AS v FROM schema_version').get() as Row)['v'] as number;
  }

  /** Result of SQLite's own integrity check (`ok` when consistent). */
  integrityCheck(): string {
    return this.db.pragma('integrity_check', { simple: true }) as string;
  }
}

/** Applies every migration after `from`, recording each version. */
function migrate(db: Database.Database, from: number): void {
  for (let v = from + 1; v <= SCHEMA_VERSION; v++) {
    db.exec(MIGRATIONS[v]);
    db.prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)').run(v, Date.now());
  }
}

/** Reads an existing store file without writing to it and refuses foreign, damaged or newer-version files. */
function checkExisting(file: string): void {
  // Read-only, so that no pending WAL content is checkpointed into a file that may not be ours. A read-only
  // connection still creates empty -wal / -shm files beside a WAL-mode database: those it made are removed after.
  const sidecars = [`${file}-wal`, `${file}-shm`].filter((f) => !existsSync(f));
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true, readonly: true });
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('twin_meta', 'schema_version')").all() as Row[];
    if (tables.length < 2) {
      throw new DataDirError(`${file} is a SQLite database but not a twin store (no twin_meta / schema_version tables). The twin leaves it untouched. Fix: pass --data-dir to an empty or new directory.`);
    }
    const format = db.prepare("SELECT value FROM twin_meta WHERE key = 'format'").get() as Row | undefined;
    if (format?.['value'] !== STORE_FORMAT) {
      throw new DataDirError(`${file} belongs to another program (format ${JSON.stringify(format?.['value'] ?? null)}, expected "${STORE_FORMAT}"). The twin leaves it untouched. Fix: pass --data-dir to an empty or new directory.`);
    }
    const version = (db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as Row)['v'];
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
      throw new DataDirError(`${file} records no valid schema version. The twin leaves it untouched. Fix: pass --data-dir to an empty or new directory.`);
    }
    if (version > SCHEMA_VERSION) {
      throw new DataDirError(`${file} was written by a newer twin (schema version ${version}; this twin reads up to ${SCHEMA_VERSION}). The twin leaves it untouched. Fix: update the workspace, or pass another --data-dir.`);
    }
  } catch (err) {
    if (err instanceof DataDirError) throw err;
    throw new DataDirError(`the twin store ${file} is unreadable (${(err as Error).message}). The twin leaves it untouched. Fix: restore it or pass another --data-dir.`);
  } finally {
    db?.close();
    for (const f of sidecars) rmSync(f, { force: true });
  }
}
