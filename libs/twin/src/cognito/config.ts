import { StackError, StackResource } from '../stack/stack-model';
import { DEFAULT_POLICY, PasswordPolicy } from './passwords';

/** Scopes every pool knows without a resource server. */
export const STANDARD_SCOPES = ['openid', 'email', 'phone', 'profile', 'aws.cognito.signin.user.admin'];

export type OAuthFlow = 'code' | 'implicit' | 'client_credentials';

/** A user pool's settings, read from `aws_cognito_user_pool`. */
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

/** An app client's settings, read from `aws_cognito_user_pool_client`. */
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

/** A resource server, read from `aws_cognito_resource_server`. */
export interface ResourceServerSettings {
  readonly identifier: string;
  readonly name: string;
  /** Full scope names: `<identifier>/<scope_name>`. */
  readonly scopes: readonly string[];
}

/** Thrown at start for a stack that AWS would refuse at apply time, with AWS's error text. */
export function refused(resource: StackResource, type: string, message: string): StackError {
  const where = resource.constructPath ? `${resource.address} (${resource.constructPath})` : resource.address;
  return new StackError(`${where}: AWS would refuse this resource at apply time with ${type}: ${message}`);
}

export function readPool(resource: StackResource, config: Record<string, unknown>): PoolSettings {
  const policyBlock = block(config['password_policy']);
  const adminBlock = block(config['admin_create_user_config']);
  const usernameConfig = block(config['username_configuration']);
  const passwordPolicy: PasswordPolicy = policyBlock
    ? {
        minimumLength: num(policyBlock['minimum_length'], 8),
        requireLowercase: bool(policyBlock['require_lowercase'], false),
        requireUppercase: bool(policyBlock['require_uppercase'], false),
        requireNumbers: bool(policyBlock['require_numbers'], false),
        requireSymbols: bool(policyBlock['require_symbols'], false),
        temporaryPasswordValidityDays: num(policyBlock['temporary_password_validity_days'], 7),
      }
    : DEFAULT_POLICY;
  if (passwordPolicy.minimumLength < 6 || passwordPolicy.minimumLength > 99) {
    throw refused(resource, 'InvalidParameterException', `1 validation error detected: Value '${passwordPolicy.minimumLength}' at 'policies.passwordPolicy.minimumLength' failed to satisfy constraint: Member must have value ${passwordPolicy.minimumLength < 6 ? 'greater than or equal to 6' : 'less than or equal to 99'}`);
  }
  if (passwordPolicy.temporaryPasswordValidityDays < 0 || passwordPolicy.temporaryPasswordValidityDays > 365) {
    throw refused(resource, 'InvalidParameterException', `1 validation error detected: Value '${passwordPolicy.temporaryPasswordValidityDays}' at 'policies.passwordPolicy.temporaryPasswordValidityDays' failed to satisfy constraint: Member must have value less than or equal to 365`);
  }
  const mfaRaw = str(config['mfa_configuration']) ?? 'OFF';
  if (mfaRaw !== 'OFF' && mfaRaw !== 'ON' && mfaRaw !== 'OPTIONAL') {
    throw refused(resource, 'InvalidParameterException', `1 validation error detected: Value '${mfaRaw}' at 'mfaConfiguration' failed to satisfy constraint: Member must satisfy enum value set: [OFF, ON, OPTIONAL]`);
  }
  if (mfaRaw !== 'OFF') {
    const totp = bool(block(config['software_token_mfa_configuration'])?.['enabled'], false);
    const sms = block(config['sms_configuration']) !== undefined;
    const email = block(config['email_mfa_configuration']) !== undefined;
    if (!totp && !sms && !email) {
      throw refused(resource, 'InvalidParameterException', "Invalid MFA configuration given, can't disable all MFAs with a required or optional configuration.");
    }
  }
  return {
    name: str(config['name']) ?? resource.name,
    usernameAttributes: strList(config['username_attributes']),
    aliasAttributes: strList(config['alias_attributes']),
    autoVerifiedAttributes: strList(config['auto_verified_attributes']),
    caseSensitive: bool(usernameConfig?.['case_sensitive'], true),
    passwordPolicy,
    mfa: mfaRaw,
    allowAdminCreateUserOnly: bool(adminBlock?.['allow_admin_create_user_only'], false),
    deletionProtection: str(config['deletion_protection']) === 'ACTIVE' ? 'ACTIVE' : 'INACTIVE',
  };
}

const PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const RESERVED = ['aws', 'amazon', 'cognito'];

/** Checks a domain as CreateUserPoolDomain does; a custom domain (with a certificate) is a host name. */
export function readDomain(resource: StackResource, config: Record<string, unknown>): { domain: string; custom: boolean } {
  const domain = str(config['domain']);
  if (!domain) throw refused(resource, 'InvalidParameterException', "1 validation error detected: Value null at 'domain' failed to satisfy constraint: Member must not be null");
  const custom = str(config['certificate_arn']) !== undefined;
  if (custom) {
    if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/.test(domain)) {
      throw refused(resource, 'InvalidParameterException', `The domain name ${domain} is not a valid fully qualified domain name.`);
    }
    return { domain, custom };
  }
  if (!PREFIX.test(domain)) {
    throw refused(resource, 'InvalidParameterException', 'The domain name contains an invalid character. Domain names can only contain lower-case letters, numbers, and hyphens. Please enter a different name that follows this format: ^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$');
  }
  const reserved = RESERVED.find((w) => domain.includes(w));
  if (reserved) throw refused(resource, 'InvalidParameterException', `Domain cannot contain reserved word: ${reserved}`);
  return { domain, custom };
}

export function readResourceServer(resource: StackResource, config: Record<string, unknown>): ResourceServerSettings {
  const identifier = str(config['identifier']);
  if (!identifier) throw refused(resource, 'InvalidParameterException', "1 validation error detected: Value null at 'identifier' failed to satisfy constraint: Member must not be null");
  const scopes = list(config['scope']).map((s) => {
    const name = str(block(s)?.['scope_name']);
    if (!name) throw refused(resource, 'InvalidParameterException', "1 validation error detected: Value null at 'scopes.member.scopeName' failed to satisfy constraint: Member must not be null");
    return `${identifier}/${name}`;
  });
  return { identifier, name: str(config['name']) ?? identifier, scopes };
}

const UNIT_MS: Record<string, number> = { seconds: 1000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 };
const MINUTE = 60_000;
const DAY = 86_400_000;

