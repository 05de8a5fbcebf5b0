import { TwinErrorResponse, TwinHttpError } from '../contracts';
import { AwsError } from '../aws/errors';

/** An error of the Cognito JSON API: HTTP 400 (unless said) with `{"__type", "message"}`, as AWS answers. */
export class CognitoError extends AwsError {
  constructor(type: string, message: string, statusCode = 400) {
    super(type, message, statusCode);
  }

  /** The error's `__type`. */
  get type(): string {
    return this.code;
  }
}

/** An OAuth 2.0 error of the token, userInfo or revoke endpoints: `{"error", "error_description"}`. */
export class OAuthError extends TwinHttpError {
  constructor(readonly error: string, readonly description?: string, readonly statusCode = 400, readonly extraHeaders: Record<string, string> = {}) {
    super(description ?? error);
    this.name = 'OAuthError';
  }

  response(): TwinErrorResponse {
    return {
      statusCode: this.statusCode,
      headers: { 'content-type': 'application/json;charset=UTF-8', 'cache-control': 'no-store', pragma: 'no-cache', ...this.extraHeaders },
      body: JSON.stringify(this.description ? { error: this.error, error_description: this.description } : { error: this.error }),
    };
  }
}

/** A prepared non-JSON answer (an HTML error page or a redirect to one) thrown from deep inside a handler. */
export class PreparedResponseError extends TwinHttpError {
  constructor(private readonly prepared: TwinErrorResponse) {
    super(`HTTP ${prepared.statusCode}`);
    this.name = 'PreparedResponseError';
  }

  response(): TwinErrorResponse {
    return this.prepared;
  }
}
