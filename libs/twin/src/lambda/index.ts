// The twin's Lambda runtime: functions' own deployment packages, run in child processes as Lambda's Node.js runtime runs them.
export { LambdaError, type LambdaErrorName } from './errors';
export { MAX_UNZIPPED_BYTES } from './package';
export { LambdaRuntime, type FunctionConfig, type InvokeOptions, type LambdaHandler, type LambdaRuntimeOptions } from './runtime';
