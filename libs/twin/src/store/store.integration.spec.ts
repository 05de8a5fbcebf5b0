// Spawns a writer process and kills it with SIGKILL mid-write: an integration test.
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { STORE_FILE } from './data-dir';
import { TwinStore } from './store';

const WORKSPACE = resolve(__dirname, '../../../..');
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'twin-store-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('crash consistency', () => {
  it('leaves a consistent store after kill -9 in the middle of writing', async () => {
    const dir = join(root, 'crash');
    const child = spawn(process.execPath, [join(WORKSPACE, 'libs/tooling/bin/run.mjs'), join(__dirname, 'crash-writer.fixture.ts'), dir], {
      cwd: WORKSPACE,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    await new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`writer did not start: ${stderr}`)), 60_000);
      child.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('writing')) {
          clearTimeout(timer);
          res();
        }
      });
      child.on('exit', (code) => rej(new Error(`writer exited early (${code}): ${stderr}`)));
    });
    // Let it write for a random while so the kill lands mid-transaction with high probability.
    await new Promise((r) => setTimeout(r, 150 + Math.floor(Math.random() * 250)));
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGKILL');
    await exited;
    expect(readdirSync(dir)).toContain(`${STORE_FILE}-wal`);

    const store = TwinStore.open(dir);
    expect(store.integrityCheck()).toBe('ok');
    const users = store.countUsers('us-east-1_crashtest');
    expect(users).toBeGreaterThan(50);
    store.close();
    const db = new Database(join(dir, STORE_FILE), { readonly: true });
    const perUser = db.prepare('SELECT u.sub, COUNT(t.token_hash) AS n FROM users u LEFT JOIN refresh_tokens t ON t.sub = u.sub GROUP BY u.sub HAVING n != 3').all();
    const orphans = db.prepare('SELECT COUNT(*) AS n FROM refresh_tokens t WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.sub = t.sub)').get() as { n: number };
    db.close();
    expect(perUser).toEqual([]);
    expect(orphans.n).toBe(0);
  }, 90_000);
});
