// `@secure-api/twin/testing`: helpers for tests and benchmarks that run against a twin, kept out of the main entry.
export { mintExpiredIdToken, mintIdToken } from './testing/expired-token';
export type { ExpiredTokenOptions, IdTokenOptions } from './testing/expired-token';
