import { childEnv } from '@secure-api/testing/process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CALLBACK, fixtureStack, ids, runEntry, startTwin, untilReady, type ChildRun, type RunningTwin } from '../test-support';
import type { ClientsInput, ClientsReport } from './clients.fixture';
import { TwinStore } from '../store/store';
import { ensureTls } from './local-ca';

// Child processes (esbuild bundles, RSA keys, TLS handshakes): generous limits keep a loaded machine from failing it.
jest.setTimeout(60_000);


type Child = ChildRun;
const start = runEntry;

describe('the libraries teams verify Cognito tokens with, unchanged, against the twin over HTTPS', () => {
  let t: RunningTwin;
  let report: ClientsReport;
  let outputsFile: string;

  beforeAll(async () => {
    t = await startTwin({ tls: true });
    outputsFile = join(t.dataDir, 'clients-outputs.json');
    writeFileSync(outputsFile, JSON.stringify(t.twin.outputs()));
    const id = ids(t.twin);
    const input: ClientsInput = { outputsFile, region: 'eu-west-1', pools: { main: id.pool, other: id.other }, clients: { main: id.web, other: id.otherWeb }, callback: CALLBACK };
    // As a user's shell would: NODE_EXTRA_CA_CERTS names the CA the twin printed; nothing else is configured.
    const c = start([join(__dirname, 'clients.fixture.ts')], { ...childEnv(), NODE_EXTRA_CA_CERTS: String(t.twin.tls?.caFile), TLS_CLIENTS_INPUT: JSON.stringify(input) });
    const code = await c.exit;
    if (code !== 0) throw new Error(`the clients process failed (exit ${code}): ${c.err()}`);
    report = JSON.parse(c.out().trim().split('\n').pop() ?? '') as ClientsReport;
  }, 120_000);
  afterAll(() => t?.close());

  it('names https in every URL of the outputs, and the issuer of every token', () => {
    const outputs = JSON.parse(readFileSync(outputsFile, 'utf8')) as Record<string, { value: unknown }>;
    for (const name of ['issuer', 'jwks_url', 'hosted_ui_url', 'invoke_url', 'twin_endpoint_url', 'cognito_idp_endpoint']) {
      expect([name, String(outputs[name].value)]).toEqual([name, expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+/)]);
    }
    expect(outputs['twin_ca_file'].value).toBe(t.twin.tls?.caFile);
    expect(report.awsJwtVerify.id['iss']).toBe(outputs['issuer'].value);
  });

  it("aws-jwt-verify's JwtRsaVerifier (its own https fetcher, no cacheJwks) verifies an ID and an access token and rejects another pool's", () => {
    const id = ids(t.twin);
    expect(report.awsJwtVerify.id).toMatchObject({ token_use: 'id', aud: id.web, email: 'tls@example.com' });
    expect(report.awsJwtVerify.access).toMatchObject({ token_use: 'access', client_id: id.web });
    // aws-jwt-verify looks the kid up in this pool's JWKS before it reads the claims: another pool's key is not there.
    expect(report.awsJwtVerify.otherPool).toMatch(/^KidNotFoundInJwksError: JWK for kid ".+" not found in the JWKS$/);
  });

  it('openid-client discovers the issuer, completes code + PKCE and refreshes, without allowInsecureRequests', () => {
    expect(report.openidClient.issuer).toBe(`${t.base}/${ids(t.twin).pool}`);
    expect(report.openidClient.tokenEndpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/auth\/twin-test\/oauth2\/token$/);
    expect(report.openidClient.idClaims).toMatchObject({ iss: report.openidClient.issuer, email: 'tls@example.com', token_use: 'id' });
    expect(report.openidClient.refreshed).toBe(true);
  });

  it('the AWS SDK v3 Cognito client signs admin calls and signs in over HTTPS with NODE_EXTRA_CA_CERTS', () => {
    expect(report.sdk.authenticated).toBe(true);
    const pool = t.twin.cognito.directory.byId(ids(t.twin).other);
    expect(pool && t.twin.cognito.service.findUser(pool, 'tls-other@example.com')?.status).toBe('CONFIRMED');
  });
});

describe('closing a twin over HTTPS', () => {
  it('does not wait for a client that began a TLS handshake and stopped', async () => {
    const t = await startTwin({ tls: true });
    const port = Number(new URL(t.base).port);
    // The first 3 bytes of a ClientHello record (handshake, TLS 1.0 record version), then nothing.
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    await new Promise<void>((done) => socket.once('connect', () => socket.write(Buffer.from([0x16, 0x03, 0x01]), () => done())));
    // Let the server read the byte that hands the connection to TLS.
    await new Promise((r) => setTimeout(r, 200));
    const closed = socket.closed ? Promise.resolve() : new Promise((r) => socket.once('close', r));
    const started = Date.now();
    await t.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    await closed;
  }, 30_000);
});

