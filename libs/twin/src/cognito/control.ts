import type { AwsCall } from '../aws/front';
import type { TwinClock } from '../contracts';
import type { TwinStore } from '../store/store';
import { CognitoError } from './errors';
import { newClientId, newClientSecret, newPoolId } from './ids';
import { KIND, STANDARD_SCOPES, VALIDITY_BOUNDS, validityMs, type DomainDoc, type ResourceServerDoc, type UserPoolClientDoc, type UserPoolDoc } from './model';
import type { CognitoDirectory } from './pools';

type Json = Record<string, unknown>;

const invalid = (message: string) => new CognitoError('InvalidParameterException', message);
const validation = (value: unknown, at: string, constraint: string) => invalid(`1 validation error detected: Value '${String(value)}' at '${at}' failed to satisfy constraint: ${constraint}`);

const NAME = /^[\w\s+=,.@-]+$/u;
const PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const HOST = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
const RESERVED = ['aws', 'amazon', 'cognito'];
const IDENTIFIER = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const SCOPE_NAME = /^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]+$/;
const FLOWS = ['code', 'implicit', 'client_credentials'];
const EXPLICIT_FLOWS = ['ADMIN_NO_SRP_AUTH', 'CUSTOM_AUTH_FLOW_ONLY', 'USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_CUSTOM_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_AUTH'];
const UNITS = ['seconds', 'minutes', 'hours', 'days'];
/** Members of a pool that UpdateUserPool cannot change (AWS keeps them from the create). */
const IMMUTABLE_POOL = ['Id', 'Name', 'Arn', 'CreationDate', 'UsernameAttributes', 'AliasAttributes', 'UsernameConfiguration', 'SchemaAttributes'];
/** Members of the pool that are the MFA call's, not UpdateUserPool's. */
const MFA_MEMBERS = ['SoftwareTokenMfaConfiguration', 'SmsMfaConfiguration', 'EmailMfaConfiguration', 'WebAuthnConfiguration'];

/**
 * Cognito's control plane: user pools (with MFA and tags), app clients, domains and resource servers, as the AWS
 * provider creates, reads, updates and deletes them. Each operation validates its input as CreateUserPool and friends
 * do, answers AWS's shapes and error codes, and writes the resource to the store, where the hosted UI, the OAuth
 * endpoints and the authorizer read it.
 * @see https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_Operations.html
 */
export class CognitoControl {
  constructor(
    private readonly store: TwinStore,
    private readonly clock: TwinClock,
    private readonly directory: CognitoDirectory,
  ) {}

  // ---- user pools

  createUserPool(call: AwsCall, input: Json, id = newPoolId(call.region)): UserPoolDoc {
    const name = input['PoolName'];
    checkName(name, 'poolName', 128);
    checkPoolMembers(input);
    if (input['UsernameAttributes'] !== undefined && input['AliasAttributes'] !== undefined) throw invalid('Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.');
    if (input['MfaConfiguration'] !== undefined && input['MfaConfiguration'] !== 'OFF' && input['SmsConfiguration'] === undefined) {
      throw invalid('SMS configuration and Auth role are required when MFA is required/optional');
    }
    const tier = (input['UserPoolTier'] as string | undefined) ?? 'ESSENTIALS';
    checkThreatProtection(input['UserPoolAddOns'], tier);
    const now = seconds(this.clock.now());
    const { PoolName: _name, Schema, UserPoolTags, ...rest } = input;
    const doc: UserPoolDoc = {
      ...rest,
      UserPoolTier: tier,
      Id: id,
      Name: String(name),
      Arn: `arn:aws:cognito-idp:${call.region}:${call.accountId}:userpool/${id}`,
      Policies: withPasswordPolicy(rest['Policies']),
      DeletionProtection: (rest['DeletionProtection'] as UserPoolDoc['DeletionProtection']) ?? 'INACTIVE',
      MfaConfiguration: (rest['MfaConfiguration'] as UserPoolDoc['MfaConfiguration']) ?? 'OFF',
      AdminCreateUserConfig: (rest['AdminCreateUserConfig'] as UserPoolDoc['AdminCreateUserConfig']) ?? { AllowAdminCreateUserOnly: false },
      LambdaConfig: (rest['LambdaConfig'] as Json) ?? {},
      SchemaAttributes: (Schema as unknown[]) ?? [],
      CreationDate: now,
      LastModifiedDate: now,
      MfaSettings: {},
    };
    this.store.transaction(() => {
      this.store.putResource({ kind: KIND.pool, id, parent: null, doc });
      if (UserPoolTags && Object.keys(UserPoolTags as Json).length > 0) this.store.tag(doc.Arn, UserPoolTags as Record<string, string>);
    });
    // A pool has its signing keys (and publishes them) from the moment it exists, as on Cognito.
    this.directory.prepareKeys(id);
    return this.describeUserPool(id);
  }

