import type { CognitoDirectory } from '../cognito/pools';
import type { StackUserReport } from '../cognito/stack-users';
import { StackError, StackModel } from './stack-model';

/** One output in the shape `terraform output -json` prints. */
export interface TerraformOutput {
  readonly sensitive: boolean;
  readonly type: unknown;
  readonly value: unknown;
}

export type TerraformOutputs = Record<string, TerraformOutput>;

/**
 * The stack's outputs resolved against what the twin built, with AWS URLs mapped to the twin's
 * (`https://<prefix>.auth.<region>.amazoncognito.com` → `<base>/auth/<prefix>`,
 * `https://cognito-idp.<region>.amazonaws.com/<poolId>` → `<base>/<poolId>`,
 * `https://<apiId>.execute-api.<region>.amazonaws.com/<stage>` → `<base>/<apiId>/<stage>`), plus
 * `cognito_idp_endpoint` (the base URL, for the AWS SDK) and `temporary_passwords` (sensitive: user name → the
 * temporary password valid now, for the stack's users that have not yet replaced theirs).
 * An output the twin cannot resolve is left out and named in `warnings`.
 */
export function outputsOf(stack: StackModel, base: string, directory: CognitoDirectory, users: readonly StackUserReport[], warnings: string[]): TerraformOutputs {
  const out: TerraformOutputs = {};
  const customDomains = directory.domains().filter((d) => d.custom).map((d) => d.domain);
  for (const [name, block] of Object.entries(stack.outputs())) {
    let value: unknown;
    try {
      value = stack.resolve(block.value, `output.${name}`);
    } catch (err) {
      if (!(err instanceof StackError)) throw err;
      const line = `output ${name} is left out of the outputs file: ${err.message}`;
      if (!warnings.includes(line)) warnings.push(line);
      continue;
    }
    value = rewrite(value, base, customDomains);
    out[name] = { sensitive: block.sensitive === true, type: typeOf(value), value };
  }
  out['cognito_idp_endpoint'] = { sensitive: false, type: 'string', value: base };
  const passwords: Record<string, string> = {};
  for (const u of users) if (u.temporaryPassword !== undefined) passwords[u.username] = u.temporaryPassword;
  if (Object.keys(passwords).length > 0) out['temporary_passwords'] = { sensitive: true, type: ['map', 'string'], value: passwords };
  return out;
}

/** Maps AWS endpoint URLs inside a resolved value to the twin's URLs, deeply. */
export function rewrite(value: unknown, base: string, customDomains: readonly string[] = []): unknown {
  if (typeof value === 'string') return rewriteString(value, base, customDomains);
  if (Array.isArray(value)) return value.map((v) => rewrite(v, base, customDomains));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v, base, customDomains)]));
  return value;
}

function rewriteString(text: string, base: string, customDomains: readonly string[]): string {
  let s = text
    .replace(/https:\/\/([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.auth\.[a-z0-9-]+\.amazoncognito\.com/g, (_m, prefix: string) => `${base}/auth/${prefix}`)
    .replace(/https:\/\/cognito-idp\.[a-z0-9-]+\.amazonaws\.com\/([\w-]+_[0-9A-Za-z]+)/g, (_m, pool: string) => `${base}/${pool}`)
    .replace(/https:\/\/([a-z0-9]{10})\.execute-api\.[a-z0-9-]+\.amazonaws\.com/g, (_m, api: string) => `${base}/${api}`);
  for (const d of customDomains) {
    s = s.split(`https://${d}`).join(`${base}/auth/${d}`);
  }
  return s;
}

/** Terraform's JSON type notation of a value. */
function typeOf(value: unknown): unknown {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return ['tuple', value.map(typeOf)];
  if (value && typeof value === 'object') return ['object', Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeOf(v)]))];
  return 'dynamic';
}