describe('twin --tls', () => {
  let dir: string;
  let stackFile: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'twin-tls-cli-'));
    stackFile = join(dir, 'cdk.tf.json');
    writeFileSync(stackFile, JSON.stringify(fixtureStack()));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const cli = (...args: string[]) => start([join(__dirname, '../cli.ts'), '--stack', 'fixture', '--stack-file', stackFile, '--port', '0', '--data-dir', join(dir, 'data'), '--tls', ...args]);

  const ready = untilReady;

  /** A data directory a twin made (the twin refuses one it did not), its TLS folder yet to come. */
  function twinDataDir(): string {
    const data = join(dir, 'data');
    TwinStore.open(data).close();
    return data;
  }

  async function stop(c: Child): Promise<void> {
    c.child.kill('SIGTERM');
    expect(await c.exit).toBe(0);
  }

  it('prints the CA file and the two lines that trust it, serves https URLs, answers plain HTTP with a 400 naming https, never prints a key', async () => {
    const outputs = join(dir, 'outputs.json');
    const c = cli('--outputs-file', outputs);
    const out = await ready(c);
    const caFile = join(dir, 'data', 'tls', 'ca.pem');
    const base = /listening on (https:\/\/127\.0\.0\.1:(\d+))/.exec(out);
    expect(base).not.toBeNull();
    expect(out).toContain(`export NODE_EXTRA_CA_CERTS=${caFile}`);
    expect(out).toContain(`export AWS_CA_BUNDLE=${caFile}`);
    expect(out).toContain('(made at this start: trust it once)');
    expect(out).toMatch(/Hosted UI: https:\/\/127\.0\.0\.1:\d+\/auth\/twin-test/);
    expect(out).toMatch(/Issuer: https:\/\/127\.0\.0\.1:\d+\/eu-west-1_/);
    // The sign-in links take the client's https callback: an http one would land on a port that speaks only TLS.
    expect(out).toMatch(/Sign in \(web, code grant\): https:\/\/127\.0\.0\.1:\d+\/auth\/twin-test\/login\?\S*redirect_uri=https%3A%2F%2Fapp\.example\.com%2Fcb/);
    expect(`${out}${c.err()}`).not.toMatch(/PRIVATE KEY/);
    const file = JSON.parse(readFileSync(outputs, 'utf8')) as Record<string, { value: unknown }>;
    expect(file['twin_ca_file'].value).toBe(caFile);
    expect(file['twin_endpoint_url'].value).toBe(base?.[1]);

    // Plain HTTP on the TLS port: an immediate, clear answer, not a hang.
    const plain = await new Promise<{ status?: number; body: string }>((done, fail) => {
      const req = httpRequest({ host: '127.0.0.1', port: Number(base?.[2]), path: '/', timeout: 5_000 }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => done({ status: res.statusCode, body }));
      });
      req.on('timeout', () => fail(new Error('plain HTTP hung')));
      req.on('error', fail);
      req.end();
    });
    expect(plain.status).toBe(400);
    expect(JSON.parse(plain.body)).toEqual({ message: `This port speaks HTTPS only: use ${base?.[1]}/ and trust the twin's CA (NODE_EXTRA_CA_CERTS or AWS_CA_BUNDLE set to its ca.pem).` });
    await stop(c);

    // A second start keeps the CA (clients keep trusting it) and says nothing about making one.
    const ca = readFileSync(caFile, 'utf8');
    const again = cli();
    const out2 = await ready(again);
    expect(out2).not.toContain('made at this start');
    expect(readFileSync(caFile, 'utf8')).toBe(ca);
    await stop(again);
  }, 120_000);

  it('renews an expired server certificate from the same CA at start', async () => {
    const data = twinDataDir();
    // A start a year and a half ago: its certificate has expired by now.
    const old = ensureTls(data, Date.now() - 540 * 86_400_000);
    expect(old.notAfter.getTime()).toBeLessThan(Date.now());
    const ca = readFileSync(join(data, 'tls', 'ca.pem'), 'utf8');
    const c = cli();
    const out = await ready(c);
    const validTo = /valid to (\d{4}-\d{2}-\d{2})/.exec(out)?.[1];
    expect(Date.parse(String(validTo))).toBeGreaterThan(Date.now() + 300 * 86_400_000);
    expect(readFileSync(join(data, 'tls', 'ca.pem'), 'utf8')).toBe(ca);
    await stop(c);
  }, 120_000);

  it.each([
    ['corrupt', (tls: string) => writeFileSync(join(tls, 'ca.pem'), 'not a certificate'), /the CA certificate .*ca\.pem is corrupt/],
    ['foreign', (tls: string) => writeFileSync(join(tls, 'ca-key.pem'), readFileSync(join(tls, 'server-key.pem'))), /ca-key\.pem is not the key of the CA certificate/],
  ])('refuses a data directory whose CA is %s with one line, and never overwrites it', async (_what, spoil, message) => {
    const data = twinDataDir();
    ensureTls(data);
    const tls = join(data, 'tls');
    spoil(tls);
    const before = { ca: readFileSync(join(tls, 'ca.pem'), 'utf8'), key: readFileSync(join(tls, 'ca-key.pem'), 'utf8') };
    const c = cli();
    expect(await c.exit).toBe(1);
    const lines = c.err().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(lines[0]).toMatch(/Fix: /);
    expect({ ca: readFileSync(join(tls, 'ca.pem'), 'utf8'), key: readFileSync(join(tls, 'ca-key.pem'), 'utf8') }).toEqual(before);
  }, 60_000);
});
