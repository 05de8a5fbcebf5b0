import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';

/** Thrown when a data directory's TLS material cannot be used. The message names the file, the problem and the fix. */
export class TlsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TlsError';
  }
}

/** What the twin serves HTTPS with, and what a client trusts it by. */
export interface TwinTls {
  /** The local CA's certificate (PEM): `NODE_EXTRA_CA_CERTS` and `AWS_CA_BUNDLE` point at it. */
  readonly caFile: string;
  /** The server certificate (PEM), issued by the CA, for `127.0.0.1`, `::1` and `localhost`. */
  readonly cert: string;
  /** The server certificate's private key (PEM). Lives only in the data directory. */
  readonly key: string;
  /** base64 SHA-256 of the server certificate's SubjectPublicKeyInfo: what a browser can pin it by. */
  readonly spki: string;
  /** The server certificate's last day. */
  readonly notAfter: Date;
  /** Whether this start made a new CA (clients must trust it) or a new server certificate. */
  readonly made: 'ca' | 'certificate' | 'none';
}

/** The folder of the TLS material inside a data directory. */
export const TLS_DIR = 'tls';
const FILES = { caCert: 'ca.pem', caKey: 'ca-key.pem', cert: 'server.pem', key: 'server-key.pem' } as const;
const DAY = 86_400_000;
/** The CA lives ten years; the server certificate a year, renewed at start when it has less than 30 days left. */
const CA_DAYS = 3650;
const CERT_DAYS = 365;
const RENEW_BEFORE_DAYS = 30;
export const SERVER_NAMES = { dns: ['localhost'], ip: ['127.0.0.1', '::1'] } as const;
const CA_NAME = 'secure-api local twin CA';

/**
 * The TLS material of a data directory: a local CA made once (its key only there, mode 0600, never printed) and a
 * server certificate it issues for the loopback names. A server certificate that expired, or soon will, is renewed
 * from the same CA at start, so clients keep trusting the twin. CA files that are unreadable, corrupt or do not belong
 * together (a key of another CA, a certificate that is no CA) are refused with one line and never overwritten; the
 * fix is to restore them, or to remove the `tls` folder so that a new CA is made (and trusted again).
 */
export function ensureTls(dataDir: string, now: number = Date.now()): TwinTls {
  const dir = join(dataDir, TLS_DIR);
  const path = (f: keyof typeof FILES) => join(dir, FILES[f]);
  let made: TwinTls['made'] = 'none';
  if (!existsSync(path('caCert')) && !existsSync(path('caKey'))) {
    if (existsSync(path('cert')) || existsSync(path('key'))) {
      throw new TlsError(`${dir} holds a server certificate or key but no CA: it is not the TLS folder of this twin. Fix: restore ${FILES.caCert} and ${FILES.caKey}, or remove ${dir} to make a new CA.`);
    }
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const ca = makeCa(now);
    write(path('caKey'), ca.key, 0o600);
    write(path('caCert'), ca.cert, 0o644);
    made = 'ca';
  }
  const caCertPem = readPem(path('caCert'), 'the CA certificate');
  const caKeyPem = readPem(path('caKey'), "the CA's private key");
  const ca = parseCa(caCertPem, caKeyPem, path('caCert'), path('caKey'), now, dir);

  let certPem = existsSync(path('cert')) ? readPem(path('cert'), 'the server certificate') : undefined;
  let keyPem = existsSync(path('key')) ? readPem(path('key'), "the server certificate's private key") : undefined;
  if (!certPem || !keyPem || !usable(certPem, keyPem, ca.cert, now)) {
    const issued = issueServer(ca, now);
    write(path('key'), issued.key, 0o600);
    write(path('cert'), issued.cert, 0o644);
    certPem = issued.cert;
    keyPem = issued.key;
    if (made === 'none') made = 'certificate';
  }
  const cert = new X509Certificate(certPem);
  const spki = createHash('sha256').update(cert.publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
  return { caFile: path('caCert'), cert: certPem, key: keyPem, spki, notAfter: new Date(cert.validTo), made };
}

function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new TlsError(`${what} ${file} is unreadable (${(err as NodeJS.ErrnoException).code ?? 'error'}). Fix: check its permissions, or remove the tls folder to make a new CA.`);
  }
}