  /** `DescribeUserPool`'s `UserPool`: the document with its domains, tags and user count of now. */
  describeUserPool(id: string): UserPoolDoc {
    const doc = this.pool(id);
    const domains = this.store.resources<DomainDoc>(KIND.domain).map((r) => r.doc).filter((d) => d.UserPoolId === id);
    const prefix = domains.find((d) => !d.CustomDomainConfig);
    const custom = domains.find((d) => d.CustomDomainConfig);
    const { MfaSettings: _mfa, ...visible } = doc;
    return {
      // Pools recorded before the twin kept a tier are on the default plan, as new pools are.
      UserPoolTier: 'ESSENTIALS',
      ...(visible as UserPoolDoc),
      ...(prefix ? { Domain: prefix.Domain } : {}),
      ...(custom ? { CustomDomain: custom.Domain } : {}),
      EstimatedNumberOfUsers: this.store.countUsers(id),
      UserPoolTags: this.store.tags(doc.Arn),
    };
  }

  updateUserPool(input: Json): void {
    const doc = this.pool(String(input['UserPoolId']));
    checkPoolMembers(input);
    if (input['PoolName'] !== undefined) checkName(input['PoolName'], 'poolName', 128);
    const { UserPoolId: _id, UserPoolTags, PoolName, ...members } = input;
    const kept = Object.fromEntries(Object.entries(doc).filter(([k]) => IMMUTABLE_POOL.includes(k) || k === 'MfaSettings'));
    // A tier UpdateUserPool does not name stays: the feature plan changes only when asked.
    const tier = (members['UserPoolTier'] as string | undefined) ?? (doc['UserPoolTier'] as string | undefined) ?? 'ESSENTIALS';
    checkThreatProtection(members['UserPoolAddOns'], tier);
    members['UserPoolTier'] = tier;
    const mfa = (members['MfaConfiguration'] as string | undefined) ?? doc.MfaConfiguration;
    if (mfa !== 'OFF' && !hasSecondFactor(doc.MfaSettings) && members['SmsConfiguration'] === undefined) {
      throw invalid("Invalid MFA configuration given, can't disable all MFAs with a required or optional configuration.");
    }
    const next: UserPoolDoc = {
      ...members,
      ...kept,
      ...(PoolName !== undefined ? { Name: String(PoolName) } : {}),
      Policies: withPasswordPolicy(members['Policies']),
      DeletionProtection: (members['DeletionProtection'] as UserPoolDoc['DeletionProtection']) ?? 'INACTIVE',
      MfaConfiguration: mfa as UserPoolDoc['MfaConfiguration'],
      AdminCreateUserConfig: (members['AdminCreateUserConfig'] as UserPoolDoc['AdminCreateUserConfig']) ?? { AllowAdminCreateUserOnly: false },
      LambdaConfig: (members['LambdaConfig'] as Json) ?? {},
      LastModifiedDate: seconds(this.clock.now()),
    } as UserPoolDoc;
    this.store.transaction(() => {
      this.store.putResource({ kind: KIND.pool, id: doc.Id, parent: null, doc: next });
      if (UserPoolTags !== undefined) {
        this.store.untag(doc.Arn);
        this.store.tag(doc.Arn, UserPoolTags as Record<string, string>);
      }
    });
  }

  deleteUserPool(id: string): void {
    const doc = this.pool(id);
    if (doc.DeletionProtection === 'ACTIVE') {
      throw invalid('The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.');
    }
    this.store.transaction(() => {
      for (const kind of [KIND.client, KIND.domain, KIND.resourceServer]) {
        for (const r of this.store.resources(kind, id)) this.store.deleteResource(kind, r.id);
      }
      this.store.deleteResource(KIND.pool, id);
      this.store.untag(doc.Arn);
      this.store.deletePoolData(id);
    });
  }