export function readClient(resource: StackResource, config: Record<string, unknown>, knownScopes: ReadonlySet<string>): ClientSettings {
  const flows = strList(config['allowed_oauth_flows']);
  for (const f of flows) {
    if (f !== 'code' && f !== 'implicit' && f !== 'client_credentials') {
      throw refused(resource, 'InvalidParameterException', `1 validation error detected: Value '[${flows.join(', ')}]' at 'allowedOAuthFlows' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [implicit, client_credentials, code]]`);
    }
  }
  const allowedOAuthFlows = flows as OAuthFlow[];
  const callbackUrls = strList(config['callback_urls']);
  const logoutUrls = strList(config['logout_urls']);
  const generateSecret = bool(config['generate_secret'], false);
  const userFlow = allowedOAuthFlows.includes('code') || allowedOAuthFlows.includes('implicit');
  if (allowedOAuthFlows.includes('client_credentials') && userFlow) {
    throw refused(resource, 'InvalidOAuthFlowException', 'client_credentials flow can not be selected along with code flow or implicit flow.');
  }
  if (allowedOAuthFlows.includes('client_credentials') && !generateSecret) {
    throw refused(resource, 'InvalidOAuthFlowException', 'client_credentials flow can not be selected if client does not have a client secret.');
  }
  if (userFlow && callbackUrls.length === 0) {
    throw refused(resource, 'InvalidOAuthFlowException', 'CallbackUrls can not be empty when code flow or implicit flow is selected');
  }
  for (const url of [...callbackUrls, ...logoutUrls]) checkRedirectUrl(resource, url);
  const allowedScopes = strList(config['allowed_oauth_scopes']);
  for (const scope of allowedScopes) {
    if (!STANDARD_SCOPES.includes(scope) && !knownScopes.has(scope)) {
      throw refused(resource, 'ScopeDoesNotExistException', `Invalid scope requested: ${scope}`);
    }
  }
  const units = block(config['token_validity_units']) ?? {};
  const validity = (key: string, unitKey: string, defUnit: string, defMs: number, min: number, max: number): number => {
    const value = num(config[key], 0);
    if (value === 0) return defMs;
    const unit = str(units[unitKey]) ?? defUnit;
    const ms = value * (UNIT_MS[unit] ?? NaN);
    if (!(ms >= min && ms <= max)) throw refused(resource, 'InvalidParameterException', 'Invalid range for token validity.');
    return ms;
  };
  const authSessionMinutes = num(config['auth_session_validity'], 3);
  if (authSessionMinutes < 3 || authSessionMinutes > 15) {
    throw refused(resource, 'InvalidParameterException', `1 validation error detected: Value '${authSessionMinutes}' at 'authSessionValidity' failed to satisfy constraint: Member must have value ${authSessionMinutes < 3 ? 'greater than or equal to 3' : 'less than or equal to 15'}`);
  }
  const prevent = str(config['prevent_user_existence_errors']) ?? 'LEGACY';
  return {
    name: str(config['name']) ?? resource.name,
    generateSecret,
    oauthEnabled: bool(config['allowed_oauth_flows_user_pool_client'], false),
    allowedOAuthFlows,
    allowedScopes,
    callbackUrls,
    logoutUrls,
    supportedIdentityProviders: strList(config['supported_identity_providers']),
    // AWS's default when a client names no flows.
    explicitAuthFlows: config['explicit_auth_flows'] === undefined ? ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_CUSTOM_AUTH'] : strList(config['explicit_auth_flows']),
    preventUserExistenceErrors: prevent === 'ENABLED',
    enableTokenRevocation: bool(config['enable_token_revocation'], true),
    accessTokenValidityMs: validity('access_token_validity', 'access_token', 'hours', 60 * MINUTE, 5 * MINUTE, DAY),
    idTokenValidityMs: validity('id_token_validity', 'id_token', 'hours', 60 * MINUTE, 5 * MINUTE, DAY),
    refreshTokenValidityMs: validity('refresh_token_validity', 'refresh_token', 'days', 30 * DAY, 60 * MINUTE, 3650 * DAY),
    authSessionValidityMs: authSessionMinutes * MINUTE,
  };
}

/** Cognito's rules for callback and logout URLs: absolute, no fragment, HTTPS except http://localhost. */
function checkRedirectUrl(resource: StackResource, value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw refused(resource, 'InvalidParameterException', `${value} is not a valid URL.`);
  }
  if (value.includes('#')) throw refused(resource, 'InvalidParameterException', `${value} cannot contain a fragment.`);
  if (url.protocol === 'http:' && url.hostname !== 'localhost') {
    throw refused(resource, 'InvalidParameterException', `${value} cannot use the HTTP protocol.`);
  }
}

/** A user declared with `aws_cognito_user`. */
export interface DeclaredUser {
  readonly username: string;
  readonly attributes: Record<string, string>;
  readonly temporaryPassword?: string;
  readonly password?: string;
  readonly enabled: boolean;
}

export function readUser(resource: StackResource, config: Record<string, unknown>): DeclaredUser {
  const username = str(config['username']);
  if (!username) throw refused(resource, 'InvalidParameterException', "1 validation error detected: Value null at 'username' failed to satisfy constraint: Member must not be null");
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(block(config['attributes']) ?? {})) {
    if (v !== undefined && v !== null) attributes[k] = String(v);
  }
  return {
    username,
    attributes,
    temporaryPassword: str(config['temporary_password']),
    password: str(config['password']),
    enabled: bool(config['enabled'], true),
  };
}

// Terraform JSON accepts a nested block as an object or as a list of one object.
export function block(v: unknown): Record<string, unknown> | undefined {
  if (Array.isArray(v)) v = v[0];
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function list(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function strList(v: unknown): string[] {
  return list(v).map((x) => str(x)).filter((x): x is string => x !== undefined);
}

export function bool(v: unknown, def: boolean): boolean {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return def;
}

export function num(v: unknown, def: number): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return def;
}
