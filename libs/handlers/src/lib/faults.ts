/** What a handler does with an error it did not expect. */
import { internalError } from './http';
import type { LambdaContext, ProxyResult } from './types';

/**
 * Logs `error` (with its stack, for the function's log group) and answers a bare 500: the caller never sees the cause.
 * `where` names the handler in the log line.
 */
export function unexpectedError(where: string, error: unknown, context: LambdaContext): ProxyResult {
  const detail = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  console.error(`${where}: unexpected error (request ${context.awsRequestId ?? 'unknown'}): ${detail}`);
  return internalError();
}