  /** ListUserPools: a page of pools (id, name, Lambda triggers, dates), in creation order. */
  listUserPools(max: number, next: string | undefined): Json {
    const all = this.store.resources<UserPoolDoc>(KIND.pool).map((r) => r.doc);
    const start = next === undefined ? 0 : Number.parseInt(Buffer.from(next, 'base64url').toString('utf8'), 10);
    if (!Number.isInteger(start) || start < 0 || start > all.length) throw invalid('Invalid pagination token.');
    const page = all.slice(start, start + max).map((d) => ({ Id: d.Id, Name: d.Name, LambdaConfig: d.LambdaConfig ?? {}, LastModifiedDate: d.LastModifiedDate, CreationDate: d.CreationDate }));
    return { UserPools: page, ...(start + max < all.length ? { NextToken: Buffer.from(String(start + max)).toString('base64url') } : {}) };
  }

  setUserPoolMfaConfig(input: Json): Json {
    const doc = this.pool(String(input['UserPoolId']));
    const mfa = (input['MfaConfiguration'] as UserPoolDoc['MfaConfiguration'] | undefined) ?? doc.MfaConfiguration;
    if (!['OFF', 'ON', 'OPTIONAL'].includes(mfa)) throw validation(mfa, 'mfaConfiguration', 'Member must satisfy enum value set: [OFF, ON, OPTIONAL]');
    // The call sets the whole MFA configuration: a factor it leaves out is no longer configured.
    const settings: Json = {};
    for (const k of MFA_MEMBERS) if (input[k] !== undefined) settings[k] = input[k];
    if (mfa !== 'OFF' && !hasSecondFactor(settings)) throw invalid("Invalid MFA configuration given, can't disable all MFAs with a required or optional configuration.");
    this.store.putResource({ kind: KIND.pool, id: doc.Id, parent: null, doc: { ...doc, MfaConfiguration: mfa, MfaSettings: settings, LastModifiedDate: seconds(this.clock.now()) } });
    return this.getUserPoolMfaConfig(doc.Id);
  }

  getUserPoolMfaConfig(id: string): Json {
    const doc = this.pool(id);
    return { ...doc.MfaSettings, MfaConfiguration: doc.MfaConfiguration };
  }

  /** The pool an ARN names (tag operations take ARNs). */
  poolOfArn(arn: string): UserPoolDoc {
    const id = /^arn:aws[a-z-]*:cognito-idp:[a-z0-9-]+:\d{12}:userpool\/([\w-]+_[0-9A-Za-z]+)$/.exec(arn)?.[1];
    const doc = id ? this.store.resource<UserPoolDoc>(KIND.pool, id)?.doc : undefined;
    if (!doc || doc.Arn !== arn) throw new CognitoError('ResourceNotFoundException', `The resource ${arn.slice(0, 256)} does not exist.`);
    return doc;
  }

  tagResource(arn: string, tags: Record<string, string>): void {
    this.store.tag(this.poolOfArn(arn).Arn, tags);
  }

  untagResource(arn: string, keys: readonly string[]): void {
    this.store.untag(this.poolOfArn(arn).Arn, keys);
  }

  listTagsForResource(arn: string): Record<string, string> {
    return this.store.tags(this.poolOfArn(arn).Arn);
  }

  addCustomAttributes(input: Json): void {
    const doc = this.pool(String(input['UserPoolId']));
    const added = (input['CustomAttributes'] as Json[] | undefined) ?? [];
    checkSchema(added, 'customAttributes');
    const existing = (doc['SchemaAttributes'] as Json[] | undefined) ?? [];
    for (const a of added) {
      const name = `custom:${String(a['Name'])}`;
      if (existing.some((e) => e['Name'] === name || e['Name'] === a['Name'])) throw invalid(`Existing attribute already has name ${name}.`);
    }
    const renamed = added.map((a) => ({ ...a, Name: `custom:${String(a['Name'])}` }));
    this.store.putResource({ kind: KIND.pool, id: doc.Id, parent: null, doc: { ...doc, SchemaAttributes: [...existing, ...renamed], LastModifiedDate: seconds(this.clock.now()) } });
  }

