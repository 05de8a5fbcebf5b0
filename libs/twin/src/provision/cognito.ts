// The Cognito resource types of a stack, brought into the twin through Cognito's control plane with the inputs
// terraform-provider-aws 5.100 sends (internal/service/cognitoidp: user_pool.go, user_pool_client.go,
// user_pool_domain.go, resource_server.go, user.go).
import { AwsError } from '../aws/errors';
import type { UserRecord } from '../store/store';
import { tagsAll, type ApplyContext, type Applied, type ResourceHandler } from './handlers';
import { block, blocks, bool, compact, num, pascalBlock, str, strList } from './terraform';

type Json = Record<string, unknown>;

const IDP = 'AWSCognitoIdentityProviderService';
// Cognito, Lambda and Logs say ResourceNotFoundException; IAM NoSuchEntity; API Gateway NotFoundException.
const NOT_FOUND = ['ResourceNotFoundException', 'UserNotFoundException', 'NoSuchEntity'];

/** Whether an operation failed only because its resource is gone. */
export function isNotFound(err: unknown): boolean {
  return err instanceof AwsError && (NOT_FOUND.includes(err.code) || err.code === 'NotFoundException');
}

/** Runs `fn`, answering undefined when the resource it reads is gone. */
export async function unlessGone<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

const idp = (ctx: ApplyContext, op: string, input: Json, reuse?: Record<string, string>) => ctx.aws.json(IDP, op, input, reuse);

/** The members of CreateUserPool that UpdateUserPool cannot change: a change to one replaces the pool. */
function forceNew(input: Json): string {
  return JSON.stringify([input['PoolName'], input['UsernameAttributes'] ?? null, input['AliasAttributes'] ?? null, input['UsernameConfiguration'] ?? null]);
}

/** CreateUserPool's input for an `aws_cognito_user_pool` (what the provider's expanders send). */
function poolInput(args: Json, ctx: ApplyContext): Json {
  const policy = block(args['password_policy']);
  const recovery = block(args['account_recovery_setting']);
  const admin = block(args['admin_create_user_config']);
  return compact({
    PoolName: str(args['name']),
    Policies: policy
      ? {
          PasswordPolicy: compact({
            MinimumLength: num(policy['minimum_length']),
            RequireLowercase: bool(policy['require_lowercase']) ?? false,
            RequireNumbers: bool(policy['require_numbers']) ?? false,
            RequireSymbols: bool(policy['require_symbols']) ?? false,
            RequireUppercase: bool(policy['require_uppercase']) ?? false,
            TemporaryPasswordValidityDays: num(policy['temporary_password_validity_days']),
            PasswordHistorySize: num(policy['password_history_size']) ?? 0,
          }),
        }
      : undefined,
    AccountRecoverySetting: recovery ? { RecoveryMechanisms: blocks(recovery['recovery_mechanism']).map((m) => ({ Name: str(m['name']), Priority: num(m['priority']) })) } : undefined,
    AdminCreateUserConfig: admin ? compact({ AllowAdminCreateUserOnly: bool(admin['allow_admin_create_user_only']), InviteMessageTemplate: pascalBlock(admin['invite_message_template']) }) : undefined,
    AliasAttributes: strList(args['alias_attributes']),
    AutoVerifiedAttributes: strList(args['auto_verified_attributes']),
    DeletionProtection: str(args['deletion_protection']) ?? 'INACTIVE',
    DeviceConfiguration: pascalBlock(args['device_configuration']),
    EmailConfiguration: pascalBlock(args['email_configuration']),
    EmailVerificationMessage: str(args['email_verification_message']),
    EmailVerificationSubject: str(args['email_verification_subject']),
    LambdaConfig: pascalBlock(args['lambda_config']),
    Schema: blocks(args['schema']).map((s) => pascalBlock(s)),
    SmsAuthenticationMessage: str(args['sms_authentication_message']),
    SmsConfiguration: pascalBlock(args['sms_configuration'], { sns_caller_arn: 'SnsCallerArn', sns_region: 'SnsRegion' }),
    SmsVerificationMessage: str(args['sms_verification_message']),
    UserAttributeUpdateSettings: pascalBlock(args['user_attribute_update_settings']),
    UserPoolAddOns: pascalBlock(args['user_pool_add_ons']),
    UsernameAttributes: strList(args['username_attributes']),
    UsernameConfiguration: pascalBlock(args['username_configuration']),
    VerificationMessageTemplate: pascalBlock(args['verification_message_template']),
    UserPoolTier: str(args['user_pool_tier']) === 'ESSENTIALS' ? undefined : str(args['user_pool_tier']),
    UserPoolTags: tagsAll(args, ctx),
  });
}

