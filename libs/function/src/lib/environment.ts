import type { IConstruct } from 'constructs';
import { isUnresolved, ValidationError } from '@secure-api/core';

/**
 * Variables Lambda sets itself: a function may not set them (`CreateFunction` refuses them as reserved).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
 */
const RESERVED = new Set([
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
]);
/** Lambda's limit on the whole environment (keys and values). */
const MAX_BYTES = 4096;
/** Names that say the value is a secret. */
const SECRET_NAME = /(^|_)(SECRET|PASSWORD|PASSWD|PASS|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?|CLIENT_SECRET)(_|$)/i;
/** Values that are secrets whatever their name. */
const SECRET_VALUES: readonly [RegExp, string][] = [
  [/^(AKIA|ASIA)[A-Z0-9]{16}$/, 'an AWS access key id'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a PEM private key'],
  [/^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+$/, 'a JWT'],
  [/^(sk|rk)_(live|test)_[\w]{16,}$/, 'a payment API key'],
  [/^(ghp|gho|ghs|github_pat)_[\w]{20,}$/, 'a GitHub token'],
  [/^xox[abpr]-[\w-]{10,}$/, 'a Slack token'],
];
/** What a secret-named variable may hold in plain text: a reference to where the secret lives. */
const SECRET_REFERENCE = /^(arn:aws[a-z-]*:(secretsmanager|ssm|kms):|\{\{resolve:(secretsmanager|ssm-secure):)/;

/**
 * Checks a function's environment as Lambda would (names, reserved names, the 4 KB limit) and refuses what looks like
 * a secret in plain text: the value would sit in the state file, the plan and the console, readable by anyone with
 * `lambda:GetFunctionConfiguration`.
 */
export function checkEnvironment(scope: IConstruct, environment: Readonly<Record<string, string>>): void {
  let bytes = 0;
  for (const [name, value] of Object.entries(environment)) {
    const prop = `environment.${name}`;
    if (!/^[a-zA-Z]\w*$/.test(name)) throw new ValidationError(scope, 'environment', name, 'is not a variable name Lambda accepts', 'start with a letter; use letters, digits and _');
    if (RESERVED.has(name)) throw new ValidationError(scope, prop, value, 'is a variable Lambda sets itself (reserved)', 'choose another name, e.g. APP_' + name);
    if (typeof value !== 'string') throw new ValidationError(scope, prop, value, 'is not a string', 'pass strings only, e.g. String(n)');
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
    if (isUnresolved(value)) continue;
    const kind = SECRET_VALUES.find(([pattern]) => pattern.test(value))?.[1];
    if (kind) throw new ValidationError(scope, prop, '(redacted)', `looks like ${kind} in plain text, which would sit in the state, the plan and the console`, 'pass a sensitive TerraformVariable, or store it in Secrets Manager and pass its ARN');
    if (SECRET_NAME.test(name) && value !== '' && !SECRET_REFERENCE.test(value)) {
      throw new ValidationError(scope, prop, '(redacted)', 'is named like a secret and holds a plain value, which would sit in the state, the plan and the console', 'pass a sensitive TerraformVariable, or store it in Secrets Manager and pass its ARN (arn:aws:secretsmanager:...)');
    }
  }
  if (bytes > MAX_BYTES) throw new ValidationError(scope, 'environment', `${bytes} bytes`, `is above Lambda's ${MAX_BYTES}-byte limit for all variables`, 'move large values to SSM Parameter Store or S3 and read them at start');
}
