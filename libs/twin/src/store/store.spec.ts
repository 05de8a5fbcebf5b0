import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirError, STORE_FILE } from './data-dir';
import { SCHEMA_VERSION, TwinStore, UserRecord } from './store';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'twin-store-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function user(overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    poolId: 'us-east-1_AAAAAAAAA', username: 'alice', usernameKey: 'alice', sub: 'sub-1', emailKey: 'alice@example.com',
    attributes: { email: 'alice@example.com' }, status: 'FORCE_CHANGE_PASSWORD', enabled: true, passwordHash: 'scrypt$x',
    tempPasswordExpiresAt: 10, createdAt: 1, updatedAt: 1, failedAttempts: 0, lockedUntil: 0, tokensValidAfter: 0,
    confirmationCodeHash: null, confirmationCodeExpiresAt: null, ...overrides,
  };
}

function digestDir(dir: string): string {
  const h = createHash('sha256');
  for (const name of readdirSync(dir).sort()) {
    h.update(name);
    const p = join(dir, name);
    if (statSync(p).isFile()) h.update(readFileSync(p));
  }
  return h.digest('hex');
}

describe('TwinStore', () => {
  it('creates the directory (0700) and the store (0600), in WAL mode with the current schema version', () => {
    const dir = join(root, 'new', 'nested');
    const store = TwinStore.open(dir);
    expect(store.schemaVersion()).toBe(SCHEMA_VERSION);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, STORE_FILE)).mode & 0o777).toBe(0o600);
    store.close();
    const raw = new Database(join(dir, STORE_FILE), { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('keeps users, refresh tokens, ids and keys across a reopen', () => {
    const dir = join(root, 'd');
    let store = TwinStore.open(dir);
    store.insertUser(user());
    store.insertRefreshToken({ tokenHash: 'h1', poolId: 'us-east-1_AAAAAAAAA', clientId: 'c', sub: 'sub-1', originJti: 'o1', sessionId: 's1', scopes: 'openid', authTime: 1, issuedAt: 1, expiresAt: 100, revokedAt: null });
    const id = store.resourceId('aws_cognito_user_pool.P', () => ({ id: 'us-east-1_AAAAAAAAA' }));
    const key = store.signingKey('us-east-1_AAAAAAAAA', 'id', () => ({ kid: 'k1', privateJwk: '{}' }), 1);
    store.close();
    store = TwinStore.open(dir);
    expect(store.userByKey('us-east-1_AAAAAAAAA', 'alice')).toEqual(user());
    expect(store.userByEmail('us-east-1_AAAAAAAAA', 'alice@example.com')?.sub).toBe('sub-1');
    expect(store.refreshToken('h1')?.sessionId).toBe('s1');
    expect(store.resourceId('aws_cognito_user_pool.P', () => ({ id: 'other' }))).toEqual(id);
    expect(store.signingKey('us-east-1_AAAAAAAAA', 'id', () => ({ kid: 'k2', privateJwk: '{}' }), 2).kid).toBe(key.kid);
    store.close();
  });

  it('revokes refresh tokens one by one, per session and per user, and deletes a user with their tokens', () => {
    const store = TwinStore.open(join(root, 'd'));
    store.insertUser(user());
    const base = { poolId: 'us-east-1_AAAAAAAAA', clientId: 'c', sub: 'sub-1', scopes: 'openid', authTime: 1, issuedAt: 1, expiresAt: 100, revokedAt: null };
    store.insertRefreshToken({ ...base, tokenHash: 'a', originJti: 'oa', sessionId: 's1' });
    store.insertRefreshToken({ ...base, tokenHash: 'b', originJti: 'ob', sessionId: 's2' });
    store.insertRefreshToken({ ...base, tokenHash: 'c', originJti: 'oc', sessionId: null });
    store.revokeRefreshToken(store.refreshToken('a')!, 5, 50);
    expect(store.refreshToken('a')?.revokedAt).toBe(5);
    expect(store.isOriginRevoked('oa')).toBe(true);
    expect(store.revokeSession('s2', 6, 50)).toBe(1);
    expect(store.isOriginRevoked('ob')).toBe(true);
    expect(store.refreshToken('c')?.revokedAt).toBeNull();
    store.recordOrigin('implicit', 'us-east-1_AAAAAAAAA', 'sub-1', 90);
    store.recordOrigin('someone-else', 'us-east-1_AAAAAAAAA', 'sub-2', 90);
    store.revokeAllForUser('us-east-1_AAAAAAAAA', 'sub-1', 7);
    expect(store.refreshToken('c')?.revokedAt).toBe(7);
    expect(store.isOriginRevoked('implicit')).toBe(true);
    expect(store.isOriginRevoked('someone-else')).toBe(false);
    expect(store.userBySub('us-east-1_AAAAAAAAA', 'sub-1')?.tokensValidAfter).toBe(7);
    store.prune(101);
    expect(store.isOriginRevoked('oa')).toBe(false);
    store.insertRefreshToken({ ...base, tokenHash: 'd', originJti: 'od', sessionId: null, expiresAt: 1000 });
    store.deleteUser('us-east-1_AAAAAAAAA', 'sub-1');
    expect(store.userBySub('us-east-1_AAAAAAAAA', 'sub-1')).toBeUndefined();
    expect(store.refreshToken('d')).toBeUndefined();
    store.close();
  });

  it('rolls a failed transaction back completely', () => {
    const store = TwinStore.open(join(root, 'd'));
    expect(() =>
      store.transaction(() => {
        store.insertUser(user());
        store.insertUser(user({ sub: 'sub-2' }));
      }),
    ).toThrow(/UNIQUE/);
    expect(store.countUsers('us-east-1_AAAAAAAAA')).toBe(0);
    store.close();
  });

  it('lists users page by page in user-name order', () => {
    const store = TwinStore.open(join(root, 'd'));
    for (const name of ['carol', 'alice', 'bob']) store.insertUser(user({ username: name, usernameKey: name, sub: name, emailKey: null }));
    expect(store.listUsers('us-east-1_AAAAAAAAA', undefined, 2).map((u) => u.username)).toEqual(['alice', 'bob']);
    expect(store.listUsers('us-east-1_AAAAAAAAA', 'bob', 2).map((u) => u.username)).toEqual(['carol']);
    store.close();
  });
});

describe('data directory refusal (nothing is overwritten)', () => {
  function expectRefused(dir: string, message: RegExp): void {
    const before = digestDir(dir);
    expect(() => TwinStore.open(dir)).toThrow(DataDirError);
    expect(() => TwinStore.open(dir)).toThrow(message);
    expect(digestDir(dir)).toBe(before);
  }

  it('refuses a directory that holds other files and no store', () => {
    const dir = join(root, 'home');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    expectRefused(dir, /is not a twin data directory: it holds notes\.txt.*Fix: pass --data-dir to an empty or new directory/);
  });

  it('refuses a store file that is not a SQLite database (unreadable)', () => {
    const dir = join(root, 'garbage');
    mkdirSync(dir);
    writeFileSync(join(dir, STORE_FILE), 'this is not a database, just text that must survive'.repeat(100));
    expectRefused(dir, /is unreadable \(file is not a database\)/);
  });

  it('refuses a foreign SQLite database', () => {
    const dir = join(root, 'foreign');
    mkdirSync(dir);
    const db = new Database(join(dir, STORE_FILE));
    db.exec("CREATE TABLE accounts (id INTEGER); INSERT INTO accounts VALUES (1);");
    db.close();
    expectRefused(dir, /is a SQLite database but not a twin store/);
  });

  it('refuses a foreign SQLite database in WAL mode without checkpointing its pending writes', () => {
    const dir = join(root, 'foreign-wal');
    mkdirSync(dir);
    const copy = join(root, 'foreign-wal-live');
    mkdirSync(copy);
    // A crashed program's database: its last writes live only in the -wal file, which a read-write open and close
    // would fold into the main file and delete.
    const db = new Database(join(copy, STORE_FILE));
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE accounts (id INTEGER); INSERT INTO accounts VALUES (1);');
    for (const name of [STORE_FILE, `${STORE_FILE}-wal`]) writeFileSync(join(dir, name), readFileSync(join(copy, name)));
    db.close();
    expect(statSync(join(dir, `${STORE_FILE}-wal`)).size).toBeGreaterThan(0);
    const before = readFileSync(join(dir, STORE_FILE));
    const wal = readFileSync(join(dir, `${STORE_FILE}-wal`));
    expect(() => TwinStore.open(dir)).toThrow(/is a SQLite database but not a twin store/);
    expect(readFileSync(join(dir, STORE_FILE)).equals(before)).toBe(true);
    expect(readFileSync(join(dir, `${STORE_FILE}-wal`)).equals(wal)).toBe(true);
  });

  it('refuses a database of another program that happens to use the same table names', () => {
    const dir = join(root, 'impostor');
    mkdirSync(dir);
    const db = new Database(join(dir, STORE_FILE));
    db.exec("CREATE TABLE twin_meta (key TEXT, value TEXT); INSERT INTO twin_meta VALUES ('format', 'else'); CREATE TABLE schema_version (version INTEGER, applied_at INTEGER);");
    db.close();
    expectRefused(dir, /belongs to another program \(format "else"/);
  });

  it('refuses a store written by a newer twin', () => {
    const dir = join(root, 'newer');
    TwinStore.open(dir).close();
    const db = new Database(join(dir, STORE_FILE));
    db.prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)').run(SCHEMA_VERSION + 1, 0);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    expectRefused(dir, new RegExp(`written by a newer twin \\(schema version ${SCHEMA_VERSION + 1}; this twin reads up to ${SCHEMA_VERSION}\\)`));
  });

  it('refuses a data directory path that is a file', () => {
    const file = join(root, 'plain-file');
    writeFileSync(file, 'x');
    expect(() => TwinStore.open(file)).toThrow(/is not a directory/);
    expect(readFileSync(file, 'utf8')).toBe('x');
  });

  it('refuses a directory it cannot read', () => {
    const dir = join(root, 'locked');
    mkdirSync(dir, { mode: 0o000 });
    if (process.getuid?.() === 0) {
      // root reads any directory: make the store path itself a directory instead, which no one can open as a file.
      mkdirSync(join(dir, STORE_FILE));
      expect(() => TwinStore.open(dir)).toThrow(/is not a file/);
    } else {
      expect(() => TwinStore.open(dir)).toThrow(/is unreadable \(EACCES\)/);
    }
  });
});
