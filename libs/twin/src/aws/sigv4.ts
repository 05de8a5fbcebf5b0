import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { AwsError } from './errors';

/** A key pair the twin issued: requests signed with it may change the twin's account. */
export interface TwinCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** What a verified signature says about a request. */
export interface SignedBy {
  readonly accessKeyId: string;
  /** The region of the credential scope: the region the request is for. */
  readonly region: string;
  /** The service of the credential scope (`cognito-idp`, `apigateway`, `logs`, `sts`, `iam`). */
  readonly service: string;
}

/** How far a request's signing time may be from the twin's clock, as AWS allows. */
export const SIGNATURE_SKEW_MS = 15 * 60 * 1000;

const AUTH = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-f]{64})\s*$/;
const AMZ_DATE = /^(\d{8})T\d{6}Z$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** The request as SigV4 signs it: method, the path and query exactly as received, headers and body. */
export interface SignableRequest {
  readonly method: string;
  /** Path and query as sent on the wire (percent-encoding kept). */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** Names and values as received (repeated headers each on their own): SigV4 joins a repeated header's values with `,`. */
  readonly rawHeaders?: readonly string[];
  readonly body: Buffer;
}

/**
 * Verifies a request's AWS Signature Version 4 (Authorization header) against the twin's credentials, for the service
 * the request is addressed to, and refuses with AWS's errors: `MissingAuthenticationTokenException` (no signature),
 * `IncompleteSignatureException` (a malformed one), `UnrecognizedClientException` (an access key the twin never
 * issued), `InvalidSignatureException` (a wrong signature, another service's scope, or "Signature expired").
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */
export function verifySigV4(req: SignableRequest, service: string, credentials: TwinCredentials, now: number): SignedBy {
  const header = req.headers.authorization;
  if (header === undefined || header === '') throw new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
  const m = AUTH.exec(Array.isArray(header) ? header[0] : header);
  if (!m) {
    throw new AwsError('IncompleteSignatureException', `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters of AWS4-HMAC-SHA256. Authorization=${String(header).slice(0, 64)}`, 403);
  }
  const [, credential, signedHeaderList, signature] = m;
  const scope = credential.split('/');
  if (scope.length !== 5 || scope[4] !== 'aws4_request') throw new AwsError('IncompleteSignatureException', `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential.slice(0, 128)}'`, 403);
  const [accessKeyId, date, region, scopedService] = scope;
  const amzDate = headerValue(req.headers, 'x-amz-date') ?? '';
  const dm = AMZ_DATE.exec(amzDate);
  if (!dm) throw new AwsError('IncompleteSignatureException', 'Authorization header requires existence of either a \'X-Amz-Date\' or a \'Date\' header.', 403);
  if (accessKeyId !== credentials.accessKeyId) throw new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid.', 403);
  if (dm[1] !== date) throw new AwsError('InvalidSignatureException', `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date}' != '${dm[1]}', from '${amzDate}'.`, 403);
  if (scopedService !== service) throw new AwsError('InvalidSignatureException', `Credential should be scoped to correct service: '${service}'. `, 403);
  if (!REGION.test(region)) throw new AwsError('InvalidSignatureException', `Credential should be scoped to a valid region. `, 403);
  const signedAt = Date.parse(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
  // A date that is no date (month 13, hour 99) would make both time checks false: it is refused instead.
  if (Number.isNaN(signedAt) || iso(signedAt) !== amzDate) throw new AwsError('IncompleteSignatureException', `Invalid X-Amz-Date: ${amzDate.slice(0, 32)} is not a date (yyyyMMddTHHmmssZ).`, 403);
  if (signedAt < now - SIGNATURE_SKEW_MS) {
    throw new AwsError('InvalidSignatureException', `Signature expired: ${amzDate} is now earlier than ${iso(now - SIGNATURE_SKEW_MS)} (${iso(now)} - 15 min.)`, 403);
  }
  if (signedAt > now + SIGNATURE_SKEW_MS) {
    throw new AwsError('InvalidSignatureException', `Signature not yet current: ${amzDate} is still later than ${iso(now + SIGNATURE_SKEW_MS)} (${iso(now)} + 15 min.)`, 403);
  }
  const signedHeaders = signedHeaderList.split(';');
  if (!signedHeaders.includes('host')) throw new AwsError('InvalidSignatureException', 'Signature must cover the host header.', 403);
  // The payload is always hashed here: a declared hash is a claim about the body, which must match it (the twin takes
  // no unsigned payloads), so a body cannot be swapped under a signature by declaring the old body's hash.
  const declared = headerValue(req.headers, 'x-amz-content-sha256');
  if (declared !== undefined && declared !== sha256(req.body)) {
    throw new AwsError('InvalidSignatureException', declared === 'UNSIGNED-PAYLOAD' ? 'The twin takes signed payloads only: sign the body (no UNSIGNED-PAYLOAD).' : 'The provided x-amz-content-sha256 header does not match what was computed.', 403);
  }
  const expected = signatureOf(req, signedHeaders, amzDate, `${date}/${region}/${service}/aws4_request`, credentials.secretAccessKey);
  if (!timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) {
    throw new AwsError('InvalidSignatureException', 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.', 403);
  }
  return { accessKeyId, region, service };
}

/** The SigV4 signature of a request (what a client computes; the twin's tests sign with it too). */
export function signatureOf(req: SignableRequest, signedHeaders: readonly string[], amzDate: string, scope: string, secretAccessKey: string): string {
  const [date, region, service] = scope.split('/');
  const canonical = canonicalRequest(req, signedHeaders);
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  let key: Buffer = hmac(`AWS4${secretAccessKey}`, date);
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

function canonicalRequest(req: SignableRequest, signedHeaders: readonly string[]): string {
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  const query = q < 0 ? '' : req.url.slice(q + 1);
  const headers = signedHeaders.map((name) => `${name}:${canonicalHeaderValue(valuesOf(req, name))}\n`).join('');
  const payload = sha256(req.body);
  return [req.method, uriEncode(path || '/', true), canonicalQuery(query), headers, signedHeaders.join(';'), payload].join('\n');
}

/** Query parameters sorted by name and value, each name and value encoded the strict SigV4 way. */
function canonicalQuery(query: string): string {
  if (query === '') return '';
  const pairs = query.split('&').filter(Boolean).map((p) => {
    const i = p.indexOf('=');
    const [k, v] = i < 0 ? [p, ''] : [p.slice(0, i), p.slice(i + 1)];
    return [uriEncode(decode(k), false), uriEncode(decode(v), false)] as const;
  });
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, '%20'));
  } catch {
    return text;
  }
}

/** SigV4's URI encoding: every byte but the unreserved characters (and `/` in a path) as %XX, upper case. */
function uriEncode(text: string, keepSlash: boolean): string {
  // encodeURIComponent leaves A-Z a-z 0-9 - _ . ! ~ * ' ( ) as they are: SigV4 encodes the five of them it reserves.
  const encoded = encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return keepSlash ? encoded.replace(/%2F/g, '/') : encoded;
}

/** A header's values as received: from the raw list when there is one (node joins repeats with ', '). */
function valuesOf(req: SignableRequest, name: string): string | string[] | undefined {
  if (!req.rawHeaders) return req.headers[name];
  const values: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) if (req.rawHeaders[i].toLowerCase() === name) values.push(req.rawHeaders[i + 1]);
  return values.length > 0 ? values : undefined;
}

function canonicalHeaderValue(value: string | string[] | undefined): string {
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.map((v) => v.trim().replace(/\s+/g, ' ')).join(',');
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** `20260115T120000Z`: the ISO-8601 basic form SigV4 writes. */
export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