/** SetUserPoolMfaConfig's input, sent (as by the provider) when MFA is not OFF. */
function mfaInput(args: Json): Json | undefined {
  const mfa = str(args['mfa_configuration']) ?? 'OFF';
  if (mfa === 'OFF') return undefined;
  const totp = block(args['software_token_mfa_configuration']);
  const sms = block(args['sms_configuration']);
  const email = block(args['email_mfa_configuration']);
  return compact({
    MfaConfiguration: mfa,
    SoftwareTokenMfaConfiguration: totp ? { Enabled: bool(totp['enabled']) ?? false } : undefined,
    SmsMfaConfiguration: sms ? { SmsConfiguration: pascalBlock(sms), SmsAuthenticationMessage: str(args['sms_authentication_message']) } : undefined,
    EmailMfaConfiguration: pascalBlock(email),
  });
}

const userPool: ResourceHandler = {
  type: 'aws_cognito_user_pool',
  rank: 10,
  async apply(r, args, recorded, ctx): Promise<Applied> {
    const input = poolInput(args, ctx);
    const mfa = mfaInput(args);
    const fingerprint = forceNew(input);
    const id = str(recorded?.['id']);
    const existing = id ? await unlessGone(() => idp(ctx, 'DescribeUserPool', { UserPoolId: id })) : undefined;
    let poolId: string;
    if (existing && id && (recorded?.['legacy'] === true || recorded?.['forceNew'] === fingerprint)) {
      const current = existing['UserPool'] as Json;
      if (mfa || current['MfaConfiguration'] !== 'OFF') await idp(ctx, 'SetUserPoolMfaConfig', { UserPoolId: id, ...(mfa ?? { MfaConfiguration: 'OFF' }) });
      const { PoolName: _n, UsernameAttributes: _u, AliasAttributes: _a, UsernameConfiguration: _c, Schema: _s, UserPoolTier: _t, ...mutable } = input;
      await idp(ctx, 'UpdateUserPool', { ...mutable, UserPoolId: id, MfaConfiguration: mfa?.['MfaConfiguration'] ?? 'OFF' });
      poolId = id;
    } else {
      // A change UpdateUserPool cannot make replaces the pool, as `terraform apply` does: its users go with it.
      if (existing && id) await idp(ctx, 'DeleteUserPool', { UserPoolId: id });
      const made = await idp(ctx, 'CreateUserPool', input, existing || !id ? undefined : { id });
      poolId = String((made['UserPool'] as Json)['Id']);
      ctx.remember({ id: poolId, forceNew: fingerprint });
      if (mfa) await idp(ctx, 'SetUserPoolMfaConfig', { UserPoolId: poolId, ...mfa });
    }
    const doc = (await idp(ctx, 'DescribeUserPool', { UserPoolId: poolId }))['UserPool'] as Json;
    if (mfa?.['MfaConfiguration'] === 'ON') ctx.warnings.push(`${r.address}: MFA is ON, but the twin does not emulate TOTP or SMS; sign-ins skip the second factor.`);
    if (args['lambda_config'] !== undefined) ctx.warnings.push(`${r.address}: Lambda triggers are not emulated.`);
    const date = (s: unknown) => new Date(Number(s) * 1000).toISOString();
    return {
      record: { id: poolId, forceNew: fingerprint },
      attributes: {
        ...args, id: poolId, arn: doc['Arn'], name: doc['Name'], endpoint: `cognito-idp.${ctx.region}.amazonaws.com/${poolId}`,
        creation_date: date(doc['CreationDate']), last_modified_date: date(doc['LastModifiedDate']), estimated_number_of_users: doc['EstimatedNumberOfUsers'],
        domain: doc['Domain'] ?? '', custom_domain: doc['CustomDomain'] ?? '', tags_all: tagsAll(args, ctx), mfa_configuration: str(args['mfa_configuration']) ?? 'OFF',
      },
    };
  },
  async remove(recorded, ctx) {
    await idp(ctx, 'DeleteUserPool', { UserPoolId: String(recorded['id']) });
  },
};

