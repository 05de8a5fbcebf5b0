import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PreflightError } from './preflight';

/** Where a machine image keeps a filesystem mirror of providers, when nothing names one. */
export const DEFAULT_MIRROR = '/opt/tf-plugins';

/** The variable that names a provider mirror (the folder above `registry.terraform.io`). */
export const MIRROR_VARIABLE = 'SECURE_API_TF_MIRROR';

/**
 * The filesystem mirror of providers to install `hashicorp/aws` from: the folder `SECURE_API_TF_MIRROR` names (which
 * must hold the AWS provider), else the machine's mirror at /opt/tf-plugins when it holds one, else undefined (then
 * `terraform init` uses the registry, as for any user).
 */
export function findMirror(env: NodeJS.ProcessEnv = process.env): { path: string; versions: string[] } | undefined {
  const named = env[MIRROR_VARIABLE];
  if (named) {
    const versions = awsVersions(named);
    if (versions.length === 0) throw new PreflightError(`${MIRROR_VARIABLE}=${named} holds no hashicorp/aws provider (no ${join(named, 'registry.terraform.io/hashicorp/aws/<version>')}): point it at the folder above registry.terraform.io, or unset it.`);
    return { path: named, versions };
  }
  const versions = awsVersions(DEFAULT_MIRROR);
  return versions.length > 0 ? { path: DEFAULT_MIRROR, versions } : undefined;
}

function awsVersions(mirror: string): string[] {
  const dir = join(mirror, 'registry.terraform.io', 'hashicorp', 'aws');
  if (!existsSync(dir)) return [];
  try {
    return readdirSync(dir).filter((v) => /^\d+\.\d+\.\d+/.test(v)).sort();
  } catch {
    return [];
  }
}

/**
 * A Terraform CLI config in `dir` that installs registry providers from the mirror and never from the network, and
 * the environment that points Terraform at it. Without a mirror, the environment is left as it is.
 */
