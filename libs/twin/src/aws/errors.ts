import { TwinErrorResponse, TwinHttpError } from '../contracts';

/** The wire protocols of the AWS services the twin answers. */
export type AwsProtocol = 'json' | 'rest-json' | 'query';

/**
 * An AWS error: its code (`__type` / `x-amzn-ErrorType` / `<Code>`), message and HTTP status. `response()` renders it
 * the JSON 1.1 way; `AwsError.render` renders it in any protocol, as the service it belongs to would.
 */
export class AwsError extends TwinHttpError {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = code;
  }

  response(): TwinErrorResponse {
    return renderAwsError(this, 'json', '');
  }
}

/** An error in the shape of its protocol, with `x-amzn-RequestId`. */
export function renderAwsError(err: AwsError, protocol: AwsProtocol, requestId: string, xmlns = 'https://sts.amazonaws.com/doc/2011-06-15/'): TwinErrorResponse {
  const ids: Record<string, string> = requestId ? { 'x-amzn-requestid': requestId } : {};
  switch (protocol) {
    case 'json':
      return {
        statusCode: err.statusCode,
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': err.code, ...ids },
        body: JSON.stringify({ __type: err.code, message: err.message }),
      };
    case 'rest-json':
      return {
        statusCode: err.statusCode,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': err.code, ...ids },
        body: JSON.stringify({ message: err.message }),
      };
    case 'query':
      return {
        statusCode: err.statusCode,
        headers: { 'content-type': 'text/xml', ...ids },
        body: `<ErrorResponse xmlns="${xmlns}"><Error><Type>${err.statusCode >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${xml(err.code)}</Code><Message>${xml(err.message)}</Message></Error><RequestId>${xml(requestId)}</RequestId></ErrorResponse>`,
      };
  }
}

/** Text escaped for an XML element or attribute. */
export function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
