/**
 * How an invocation or a registration failed, named as Lambda's Invoke API reports it:
 * - `FunctionError`: the function failed (Invoke answers 200 with `X-Amz-Function-Error: Unhandled` and the
 *   payload `{ errorType, errorMessage, trace }`): a thrown error, `Runtime.ExitError`, `Runtime.ImportModuleError`...
 * - `FunctionTimeout`: the function ran past its timeout (errorType `Sandbox.Timedout`);
 * - the others are the service's own exceptions (errorType = name).
 */
export type LambdaErrorName =
  | 'FunctionError'
  | 'FunctionTimeout'
  | 'ResourceNotFoundException'
  | 'InvalidParameterValueException'
  | 'InvalidRequestContentException'
  | 'RequestEntityTooLargeException'
  | 'TooManyRequestsException'
  | 'ServiceException';

export class LambdaError extends Error {
  override readonly name: LambdaErrorName;
  /** Lambda's `errorType` (`Error`, `TypeError`, `Runtime.ExitError`, `Sandbox.Timedout`, ...). */
  readonly errorType: string;
  /** Lambda's `errorMessage` (also `message`). */
  readonly errorMessage: string;
  /** Lambda's `trace`: the stack, line by line, when the function reported one. */
  readonly trace: readonly string[];
  /** The invocation's request id (undefined for registration errors). */
  readonly requestId: string | undefined;

  constructor(name: LambdaErrorName, errorType: string, errorMessage: string, options: { trace?: readonly string[]; requestId?: string } = {}) {
    super(errorMessage);
    this.name = name;
    this.errorType = errorType;
    this.errorMessage = errorMessage;
    this.trace = options.trace ?? [];
    this.requestId = options.requestId;
  }

  /** The error payload as Lambda's Invoke API returns it. */
  get payload(): { errorType: string; errorMessage: string; trace?: string[] } {
    return this.trace.length > 0 ? { errorType: this.errorType, errorMessage: this.errorMessage, trace: [...this.trace] } : { errorType: this.errorType, errorMessage: this.errorMessage };
  }
}
