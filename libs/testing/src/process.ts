// Helpers for tests that run child processes. A separate entry point from the barrel: it loads nothing of cdktf.
export { childEnv } from './lib/child-env';
