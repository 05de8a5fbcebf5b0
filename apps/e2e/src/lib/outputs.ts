import { readFileSync } from 'node:fs';

/** What the walk-through needs of a deployment, read from `terraform output -json` (AWS) or the twin's file. */
export interface E2eTarget {
  /** `twin` when the file carries `cognito_idp_endpoint` pointing at a loopback twin, else `aws`. */
  readonly kind: 'twin' | 'aws';
  readonly invokeUrl: string;
  readonly routes: { readonly public: string; readonly protected: string; readonly scoped: string };
  readonly hostedUiBaseUrl: string;
  readonly clientId: string;
  readonly callbackUrl: string;
  readonly userPoolId: string;
  readonly region: string;
  readonly issuerUrl: string;
  readonly implicitGrant: boolean;
  /** The stack's users (emails). */
  readonly users: readonly string[];
  /** Cognito's JSON API endpoint for the AWS SDK: the twin's base URL, or undefined for AWS's own. */
  readonly cognitoEndpoint?: string;
  /**
   * The WAF web ACL in front of the stage (output `web_acl`): its per-IP rate limit and body size limit (bytes; 0
   * for none). Undefined when the stack has none, or predates the output.
   */
  readonly webAcl?: { readonly name: string; readonly rateLimit: number; readonly bodySizeLimit: number };
  /** The twin's credentials (its outputs file names them), for the IAM-authorized Admin* calls; undefined on AWS. */
  readonly twinCredentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** Thrown for an outputs file the suite cannot use; the message names the output and the fix. */
export class OutputsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputsError';
  }
}

type Outputs = Record<string, { value?: unknown }>;

export function readTarget(file: string): E2eTarget {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new OutputsError(`cannot read the outputs file ${file}. Fix: run \`nx run <env>:output\` after a deploy, or let \`nx run dev:e2e\` start the twin.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new OutputsError(`${file} is not JSON. Fix: write it with \`terraform output -json\`.`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new OutputsError(`${file} is not a terraform output -json object.`);
  return parseTarget(json as Outputs, file);
}

export function parseTarget(outputs: Outputs, source = 'outputs'): E2eTarget {
  const get = <T>(name: string, check: (v: unknown) => v is T, what: string): T => {
    const v = outputs[name]?.value;
    if (!check(v)) throw new OutputsError(`${source}: output "${name}" is missing or not ${what}. Fix: deploy a stack built by libs/environment (it defines this output).`);
    return v;
  };
  const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
  const url = (v: unknown): v is string => str(v) && /^https?:\/\//.test(v);
  const routes = get('api_routes', (v): v is E2eTarget['routes'] => typeof v === 'object' && v !== null && ['public', 'protected', 'scoped'].every((k) => str((v as Record<string, unknown>)[k])), 'an object with public, protected and scoped paths');
  const endpoint = outputs['cognito_idp_endpoint']?.value;
  const isTwin = typeof endpoint === 'string' && /^https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(endpoint);
  return {
    kind: isTwin ? 'twin' : 'aws',
    invokeUrl: get('api_invoke_url', url, 'a URL').replace(/\/+$/, ''),
    routes,
    hostedUiBaseUrl: get('hosted_ui_base_url', url, 'a URL').replace(/\/+$/, ''),
    clientId: get('app_client_id', str, 'a string'),
    callbackUrl: get('callback_url', url, 'a URL'),
    userPoolId: get('user_pool_id', str, 'a string'),
    region: get('region', str, 'a string'),
    issuerUrl: get('issuer_url', url, 'a URL'),
    implicitGrant: outputs['implicit_grant_enabled']?.value === true,
    users: get('demo_users', (v): v is string[] => Array.isArray(v) && v.every(str), 'a list of emails'),
    webAcl: webAclOf(outputs['web_acl']?.value, source),
    cognitoEndpoint: isTwin ? (endpoint as string) : undefined,
    twinCredentials: isTwin
      ? { accessKeyId: get('twin_access_key_id', str, 'a string (the twin writes it)'), secretAccessKey: get('twin_secret_access_key', str, 'a string (the twin writes it)') }
      : undefined,
  };
}

function webAclOf(value: unknown, source: string): E2eTarget['webAcl'] {
  if (value === undefined) return undefined;
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (v['enabled'] === false) return undefined;
  const n = (x: unknown) => typeof x === 'number' && Number.isInteger(x) && x >= 0;
  if (v['enabled'] !== true || typeof v['name'] !== 'string' || !n(v['rate_limit']) || !n(v['body_size_limit'])) {
    throw new OutputsError(`${source}: output "web_acl" is not { enabled, name, rate_limit, body_size_limit }. Fix: deploy a stack built by libs/environment (it defines this output).`);
  }
  return { name: v['name'], rateLimit: v['rate_limit'] as number, bodySizeLimit: v['body_size_limit'] as number };
}