  private pool(id: string): UserPoolDoc {
    const doc = this.store.resource<UserPoolDoc>(KIND.pool, id)?.doc;
    if (!doc) throw new CognitoError('ResourceNotFoundException', `User pool ${id.slice(0, 64)} does not exist.`);
    return doc;
  }

  // ---- app clients

  createUserPoolClient(input: Json, ids: { id?: string; secret?: string } = {}): UserPoolClientDoc {
    const pool = this.pool(String(input['UserPoolId']));
    const { GenerateSecret, ...members } = input;
    const id = ids.id ?? newClientId();
    const secret = GenerateSecret === true ? (ids.secret ?? newClientSecret()) : undefined;
    const now = seconds(this.clock.now());
    const doc = this.checkedClient(pool, { ...members, ClientId: id, ...(secret ? { ClientSecret: secret } : {}), CreationDate: now, LastModifiedDate: now });
    this.store.putResource({ kind: KIND.client, id, parent: pool.Id, doc });
    return doc;
  }

  describeUserPoolClient(poolId: string, clientId: string): UserPoolClientDoc {
    return this.client(poolId, clientId);
  }

  updateUserPoolClient(input: Json): UserPoolClientDoc {
    const pool = this.pool(String(input['UserPoolId']));
    const current = this.client(pool.Id, String(input['ClientId']));
    const { ClientSecret: _never, ...update } = input;
    const doc = this.checkedClient(pool, {
      ...update,
      ClientName: input['ClientName'] ?? current.ClientName,
      ...(current.ClientSecret ? { ClientSecret: current.ClientSecret } : {}),
      CreationDate: current.CreationDate,
      LastModifiedDate: seconds(this.clock.now()),
    });
    this.store.putResource({ kind: KIND.client, id: current.ClientId, parent: pool.Id, doc });
    return doc;
  }

  deleteUserPoolClient(poolId: string, clientId: string): void {
    this.client(poolId, clientId);
    this.store.deleteResource(KIND.client, clientId);
  }

  listUserPoolClients(poolId: string): Json[] {
    this.pool(poolId);
    return this.store.resources<UserPoolClientDoc>(KIND.client, poolId).map(({ doc }) => ({ ClientId: doc.ClientId, UserPoolId: doc.UserPoolId, ClientName: doc.ClientName }));
  }

  private client(poolId: string, clientId: string): UserPoolClientDoc {
    this.pool(poolId);
    const doc = this.store.resource<UserPoolClientDoc>(KIND.client, clientId)?.doc;
    if (!doc || doc.UserPoolId !== poolId) throw new CognitoError('ResourceNotFoundException', `User pool client ${clientId.slice(0, 128)} does not exist.`);
    return doc;
  }

