import { Duration } from '@secure-api/core';
/** A static response served by a MOCK integration. */
export interface MockResponse {
  /**
   * The status code of the response.
   * @default 200
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-mock-integration.html
   */
  readonly statusCode?: number;

  /**
   * The response body, serialized as JSON. It is served as given: the characters `$` and `#`, which API Gateway
   * would read as mapping-template syntax, are refused.
   * @default {}
   */
  readonly body?: unknown;

  /**
   * Static response headers, e.g. `{ 'Cache-Control': 'no-store' }`.
   * @default - none besides `Content-Type: application/json` (and CORS headers when CORS is on)
   */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Options of an HTTP_PROXY integration. */
export interface HttpProxyOptions {
  /**
   * Allows a plain `http://` backend URL. Requests and responses then cross the internet unencrypted.
   * @default false
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/setup-http-integrations.html
   */
  readonly allowInsecureHttp?: boolean;

  /**
   * How long API Gateway waits for the backend (50 milliseconds to 29 seconds).
   * @default Duration.seconds(29)
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html
   */
  readonly timeout?: Duration;

  /**
   * How long API Gateway waits for the backend, in milliseconds (50 to 29,000).
   * @deprecated Use `timeout`, e.g. `timeout: Duration.seconds(10)`.
   * @default 29000
   */
  readonly timeoutMs?: number;
}

/** A Lambda function, as any construct exposing its ARN (such as the provider's `LambdaFunction`). */
export interface LambdaFunctionRef {
  /** The function ARN, optionally qualified by version or alias. */
  readonly arn: string;
  /**
   * The function's own timeout (`NodejsFunction` sets it): a route refuses one above API Gateway's 29 s integration
   * limit, where the caller would get a 504 while the function runs on.
   * @default - unknown: not checked
   */
  readonly timeout?: Duration;
}

/** Options of an AWS_PROXY (Lambda proxy) integration. */
export interface LambdaProxyOptions {
  /**
   * Adds the `aws_lambda_permission` that lets API Gateway invoke the function from this route only.
   * Turn off when the function's policy is managed elsewhere.
   * @default true
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
   */
  readonly grantInvoke?: boolean;

  /**
   * How long API Gateway waits for the function (50 milliseconds to 29 seconds).
   * @default Duration.seconds(29)
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html
   */
  readonly timeout?: Duration;

  /**
   * How long API Gateway waits for the function, in milliseconds (50 to 29,000).
   * @deprecated Use `timeout`, e.g. `timeout: Duration.seconds(10)`.
   * @default 29000
   */
  readonly timeoutMs?: number;
}

/** The data of an integration, by type. */
export type IntegrationConfig =
  | { readonly type: 'MOCK'; readonly statusCode: number; readonly body: unknown; readonly headers: Readonly<Record<string, string>> }
  | { readonly type: 'HTTP_PROXY'; readonly url: string; readonly allowInsecureHttp: boolean; readonly timeout: IntegrationTimeout }
  | { readonly type: 'AWS_PROXY'; readonly functionArn: string; readonly functionTimeout?: Duration; readonly grantInvoke: boolean; readonly timeout: IntegrationTimeout };

/** An integration's timeout as given: the `timeout` Duration, or the deprecated `timeoutMs`; checked with the route. */
export interface IntegrationTimeout {
  readonly value?: Duration;
  readonly legacyMs?: number;
}

/** The default (and maximum) integration timeout of API Gateway. */
export const DEFAULT_INTEGRATION_TIMEOUT = Duration.seconds(29);
/** The same, in milliseconds. */
export const DEFAULT_INTEGRATION_TIMEOUT_MS = 29000;

/**
 * Where a route sends its requests. Values are checked when the API is built, so that errors name the route.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-integration-types.html
 */
export class Integration {
  /**
   * A MOCK integration that answers every request with a static JSON response, without any backend.
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-mock-integration.html
   */
  static mock(response: MockResponse = {}): Integration {
    return new Integration({ type: 'MOCK', statusCode: response.statusCode ?? 200, body: response.body ?? {}, headers: response.headers ?? {} });
  }

  /**
   * An HTTP_PROXY integration: the request (method, headers, query, body) goes to `url` unchanged and the
   * backend's response comes back unchanged. Route parameters named in the URL are filled in, e.g.
   * `'ANY /files/{proxy+}'` with `https://files.example.com/{proxy}`.
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/setup-http-integrations.html
   */
  static httpProxy(url: string, options: HttpProxyOptions = {}): Integration {
    return new Integration({ type: 'HTTP_PROXY', url, allowInsecureHttp: options.allowInsecureHttp ?? false, timeout: { value: options.timeout, legacyMs: options.timeoutMs } });
  }

  /**
   * An AWS_PROXY integration that invokes a Lambda function with the whole request as its event: a function ARN, a
   * `NodejsFunction` (`@secure-api/function`), or any resource with an `arn`.
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
   */
  static lambdaProxy(fn: string | LambdaFunctionRef, options: LambdaProxyOptions = {}): Integration {
    return new Integration({
      type: 'AWS_PROXY',
      functionArn: typeof fn === 'string' ? fn : fn.arn,
      functionTimeout: typeof fn === 'string' ? undefined : fn.timeout,
      grantInvoke: options.grantInvoke ?? true,
      timeout: { value: options.timeout, legacyMs: options.timeoutMs },
    });
  }

  private constructor(
    /** The integration's type and settings, as the REST API checks and synthesizes them. */
    readonly config: IntegrationConfig,
  ) {}
}