/** The CA of the data directory, checked: a CA certificate of this twin, valid now, whose key is the one beside it. */
function parseCa(certPem: string, keyPem: string, certFile: string, keyFile: string, now: number, dir: string): { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey; x509: X509Certificate } {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(certPem);
  } catch {
    throw new TlsError(`the CA certificate ${certFile} is corrupt (not a PEM certificate). Fix: restore it, or remove ${dir} to make a new CA.`);
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(keyPem);
  } catch {
    throw new TlsError(`the CA's private key ${keyFile} is corrupt (not a PEM private key). Fix: restore it, or remove ${dir} to make a new CA.`);
  }
  if (!x509.ca || !x509.subject.includes(CA_NAME)) {
    throw new TlsError(`${certFile} is not the twin's CA certificate (${x509.subject.replace(/\n/g, ', ')}). Fix: restore the twin's ${FILES.caCert}, or remove ${dir} to make a new CA.`);
  }
  const matches = createPublicKey(privateKey).export({ type: 'spki', format: 'der' }).equals(x509.publicKey.export({ type: 'spki', format: 'der' }));
  if (!matches) throw new TlsError(`${keyFile} is not the key of the CA certificate ${certFile} (a key of another CA?). Fix: restore the pair, or remove ${dir} to make a new CA.`);
  if (Date.parse(x509.validTo) <= now) {
    throw new TlsError(`the twin's CA ${certFile} expired on ${new Date(x509.validTo).toISOString().slice(0, 10)}. Fix: remove ${dir}; the next start makes a new CA, which clients must trust again.`);
  }
  if (statSync(keyFile).mode & 0o077) chmodSync(keyFile, 0o600);
  return { cert: forge.pki.certificateFromPem(certPem), key: forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()) as forge.pki.rsa.PrivateKey, x509 };
}

/** Whether a server certificate can be served on: issued by this CA, its key, the loopback names, 30 days or more left. */
function usable(certPem: string, keyPem: string, ca: forge.pki.Certificate, now: number): boolean {
  try {
    const cert = new X509Certificate(certPem);
    const key = createPrivateKey(keyPem);
    const sameKey = createPublicKey(key).export({ type: 'spki', format: 'der' }).equals(cert.publicKey.export({ type: 'spki', format: 'der' }));
    const issued = cert.verify(createPublicKey(forge.pki.publicKeyToPem(ca.publicKey)));
    const names = SERVER_NAMES.dns.every((d) => cert.checkHost(d)) && SERVER_NAMES.ip.every((ip) => cert.checkIP(ip));
    return sameKey && issued && names && Date.parse(cert.validTo) - now > RENEW_BEFORE_DAYS * DAY && Date.parse(cert.validFrom) <= now;
  } catch {
    return false;
  }
}

function rsaKey(): { forgeKey: forge.pki.rsa.PrivateKey; pem: string; publicKey: forge.pki.rsa.PublicKey } {
  // node's crypto makes the key (forge's pure JS keygen takes seconds); forge only builds and signs the certificates.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return {
    forgeKey: forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()) as forge.pki.rsa.PrivateKey,
    pem,
    publicKey: forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString()) as forge.pki.rsa.PublicKey,
  };
}

function serial(): string {
  // Positive, 16 bytes, as RFC 5280 wants.
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  return bytes.toString('hex');
}

function makeCa(now: number): { cert: string; key: string } {
  const key = rsaKey();
  const cert = forge.pki.createCertificate();
  cert.publicKey = key.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(now - DAY);
  cert.validity.notAfter = new Date(now + CA_DAYS * DAY);
  const name = [{ name: 'commonName', value: `${CA_NAME} ${randomBytes(4).toString('hex')}` }, { name: 'organizationName', value: 'secure-api local twin' }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key.forgeKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: key.pem };
}

function issueServer(ca: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey }, now: number): { cert: string; key: string } {
  const key = rsaKey();
  const cert = forge.pki.createCertificate();
  cert.publicKey = key.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(now - DAY);
  cert.validity.notAfter = new Date(now + CERT_DAYS * DAY);
  cert.setSubject([{ name: 'commonName', value: 'localhost' }]);
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [...SERVER_NAMES.dns.map((value) => ({ type: 2, value })), ...SERVER_NAMES.ip.map((ip) => ({ type: 7, ip }))] },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.cert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(ca.key, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: key.pem };
}

/** Writes a file atomically with its mode (the key files 0600 from their first byte). */
function write(file: string, text: string, mode: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, file);
}
