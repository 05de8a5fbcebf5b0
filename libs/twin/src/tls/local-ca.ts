import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, randomBytes, X509Certificate } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, type Stats, writeSync } from 'node:fs';
import { isIP } from 'node:net';
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
  /** Whether this start made a new CA (clients must trust it) or a new server certificate (for the same key). */
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
 * What the CA may issue for (a critical nameConstraints extension, RFC 5280 §4.2.1.10): the loopback names only, so a
 * leaked CA key cannot mint a certificate another site would be trusted by.
 */
export const CA_PERMITTED = { dns: ['localhost'], ip: [{ address: '127.0.0.0', mask: '255.0.0.0' }, { address: '::1', mask: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff' }] } as const;
/** What `write` stages a file under: a fixed name, so that an interrupted start can be told from a lost file. */
const TMP = '.tmp';

/**
 * The TLS material of a data directory: a local CA made once (its key only there, mode 0600, never printed; allowed to
 * issue for the loopback names only) and a server key and certificate it issues for them. The server key is made
 * once and kept; its certificate is reissued from the same CA at start when it is missing, expired or soon will be, or
 * does not cover the loopback names, so clients keep trusting the twin (and a browser's SPKI pin keeps matching).
 * Anything else that is off (a corrupt, foreign or mismatched file, a CA that is expired or not yet valid, a `tls`
 * path that is no folder) is refused with one line and never overwritten; the fix is to restore the file, or to
 * remove it (or the `tls` folder, for the CA files: then a new CA is made, and must be trusted again).
 */
export function ensureTls(dataDir: string, now: number = Date.now()): TwinTls {
  const dir = join(dataDir, TLS_DIR);
  const path = (f: keyof typeof FILES) => join(dir, FILES[f]);
  const fresh = `remove ${dir} to make a new CA`;
  let made: TwinTls['made'] = 'none';

  const dirStat = stat(dir, 'the TLS folder', dir);
  if (dirStat && !dirStat.isDirectory()) throw new TlsError(`${dir} is not a directory (the twin keeps its CA and certificate there). Fix: move it away or remove it; the next start makes a new CA there.`);
  if (dirStat && dirStat.mode & 0o077) step(dir, () => chmodSync(dir, 0o700), 'restrict', dir);
  const has = (f: keyof typeof FILES, what: string) => stat(path(f), what, dir) !== undefined;
  const hasCaCert = has('caCert', 'the CA certificate');
  const hasCaKey = has('caKey', "the CA's private key");
  if (!hasCaCert && !hasCaKey) {
    if (has('cert', 'the server certificate') || has('key', "the server certificate's private key")) {
      throw new TlsError(`${dir} holds a server certificate or key but no CA: it is not the TLS folder of this twin. Fix: restore ${FILES.caCert} and ${FILES.caKey}, or ${fresh}.`);
    }
    if (!dirStat) step(dir, () => mkdirSync(dir, { recursive: true, mode: 0o700 }), 'create', dir);
    // Both files are staged in full first; the key goes in last. An interrupted start leaves either staged files only
    // (no CA: the next start makes one, replacing them) or the certificate and the staged key (completed below).
    const ca = makeCa(now);
    const stagedKey = stage(path('caKey'), ca.key, 0o600, dir);
    commit(stage(path('caCert'), ca.cert, 0o644, dir), path('caCert'), dir);
    commit(stagedKey, path('caKey'), dir);
    made = 'ca';
  } else if (!hasCaKey) {
    if (!completeInterruptedCa(path('caCert'), path('caKey'), dir)) throw new TlsError(`the CA's private key ${path('caKey')} is missing (its certificate ${FILES.caCert} is there). Fix: restore it, or ${fresh}.`);
    // The interrupted start made this CA and never said so: this one does.
    made = 'ca';
  } else if (!hasCaCert) {
    throw new TlsError(`the CA certificate ${path('caCert')} is missing (its key ${FILES.caKey} is there). Fix: restore it, or ${fresh}.`);
  }
  const caCertPem = readPem(path('caCert'), 'the CA certificate', dir);
  const caKeyPem = readPem(path('caKey'), "the CA's private key", dir);
  const ca = parseCa(caCertPem, caKeyPem, path('caCert'), path('caKey'), now, dir);

  // The server key: made once, kept across certificates; a key that is there but unusable is refused, never replaced.
  let key: { pem: string; object: KeyObject };
  let certPem: string | undefined;
  if (has('key', "the server certificate's private key")) {
    tighten(path('key'), 0o600, dir);
    key = serverKey(readPem(path('key'), "the server certificate's private key", dir), path('key'), ca.x509, path('cert'));
    if (has('cert', 'the server certificate')) {
      const pem = readPem(path('cert'), 'the server certificate', dir);
      if (!needsNewCertificate(pem, key.object, ca.x509, path('cert'), path('key'), path('caCert'), now)) certPem = pem;
    }
  } else {
    // A certificate left for a key that is gone is of no use: removed first, so that a start interrupted after the new
    // key is written finds a key without a certificate (and issues one), never a pair that does not match.
    if (has('cert', 'the server certificate')) step(path('cert'), () => rmSync(path('cert')), 'remove', dir);
    const { pem } = rsaKey();
    key = { pem, object: createPrivateKey(pem) };
    write(path('key'), key.pem, 0o600, dir);
  }
  if (certPem === undefined) {
    certPem = issueServer(ca, key.object, now);
    write(path('cert'), certPem, 0o644, dir);
    if (made === 'none') made = 'certificate';
  }
  const cert = new X509Certificate(certPem);
  const spki = createHash('sha256').update(cert.publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
  return { caFile: path('caCert'), cert: certPem, key: key.pem, spki, notAfter: new Date(cert.validTo), made };
}

/** A file's stat, or undefined when it is not there; any other failure is refused with one line. */
function stat(file: string, what: string, dir: string): Stats | undefined {
  try {
    return statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR') throw new TlsError(`${dir} is not a directory (the twin keeps its CA and certificate there). Fix: move it away or remove it; the next start makes a new CA there.`);
    throw new TlsError(`${what} ${file} is unreadable (${code ?? 'error'}). Fix: check its permissions, or remove ${dir} to make a new CA.`);
  }
}

/** One filesystem step, its failure refused with one line naming the file. */
function step<T>(file: string, run: () => T, verb: string, dir: string): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof TlsError) throw err;
    throw new TlsError(`cannot ${verb} ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}). Fix: check the permissions of ${dir} and the free space of its disk.`);
  }
}

function tighten(file: string, mode: number, dir: string): void {
  const s = stat(file, 'the key', dir);
  if (s && s.mode & 0o077) step(file, () => chmodSync(file, mode), 'restrict', dir);
}

function readPem(file: string, what: string, dir: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new TlsError(`${what} ${file} is missing. Fix: restore it, or remove ${dir} to make a new CA.`);
    throw new TlsError(`${what} ${file} is unreadable (${code ?? 'error'}). Fix: check its permissions, or remove the tls folder to make a new CA.`);
  }
}

