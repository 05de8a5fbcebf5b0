// Child process of the kill -9 test: writes users with their refresh tokens, one transaction each, as fast as it
// can, until it is killed. Run with `node libs/tooling/bin/run.mjs <this file> <data dir>`.
import { randomUUID } from 'node:crypto';
import { TwinStore } from './store';

export async function main(args: string[]): Promise<number> {
  const store = TwinStore.open(args[0]);
  const tokensPerUser = 3;
  for (let i = 0; ; i++) {
    const sub = randomUUID();
    const now = Date.now();
    store.transaction(() => {
      store.insertUser({
        poolId: 'us-east-1_crashtest', username: `user-${i}`, usernameKey: `user-${i}`, sub, emailKey: null,
        attributes: { email: `user-${i}@example.com`, padding: 'x'.repeat(2000) }, status: 'CONFIRMED', enabled: true,
        passwordHash: 'scrypt$1024$8$1$c2FsdA$aGFzaA', tempPasswordExpiresAt: null, createdAt: now, updatedAt: now,
        failedAttempts: 0, lockedUntil: 0, tokensValidAfter: 0, confirmationCodeHash: null, confirmationCodeExpiresAt: null,
      });
      for (let t = 0; t < tokensPerUser; t++) {
        store.insertRefreshToken({
          tokenHash: randomUUID(), poolId: 'us-east-1_crashtest', clientId: 'client', sub, originJti: randomUUID(),
          sessionId: null, scopes: 'openid', authTime: now, issuedAt: now, expiresAt: now + 3_600_000, revokedAt: null,
        });
      }
    });
    if (i === 50) process.stdout.write('writing\n');
    if (i % 200 === 0) await new Promise((r) => setImmediate(r));
  }
}