  /** The client document, checked as CreateUserPoolClient and UpdateUserPoolClient check it. */
  private checkedClient(pool: UserPoolDoc, members: Json): UserPoolClientDoc {
    checkName(members['ClientName'], 'clientName', 128);
    const flows = strings(members['AllowedOAuthFlows']);
    for (const f of flows) if (!FLOWS.includes(f)) throw validation(`[${flows.join(', ')}]`, 'allowedOAuthFlows', 'Member must satisfy constraint: [Member must satisfy enum value set: [implicit, client_credentials, code]]');
    for (const f of strings(members['ExplicitAuthFlows'])) if (!EXPLICIT_FLOWS.includes(f)) throw validation(f, 'explicitAuthFlows', `Member must satisfy enum value set: [${EXPLICIT_FLOWS.join(', ')}]`);
    const userFlow = flows.includes('code') || flows.includes('implicit');
    if (flows.includes('client_credentials') && userFlow) throw new CognitoError('InvalidOAuthFlowException', 'client_credentials flow can not be selected along with code flow or implicit flow.');
    if (flows.includes('client_credentials') && members['ClientSecret'] === undefined) throw new CognitoError('InvalidOAuthFlowException', 'client_credentials flow can not be selected if client does not have a client secret.');
    const callbacks = strings(members['CallbackURLs']);
    if (userFlow && callbacks.length === 0) throw new CognitoError('InvalidOAuthFlowException', 'CallbackUrls can not be empty when code flow or implicit flow is selected');
    for (const url of [...callbacks, ...strings(members['LogoutURLs'])]) checkRedirectUrl(url);
    const known = new Set([...STANDARD_SCOPES, ...this.store.resources<ResourceServerDoc>(KIND.resourceServer, pool.Id).flatMap((r) => r.doc.Scopes.map((s) => `${r.doc.Identifier}/${s.ScopeName}`))]);
    for (const scope of strings(members['AllowedOAuthScopes'])) if (!known.has(scope)) throw new CognitoError('ScopeDoesNotExistException', `Invalid scope requested: ${scope}`);
    const units = (members['TokenValidityUnits'] as Json | undefined) ?? {};
    for (const [k, v] of Object.entries(units)) if (v !== undefined && v !== null && !UNITS.includes(String(v))) throw validation(v, `tokenValidityUnits.${k.charAt(0).toLowerCase()}${k.slice(1)}`, 'Member must satisfy enum value set: [seconds, minutes, hours, days]');
    const within = (amount: unknown, unit: unknown, defUnit: string, [min, max]: readonly [number, number]) => {
      if (amount === undefined || amount === null || amount === 0) return;
      const ms = validityMs(Number(amount), unit as string | undefined, defUnit, 0);
      if (!Number.isInteger(Number(amount)) || !(ms >= min && ms <= max)) throw invalid('Invalid range for token validity.');
    };
    within(members['AccessTokenValidity'], units['AccessToken'], 'hours', VALIDITY_BOUNDS.access);
    within(members['IdTokenValidity'], units['IdToken'], 'hours', VALIDITY_BOUNDS.id);
    within(members['RefreshTokenValidity'], units['RefreshToken'], 'days', VALIDITY_BOUNDS.refresh);
    const session = members['AuthSessionValidity'];
    if (session !== undefined && session !== null && !(Number(session) >= 3 && Number(session) <= 15)) {
      throw validation(session, 'authSessionValidity', Number(session) < 3 ? 'Member must have value greater than or equal to 3' : 'Member must have value less than or equal to 15');
    }
    return { ...members, UserPoolId: pool.Id } as UserPoolClientDoc;
  }

  // ---- domains

  createUserPoolDomain(input: Json): Json {
    const pool = this.pool(String(input['UserPoolId']));
    const domain = input['Domain'];
    if (typeof domain !== 'string' || domain === '') throw invalid("1 validation error detected: Value null at 'domain' failed to satisfy constraint: Member must not be null");
    const cert = (input['CustomDomainConfig'] as Json | undefined)?.['CertificateArn'];
    const custom = typeof cert === 'string';
    if (custom) {
      if (!HOST.test(domain)) throw invalid(`The domain name ${domain} is not a valid fully qualified domain name.`);
      if (!/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/.test(cert)) throw invalid('The certificate of a custom domain must be an ACM certificate in us-east-1.');
    } else {
      if (!PREFIX.test(domain)) throw invalid('The domain name contains an invalid character. Domain names can only contain lower-case letters, numbers, and hyphens. Please enter a different name that follows this format: ^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$');
      const reserved = RESERVED.find((w) => domain.includes(w));
      if (reserved) throw invalid(`Domain cannot contain reserved word: ${reserved}`);
    }
    if (this.store.resource(KIND.domain, domain)) throw invalid('Domain already associated with another user pool.');
    if (this.store.resources<DomainDoc>(KIND.domain, pool.Id).some((d) => (d.doc.CustomDomainConfig !== undefined) === custom)) {
      throw invalid(`User pool ${pool.Id} already has a ${custom ? 'custom ' : ''}domain configured.`);
    }
    const version = Number(input['ManagedLoginVersion'] ?? 1);
    const cloudFront = custom ? `d${stable(domain)}.cloudfront.net` : `${domain}.auth.${pool.Id.split('_')[0]}.amazoncognito.com`;
    const doc: DomainDoc = {
      UserPoolId: pool.Id, AWSAccountId: pool.Arn.split(':')[4], Domain: domain, S3Bucket: `aws-cognito-prod-${pool.Id.split('_')[0]}-assets`, CloudFrontDistribution: cloudFront,
      Version: '1', Status: 'ACTIVE', ManagedLoginVersion: version, ...(custom ? { CustomDomainConfig: { CertificateArn: cert } } : {}),
    };
    this.store.putResource({ kind: KIND.domain, id: domain, parent: pool.Id, doc });
    return { CloudFrontDomain: cloudFront, ManagedLoginVersion: version };
  }

