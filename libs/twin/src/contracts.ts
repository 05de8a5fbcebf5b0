import type { JsonWebKey } from 'node:crypto';
import type { StackModel } from './stack/stack-model';
import type { TwinStore } from './store/store';

/** The twin's clock, injected everywhere time matters so that tests can move it. */
export interface TwinClock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** What the API Gateway part needs to know of a user pool to enforce a Cognito authorizer. */
export interface TwinPoolView {
  /** Pool id in AWS's format, e.g. `us-east-1_AbCdEfGhI`. */
  readonly id: string;
  /** `arn:aws:cognito-idp:<region>:<account>:userpool/<id>`, as `provider_arns` of an authorizer names it. */
  readonly arn: string;
  /** `<twin base URL>/<id>`: the `iss` claim of every token the pool issues. */
  readonly issuer: string;
  /** The pool's public keys (RS256): one `kid` signs ID tokens, another access tokens. */
  jwks(): { keys: JsonWebKey[] };
}

/** Finds the twin's user pools. */
export interface PoolDirectory {
  /** The pool with this ARN, or undefined when the stack declares none. */
  byArn(arn: string): TwinPoolView | undefined;
  /** Every pool, in stack order. */
  all(): TwinPoolView[];
  /** Changes whenever pools or their keys may have changed (the twin's control plane creates and deletes them). */
  version?(): number;
}

/** Shared state of one running twin, handed to each emulator. */
export interface TwinContext {
  /**
   * The stack the twin was started with, each resource's Terraform attributes registered; absent for an empty twin
   * (an account that Terraform deploys to).
   */
  readonly stack?: StackModel;
  /** The durable state: every AWS resource, user and token. */
  readonly store: TwinStore;
  /** The clock every emulator reads. */
  readonly clock: TwinClock;
  /** `http://127.0.0.1:<port>`: set by the CLI after listen (tests set it too). */
  baseUrl(): string;
  /** The user pools in the store. */
  readonly pools: PoolDirectory;
  /** Unemulated resource types and the like, printed once at start. */
  readonly warnings: string[];
}

/** What a failed request answers: status, headers and a body that never carries internals. */
export interface TwinErrorResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * The error every part throws to answer a request with a specific response (an AWS-shaped JSON error, an OAuth
 * error, an HTML error page, an API Gateway response). The app's one error handler sends `response()` as is.
 */
export abstract class TwinHttpError extends Error {
  abstract response(): TwinErrorResponse;
}

/**
 * How the app's error handler words the errors Fastify raises itself (schema validation, unsupported media type,
 * body too large, unknown route) for a route: set it as the route's `config.errorStyle`.
 * `aws-json`: `{"__type","message"}` (Cognito JSON API); `oauth`: `{"error","error_description"}`;
 * `html`: an HTML error page; `apigw`: `{"message"}` with `x-amzn-ErrorType` (API Gateway).
 */
export type TwinErrorStyle = 'aws-json' | 'oauth' | 'html' | 'apigw';
