export { SecureApi } from './lib/secure-api';
export type { ApiScopesOptions, SecureApiProps, WebClientOptions } from './lib/secure-api';