  /** `DescribeUserPoolDomain`: an unknown domain is `{}` with status 200, as on AWS. */
  describeUserPoolDomain(domain: string): DomainDoc | Json {
    return this.store.resource<DomainDoc>(KIND.domain, domain)?.doc ?? {};
  }

  updateUserPoolDomain(input: Json): Json {
    const doc = this.domain(String(input['Domain']), String(input['UserPoolId']));
    const cert = (input['CustomDomainConfig'] as Json | undefined)?.['CertificateArn'];
    const next: DomainDoc = {
      ...doc,
      ManagedLoginVersion: Number(input['ManagedLoginVersion'] ?? doc.ManagedLoginVersion),
      ...(typeof cert === 'string' && doc.CustomDomainConfig ? { CustomDomainConfig: { CertificateArn: cert } } : {}),
    };
    this.store.putResource({ kind: KIND.domain, id: doc.Domain, parent: doc.UserPoolId, doc: next });
    return { CloudFrontDomain: next.CloudFrontDistribution, ManagedLoginVersion: next.ManagedLoginVersion };
  }

  deleteUserPoolDomain(input: Json): void {
    const doc = this.domain(String(input['Domain']), String(input['UserPoolId']));
    this.store.deleteResource(KIND.domain, doc.Domain);
  }

  private domain(domain: string, poolId: string): DomainDoc {
    this.pool(poolId);
    const doc = this.store.resource<DomainDoc>(KIND.domain, domain)?.doc;
    if (!doc || doc.UserPoolId !== poolId) throw new CognitoError('ResourceNotFoundException', `Domain ${domain.slice(0, 63)} does not exist in user pool ${poolId}.`);
    return doc;
  }

  // ---- resource servers

  createResourceServer(input: Json): ResourceServerDoc {
    const pool = this.pool(String(input['UserPoolId']));
    const doc = this.checkedServer(pool, input);
    if (this.store.resource(KIND.resourceServer, `${pool.Id}|${doc.Identifier}`)) throw invalid(`${doc.Identifier} already exists in pool ${pool.Id}.`);
    this.store.putResource({ kind: KIND.resourceServer, id: `${pool.Id}|${doc.Identifier}`, parent: pool.Id, doc });
    return doc;
  }

  describeResourceServer(poolId: string, identifier: string): ResourceServerDoc {
    return this.server(poolId, identifier);
  }

  updateResourceServer(input: Json): ResourceServerDoc {
    const pool = this.pool(String(input['UserPoolId']));
    this.server(pool.Id, String(input['Identifier']));
    const doc = this.checkedServer(pool, input);
    this.store.putResource({ kind: KIND.resourceServer, id: `${pool.Id}|${doc.Identifier}`, parent: pool.Id, doc });
    return doc;
  }

  deleteResourceServer(poolId: string, identifier: string): void {
    this.server(poolId, identifier);
    this.store.deleteResource(KIND.resourceServer, `${poolId}|${identifier}`);
  }

  listResourceServers(poolId: string): ResourceServerDoc[] {
    this.pool(poolId);
    return this.store.resources<ResourceServerDoc>(KIND.resourceServer, poolId).map((r) => r.doc);
  }

  private server(poolId: string, identifier: string): ResourceServerDoc {
    this.pool(poolId);
    const doc = this.store.resource<ResourceServerDoc>(KIND.resourceServer, `${poolId}|${identifier}`)?.doc;
    if (!doc) throw new CognitoError('ResourceNotFoundException', `No resource server found with identifier ${identifier.slice(0, 256)} in user pool ${poolId}.`);
    return doc;
  }

