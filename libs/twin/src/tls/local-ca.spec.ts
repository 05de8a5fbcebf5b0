import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTls, TlsError } from './local-ca';

const DAY = 86_400_000;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'twin-tls-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string) => join(dir, 'tls', name);
const chainOk = (certPem: string) => {
  const ca = new X509Certificate(readFileSync(file('ca.pem')));
  const cert = new X509Certificate(certPem);
  return cert.checkIssued(ca) && cert.verify(ca.publicKey);
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
    for (const key of ['ca-key.pem', 'server-key.pem']) expect(statSync(file(key)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'tls')).mode & 0o777).toBe(0o700);
    expect(first.spki).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    const again = ensureTls(dir);
    expect(again).toMatchObject({ made: 'none', cert: first.cert, key: first.key, spki: first.spki });
  });

  it('renews a server certificate that expired, or has less than 30 days left, from the same CA', () => {
    const first = ensureTls(dir);
    const ca = readFileSync(file('ca.pem'), 'utf8');
    const soon = ensureTls(dir, Date.now() + 340 * DAY);
    expect(soon.made).toBe('certificate');
    expect(soon.cert).not.toBe(first.cert);
    expect(readFileSync(file('ca.pem'), 'utf8')).toBe(ca);
    expect(chainOk(soon.cert)).toBe(true);
    const expired = ensureTls(dir, Date.now() + 800 * DAY);
    expect(expired.made).toBe('certificate');
    expect(expired.notAfter.getTime()).toBeGreaterThan(Date.now() + 800 * DAY);
  });

  it('issues a new server certificate when its files are missing, or it is not the CA\'s', () => {
    ensureTls(dir);
    rmSync(file('server.pem'));
    expect(ensureTls(dir).made).toBe('certificate');
    const other = mkdtempSync(join(tmpdir(), 'twin-tls-other-'));
    try {
      ensureTls(other);
      copyFileSync(join(other, 'tls', 'server.pem'), file('server.pem'));
      copyFileSync(join(other, 'tls', 'server-key.pem'), file('server-key.pem'));
      const renewed = ensureTls(dir);
      expect(renewed.made).toBe('certificate');
      expect(chainOk(renewed.cert)).toBe(true);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  describe('refuses CA files it cannot trust, with one line, and never overwrites them', () => {
    const refusal = (): string => {
      try {
        ensureTls(dir);
      } catch (err) {
        expect(err).toBeInstanceOf(TlsError);
        expect((err as Error).message).not.toMatch(/\n/);
        return (err as Error).message;
      }
      throw new Error('accepted');
    };

    it('an unreadable CA key', () => {
      ensureTls(dir);
      rmSync(file('ca-key.pem'));
      mkdirSync(file('ca-key.pem'));
      expect(refusal()).toMatch(/the CA's private key .*ca-key\.pem is unreadable \(EISDIR\)\. Fix: check its permissions, or remove the tls folder/);
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

    it('server files without a CA, and an expired CA', () => {
      ensureTls(dir);
      rmSync(file('ca.pem'));
      rmSync(file('ca-key.pem'));
      expect(refusal()).toMatch(/holds a server certificate or key but no CA/);
      rmSync(join(dir, 'tls'), { recursive: true });
      ensureTls(dir);
      expect(() => ensureTls(dir, Date.now() + 3700 * DAY)).toThrow(/the twin's CA .*ca\.pem expired on \d{4}-\d\d-\d\d\. Fix: remove .*tls; the next start makes a new CA/);
    });
  });
});
