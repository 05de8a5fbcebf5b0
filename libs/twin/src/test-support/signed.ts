// Raw HTTP calls to a twin's AWS APIs, SigV4-signed: for the bad input an SDK would never send (malformed JSON,
// mistyped members, oversize bodies). The signature is computed the way every SDK computes it; the SDK specs prove
// the twin verifies real SDK signatures.
import { iso, signatureOf } from '../aws/sigv4';
import type { RunningTwin } from './twin';

export interface SignedCall {
  readonly service: 'cognito-idp' | 'logs' | 'apigateway' | 'sts' | 'iam' | 'kms' | 'sns' | 'monitoring' | 'wafv2' | 'lambda';
  readonly method?: string;
  /** Path and query, e.g. `/restapis/abc`; `/` for JSON 1.1 and Query services. */
  readonly path?: string;
  /** `X-Amz-Target`, for JSON 1.1 services. */
  readonly target?: string;
  readonly body?: string | Buffer;
  readonly contentType?: string;
  /** Sign with another key pair (an unknown key, a wrong secret). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Sign at another time (an expired signature). @default the twin's clock */
  readonly at?: number;
  readonly region?: string;
  /** The X-Amz-Date to sign with, as written (an impossible one, say). @default from `at` */
  readonly amzDate?: string;
  /** What is changed after signing: another body, headers the signature does not cover. */
  readonly tamper?: { readonly body?: string; readonly headers?: Record<string, string> };
}

/** One signed call; the answer's status, headers and text. */
export async function signedCall(t: RunningTwin, call: SignedCall): Promise<{ status: number; headers: Headers; text: string; json: () => Record<string, unknown> }> {
  const url = new URL(call.path ?? '/', t.base);
  const body = call.body === undefined ? Buffer.alloc(0) : Buffer.from(call.body);
  const at = call.at ?? t.twin.ctx.clock.now();
  const amzDate = call.amzDate ?? iso(at);
  const credentials = call.credentials ?? t.twin.account.credentials();
  const headers: Record<string, string> = { host: url.host, 'x-amz-date': amzDate };
  if (call.contentType ?? (call.target ? 'application/x-amz-json-1.1' : undefined)) headers['content-type'] = call.contentType ?? 'application/x-amz-json-1.1';
  if (call.target) headers['x-amz-target'] = call.target;
  const signed = Object.keys(headers).sort();
  const scope = `${amzDate.slice(0, 8)}/${call.region ?? 'eu-west-1'}/${call.service}/aws4_request`;
  const signature = signatureOf({ method: call.method ?? 'POST', url: url.pathname + url.search, headers, body }, signed, amzDate, scope, credentials.secretAccessKey);
  headers['authorization'] = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signed.join(';')}, Signature=${signature}`;
  const { host: _host, ...sent } = { ...headers, ...call.tamper?.headers };
  const sentBody = call.tamper?.body !== undefined ? Buffer.from(call.tamper.body) : body;
  const res = await fetch(url, { method: call.method ?? 'POST', headers: sent, body: call.method === 'GET' || call.method === 'DELETE' ? undefined : sentBody });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

/** The `X-Amz-Target` prefix of each JSON 1.1 service, by signing name. */
const TARGET_PREFIXES = { 'cognito-idp': 'AWSCognitoIdentityProviderService', logs: 'Logs_20140328', kms: 'TrentService', wafv2: 'AWSWAF_20190729' } as const;
/** The API version of each Query service, by signing name. */
const QUERY_VERSIONS = { sns: '2010-03-31', monitoring: '2010-08-01', sts: '2011-06-15', iam: '2010-05-08' } as const;

/** Asserts what every answer to bad input must be: no 5xx and no stack trace. */
function expectHandled(res: { status: number; text: string }): void {
  expect(res.status).toBeLessThan(500);
  expect(res.text).not.toMatch(/\bat .*\.(ts|js):\d+|node_modules/);
}

/** A signed JSON 1.1 operation (`body` as JSON, or a string sent as is); never a 5xx, never a stack trace. */
export async function jsonCall(t: RunningTwin, service: keyof typeof TARGET_PREFIXES, operation: string, body: unknown): Promise<{ status: number; json: Record<string, any>; text: string }> {
  const res = await signedCall(t, { service, target: `${TARGET_PREFIXES[service]}.${operation}`, body: typeof body === 'string' ? body : JSON.stringify(body) });
  expectHandled(res);
  return { status: res.status, json: res.json(), text: res.text };
}

/** A signed Query action (form-encoded, XML answer) with its error `<Code>`; never a 5xx, never a stack trace. */
export async function queryCall(t: RunningTwin, service: keyof typeof QUERY_VERSIONS, action: string, params: Record<string, string> = {}): Promise<{ status: number; text: string; code?: string }> {
  const res = await signedCall(t, { service, body: new URLSearchParams({ Action: action, ...params, Version: QUERY_VERSIONS[service] }).toString(), contentType: 'application/x-www-form-urlencoded' });
  expectHandled(res);
  return { status: res.status, text: res.text, code: /<Code>([^<]+)<\/Code>/.exec(res.text)?.[1] };
}