/**
 * A first start that stopped between putting the CA certificate and its key in place left the key staged beside it:
 * put it in place when it is the certificate's key. Whether it did.
 */
function completeInterruptedCa(certFile: string, keyFile: string, dir: string): boolean {
  const staged = `${keyFile}${TMP}`;
  try {
    const cert = new X509Certificate(readFileSync(certFile));
    const key = createPrivateKey(readFileSync(staged, 'utf8'));
    if (!sameKey(key, cert.publicKey)) return false;
  } catch {
    return false;
  }
  step(staged, () => chmodSync(staged, 0o600), 'restrict', dir);
  commit(staged, keyFile, dir);
  return true;
}

const sameKey = (key: KeyObject, publicKey: KeyObject) => createPublicKey(key).export({ type: 'spki', format: 'der' }).equals(publicKey.export({ type: 'spki', format: 'der' }));

/** The CA of the data directory, checked: a CA certificate of this twin, valid now, whose key is the one beside it. */
function parseCa(certPem: string, keyPem: string, certFile: string, keyFile: string, now: number, dir: string): { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey; x509: X509Certificate; privateKey: KeyObject } {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(certPem);
  } catch {
    throw new TlsError(`the CA certificate ${certFile} is corrupt (not a PEM certificate). Fix: restore it, or remove ${dir} to make a new CA.`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(keyPem);
  } catch {
    throw new TlsError(`the CA's private key ${keyFile} is corrupt (not a PEM private key). Fix: restore it, or remove ${dir} to make a new CA.`);
  }
  if (!x509.ca || !x509.subject.includes(CA_NAME)) {
    throw new TlsError(`${certFile} is not the twin's CA certificate (${x509.subject.replace(/\n/g, ', ')}). Fix: restore the twin's ${FILES.caCert}, or remove ${dir} to make a new CA.`);
  }
  if (privateKey.asymmetricKeyType !== 'rsa' || !sameKey(privateKey, x509.publicKey)) {
    throw new TlsError(`${keyFile} is not the key of the CA certificate ${certFile} (a key of another CA?). Fix: restore the pair, or remove ${dir} to make a new CA.`);
  }
  if (Date.parse(x509.validTo) <= now) {
    throw new TlsError(`the twin's CA ${certFile} expired on ${new Date(x509.validTo).toISOString().slice(0, 10)}. Fix: remove ${dir}; the next start makes a new CA, which clients must trust again.`);
  }
  if (Date.parse(x509.validFrom) > now) {
    throw new TlsError(`the twin's CA ${certFile} is not valid before ${new Date(x509.validFrom).toISOString()} (is this machine's clock behind?). Fix: correct the clock, or remove ${dir} to make a new CA, which clients must trust again.`);
  }
  tighten(keyFile, 0o600, dir);
  let cert: forge.pki.Certificate;
  try {
    cert = forge.pki.certificateFromPem(certPem);
  } catch {
    throw new TlsError(`the CA certificate ${certFile} is not one the twin made (it cannot read it). Fix: restore it, or remove ${dir} to make a new CA.`);
  }
  return { cert, key: forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()) as forge.pki.rsa.PrivateKey, x509, privateKey };
}

