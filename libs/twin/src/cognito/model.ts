import { DEFAULT_POLICY, type PasswordPolicy } from './passwords';

/** Scopes every pool knows without a resource server. */
export const STANDARD_SCOPES = ['openid', 'email', 'phone', 'profile', 'aws.cognito.signin.user.admin'];

/** The kinds of Cognito resources in the store. */
export const KIND = {
  pool: 'cognito.pool',
  client: 'cognito.client',
  domain: 'cognito.domain',
  resourceServer: 'cognito.resource-server',
} as const;

type Json = Record<string, unknown>;

/** A user pool as `DescribeUserPool` answers it (`UserPoolType`), plus its MFA settings (`GetUserPoolMfaConfig`). */
export interface UserPoolDoc extends Json {
  readonly Id: string;
  readonly Name: string;
  readonly Arn: string;
  readonly Policies: { readonly PasswordPolicy: PasswordPolicyDoc } & Json;
  readonly CreationDate: number;
  readonly LastModifiedDate: number;
  readonly MfaConfiguration: 'OFF' | 'ON' | 'OPTIONAL';
  readonly DeletionProtection: 'ACTIVE' | 'INACTIVE';
  readonly AdminCreateUserConfig: { readonly AllowAdminCreateUserOnly?: boolean } & Json;
  readonly UsernameAttributes?: readonly string[];
  readonly AliasAttributes?: readonly string[];
  readonly AutoVerifiedAttributes?: readonly string[];
  readonly UsernameConfiguration?: { readonly CaseSensitive?: boolean };
  readonly LambdaConfig?: Json;
  readonly Domain?: string;
  readonly CustomDomain?: string;
  /** What `GetUserPoolMfaConfig` answers besides `MfaConfiguration`. */
  readonly MfaSettings: Json;
}

export interface PasswordPolicyDoc extends Json {
  readonly MinimumLength?: number;
  readonly RequireUppercase?: boolean;
  readonly RequireLowercase?: boolean;
  readonly RequireNumbers?: boolean;
  readonly RequireSymbols?: boolean;
  readonly TemporaryPasswordValidityDays?: number;
}

/** An app client as `DescribeUserPoolClient` answers it (`UserPoolClientType`). */
export interface UserPoolClientDoc extends Json {
  readonly UserPoolId: string;
  readonly ClientName: string;
  readonly ClientId: string;
  readonly ClientSecret?: string;
  readonly CreationDate: number;
  readonly LastModifiedDate: number;
  readonly AllowedOAuthFlows?: readonly string[];
  readonly AllowedOAuthScopes?: readonly string[];
  readonly AllowedOAuthFlowsUserPoolClient?: boolean;
  readonly CallbackURLs?: readonly string[];
  readonly LogoutURLs?: readonly string[];
  readonly SupportedIdentityProviders?: readonly string[];
  readonly ExplicitAuthFlows?: readonly string[];
  readonly PreventUserExistenceErrors?: string;
  readonly EnableTokenRevocation?: boolean;
  readonly AccessTokenValidity?: number;
  readonly IdTokenValidity?: number;
  readonly RefreshTokenValidity?: number;
  readonly TokenValidityUnits?: { readonly AccessToken?: string; readonly IdToken?: string; readonly RefreshToken?: string };
  readonly AuthSessionValidity?: number;
}

/** A domain as `DescribeUserPoolDomain` answers it (`DomainDescriptionType`). */
export interface DomainDoc extends Json {
  readonly UserPoolId: string;
  readonly AWSAccountId: string;
  readonly Domain: string;
  readonly S3Bucket: string;
  readonly CloudFrontDistribution: string;
  readonly Version: string;
  readonly Status: 'ACTIVE';
  readonly ManagedLoginVersion: number;
  readonly CustomDomainConfig?: { readonly CertificateArn: string };
}

/** A resource server as `DescribeResourceServer` answers it. */
export interface ResourceServerDoc extends Json {
  readonly UserPoolId: string;
  readonly Identifier: string;
  readonly Name: string;
  readonly Scopes: readonly { readonly ScopeName: string; readonly ScopeDescription: string }[];
}

export type OAuthFlow = 'code' | 'implicit' | 'client_credentials';

/** What the sign-in logic reads of a pool. */
export interface PoolSettings {
  readonly name: string;
  /** Attributes that replace the user name at sign-in (`email`, `phone_number`). */
  readonly usernameAttributes: readonly string[];
  /** Attributes that may be used beside the user name at sign-in. */
  readonly aliasAttributes: readonly string[];
  readonly autoVerifiedAttributes: readonly string[];
  readonly caseSensitive: boolean;
  readonly passwordPolicy: PasswordPolicy;
  readonly mfa: 'OFF' | 'ON' | 'OPTIONAL';
  readonly allowAdminCreateUserOnly: boolean;
  readonly deletionProtection: 'ACTIVE' | 'INACTIVE';
}