export function mirrorEnv(dir: string, mirror: { path: string } | undefined, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (!mirror) return env;
  const file = join(dir, 'terraform.rc');
  const text = [
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${JSON.stringify(mirror.path)}`,
    '    include = ["registry.terraform.io/*/*"]',
    '  }',
    '  direct {',
    '    exclude = ["registry.terraform.io/*/*"]',
    '  }',
    '}',
    '',
  ].join('\n');
  if (!existsSync(file) || readFileSync(file, 'utf8') !== text) writeFileSync(file, text);
  return { ...env, TF_CLI_CONFIG_FILE: file };
}

/** A running twin as its outputs file describes it: where it listens and the credentials it takes. */
export interface TwinAccount {
  readonly file: string;
  readonly endpoint: string;
  readonly region: string;
  readonly accountId: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** The CA file of a twin that serves HTTPS (`--tls`): what AWS_CA_BUNDLE names for the provider. */
  readonly caFile?: string;
}

/** The exit code of the probe when the endpoint answers TLS with a certificate the CA file does not vouch for. */
const PROBE_UNTRUSTED = 3;
/**
 * Asks the twin's endpoint (argv[1]) once: exit 0 when it answers, PROBE_UNTRUSTED (printing the TLS error's code) when
 * its certificate is not trusted, 1 when it does not answer.
 */
const PROBE = `fetch(process.argv[1]).then(() => process.exit(0), (e) => {
  const code = String((e && e.cause && e.cause.code) || '');
  const tls = /CERT|SELF_SIGNED|UNABLE_TO_|INVALID_CA|INVALID_PURPOSE|PATH_LENGTH_EXCEEDED|HOSTNAME_MISMATCH|_VIOLATION$/.test(code);
  if (tls) process.stdout.write(code);
  process.exit(tls ? ${PROBE_UNTRUSTED} : 1);
})`;

/** The variable that names a running twin's outputs file. */
export const TWIN_OUTPUTS_VARIABLE = 'SECURE_API_TWIN_OUTPUTS';

/**
 * The twin to deploy to: the outputs file `SECURE_API_TWIN_OUTPUTS` names, else the one the default empty twin keeps
 * in its data directory (`.twin/account/twin-outputs.json`, while it runs). Checks that it answers.
 */
export function twinAccount(root: string, env: NodeJS.ProcessEnv = process.env): TwinAccount {
  const named = env[TWIN_OUTPUTS_VARIABLE];
  const file = named || join(root, '.twin', 'account', 'twin-outputs.json');
  let json: Record<string, { value?: unknown }>;
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { value?: unknown }>;
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new PreflightError(named
      ? `${TWIN_OUTPUTS_VARIABLE}=${file} ${missing ? 'does not exist' : 'is not a twin outputs file'}: point it at the --outputs-file of a running twin.`
      : `no twin is running for ${join(root, '.twin', 'account')} (${file} is missing): start one with \`npm run twin -- --empty\`, or set ${TWIN_OUTPUTS_VARIABLE} to a running twin's outputs file.`);
  }
  const get = (name: string): string => {
    const v = json[name]?.value;
    if (typeof v !== 'string' || v === '') throw new PreflightError(`${file} has no ${name}: it is not the outputs file of a twin. Fix: point ${TWIN_OUTPUTS_VARIABLE} at the --outputs-file a twin wrote.`);
    return v;
  };
  const endpoint = get('twin_endpoint_url');
  if (!/^https?:\/\/127\.0\.0\.1:\d+$/.test(endpoint)) throw new PreflightError(`${file}: twin_endpoint_url ${endpoint} is not a loopback twin; the twin configuration never sends calls elsewhere.`);
  // A twin over HTTPS: the CA its outputs file names (what that twin serves with), else the user's AWS_CA_BUNDLE. A
  // user's bundle (a corporate one, say) must not win over the twin's own CA: it would not hold it.
  const twinCa = typeof json['twin_ca_file']?.value === 'string' && json['twin_ca_file'].value !== '' ? String(json['twin_ca_file'].value) : undefined;
  const caFile = endpoint.startsWith('https://') ? twinCa ?? (env['AWS_CA_BUNDLE'] || undefined) : undefined;
  if (endpoint.startsWith('https://') && (!caFile || !existsSync(caFile))) {
    throw new PreflightError(`the twin at ${endpoint} serves HTTPS but ${caFile ? `its CA file ${caFile} does not exist` : 'no CA file is known'}. Fix: set AWS_CA_BUNDLE to the ca.pem the twin printed at start.`);
  }
  const account: TwinAccount = { file, endpoint, region: get('twin_region'), accountId: get('twin_account_id'), accessKeyId: get('twin_access_key_id'), secretAccessKey: get('twin_secret_access_key'), ...(caFile ? { caFile } : {}) };
  const probe = spawnSync(process.execPath, ['-e', PROBE, `${account.endpoint}/`], { timeout: 10_000, env: { ...env, ...(caFile ? { NODE_EXTRA_CA_CERTS: caFile } : {}) } });
  if (probe.status === PROBE_UNTRUSTED && caFile) {
    const reason = probe.stdout.toString().trim();
    throw new PreflightError(twinCa
      ? `the twin of ${file} at ${account.endpoint} does not present a certificate its CA ${caFile} (twin_ca_file) trusts (${reason}): another server on that port, or a stale outputs file? Fix: restart the twin (npm run twin -- --empty) so that it writes ${file} again, or set ${TWIN_OUTPUTS_VARIABLE} to the outputs file of the twin that runs there.`
      : `AWS_CA_BUNDLE=${caFile} does not trust the twin's certificate at ${account.endpoint} (${reason}): set AWS_CA_BUNDLE to the ca.pem the twin printed at start (<data-dir>/tls/ca.pem).`);
  }
  if (probe.status !== 0) throw new PreflightError(`the twin of ${file} does not answer at ${account.endpoint} (stopped?): start it again (npm run twin -- --empty), or set ${TWIN_OUTPUTS_VARIABLE} to a running twin's outputs file.`);
  return account;
}

/**
 * What Terraform and the AWS provider need to act on the twin: the one endpoint for every service, the twin's keys
 * (no profile, session or web identity of the user's leaks in), and one attempt per call (the twin does not throttle,
 * and a failure then shows at once instead of after 25 silent retries).
 */
export function twinEnv(account: TwinAccount, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (!/^AWS_/.test(k)) out[k] = v;
  return {
    ...out,
    AWS_ENDPOINT_URL: account.endpoint,
    AWS_ACCESS_KEY_ID: account.accessKeyId,
    AWS_SECRET_ACCESS_KEY: account.secretAccessKey,
    AWS_MAX_ATTEMPTS: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...(account.caFile ? { AWS_CA_BUNDLE: account.caFile } : {}),
  };
}