  private checkedServer(pool: UserPoolDoc, input: Json): ResourceServerDoc {
    const identifier = input['Identifier'];
    if (typeof identifier !== 'string' || identifier === '') throw invalid("1 validation error detected: Value null at 'identifier' failed to satisfy constraint: Member must not be null");
    if (identifier.length > 256 || !IDENTIFIER.test(identifier)) throw validation(identifier, 'identifier', 'Member must satisfy regular expression pattern: [\\x21\\x23-\\x5B\\x5D-\\x7E]+');
    checkName(input['Name'], 'name', 256);
    const scopes = (input['Scopes'] as Json[] | undefined) ?? [];
    if (!Array.isArray(scopes) || scopes.length > 100) throw validation(`${Array.isArray(scopes) ? scopes.length : 'not a list of'} scopes`, 'scopes', 'Member must have length less than or equal to 100');
    const seen = new Set<string>();
    for (const s of scopes) {
      const name = s?.['ScopeName'];
      if (typeof name !== 'string' || name === '') throw invalid("1 validation error detected: Value null at 'scopes.member.scopeName' failed to satisfy constraint: Member must not be null");
      if (name.length > 256 || !SCOPE_NAME.test(name)) throw validation(name, 'scopes.member.scopeName', 'Member must satisfy regular expression pattern: [\\x21\\x23-\\x2E\\x30-\\x5B\\x5D-\\x7E]+');
      const description = s['ScopeDescription'];
      if (typeof description !== 'string' || description.length < 1 || description.length > 256) throw validation(description, 'scopes.member.scopeDescription', 'Member must have length between 1 and 256');
      if (seen.has(name)) throw invalid(`Duplicate scope name: ${name}`);
      seen.add(name);
    }
    return { UserPoolId: pool.Id, Identifier: identifier, Name: String(input['Name']), Scopes: scopes.map((s) => ({ ScopeName: String(s['ScopeName']), ScopeDescription: String(s['ScopeDescription']) })) };
  }

  /** The directory the data plane reads: exposed for the operations that answer from it. */
  get pools(): CognitoDirectory {
    return this.directory;
  }
}

/** Schema attributes (CreateUserPool's Schema, AddCustomAttributes): each a structure with a name of 1 to 20 characters. */
function checkSchema(items: readonly Json[], at: string): void {
  for (const item of items) {
    const name = item['Name'];
    if (typeof name !== 'string') throw invalid(`1 validation error detected: Value null at '${at}.member.name' failed to satisfy constraint: Member must not be null`);
    if (name.length < 1 || name.length > 20 || !/^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u.test(name)) throw validation(name, `${at}.member.name`, 'Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+ and have length between 1 and 20');
  }
}

function checkName(value: unknown, at: string, max: number): void {
  if (typeof value !== 'string' || value === '') throw invalid(`1 validation error detected: Value null at '${at}' failed to satisfy constraint: Member must not be null`);
  if ([...value].length > max) throw validation(value, at, `Member must have length less than or equal to ${max}`);
  if (!NAME.test(value)) throw validation(value, at, 'Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+');
}

/** The checks CreateUserPool and UpdateUserPool share: the structures, password policy ranges and the enum members. */
function checkPoolMembers(input: Json): void {
  const policies = input['Policies'] as Json | undefined;
  const policyBlock = policies?.['PasswordPolicy'];
  if (policyBlock !== undefined && (typeof policyBlock !== 'object' || policyBlock === null || Array.isArray(policyBlock))) throw new CognitoError('SerializationException', 'Unexpected value for member PasswordPolicy: expected a structure.');
  for (const [k, v] of Object.entries((policyBlock as Json | undefined) ?? {})) {
    const kind = k === 'MinimumLength' || k === 'TemporaryPasswordValidityDays' || k === 'PasswordHistorySize' ? 'number' : 'boolean';
    if (typeof v !== kind) throw new CognitoError('SerializationException', `Unexpected value for member PasswordPolicy.${k.slice(0, 64)}: expected a ${kind === 'number' ? 'number' : 'boolean'}.`);
  }
  if (input['Schema'] !== undefined) checkSchema(input['Schema'] as Json[], 'schema');
  const policy = (policyBlock as Json | undefined) ?? {};
  const min = policy['MinimumLength'];
  if (min !== undefined && !(Number(min) >= 6 && Number(min) <= 99)) {
    throw validation(min, 'policies.passwordPolicy.minimumLength', `Member must have value ${Number(min) < 6 ? 'greater than or equal to 6' : 'less than or equal to 99'}`);
  }
  const days = policy['TemporaryPasswordValidityDays'];
  if (days !== undefined && !(Number(days) >= 0 && Number(days) <= 365)) {
    throw validation(days, 'policies.passwordPolicy.temporaryPasswordValidityDays', 'Member must have value less than or equal to 365');
  }
  const mfa = input['MfaConfiguration'];
  if (mfa !== undefined && !['OFF', 'ON', 'OPTIONAL'].includes(String(mfa))) throw validation(mfa, 'mfaConfiguration', 'Member must satisfy enum value set: [OFF, ON, OPTIONAL]');
  const protection = input['DeletionProtection'];
  if (protection !== undefined && !['ACTIVE', 'INACTIVE'].includes(String(protection))) throw validation(protection, 'deletionProtection', 'Member must satisfy enum value set: [ACTIVE, INACTIVE]');
}