/** The server key of the data directory: a private RSA key (what the twin makes), not the CA's. */
function serverKey(pem: string, file: string, ca: X509Certificate, certFile: string): { pem: string; object: KeyObject } {
  const fix = `Fix: restore it, or remove it and ${certFile}; the next start makes a new key and certificate.`;
  let object: KeyObject;
  try {
    object = createPrivateKey(pem);
  } catch {
    throw new TlsError(`the server certificate's private key ${file} is corrupt (not an unencrypted PEM private key). ${fix}`);
  }
  if (object.asymmetricKeyType !== 'rsa') throw new TlsError(`the server certificate's private key ${file} is an ${object.asymmetricKeyType} key, not the RSA key the twin makes (a foreign key?). ${fix}`);
  if (sameKey(object, ca.publicKey)) throw new TlsError(`the server certificate's private key ${file} is the CA's key, which must never serve TLS. ${fix}`);
  return { pem, object };
}

/**
 * Whether the server certificate must be reissued (for the same key): it expired or soon will (unless the CA ends
 * first), is not valid yet, or does not cover the loopback names. A certificate that is corrupt, was not issued by this
 * CA or is not for the key beside it is refused: it is not what this twin wrote.
 */
function needsNewCertificate(pem: string, key: KeyObject, ca: X509Certificate, certFile: string, keyFile: string, caFile: string, now: number): boolean {
  const fix = `Fix: restore it, or remove it; the next start issues a new one from the CA.`;
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    throw new TlsError(`the server certificate ${certFile} is corrupt (not a PEM certificate). ${fix}`);
  }
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) throw new TlsError(`the server certificate ${certFile} was not issued by the twin's CA ${caFile} (issuer ${cert.issuer.replace(/\n/g, ', ')}). ${fix}`);
  if (!sameKey(key, cert.publicKey)) throw new TlsError(`${keyFile} is not the key of the server certificate ${certFile} (one of them was replaced?). Fix: restore the pair, or remove both; the next start makes a new key and certificate.`);
  const names = SERVER_NAMES.dns.every((d) => cert.checkHost(d) !== undefined) && SERVER_NAMES.ip.every((ip) => cert.checkIP(ip) !== undefined);
  // A certificate ends with the CA at the latest: when the CA has less than 30 days left, one that ends with it is kept.
  const wanted = Math.min(now + RENEW_BEFORE_DAYS * DAY, Date.parse(ca.validTo));
  return !names || Date.parse(cert.validTo) < wanted || Date.parse(cert.validFrom) > now;
}