/** CreateUserPoolClient's input for an `aws_cognito_user_pool_client`. */
function clientInput(args: Json): Json {
  const units = block(args['token_validity_units']);
  return compact({
    UserPoolId: str(args['user_pool_id']),
    ClientName: str(args['name']),
    GenerateSecret: bool(args['generate_secret']) === true ? true : undefined,
    AccessTokenValidity: num(args['access_token_validity']),
    IdTokenValidity: num(args['id_token_validity']),
    RefreshTokenValidity: num(args['refresh_token_validity']),
    AuthSessionValidity: num(args['auth_session_validity']),
    TokenValidityUnits: units ? compact({ AccessToken: str(units['access_token']), IdToken: str(units['id_token']), RefreshToken: str(units['refresh_token']) }) : undefined,
    AllowedOAuthFlows: strList(args['allowed_oauth_flows']),
    AllowedOAuthFlowsUserPoolClient: bool(args['allowed_oauth_flows_user_pool_client']),
    AllowedOAuthScopes: strList(args['allowed_oauth_scopes'])?.sort(),
    CallbackURLs: strList(args['callback_urls']),
    LogoutURLs: strList(args['logout_urls']),
    DefaultRedirectURI: str(args['default_redirect_uri']),
    SupportedIdentityProviders: strList(args['supported_identity_providers']),
    ExplicitAuthFlows: strList(args['explicit_auth_flows']),
    PreventUserExistenceErrors: str(args['prevent_user_existence_errors']),
    EnableTokenRevocation: bool(args['enable_token_revocation']),
    EnablePropagateAdditionalUserContextData: bool(args['enable_propagate_additional_user_context_data']),
    ReadAttributes: strList(args['read_attributes']),
    WriteAttributes: strList(args['write_attributes']),
    AnalyticsConfiguration: pascalBlock(args['analytics_configuration']),
    RefreshTokenRotation: pascalBlock(args['refresh_token_rotation']),
  });
}

const userPoolClient: ResourceHandler = {
  type: 'aws_cognito_user_pool_client',
  rank: 30,
  async apply(_r, args, recorded, ctx) {
    const input = clientInput(args);
    const pool = String(input['UserPoolId'] ?? '');
    const secret = input['GenerateSecret'] === true;
    const id = str(recorded?.['id']);
    const samePool = recorded?.['pool'] === pool || recorded?.['legacy'] === true;
    // generate_secret and user_pool_id force a new client.
    const sameKind = samePool && Boolean(recorded?.['secret']) === secret;
    const existing = id && samePool ? await unlessGone(() => idp(ctx, 'DescribeUserPoolClient', { UserPoolId: pool, ClientId: id })) : undefined;
    let doc: Json;
    if (existing && sameKind) {
      const { GenerateSecret: _g, ...update } = input;
      doc = (await idp(ctx, 'UpdateUserPoolClient', { ...update, ClientId: id })) as Json;
    } else {
      if (id && recorded) await unlessGone(() => idp(ctx, 'DeleteUserPoolClient', { UserPoolId: String(recorded['pool'] ?? pool), ClientId: id }));
      const reuse = id && sameKind ? { id, ...(recorded?.['secret'] ? { secret: String(recorded['secret']) } : {}) } : undefined;
      doc = await idp(ctx, 'CreateUserPoolClient', input, reuse);
    }
    const client = doc['UserPoolClient'] as Json;
    return {
      record: { id: client['ClientId'], pool, ...(client['ClientSecret'] ? { secret: client['ClientSecret'] } : {}) },
      attributes: { ...args, id: client['ClientId'], client_secret: client['ClientSecret'] ?? '', user_pool_id: pool, name: client['ClientName'] },
    };
  },
  async remove(recorded, ctx) {
    await idp(ctx, 'DeleteUserPoolClient', { UserPoolId: String(recorded['pool']), ClientId: String(recorded['id']) });
  },
};

