// Raw HTTP calls to a twin's AWS APIs, SigV4-signed: for the bad input an SDK would never send (malformed JSON,
// mistyped members, oversize bodies). The signature is computed the way every SDK computes it; the SDK specs prove
// the twin verifies real SDK signatures.
import { iso, signatureOf } from '../aws/sigv4';
import type { RunningTwin } from './twin';

export interface SignedCall {
  readonly service: 'cognito-idp' | 'logs' | 'apigateway' | 'sts' | 'iam' | 'kms' | 'sns' | 'monitoring' | 'wafv2';
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