function rsaKey(): { forgeKey: forge.pki.rsa.PrivateKey; pem: string; publicKey: forge.pki.rsa.PublicKey } {
  // node's crypto makes the key (forge's pure JS keygen takes seconds); forge only builds and signs the certificates.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...forgeKeys(privateKey), pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

function forgeKeys(privateKey: KeyObject): { forgeKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey } {
  return {
    forgeKey: forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()) as forge.pki.rsa.PrivateKey,
    publicKey: forge.pki.publicKeyFromPem(createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString()) as forge.pki.rsa.PublicKey,
  };
}

function serial(): string {
  // Positive, 16 bytes, as RFC 5280 wants.
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  return bytes.toString('hex');
}

/** The DER value of a nameConstraints extension permitting only `CA_PERMITTED` (GeneralNames [2] dNSName, [7] iPAddress). */
export function nameConstraints(permitted: { dns: readonly string[]; ip: readonly { address: string; mask: string }[] } = CA_PERMITTED): forge.asn1.Asn1 {
  const { asn1 } = forge;
  const subtree = (tag: number, bytes: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag, false, bytes)]);
  const ipBytes = (ip: string) => String.fromCharCode(...ipOctets(ip));
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
      ...permitted.dns.map((d) => subtree(2, d)),
      ...permitted.ip.map(({ address, mask }) => subtree(7, ipBytes(address) + ipBytes(mask))),
    ]),
  ]);
}

function ipOctets(ip: string): number[] {
  if (isIP(ip) === 4) return ip.split('.').map(Number);
  // IPv6: expand `::`, then two bytes per group.
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const groups = (s: string | undefined) => (s ? s.split(':') : []);
  const h = groups(head);
  const t = groups(tail);
  const all = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return all.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]);
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
    { id: '2.5.29.30', critical: true, value: nameConstraints() },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key.forgeKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: key.pem };
}

/** A server certificate for the loopback names and `key`, from the CA, ending with the CA at the latest. */
function issueServer(ca: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey }, key: KeyObject, now: number): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forgeKeys(key).publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Math.max(now - DAY, ca.cert.validity.notBefore.getTime()));
  cert.validity.notAfter = new Date(Math.min(now + CERT_DAYS * DAY, ca.cert.validity.notAfter.getTime()));
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
  return forge.pki.certificateToPem(cert);
}

/**
 * Writes `text` to `<file>.tmp`, made afresh (a stale one removed first, never reused) with mode 0600 from its first
 * byte and flushed to disk, then given `mode`. The staged path.
 */
function stage(file: string, text: string, mode: number, dir: string): string {
  const tmp = `${file}${TMP}`;
  step(tmp, () => {
    rmSync(tmp, { force: true });
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (mode !== 0o600) chmodSync(tmp, mode);
  }, 'write', dir);
  return tmp;
}

function commit(tmp: string, file: string, dir: string): void {
  step(file, () => renameSync(tmp, file), 'write', dir);
}

/** Writes a file atomically with its mode (the key files 0600 from their first byte). */
function write(file: string, text: string, mode: number, dir: string): void {
  commit(stage(file, text, mode, dir), file, dir);
}