const userPoolDomain: ResourceHandler = {
  type: 'aws_cognito_user_pool_domain',
  rank: 25,
  async apply(_r, args, recorded, ctx) {
    const domain = str(args['domain']) ?? '';
    const pool = str(args['user_pool_id']) ?? '';
    const certificate = str(args['certificate_arn']);
    const input = compact({ Domain: domain, UserPoolId: pool, CustomDomainConfig: certificate ? { CertificateArn: certificate } : undefined, ManagedLoginVersion: num(args['managed_login_version']) });
    const same = recorded?.['domain'] === domain && recorded?.['pool'] === pool;
    const existing = same ? ((await idp(ctx, 'DescribeUserPoolDomain', { Domain: domain }))['DomainDescription'] as Json) : undefined;
    if (existing?.['Status'] && Boolean(existing['CustomDomainConfig']) === Boolean(certificate)) {
      await idp(ctx, 'UpdateUserPoolDomain', input);
    } else {
      if (recorded) await unlessGone(() => idp(ctx, 'DeleteUserPoolDomain', { Domain: String(recorded['domain']), UserPoolId: String(recorded['pool']) }));
      await idp(ctx, 'CreateUserPoolDomain', input);
    }
    const doc = (await idp(ctx, 'DescribeUserPoolDomain', { Domain: domain }))['DomainDescription'] as Json;
    ctx.stack.register(poolAddress(ctx, pool) ?? '', certificate ? { custom_domain: domain } : { domain });
    return {
      record: { domain, pool },
      attributes: {
        ...args, id: domain, domain, user_pool_id: pool, aws_account_id: doc['AWSAccountId'], cloudfront_distribution: doc['CloudFrontDistribution'],
        cloudfront_distribution_arn: certificate ? `arn:aws:cloudfront::${ctx.accountId}:distribution/${String(doc['CloudFrontDistribution']).split('.')[0].toUpperCase()}` : '',
        cloudfront_distribution_zone_id: 'Z2FDTNDATAQYW2', s3_bucket: doc['S3Bucket'], version: doc['Version'], managed_login_version: doc['ManagedLoginVersion'],
      },
    };
  },
  async remove(recorded, ctx) {
    await idp(ctx, 'DeleteUserPoolDomain', { Domain: String(recorded['domain']), UserPoolId: String(recorded['pool']) });
  },
};

/** The address of the stack's pool with this id (its `domain` attribute follows the domains made for it). */
function poolAddress(ctx: ApplyContext, poolId: string): string | undefined {
  return ctx.stack.resources('aws_cognito_user_pool').find((p) => ctx.stack.attributesOf(p.address)?.['id'] === poolId)?.address;
}

const resourceServer: ResourceHandler = {
  type: 'aws_cognito_resource_server',
  rank: 20,
  async apply(_r, args, recorded, ctx) {
    const identifier = str(args['identifier']) ?? '';
    const pool = str(args['user_pool_id']) ?? '';
    const input = compact({
      Identifier: identifier, Name: str(args['name']), UserPoolId: pool,
      Scopes: blocks(args['scope']).map((s) => ({ ScopeName: str(s['scope_name']), ScopeDescription: str(s['scope_description']) })),
    });
    const same = recorded?.['identifier'] === identifier && recorded?.['pool'] === pool;
    const existing = same ? await unlessGone(() => idp(ctx, 'DescribeResourceServer', { UserPoolId: pool, Identifier: identifier })) : undefined;
    if (existing) await idp(ctx, 'UpdateResourceServer', input);
    else {
      if (recorded) await unlessGone(() => idp(ctx, 'DeleteResourceServer', { UserPoolId: String(recorded['pool']), Identifier: String(recorded['identifier']) }));
      await idp(ctx, 'CreateResourceServer', input);
    }
    const scopes = (input['Scopes'] as Json[] | undefined) ?? [];
    return {
      record: { identifier, pool },
      attributes: { ...args, id: `${pool}|${identifier}`, scope_identifiers: scopes.map((s) => `${identifier}/${String(s['ScopeName'])}`) },
    };
  },
  async remove(recorded, ctx) {
    await idp(ctx, 'DeleteResourceServer', { UserPoolId: String(recorded['pool']), Identifier: String(recorded['identifier']) });
  },
};