/** What the OAuth server and the sign-in logic read of an app client. */
export interface ClientSettings {
  readonly name: string;
  readonly generateSecret: boolean;
  readonly oauthEnabled: boolean;
  readonly allowedOAuthFlows: readonly OAuthFlow[];
  readonly allowedScopes: readonly string[];
  readonly callbackUrls: readonly string[];
  readonly logoutUrls: readonly string[];
  readonly supportedIdentityProviders: readonly string[];
  readonly explicitAuthFlows: readonly string[];
  readonly preventUserExistenceErrors: boolean;
  readonly enableTokenRevocation: boolean;
  readonly accessTokenValidityMs: number;
  readonly idTokenValidityMs: number;
  readonly refreshTokenValidityMs: number;
  /** How long a challenge session (NEW_PASSWORD_REQUIRED) lives. */
  readonly authSessionValidityMs: number;
}

/** A resource server's scopes, as the pool's clients may hold them. */
export interface ResourceServerSettings {
  readonly identifier: string;
  readonly name: string;
  /** Full scope names: `<identifier>/<scope_name>`. */
  readonly scopes: readonly string[];
}

export function poolSettings(doc: UserPoolDoc): PoolSettings {
  const p = doc.Policies?.PasswordPolicy;
  const passwordPolicy: PasswordPolicy = p
    ? {
        minimumLength: p.MinimumLength ?? 8,
        requireLowercase: p.RequireLowercase ?? false,
        requireUppercase: p.RequireUppercase ?? false,
        requireNumbers: p.RequireNumbers ?? false,
        requireSymbols: p.RequireSymbols ?? false,
        temporaryPasswordValidityDays: p.TemporaryPasswordValidityDays ?? 7,
      }
    : DEFAULT_POLICY;
  return {
    name: doc.Name,
    usernameAttributes: doc.UsernameAttributes ?? [],
    aliasAttributes: doc.AliasAttributes ?? [],
    autoVerifiedAttributes: doc.AutoVerifiedAttributes ?? [],
    caseSensitive: doc.UsernameConfiguration?.CaseSensitive ?? true,
    passwordPolicy,
    mfa: doc.MfaConfiguration,
    allowAdminCreateUserOnly: doc.AdminCreateUserConfig?.AllowAdminCreateUserOnly ?? false,
    deletionProtection: doc.DeletionProtection,
  };
}

const UNIT_MS: Record<string, number> = { seconds: 1000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 };
const MINUTE = 60_000;
const DAY = 86_400_000;

/** A validity in milliseconds: `amount` of `unit`, Cognito's default when the client sets none. */
function validityMs(amount: number | undefined, unit: string | undefined, defUnit: string, defMs: number): number {
  if (amount === undefined || amount === 0) return defMs;
  return amount * (UNIT_MS[unit ?? defUnit] ?? UNIT_MS[defUnit]);
}

/** AWS's default when a client names no explicit auth flows. */
export const DEFAULT_EXPLICIT_AUTH_FLOWS = ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_CUSTOM_AUTH'];

export function clientSettings(doc: UserPoolClientDoc): ClientSettings {
  const units = doc.TokenValidityUnits ?? {};
  return {
    name: doc.ClientName,
    generateSecret: doc.ClientSecret !== undefined,
    oauthEnabled: doc.AllowedOAuthFlowsUserPoolClient ?? false,
    allowedOAuthFlows: (doc.AllowedOAuthFlows ?? []) as OAuthFlow[],
    allowedScopes: doc.AllowedOAuthScopes ?? [],
    callbackUrls: doc.CallbackURLs ?? [],
    logoutUrls: doc.LogoutURLs ?? [],
    supportedIdentityProviders: doc.SupportedIdentityProviders ?? [],
    explicitAuthFlows: doc.ExplicitAuthFlows ?? DEFAULT_EXPLICIT_AUTH_FLOWS,
    preventUserExistenceErrors: doc.PreventUserExistenceErrors === 'ENABLED',
    enableTokenRevocation: doc.EnableTokenRevocation ?? true,
    accessTokenValidityMs: validityMs(doc.AccessTokenValidity, units.AccessToken, 'hours', 60 * MINUTE),
    idTokenValidityMs: validityMs(doc.IdTokenValidity, units.IdToken, 'hours', 60 * MINUTE),
    refreshTokenValidityMs: validityMs(doc.RefreshTokenValidity, units.RefreshToken, 'days', 30 * DAY),
    authSessionValidityMs: (doc.AuthSessionValidity ?? 3) * MINUTE,
  };
}

export function resourceServerSettings(doc: ResourceServerDoc): ResourceServerSettings {
  return { identifier: doc.Identifier, name: doc.Name, scopes: doc.Scopes.map((s) => `${doc.Identifier}/${s.ScopeName}`) };
}

/** Token validity bounds in milliseconds, per Cognito's CreateUserPoolClient: access and ID 5 minutes to 1 day, refresh 60 minutes to 10 years. */
export const VALIDITY_BOUNDS = {
  access: [5 * MINUTE, DAY],
  id: [5 * MINUTE, DAY],
  refresh: [60 * MINUTE, 3650 * DAY],
} as const;

export { validityMs };
