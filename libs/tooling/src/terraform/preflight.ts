import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** A problem that stops a terraform target before it starts; `message` is the one line the user sees. */
export class PreflightError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'PreflightError';
  }
}

/** Finds an executable on PATH without running a shell. */
export function which(command: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, command);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/** Throws unless a terraform binary ≥ 1.10 (S3 lock files) is on PATH. Returns its version. */
export function checkTerraform(env: NodeJS.ProcessEnv = process.env): string {
  const bin = which('terraform', env);
  if (!bin) {
    throw new PreflightError('terraform is not on PATH: install Terraform >= 1.10 (https://developer.hashicorp.com/terraform/install) or put it on PATH.');
  }
  const res = spawnSync(bin, ['version', '-json'], { env, encoding: 'utf8', timeout: 30_000 });
  let version: string | undefined;
  try {
    version = (JSON.parse(res.stdout) as { terraform_version?: string }).terraform_version;
  } catch {
    version = /Terraform v(\d+\.\d+\.\d+)/.exec(res.stdout ?? '')?.[1];
  }
  if (res.status !== 0 || !version) {
    throw new PreflightError(`${bin} did not report a version (exit ${res.status ?? 'signal'}): reinstall Terraform >= 1.10.`);
  }
  const [major, minor] = version.split('.').map(Number);
  if (major < 1 || (major === 1 && minor < 10)) {
    throw new PreflightError(`terraform ${version} is too old: the S3 backend's use_lockfile needs Terraform >= 1.10. Upgrade Terraform.`);
  }
  return version;
}

/**
 * Throws unless some AWS credential source is configured. Instance or task roles cannot be seen offline;
 * `SECURE_API_AWS_CREDENTIALS=instance` says they are there.
 */
export function checkAwsCredentials(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  if (env['AWS_ACCESS_KEY_ID'] && env['AWS_SECRET_ACCESS_KEY']) return 'environment variables';
  if (env['AWS_ACCESS_KEY_ID'] && !env['AWS_SECRET_ACCESS_KEY']) {
    throw new PreflightError('AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not: set both, or use AWS_PROFILE.');
  }
  if (env['AWS_WEB_IDENTITY_TOKEN_FILE'] && env['AWS_ROLE_ARN']) return 'web identity (OIDC)';
  if (env['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'] || env['AWS_CONTAINER_CREDENTIALS_FULL_URI']) return 'container credentials';
  if (env['SECURE_API_AWS_CREDENTIALS'] === 'instance') return 'instance role (declared)';
  const files = [env['AWS_SHARED_CREDENTIALS_FILE'] ?? join(home, '.aws', 'credentials'), env['AWS_CONFIG_FILE'] ?? join(home, '.aws', 'config')];
  if (env['AWS_PROFILE'] || files.some((f) => existsSync(f))) return env['AWS_PROFILE'] ? `profile ${env['AWS_PROFILE']}` : 'shared config files';
  throw new PreflightError('no AWS credentials found: set AWS_PROFILE (aws sso login / aws configure) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; on an instance role set SECURE_API_AWS_CREDENTIALS=instance.');
}

const PROVIDER_FAILURES = [
  /Failed to query available provider packages/i,
  /Failed to install provider/i,
  /could not connect to registry\.terraform\.io/i,
  /Failed to resolve provider packages/i,
  /failed to retrieve .*provider/i,
];

/** Maps `terraform init` output to one line when the cause is a provider that cannot be installed. */
export function explainInitFailure(output: string): string {
  if (PROVIDER_FAILURES.some((re) => re.test(output))) {
    return 'terraform init could not install the AWS provider (registry unreachable?): allow access to registry.terraform.io or configure a provider mirror (provider_installation in a CLI config file, TF_CLI_CONFIG_FILE).';
  }
  const firstError = /Error: (.+)/.exec(output)?.[1];
  return `terraform init failed${firstError ? `: ${firstError.trim()}` : ''}. Run it by hand in the stack folder for details.`;
}
