import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceRoot } from '@secure-api/cli';
import { buildApp } from '../src/app';
import { DEFAULT_SCRYPT } from '../src/cognito/passwords';
import { StackModel } from '../src/stack/stack-model';

/**
 * `npm run bench:sign-in`: the wall time of a hosted UI sign-in with a wrong password for a user that exists and for
 * one that does not, through HTTP on loopback, with the default (strong) scrypt cost. Where a client prevents
 * user-existence errors, both must take the same time: the target is medians within 10 % of each other.
 * Attempts alternate (known, unknown, known, ...) so that drift in the machine's speed hits both sides alike; each
 * known user is tried at most four times, below the lockout.
 */
const ATTEMPTS = Number(process.env['BENCH_ATTEMPTS'] ?? 24);
const WRONG = 'Wrong-Passw0rd!';

export async function main(): Promise<number> {
  const root = workspaceRoot();
  const synth = spawnSync(process.execPath, [join(root, 'libs/tooling/bin/synth.mjs'), 'dev'], { cwd: root, encoding: 'utf8' });
  if (synth.status !== 0) throw new Error(synth.stderr);
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-sign-in-'));
  const twin = await buildApp({ stack: StackModel.fromFile(join(root, 'cdktf.out/stacks/dev/cdk.tf.json')), dataDir, scrypt: DEFAULT_SCRYPT, apiGateway: { accessLog: () => undefined } });
  try {
    await twin.app.listen({ host: '127.0.0.1', port: 0 });
    const address = twin.app.server.address();
    if (!address || typeof address === 'string') throw new Error('no TCP address');
    const base = `http://127.0.0.1:${address.port}`;
    twin.setBaseUrl(base);
    const { service, directory } = twin.cognito;
    const pool = directory.all()[0];
    const client = pool.clients.find((c) => c.settings.preventUserExistenceErrors && c.settings.callbackUrls.length > 0);
    if (!client) throw new Error('the dev stack has no client that prevents user-existence errors');
    const ui = pool.hostedUiBase();
    if (!ui) throw new Error('the dev stack has no hosted UI domain');
    const known: string[] = [];
    for (let i = 0; i < Math.ceil(ATTEMPTS / 4); i++) {
      const { user } = await service.createUser(pool, { username: `bench-${i}@example.com`, attributes: { email_verified: 'true' }, temporaryPassword: 'Bench-Passw0rd-1' });
      await service.setPassword(pool, user, 'Bench-Passw0rd-2', true);
      known.push(`bench-${i}@example.com`);
    }
    await service.dummy.ready();
    const query = new URLSearchParams({ client_id: client.id, response_type: 'code', scope: 'openid', redirect_uri: client.settings.callbackUrls[0] });
    const attempt = async (username: string): Promise<number> => {
      const page = await fetch(`${ui}/login?${query}`);
      const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
      const started = process.hrtime.bigint();
      const res = await fetch(`${ui}/login?${query}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body: new URLSearchParams({ _csrf: csrf, username, password: WRONG }) });
      const text = await res.text();
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (res.status !== 200 || !text.includes('Incorrect username or password.')) throw new Error(`unexpected answer for ${username}: ${res.status}`);
      return ms;
    };
    await attempt('warm-up@example.com');
    const knownMs: number[] = [];
    const unknownMs: number[] = [];
    for (let i = 0; i < ATTEMPTS; i++) {
      knownMs.push(await attempt(known[Math.floor(i / 4)]));
      unknownMs.push(await attempt(`nobody-${i}@example.com`));
    }
    const k = stats(knownMs);
    const u = stats(unknownMs);
    const diff = Math.abs(k.median - u.median) / Math.max(k.median, u.median);
    console.log(`sign-in benchmark: hosted UI POST /login, wrong password, scrypt N=${DEFAULT_SCRYPT.N} r=${DEFAULT_SCRYPT.r} p=${DEFAULT_SCRYPT.p}, ${ATTEMPTS} alternating attempts per side`);
    console.log(`${'user'.padEnd(16)}${'median ms'.padStart(11)}${'p90 ms'.padStart(9)}${'min ms'.padStart(9)}${'max ms'.padStart(9)}`);
    for (const [name, s] of [['exists', k], ['does not exist', u]] as const) {
      console.log(`${name.padEnd(16)}${s.median.toFixed(1).padStart(11)}${s.p90.toFixed(1).padStart(9)}${s.min.toFixed(1).padStart(9)}${s.max.toFixed(1).padStart(9)}`);
    }
    console.log(`difference of the medians: ${(diff * 100).toFixed(1)} %`);
    const ok = diff <= 0.1;
    console.log(`${ok ? 'met    ' : 'NOT met'}  medians within 10 % (an unknown user is not told apart by timing)`);
    return ok ? 0 : 1;
  } finally {
    await twin.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function stats(xs: number[]): { median: number; p90: number; min: number; max: number } {
  const sorted = [...xs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p90: at(0.9), min: sorted[0], max: sorted[sorted.length - 1] };
}
