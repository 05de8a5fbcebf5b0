// Duration lives in @secure-api/core (every construct takes times in it); re-exported here for existing imports.
export { Duration } from '@secure-api/core';
export type { DurationUnit } from '@secure-api/core';
export { OAuthScope } from './lib/oauth-scope';
export { ResourceServer } from './lib/resource-server';
export type { IResourceServer, ResourceServerOptions, ResourceServerProps, ResourceServerScope } from './lib/resource-server';
export { Mfa, ThreatProtection, UserPool } from './lib/user-pool';
export type { IUserPool, PasswordPolicy, UserPoolProps } from './lib/user-pool';
export { FORBID_IMPLICIT_GRANT_CONTEXT, UserPoolClient } from './lib/user-pool-client';
export type { AuthFlows, OAuthFlows, OAuthSettings, UserPoolClientOptions, UserPoolClientProps } from './lib/user-pool-client';
export { UserPoolDomain } from './lib/user-pool-domain';
export type { CustomDomainOptions, SignInUrlOptions, UserPoolDomainOptions, UserPoolDomainProps } from './lib/user-pool-domain';
export { MessageAction, UserPoolUser } from './lib/user-pool-user';
export type { UserPoolUserOptions, UserPoolUserProps } from './lib/user-pool-user';
