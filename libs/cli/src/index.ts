export { parseFlags, UsageError } from './lib/flags';
export type { FlagSpec, ParsedFlags } from './lib/flags';
export { processIo, runCli, workspaceRoot } from './lib/run';
export type { CliIo } from './lib/run';
