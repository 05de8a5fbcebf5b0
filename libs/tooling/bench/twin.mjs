#!/usr/bin/env node
// Benchmark: autocannon on loopback (50 connections, 10 s per run) against a bare node:http hello server, a public
// twin route, and a protected twin route with a valid ID token, authorizer cache on and off. The servers run in
// child processes; autocannon runs here. Prints requests/s, p50/p99 latency, errors, ratios to bare node, and the
// twin's RSS before and after; then the protected route (cache on) of a twin over HTTPS (`--tls`), keep-alive
// connections as every client keeps them. Targets: protected >= 0.5 x bare node req/s, p99 <= 20 ms, no errors, RSS
// after within 20 % of before, TLS p99 at most 10 % above plain HTTP's.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { workspaceRoot } from '../bin/bundle.mjs';

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 50;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

function startChild(args) {
  const child = spawn(process.execPath, args, { cwd: workspaceRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (line) => resolve(JSON.parse(line)));
    child.once('exit', (code) => reject(new Error(`server exited early (${code})`)));
  });
  return { child, ready };
}

const rssMB = (pid) => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024);

/**
 * autocannon over keep-alive connections; `ca` is the twin's CA for an https URL. (autocannon itself does not verify
 * the chain: what it measures is the handshake and the encryption, which verification does not change per request.)
 */
function run(url, headers = {}, ca = undefined, duration = DURATION) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: CONNECTIONS, duration, headers, ...(ca ? { tlsOptions: { ca } } : {}) }, (err, r) => (err ? reject(err) : resolve(r)));
  });
}

const summary = (r) => ({
  rps: Math.round(r.requests.average),
  p50: r.latency.p50,
  p99: r.latency.p99,
  errors: r.errors + r.timeouts + r.non2xx,
});

const synth = spawnSync(process.execPath, [join(workspaceRoot, 'libs/tooling/bin/synth.mjs'), 'dev'], { cwd: workspaceRoot, encoding: 'utf8' });
if (synth.status !== 0) throw new Error(synth.stderr);
const stackFile = join(workspaceRoot, 'cdktf.out/stacks/dev/cdk.tf.json');

