import { spawnSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { ensureTls, TlsError } from './local-ca';

const DAY = 86_400_000;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'twin-tls-'));
});
afterEach(() => {
  jest.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const file = (name: string) => join(dir, 'tls', name);
const chainOk = (certPem: string) => {
  const ca = new X509Certificate(readFileSync(file('ca.pem')));
  const cert = new X509Certificate(certPem);
  return cert.checkIssued(ca) && cert.verify(ca.publicKey);
};
const mode = (path: string) => statSync(path).mode & 0o777;
const openssl = (...args: string[]) => spawnSync('openssl', args, { encoding: 'utf8' });

/** A certificate from the data directory's CA, for `names` and the public key of `keyPem`, as a leaked CA key would allow. */
function issueWithCa(keyPem: string, names: { dns?: readonly string[]; ip?: readonly string[] }, cn = 'localhost'): string {
  const caCert = forge.pki.certificateFromPem(readFileSync(file('ca.pem'), 'utf8'));
  const caKey = forge.pki.privateKeyFromPem(createPrivateKey(readFileSync(file('ca-key.pem'), 'utf8')).export({ type: 'pkcs1', format: 'pem' }).toString());
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey((forge.pki.privateKeyFromPem(createPrivateKey(keyPem).export({ type: 'pkcs1', format: 'pem' }).toString()) as forge.pki.rsa.PrivateKey).n, (forge.pki.privateKeyFromPem(createPrivateKey(keyPem).export({ type: 'pkcs1', format: 'pem' }).toString()) as forge.pki.rsa.PrivateKey).e);
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - DAY);
  cert.validity.notAfter = new Date(Date.now() + 300 * DAY);
  cert.setSubject([{ name: 'commonName', value: cn }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [...(names.dns ?? []).map((value) => ({ type: 2, value })), ...(names.ip ?? []).map((ip) => ({ type: 7, ip }))] },
  ]);
  cert.sign(caKey as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

const refusal = (now?: number): string => {
  try {
    ensureTls(dir, now);
  } catch (err) {
    expect(err).toBeInstanceOf(TlsError);
    expect((err as Error).message).not.toMatch(/\n/);
    return (err as Error).message;
  }
  throw new Error('accepted');
};

describe('the local CA of a data directory', () => {
  it('makes a CA once, and a server certificate for 127.0.0.1, ::1 and localhost that the CA issued; keys 0600', () => {
    const first = ensureTls(dir);
    expect(first.made).toBe('ca');
    expect(first.caFile).toBe(file('ca.pem'));
    const cert = new X509Certificate(first.cert);
    expect(cert.checkIP('127.0.0.1') && cert.checkIP('::1') && cert.checkHost('localhost')).toBeTruthy();
    expect(cert.ca).toBe(false);
    expect(new X509Certificate(readFileSync(first.caFile)).ca).toBe(true);
    expect(chainOk(first.cert)).toBe(true);
    for (const key of ['ca-key.pem', 'server-key.pem']) expect(mode(file(key))).toBe(0o600);
    for (const pem of ['ca.pem', 'server.pem']) expect(mode(file(pem))).toBe(0o644);
    expect(mode(join(dir, 'tls'))).toBe(0o700);
    expect(first.spki).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(readdirSync(join(dir, 'tls')).sort()).toEqual(['ca-key.pem', 'ca.pem', 'server-key.pem', 'server.pem']);
    const again = ensureTls(dir);
    expect(again).toMatchObject({ made: 'none', cert: first.cert, key: first.key, spki: first.spki });
  });

  describe('a CA that can issue for the loopback names only (critical nameConstraints)', () => {
    it('carries the constraint: DNS localhost, IP 127.0.0.0/8 and ::1/128', () => {
      ensureTls(dir);
      const ca = forge.pki.certificateFromPem(readFileSync(file('ca.pem'), 'utf8'));
      const ext = ca.getExtension('nameConstraints') as { critical?: boolean; permittedSubtrees?: { type: number; value: string }[]; excludedSubtrees?: unknown[] } | null;
      expect(ext?.critical).toBe(true);
      const hex = (s: string) => forge.util.bytesToHex(s);
      expect(ext?.permittedSubtrees?.map((t) => [t.type, t.type === 7 ? hex(t.value) : t.value])).toEqual([
        [2, 'localhost'],
        [7, '7f000000ff000000'],
        [7, `${'00'.repeat(15)}01${'ff'.repeat(16)}`],
      ]);
      expect(ext?.excludedSubtrees).toEqual([]);
      const text = openssl('x509', '-in', file('ca.pem'), '-noout', '-text');
      expect(text.status).toBe(0);
      expect(text.stdout).toMatch(/X509v3 Name Constraints: critical\s+Permitted:\s+DNS:localhost\s+IP:127\.0\.0\.0\/255\.0\.0\.0\s+IP:0:0:0:0:0:0:0:1\/FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF/);
    });

    it('the server certificate validates under it (openssl verify, node X509Certificate); one for another domain does not', () => {
      const tls = ensureTls(dir);
      const ok = openssl('verify', '-CAfile', file('ca.pem'), '-purpose', 'sslserver', file('server.pem'));
      expect(`${ok.stdout}${ok.stderr}`.trim()).toBe(`${file('server.pem')}: OK`);
      for (const host of ['localhost']) expect(openssl('verify', '-CAfile', file('ca.pem'), '-verify_hostname', host, file('server.pem')).status).toBe(0);
      for (const ip of ['127.0.0.1', '::1']) expect(openssl('verify', '-CAfile', file('ca.pem'), '-verify_ip', ip, file('server.pem')).status).toBe(0);
      expect(chainOk(tls.cert)).toBe(true);
      // What a leaked CA key could mint: the signature is good, the constraint refuses the names.
      const rogue = join(dir, 'rogue.pem');
      for (const [names, cn] of [[{ dns: ['bank.example.com'] }, 'bank.example.com'], [{ ip: ['10.0.0.1'] }, 'localhost'], [{ dns: ['localhost.example.com'] }, 'localhost']] as const) {
        writeFileSync(rogue, issueWithCa(tls.key, { ...names }, cn));
        const bad = openssl('verify', '-CAfile', file('ca.pem'), rogue);
        expect([names, bad.status, `${bad.stdout}${bad.stderr}`]).toEqual([names, 2, expect.stringMatching(/permitted subtree violation/)]);
      }
    });
  });

  it('renews a server certificate that expired, or has less than 30 days left, from the same CA, for the same key', () => {
    const first = ensureTls(dir);
    const ca = readFileSync(file('ca.pem'), 'utf8');
    const soon = ensureTls(dir, Date.now() + 340 * DAY);
    expect(soon.made).toBe('certificate');
    expect(soon.cert).not.toBe(first.cert);
    expect(soon).toMatchObject({ key: first.key, spki: first.spki });
    expect(readFileSync(file('ca.pem'), 'utf8')).toBe(ca);
    expect(chainOk(soon.cert)).toBe(true);
    const expired = ensureTls(dir, Date.now() + 800 * DAY);
    expect(expired.made).toBe('certificate');
    expect(expired.notAfter.getTime()).toBeGreaterThan(Date.now() + 800 * DAY);
  });

  it('ends the server certificate with the CA at the latest, and keeps it then instead of reissuing it at every start', () => {
    ensureTls(dir);
    const caEnd = Date.parse(new X509Certificate(readFileSync(file('ca.pem'))).validTo);
    const late = ensureTls(dir, caEnd - 10 * DAY);
    expect(late.made).toBe('certificate');
    expect(late.notAfter.getTime()).toBe(caEnd);
    expect(openssl('verify', '-CAfile', file('ca.pem'), '-attime', String(Math.floor((caEnd - 5 * DAY) / 1000)), file('server.pem')).status).toBe(0);
    expect(ensureTls(dir, caEnd - 9 * DAY)).toMatchObject({ made: 'none', cert: late.cert });
  });

  it("issues a new server certificate, for the same key, when it is missing or does not cover the loopback names", () => {
    const first = ensureTls(dir);
    rmSync(file('server.pem'));
    const missing = ensureTls(dir);
    expect(missing).toMatchObject({ made: 'certificate', key: first.key, spki: first.spki });
    writeFileSync(file('server.pem'), issueWithCa(first.key, { dns: ['localhost'] }));
    const narrow = ensureTls(dir);
    expect(narrow).toMatchObject({ made: 'certificate', key: first.key, spki: first.spki });
    expect(new X509Certificate(narrow.cert).checkIP('::1')).toBe('::1');
  });

  it('makes a new key and certificate when the key is missing (a certificate left for the old key is replaced)', () => {
    const first = ensureTls(dir);
    rmSync(file('server-key.pem'));
    const renewed = ensureTls(dir);
    expect(renewed.made).toBe('certificate');
    expect(renewed.spki).not.toBe(first.spki);
    expect(chainOk(renewed.cert)).toBe(true);
    expect(mode(file('server-key.pem'))).toBe(0o600);
  });

  it('tightens the server key to 0600 and the tls folder to 0700 at start', () => {
    ensureTls(dir);
    chmodSync(file('server-key.pem'), 0o644);
    chmodSync(file('ca-key.pem'), 0o640);
    chmodSync(join(dir, 'tls'), 0o755);
    expect(ensureTls(dir).made).toBe('none');
    expect(mode(file('server-key.pem'))).toBe(0o600);
    expect(mode(file('ca-key.pem'))).toBe(0o600);
    expect(mode(join(dir, 'tls'))).toBe(0o700);
  });

  it('writes each file through a fresh 0600 temp file: a stale one, or a link planted at its name, is replaced, never written through', () => {
    ensureTls(dir);
    rmSync(file('server-key.pem'));
    const outside = join(dir, 'outside.pem');
    writeFileSync(outside, '');
    chmodSync(outside, 0o666);
    for (const name of ['server-key.pem.tmp', `server-key.pem.${process.pid}.tmp`]) symlinkSync(outside, file(name));
    writeFileSync(file('server.pem.tmp'), 'stale');
    chmodSync(file('server.pem.tmp'), 0o666);
    ensureTls(dir);
    expect(readFileSync(outside, 'utf8')).toBe('');
    expect(lstatSync(file('server-key.pem')).isFile()).toBe(true);
    expect(mode(file('server-key.pem'))).toBe(0o600);
    expect(mode(file('server.pem'))).toBe(0o644);
    expect(existsSync(file('server-key.pem.tmp')) || existsSync(file('server.pem.tmp'))).toBe(false);
  });

  describe('a first start interrupted while writing the CA is not refused for ever', () => {
    const crashAt = (target: string) => {
      // The module itself, not an import's copy of it: what local-ca.ts calls.
      const fs = jest.requireActual<typeof import('node:fs')>('node:fs');
      const rename = fs.renameSync;
      jest.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
        if (String(to) === file(target)) throw Object.assign(new Error('killed'), { code: 'EINTR' });
        return rename(from, to);
      });
    };

    it('before the certificate is in place: the next start makes a CA', () => {
      crashAt('ca.pem');
      expect(refusal()).toMatch(/cannot write .*ca\.pem \(EINTR\)/);
      jest.restoreAllMocks();
      expect(existsSync(file('ca.pem')) || existsSync(file('ca-key.pem'))).toBe(false);
      const next = ensureTls(dir);
      expect(next.made).toBe('ca');
      expect(chainOk(next.cert)).toBe(true);
    });

    it('between the certificate and its key: the next start completes it (the same CA) and says it made it', () => {
      crashAt('ca-key.pem');
      expect(refusal()).toMatch(/cannot write .*ca-key\.pem \(EINTR\)/);
      jest.restoreAllMocks();
      const ca = readFileSync(file('ca.pem'), 'utf8');
      expect(existsSync(file('ca-key.pem'))).toBe(false);
      const next = ensureTls(dir);
      expect(next.made).toBe('ca');
      expect(readFileSync(file('ca.pem'), 'utf8')).toBe(ca);
      expect(chainOk(next.cert)).toBe(true);
      expect(mode(file('ca-key.pem'))).toBe(0o600);
    });

    it('a lone, partly written temp file counts as no CA', () => {
      mkdirSync(join(dir, 'tls'), { mode: 0o700 });
      writeFileSync(file('ca-key.pem.tmp'), '-----BEGIN PRIVATE KEY-----\nMIIE');
      expect(ensureTls(dir).made).toBe('ca');
    });
  });

  describe('refuses files it cannot trust, with one line, and never overwrites them', () => {
    it('an unreadable CA key', () => {
      ensureTls(dir);
      rmSync(file('ca-key.pem'));
      mkdirSync(file('ca-key.pem'));
      expect(refusal()).toMatch(/the CA's private key .*ca-key\.pem is unreadable \(EISDIR\)\. Fix: check its permissions, or remove the tls folder/);
    });

    it('a tls path that is a file', () => {
      writeFileSync(join(dir, 'tls'), 'x');
      expect(refusal()).toBe(`${join(dir, 'tls')} is not a directory (the twin keeps its CA and certificate there). Fix: move it away or remove it; the next start makes a new CA there.`);
      expect(readFileSync(join(dir, 'tls'), 'utf8')).toBe('x');
    });

    it.each([
      ['the CA key', 'ca-key.pem', 'ca.pem', /^the CA's private key .*ca-key\.pem is missing \(its certificate ca\.pem is there\)\. Fix: restore it, or remove .*tls to make a new CA\.$/],
      ['the CA certificate', 'ca.pem', 'ca-key.pem', /^the CA certificate .*ca\.pem is missing \(its key ca-key\.pem is there\)\. Fix: restore it, or remove .*tls to make a new CA\.$/],
    ])('%s missing beside the other', (_what, gone, kept, message) => {
      ensureTls(dir);
      const before = readFileSync(file(kept), 'utf8');
      rmSync(file(gone));
      const line = refusal();
      expect(line).toMatch(message);
      expect(line).not.toMatch(/permissions/);
      expect(readFileSync(file(kept), 'utf8')).toBe(before);
      expect(existsSync(file(gone))).toBe(false);
    });

    it('a corrupt CA certificate or key', () => {
      ensureTls(dir);
      const key = readFileSync(file('ca-key.pem'), 'utf8');
      writeFileSync(file('ca.pem'), 'not a certificate');
      expect(refusal()).toMatch(/the CA certificate .*ca\.pem is corrupt/);
      expect(readFileSync(file('ca.pem'), 'utf8')).toBe('not a certificate');
      expect(readFileSync(file('ca-key.pem'), 'utf8')).toBe(key);
    });

    it("a CA key of another CA, and a certificate that is not the twin's CA", () => {
      ensureTls(dir);
      const other = mkdtempSync(join(tmpdir(), 'twin-tls-other-'));
      try {
        ensureTls(other);
        const mine = readFileSync(file('ca-key.pem'), 'utf8');
        copyFileSync(join(other, 'tls', 'ca-key.pem'), file('ca-key.pem'));
        expect(refusal()).toMatch(/ca-key\.pem is not the key of the CA certificate .*ca\.pem \(a key of another CA\?\)/);
        writeFileSync(file('ca-key.pem'), mine);
        copyFileSync(join(other, 'tls', 'server.pem'), file('ca.pem'));
        expect(refusal()).toMatch(/ca\.pem is not the twin's CA certificate \(CN=localhost\)/);
      } finally {
        rmSync(other, { recursive: true, force: true });
      }
    });

    it('server files without a CA, an expired CA, and a CA not valid yet', () => {
      ensureTls(dir);
      rmSync(file('ca.pem'));
      rmSync(file('ca-key.pem'));
      expect(refusal()).toMatch(/holds a server certificate or key but no CA/);
      rmSync(join(dir, 'tls'), { recursive: true });
      ensureTls(dir);
      expect(refusal(Date.now() + 3700 * DAY)).toMatch(/the twin's CA .*ca\.pem expired on \d{4}-\d\d-\d\d\. Fix: remove .*tls; the next start makes a new CA/);
      expect(refusal(Date.now() - 2 * DAY)).toMatch(/^the twin's CA .*ca\.pem is not valid before \d{4}-\d\d-\d\dT[\d:.]+Z \(is this machine's clock behind\?\)\. Fix: correct the clock, or remove .*tls to make a new CA/);
    });

    describe('a server key that is there but unusable', () => {
      const unchanged = (check: () => void) => {
        const before = { key: readFileSync(file('server-key.pem'), 'utf8'), cert: readFileSync(file('server.pem'), 'utf8') };
        check();
        expect({ key: readFileSync(file('server-key.pem'), 'utf8'), cert: readFileSync(file('server.pem'), 'utf8') }).toEqual(before);
      };

      it('corrupt', () => {
        ensureTls(dir);
        writeFileSync(file('server-key.pem'), 'not a key');
        unchanged(() => expect(refusal()).toMatch(/^the server certificate's private key .*server-key\.pem is corrupt \(not an unencrypted PEM private key\)\. Fix: restore it, or remove it and .*server\.pem; the next start makes a new key and certificate\.$/));
        rmSync(file('server.pem'));
        expect(refusal()).toMatch(/server-key\.pem is corrupt/);
        expect(readFileSync(file('server-key.pem'), 'utf8')).toBe('not a key');
      });

      it('foreign: another kind of key, the CA key, the key of another certificate', () => {
        ensureTls(dir);
        writeFileSync(file('server-key.pem'), generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
        unchanged(() => expect(refusal()).toMatch(/server-key\.pem is an ec key, not the RSA key the twin makes \(a foreign key\?\)/));
        copyFileSync(file('ca-key.pem'), file('server-key.pem'));
        unchanged(() => expect(refusal()).toMatch(/server-key\.pem is the CA's key, which must never serve TLS/));
        writeFileSync(file('server-key.pem'), generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
        unchanged(() => expect(refusal()).toMatch(/server-key\.pem is not the key of the server certificate .*server\.pem \(one of them was replaced\?\)\. Fix: restore the pair, or remove both/));
      });

      it('a server certificate that is corrupt, or not from this CA', () => {
        ensureTls(dir);
        writeFileSync(file('server.pem'), 'not a certificate');
        unchanged(() => expect(refusal()).toMatch(/the server certificate .*server\.pem is corrupt \(not a PEM certificate\)\. Fix: restore it, or remove it; the next start issues a new one/));
        const other = mkdtempSync(join(tmpdir(), 'twin-tls-other-'));
        try {
          ensureTls(other);
          copyFileSync(join(other, 'tls', 'server.pem'), file('server.pem'));
          copyFileSync(join(other, 'tls', 'server-key.pem'), file('server-key.pem'));
          unchanged(() => expect(refusal()).toMatch(/the server certificate .*server\.pem was not issued by the twin's CA .*ca\.pem \(issuer CN=secure-api local twin CA/));
        } finally {
          rmSync(other, { recursive: true, force: true });
        }
      });
    });
  });
});