const SECURITY_MODES = ['OFF', 'AUDIT', 'ENFORCED'];

/**
 * Threat protection (`UserPoolAddOns.AdvancedSecurityMode` AUDIT or ENFORCED) is a feature of the Plus plan
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-settings-threat-protection.html); on
 * another tier Cognito answers FeatureUnavailableInTierException "The following features need to be disabled for the
 * ESSENTIALS pricing tier configured: Threat Protection" (recorded in terraform-provider-aws PR #40734). AWS documents
 * no answer for the legacy LITE tier; the twin refuses it there too, as the plan pages list the feature under Plus only.
 */
function checkThreatProtection(addOns: unknown, tier: string): void {
  if (addOns === undefined) return;
  if (typeof addOns !== 'object' || addOns === null || Array.isArray(addOns)) throw new CognitoError('SerializationException', 'Unexpected value for member UserPoolAddOns: expected a structure.');
  const mode = (addOns as Json)['AdvancedSecurityMode'];
  if (mode === undefined) throw validation('null', 'userPoolAddOns.advancedSecurityMode', 'Member must not be null');
  if (!SECURITY_MODES.includes(String(mode))) throw validation(mode, 'userPoolAddOns.advancedSecurityMode', `Member must satisfy enum value set: [${SECURITY_MODES.join(', ')}]`);
  if (mode !== 'OFF' && tier !== 'PLUS') throw new CognitoError('FeatureUnavailableInTierException', `The following features need to be disabled for the ${tier} pricing tier configured: Threat Protection`);
}

/** The start-up warning for the pools with threat protection on: the twin does not risk-score sign-ins. */
export function threatProtectionWarnings(store: TwinStore): string[] {
  const pools = store.resources<UserPoolDoc>(KIND.pool).map((r) => r.doc).filter((d) => ['AUDIT', 'ENFORCED'].includes(String((d['UserPoolAddOns'] as Json | undefined)?.['AdvancedSecurityMode'])));
  if (pools.length === 0) return [];
  const list = pools.map((d) => `${d.Name} (${String((d['UserPoolAddOns'] as Json)['AdvancedSecurityMode'])})`).join(', ');
  return [`Cognito threat protection is not emulated (${list}): sign-ins are not risk-scored, compromised credentials are not detected and no adaptive authentication is asked for.`];
}

function withPasswordPolicy(policies: unknown): UserPoolDoc['Policies'] {
  const given = (policies as Json | undefined) ?? {};
  const p = (given['PasswordPolicy'] as Json | undefined) ?? {};
  return {
    ...given,
    PasswordPolicy: {
      MinimumLength: 8, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true, TemporaryPasswordValidityDays: 7,
      ...(given['PasswordPolicy'] ? { RequireUppercase: false, RequireLowercase: false, RequireNumbers: false, RequireSymbols: false } : {}),
      ...p,
    },
  };
}

function hasSecondFactor(settings: Json): boolean {
  const enabled = (k: string) => (settings[k] as Json | undefined)?.['Enabled'] === true;
  return enabled('SoftwareTokenMfaConfiguration') || settings['SmsMfaConfiguration'] !== undefined || settings['EmailMfaConfiguration'] !== undefined;
}

/** Cognito's rules for callback and logout URLs: absolute, no fragment, HTTPS except http://localhost. */
function checkRedirectUrl(value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(`${value} is not a valid URL.`);
  }
  if (value.includes('#')) throw invalid(`${value} cannot contain a fragment.`);
  if (url.protocol === 'http:' && url.hostname !== 'localhost') throw invalid(`${value} cannot use the HTTP protocol.`);
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}

function stable(text: string): string {
  let h = 0;
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h.toString(36).padStart(7, '0').slice(0, 13);
}