const bare = startChild(['-e', "const s=require('http').createServer((q,r)=>{r.setHeader('content-type','application/json');r.end('{\"hello\":\"world\"}')}).listen(0,'127.0.0.1',()=>console.log(JSON.stringify({port:s.address().port})));process.on('SIGTERM',()=>s.close(()=>process.exit(0)))"]);
const twinArgs = (ttl) => [join(workspaceRoot, 'libs/tooling/bin/run.mjs'), join(workspaceRoot, 'libs/twin/bench/bench-server.ts'), '--stack-file', stackFile, '--ttl', String(ttl)];
const cached = startChild(twinArgs(300));
const uncached = startChild(twinArgs(0));
const secure = startChild([...twinArgs(300), '--tls']);
const children = [bare.child, cached.child, uncached.child, secure.child];
try {
  const b = await bare.ready;
  const on = await cached.ready;
  const off = await uncached.ready;
  const tls = await secure.ready;
  const tlsCa = readFileSync(tls.caFile);
  // Warm up under the measured load (JIT, caches, and V8's young generation, which grows with the allocation rate),
  // so that "RSS before" is the steady state a leak would grow from.
  for (const [url, h, ca] of [[`http://127.0.0.1:${b.port}/`], [`${on.invokeUrl}${on.routes.public}`], [`${on.invokeUrl}${on.routes.protected}`, { authorization: on.idToken }], [`${off.invokeUrl}${off.routes.protected}`, { authorization: off.idToken }], [`${tls.invokeUrl}${tls.routes.protected}`, { authorization: tls.idToken }, tlsCa]]) {
    await run(url, h, ca, 3);
  }
  const rssBefore = { on: rssMB(cached.child.pid), off: rssMB(uncached.child.pid) };
  // The machine's speed drifts from minute to minute: the four targets run in turn, ROUNDS times, so each ratio
  // compares runs made under the same conditions.
  const targets = [
    ['bare node:http', `http://127.0.0.1:${b.port}/`, {}],
    ['twin public route', `${on.invokeUrl}${on.routes.public}`, {}],
    ['twin protected, cache on', `${on.invokeUrl}${on.routes.protected}`, { authorization: on.idToken }],
    ['twin protected, cache off', `${off.invokeUrl}${off.routes.protected}`, { authorization: off.idToken }],
    ['twin protected, on, HTTPS', `${tls.invokeUrl}${tls.routes.protected}`, { authorization: tls.idToken }, tlsCa],
  ];
  const samples = targets.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, [, url, headers, ca]] of targets.entries()) samples[i].push(summary(await run(url, headers, ca)));
  }
  const rssAfter = { on: rssMB(cached.child.pid), off: rssMB(uncached.child.pid) };
  const mean = (xs) => Math.round(xs.reduce((a, x) => a + x, 0) / xs.length);
  const rows = targets.map(([name], i) => [name, {
    rps: mean(samples[i].map((r) => r.rps)),
    p50: Math.max(...samples[i].map((r) => r.p50)),
    p99: Math.max(...samples[i].map((r) => r.p99)),
    errors: samples[i].reduce((a, r) => a + r.errors, 0),
    ratios: samples[i].map((r, k) => r.rps / samples[0][k].rps),
  }]);
  const base = rows[0][1].rps;
  console.log(`twin benchmark: autocannon, ${CONNECTIONS} connections, ${DURATION} s per run, ${ROUNDS} interleaved rounds, loopback, servers in child processes`);
  console.log(`${'target'.padEnd(28)}${'req/s'.padStart(9)}${'x bare'.padStart(8)}${'per round'.padStart(16)}${'p50 ms'.padStart(8)}${'p99 ms'.padStart(8)}${'errors'.padStart(8)}`);
  for (const [name, r] of rows) {
    console.log(`${name.padEnd(28)}${String(r.rps).padStart(9)}${(r.rps / base).toFixed(2).padStart(8)}${r.ratios.map((x) => x.toFixed(2)).join(' ').padStart(16)}${String(r.p50).padStart(8)}${String(r.p99).padStart(8)}${String(r.errors).padStart(8)}`);
  }
  console.log(`TLS on the protected route (cache on): p99 ${rows[4][1].p99} ms vs ${rows[2][1].p99} ms over HTTP (${(((rows[4][1].p99 / rows[2][1].p99) - 1) * 100).toFixed(0)} %), req/s ${rows[4][1].rps} vs ${rows[2][1].rps}`);
  console.log(`twin RSS (cache on): ${rssBefore.on} MB before (after warm-up), ${rssAfter.on} MB after; (cache off): ${rssBefore.off} MB before, ${rssAfter.off} MB after`);
  const checks = [
    ['protected (cache on) >= 0.5 x bare', rows[2][1].rps >= 0.5 * base],
    ['protected (cache off) >= 0.5 x bare', rows[3][1].rps >= 0.5 * base],
    ['p99 <= 20 ms on every twin route', rows.slice(1).every(([, r]) => r.p99 <= 20)],
    ['no errors', rows.every(([, r]) => r.errors === 0)],
    ['HTTPS protected p99 <= 1.1 x HTTP protected p99 (cache on, keep-alive)', rows[4][1].p99 <= 1.1 * rows[2][1].p99],
    ['RSS after within 20 % of before', Math.abs(rssAfter.on - rssBefore.on) <= 0.2 * rssBefore.on && Math.abs(rssAfter.off - rssBefore.off) <= 0.2 * rssBefore.off],
  ];
  for (const [name, ok] of checks) console.log(`${ok ? 'met    ' : 'NOT met'}  ${name}`);
  process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1;
} finally {
  for (const c of children) c.kill('SIGTERM');
}
