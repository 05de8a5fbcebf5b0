import type { IConstruct } from 'constructs';
import { Duration, durationProp, isUnresolved, validateDuration, validateRange, ValidationError, wholeAmount } from '@secure-api/core';
import { DEFAULT_INTEGRATION_TIMEOUT, DEFAULT_INTEGRATION_TIMEOUT_MS, type IntegrationConfig, type IntegrationTimeout } from '../integration';
import type { Segment } from './route-table';

const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]{1,128})?$/;
const HEADER_NAME = /^[A-Za-z0-9-]+$/;
const PLACEHOLDER = /\{([^{}]*)\}/g;

/**
 * Checks an integration's data against its route; `prop` is the route's integration prop, e.g.
 * `routes["GET /hello"].integration`.
 */
export function checkIntegration(scope: IConstruct, prop: string, config: IntegrationConfig, segments: readonly Segment[]): void {
  switch (config.type) {
    case 'MOCK':
      return checkMock(scope, prop, config);
    case 'HTTP_PROXY':
      checkTimeout(scope, prop, config.timeout);
      return checkHttpUrl(scope, `${prop}.url`, config.url, config.allowInsecureHttp, segments);
    case 'AWS_PROXY':
      checkTimeout(scope, prop, config.timeout);
      if (!isUnresolved(config.functionArn) && !LAMBDA_ARN.test(config.functionArn)) {
        throw new ValidationError(scope, `${prop}.functionArn`, config.functionArn, 'is not a Lambda function ARN', 'pass the function ARN, e.g. arn:aws:lambda:eu-west-1:123456789012:function:orders, or the LambdaFunction resource');
      }
      checkFunctionTimeout(scope, prop, config.functionTimeout);
      return;
  }
}

/** 50 ms to 29 s, whole milliseconds; `timeout` or the deprecated `timeoutMs`, not both. */
function checkTimeout(scope: IConstruct, prop: string, timeout: IntegrationTimeout): void {
  validateRange(scope, `${prop}.timeoutMs`, timeout.legacyMs, 50, 29000, 'milliseconds');
  const value = durationProp(scope, `${prop}.timeout`, timeout.value, `${prop}.timeoutMs`, timeout.legacyMs, 'milliseconds');
  if (value === undefined) return;
  validateDuration(scope, `${prop}.timeout`, value, Duration.millis(50), Duration.seconds(29));
  wholeAmount(scope, `${prop}.timeout`, value, 'milliseconds');
}

/**
 * A function behind a route must finish within API Gateway's integration limit (29 s): past it the caller gets a 504
 * while the function runs on, billed, its answer lost.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html
 */
function checkFunctionTimeout(scope: IConstruct, prop: string, timeout: Duration | undefined): void {
  const ms = timeout?.toMilliseconds();
  if (timeout === undefined || ms === undefined || ms <= DEFAULT_INTEGRATION_TIMEOUT_MS) return;
  throw new ValidationError(scope, `${prop}.function.timeout`, timeout.toString(), "is above API Gateway's 29 s integration limit: the caller would get 504 while the function runs on", "set the function's timeout to at most Duration.seconds(29), or invoke it asynchronously instead of from a route");
}

/** The checked timeout in milliseconds, as `timeout_milliseconds` takes it. */
export function timeoutMillisecondsOf(timeout: IntegrationTimeout): number {
  const value = timeout.legacyMs !== undefined ? Duration.millis(timeout.legacyMs) : (timeout.value ?? DEFAULT_INTEGRATION_TIMEOUT);
  return value.unit === 'milliseconds' ? value.amount : (value.toMilliseconds() as number);
}

function checkMock(scope: IConstruct, prop: string, config: Extract<IntegrationConfig, { type: 'MOCK' }>): void {
  const { statusCode, body, headers } = config;
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    throw new ValidationError(scope, `${prop}.statusCode`, statusCode, 'is not an HTTP status code', 'use a whole number from 100 to 599, e.g. 200');
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(body);
  } catch {
    json = undefined;
  }
  if (json === undefined) throw new ValidationError(scope, `${prop}.body`, String(body), 'cannot be serialized as JSON', 'use plain objects, arrays, strings, numbers, booleans and null');
  if (/[$#]/.test(json)) {
    throw new ValidationError(scope, `${prop}.body`, body, 'contains "$" or "#", which API Gateway reads as mapping-template syntax', 'remove those characters, or serve the response from a Lambda or HTTP backend');
  }
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) throw new ValidationError(scope, `${prop}.headers`, name, 'is not a header name', 'use letters, digits and "-", e.g. "Cache-Control"');
    if (typeof value !== 'string' || /['\r\n]/.test(value)) {
      throw new ValidationError(scope, `${prop}.headers[${JSON.stringify(name)}]`, value, 'must be a string without quotes or line breaks', 'give a plain header value, e.g. "no-store"');
    }
  }
}

function checkHttpUrl(scope: IConstruct, prop: string, url: string, allowInsecureHttp: boolean, segments: readonly Segment[]): void {
  const params = new Set(segments.filter((s) => s.name !== undefined).map((s) => s.name as string));
  for (const name of urlParams(url)) {
    if (!params.has(name)) {
      const known = params.size ? `one of the route's parameters: ${[...params].map((p) => `{${p}}`).join(', ')}` : 'a route with that path parameter';
      throw new ValidationError(scope, prop, url, `names {${name}}, which is not a parameter of the route`, `use ${known}`);
    }
  }
  if (isUnresolved(url)) return;
  let parsed: URL;
  try {
    parsed = new URL(url.replace(PLACEHOLDER, 'p'));
  } catch {
    throw new ValidationError(scope, prop, url, 'is not an absolute URL', 'give a full URL, e.g. https://backend.example.com/{proxy}');
  }
  if (parsed.hash) throw new ValidationError(scope, prop, url, 'has a fragment', 'remove the "#..." part');
  if (parsed.protocol === 'https:') return;
  if (parsed.protocol === 'http:' && allowInsecureHttp) return;
  if (parsed.protocol === 'http:') {
    throw new ValidationError(scope, prop, url, 'uses plain http: requests and responses would cross the network unencrypted', 'use https, or pass { allowInsecureHttp: true } to Integration.httpProxy');
  }
  throw new ValidationError(scope, prop, url, `uses the scheme ${parsed.protocol} that API Gateway cannot call`, 'use https');
}

// How cdktf renders an unresolved token inside a string; its braces are no URL placeholder.
const TOKEN_TEXT = /\$\{TfToken\[[^\]]*\]\}/g;

/** URL placeholders, e.g. `proxy` for `https://x/{proxy}`; tokens inside the URL are skipped. */
export function urlParams(url: string): string[] {
  return [...url.replace(TOKEN_TEXT, '').matchAll(PLACEHOLDER)].map((m) => m[1]);
}
