import { executeApiUrls } from './apigw/urls';
import type { AwsAccount } from './aws/front';
import { cognitoUrls } from './cognito/urls';
import { chain, output, rewriteDeep, type TerraformOutputs, type UrlRewrite } from './stack/outputs';

/** AWS's URLs (execute-api invoke URLs, hosted UI domains, issuers) in the form the twin at `base` serves them. */
export function twinUrls(base: string, customDomains: readonly string[] = []): UrlRewrite {
  return chain(cognitoUrls(base, customDomains), executeApiUrls(base));
}

/**
 * The twin's own outputs: `twin_endpoint_url`, `twin_region`, `twin_account_id`, `twin_access_key_id` and
 * `twin_secret_access_key` (sensitive), what an AWS SDK or Terraform needs to act on the twin, and
 * `cognito_idp_endpoint` (the base URL, by which the e2e suite knows a twin); over HTTPS, `twin_ca_file` (the local
 * CA's certificate, what `NODE_EXTRA_CA_CERTS` and `AWS_CA_BUNDLE` name).
 */
export function accountOutputs(base: string, account: AwsAccount, caFile?: string): TerraformOutputs {
  const credentials = account.credentials();
  return {
    ...(caFile ? { twin_ca_file: output(caFile) } : {}),
    twin_endpoint_url: output(base),
    twin_region: output(account.defaultRegion),
    twin_account_id: output(account.accountId),
    twin_access_key_id: output(credentials.accessKeyId),
    twin_secret_access_key: output(credentials.secretAccessKey, true),
    cognito_idp_endpoint: output(base),
  };
}

/** The outputs file of a twin, read back: its base URL and what `accountOutputs` wrote. */
export function readTwinOutputs(json: unknown, source: string): { base: string; outputs: TerraformOutputs } {
  const outputs = (typeof json === 'object' && json !== null && !Array.isArray(json) ? json : {}) as TerraformOutputs;
  const base = outputs['twin_endpoint_url']?.value;
  if (typeof base !== 'string' || !/^https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(base)) {
    throw new Error(`${source} names no twin (no twin_endpoint_url on loopback). Fix: pass the outputs file a running twin wrote (npm run twin -- --empty --outputs-file F).`);
  }
  const own: TerraformOutputs = {};
  for (const name of ['twin_endpoint_url', 'twin_region', 'twin_account_id', 'twin_access_key_id', 'twin_secret_access_key', 'cognito_idp_endpoint']) {
    if (outputs[name] === undefined) throw new Error(`${source} lacks the output ${name}. Fix: use the outputs file the twin writes.`);
    own[name] = outputs[name];
  }
  if (outputs['twin_ca_file'] !== undefined) own['twin_ca_file'] = outputs['twin_ca_file'];
  return { base, outputs: own };
}

/**
 * `terraform output -json` of a stack applied to the twin, in the shape the e2e suite and the Postman environment
 * read: every AWS URL the provider computed mapped to the twin's, and the twin's own outputs added.
 */
export function mapTerraformOutputs(terraform: unknown, twin: { base: string; outputs: TerraformOutputs }): TerraformOutputs {
  if (typeof terraform !== 'object' || terraform === null || Array.isArray(terraform)) throw new Error('the Terraform outputs are not a `terraform output -json` object.');
  const rewrite = twinUrls(twin.base);
  const out: TerraformOutputs = {};
  for (const [name, o] of Object.entries(terraform as TerraformOutputs)) {
    if (typeof o !== 'object' || o === null || !('value' in o)) throw new Error(`the Terraform output ${name} has no value: is this \`terraform output -json\`?`);
    out[name] = { ...o, value: rewriteDeep(o.value, rewrite) };
  }
  return { ...out, ...twin.outputs };
}