/**
 * `aws_cognito_user`: created once (AdminCreateUser semantics, with the sign-in logic's password hashing). A user
 * that never signed in and has no password in the stack gets a fresh generated temporary password at each start
 * (the store keeps only hashes), so that the one printed is always valid; users who changed their password keep it.
 */
const user: ResourceHandler = {
  type: 'aws_cognito_user',
  rank: 40,
  async apply(r, args, recorded, ctx) {
    const poolId = str(args['user_pool_id']) ?? '';
    const pool = ctx.directory.byId(poolId);
    if (!pool) throw new AwsError('ResourceNotFoundException', `User pool ${poolId} does not exist.`);
    const username = str(args['username']);
    if (!username) throw new AwsError('InvalidParameterException', "1 validation error detected: Value null at 'username' failed to satisfy constraint: Member must not be null");
    const attributes: Record<string, string> = {};
    for (const [k, v] of Object.entries(block(args['attributes']) ?? {})) if (v !== undefined && v !== null) attributes[k] = String(v);
    const temporary = str(args['temporary_password']);
    const password = str(args['password']);
    const enabled = bool(args['enabled']) ?? true;
    if (recorded && (recorded['pool'] !== poolId || recorded['username'] !== username)) await removeUser(recorded, ctx);
    let found: UserRecord | undefined = ctx.users.findUser(pool, username);
    let temporaryPassword: string | undefined;
    let generated = false;
    if (!found) {
      const made = await ctx.users.createUser(pool, { username, attributes, temporaryPassword: password === undefined ? temporary : undefined, permanentPassword: password, enabled });
      found = made.user;
      temporaryPassword = made.temporaryPassword;
      generated = password === undefined && temporary === undefined;
    } else {
      // What the stack declares now, as AdminUpdateUserAttributes and AdminDeleteUserAttributes would set it.
      const changed = Object.fromEntries(Object.entries(attributes).filter(([k, v]) => found?.attributes[k] !== v));
      const before = (recorded?.['attributes'] as Record<string, string> | undefined) ?? {};
      const removed = Object.keys(before).filter((k) => !(k in attributes) && k !== 'sub');
      if (Object.keys(changed).length > 0 || removed.length > 0) found = ctx.users.updateAttributes(pool, found, changed, removed);
    }
    if (found.status === 'FORCE_CHANGE_PASSWORD' && temporaryPassword === undefined) {
      if (temporary === undefined) {
        temporaryPassword = await ctx.users.resetTemporaryPassword(pool, found);
        generated = true;
      } else temporaryPassword = temporary;
      found = ctx.users.findUser(pool, username) ?? found;
    }
    ctx.userReports.push({ address: r.address, poolId, username, cognitoUsername: found.username, status: found.status, temporaryPassword, generated });
    return {
      record: { pool: poolId, username, attributes },
      attributes: {
        username, attributes, enabled, id: `${poolId}/${found.username}`, user_pool_id: poolId, sub: found.sub, status: found.status,
        creation_date: new Date(found.createdAt).toISOString(), last_modified_date: new Date(found.updatedAt).toISOString(), mfa_setting_list: [], preferred_mfa_setting: '',
      },
    };
  },
  remove: removeUser,
};

async function removeUser(recorded: Json, ctx: ApplyContext): Promise<void> {
  await unlessGone(() => idp(ctx, 'AdminDeleteUser', { UserPoolId: String(recorded['pool']), Username: String(recorded['username']) }));
}

export const COGNITO_HANDLERS: readonly ResourceHandler[] = [userPool, resourceServer, userPoolDomain, userPoolClient, user];

