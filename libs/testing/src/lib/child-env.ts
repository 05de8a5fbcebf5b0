/**
 * Variables that change how a child process colours or frames its output. A test that reads a child's output must
 * not depend on them: Nx hands `FORCE_COLOR` to its tasks, a terminal sets `TERM` and `COLORTERM`, and Node's
 * `console.log` colours numbers whenever `FORCE_COLOR` is set, even into a pipe.
 */
const TERMINAL_VARIABLES = ['FORCE_COLOR', 'NO_COLOR', 'NODE_DISABLE_COLORS', 'CLICOLOR', 'CLICOLOR_FORCE', 'COLORTERM', 'TERM'];

/**
 * The environment for a child process whose output a test reads: the caller's environment without colour or
 * terminal settings, with colours turned off explicitly, plus `overrides` (an `undefined` value removes a variable).
 */
export function childEnv(overrides: Readonly<Record<string, string | undefined>> = {}, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const name of TERMINAL_VARIABLES) delete env[name];
  env['NO_COLOR'] = '1';
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}
