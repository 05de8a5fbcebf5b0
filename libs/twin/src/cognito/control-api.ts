import type { AwsCall } from '../aws/front';
import type { Input, InputShape } from '../aws/input';
import { M } from './api-input';
import type { CognitoControl } from './control';

/** One control-plane operation: its input shape (top-level members) and what it does. */
interface ControlOperation {
  readonly input: InputShape;
  run(input: Input, control: CognitoControl, call: AwsCall): unknown;
}

const POOL = { UserPoolId: { ...M.POOL_ID, required: true } } as const;
const CLIENT = { ...POOL, ClientId: { ...M.CLIENT_ID, required: true } } as const;
const ARN = { ResourceArn: { type: 'string', required: true, min: 20, max: 2048 } } as const;
const DOMAIN = { Domain: { type: 'string', required: true, min: 1, max: 63 } } as const;
const SERVER = { ...POOL, Identifier: { type: 'string', required: true, min: 1, max: 256 } } as const;
const object = { type: 'object' } as const;
const map = { type: 'map' } as const;
const text = { type: 'string' } as const;
const bool = { type: 'boolean' } as const;
const int = { type: 'integer' } as const;

const POOL_MEMBERS = {
  Policies: object, DeletionProtection: text, LambdaConfig: object, AutoVerifiedAttributes: { type: 'stringList' }, AliasAttributes: { type: 'stringList' },
  UsernameAttributes: { type: 'stringList' }, SmsVerificationMessage: text, EmailVerificationMessage: text, EmailVerificationSubject: text,
  VerificationMessageTemplate: object, SmsAuthenticationMessage: text, UserAttributeUpdateSettings: object, MfaConfiguration: text, DeviceConfiguration: object,
  EmailConfiguration: object, SmsConfiguration: object, UserPoolTags: map, AdminCreateUserConfig: object, Schema: { type: 'list', max: 50, items: 'object' }, UserPoolAddOns: object,
  UsernameConfiguration: object, AccountRecoverySetting: object, UserPoolTier: { type: 'string', enum: ['LITE', 'ESSENTIALS', 'PLUS'] },
} as const;

const CLIENT_MEMBERS = {
  ClientName: { type: 'string', required: true, min: 1, max: 128 }, RefreshTokenValidity: int, AccessTokenValidity: int, IdTokenValidity: int,
  TokenValidityUnits: object, ReadAttributes: { type: 'stringList' }, WriteAttributes: { type: 'stringList' }, ExplicitAuthFlows: { type: 'stringList' },
  SupportedIdentityProviders: { type: 'stringList' }, CallbackURLs: { type: 'stringList', max: 100 }, LogoutURLs: { type: 'stringList', max: 100 },
  DefaultRedirectURI: text, AllowedOAuthFlows: { type: 'stringList', max: 3 }, AllowedOAuthScopes: { type: 'stringList', max: 50 },
  AllowedOAuthFlowsUserPoolClient: bool, AnalyticsConfiguration: object, PreventUserExistenceErrors: { type: 'string', enum: ['LEGACY', 'ENABLED'] },
  EnableTokenRevocation: bool, EnablePropagateAdditionalUserContextData: bool, AuthSessionValidity: int, RefreshTokenRotation: object,
} as const;

/**
 * Cognito's control-plane operations the AWS provider calls for user pools, app clients, domains and resource
 * servers: each is IAM-authorized (a signed request) and answers as AWS does.
 */
export const CONTROL_OPERATIONS: Readonly<Record<string, ControlOperation>> = {
  CreateUserPool: { input: { PoolName: { type: 'string', required: true }, ...POOL_MEMBERS }, run: (i, c, call) => ({ UserPool: c.createUserPool(call, i, call.reuse?.['id']) }) },
  ListUserPools: { input: { MaxResults: { type: 'integer', required: true, min: 1, max: 60 }, NextToken: { type: 'string', min: 1, max: 131072 } }, run: (i, c) => c.listUserPools(Number(i['MaxResults']), i['NextToken'] as string | undefined) },
  DescribeUserPool: { input: POOL, run: (i, c) => ({ UserPool: c.describeUserPool(String(i['UserPoolId'])) }) },
  UpdateUserPool: { input: { ...POOL, PoolName: text, ...POOL_MEMBERS }, run: (i, c) => (c.updateUserPool(i), {}) },
  DeleteUserPool: { input: POOL, run: (i, c) => (c.deleteUserPool(String(i['UserPoolId'])), {}) },
  SetUserPoolMfaConfig: {
    input: { ...POOL, SmsMfaConfiguration: object, SoftwareTokenMfaConfiguration: object, EmailMfaConfiguration: object, MfaConfiguration: text, WebAuthnConfiguration: object },
    run: (i, c) => c.setUserPoolMfaConfig(i),
  },
  GetUserPoolMfaConfig: { input: POOL, run: (i, c) => c.getUserPoolMfaConfig(String(i['UserPoolId'])) },
  AddCustomAttributes: { input: { ...POOL, CustomAttributes: { type: 'list', required: true, max: 25, items: 'object' } }, run: (i, c) => (c.addCustomAttributes(i), {}) },
  TagResource: { input: { ...ARN, Tags: { ...map, required: true } }, run: (i, c) => (c.tagResource(String(i['ResourceArn']), i['Tags'] as Record<string, string>), {}) },
  UntagResource: { input: { ...ARN, TagKeys: { type: 'stringList', required: true } }, run: (i, c) => (c.untagResource(String(i['ResourceArn']), i['TagKeys'] as string[]), {}) },
  ListTagsForResource: { input: ARN, run: (i, c) => ({ Tags: c.listTagsForResource(String(i['ResourceArn'])) }) },
  CreateUserPoolClient: { input: { ...POOL, GenerateSecret: bool, ...CLIENT_MEMBERS }, run: (i, c, call) => ({ UserPoolClient: c.createUserPoolClient(i, { id: call.reuse?.['id'], secret: call.reuse?.['secret'] }) }) },
  DescribeUserPoolClient: { input: CLIENT, run: (i, c) => ({ UserPoolClient: c.describeUserPoolClient(String(i['UserPoolId']), String(i['ClientId'])) }) },
  UpdateUserPoolClient: { input: { ...CLIENT, ...CLIENT_MEMBERS, ClientName: { type: 'string', min: 1, max: 128 } }, run: (i, c) => ({ UserPoolClient: c.updateUserPoolClient(i) }) },
  DeleteUserPoolClient: { input: CLIENT, run: (i, c) => (c.deleteUserPoolClient(String(i['UserPoolId']), String(i['ClientId'])), {}) },
  ListUserPoolClients: { input: { ...POOL, MaxResults: { type: 'integer', min: 1, max: 60 }, NextToken: text }, run: (i, c) => ({ UserPoolClients: c.listUserPoolClients(String(i['UserPoolId'])) }) },
  CreateUserPoolDomain: { input: { ...DOMAIN, ...POOL, CustomDomainConfig: object, ManagedLoginVersion: int }, run: (i, c) => c.createUserPoolDomain(i) },
  DescribeUserPoolDomain: { input: DOMAIN, run: (i, c) => ({ DomainDescription: c.describeUserPoolDomain(String(i['Domain'])) }) },
  UpdateUserPoolDomain: { input: { ...DOMAIN, ...POOL, CustomDomainConfig: object, ManagedLoginVersion: int }, run: (i, c) => c.updateUserPoolDomain(i) },
  DeleteUserPoolDomain: { input: { ...DOMAIN, ...POOL }, run: (i, c) => (c.deleteUserPoolDomain(i), {}) },
  CreateResourceServer: { input: { ...SERVER, Name: { type: 'string', required: true }, Scopes: { type: 'list', max: 100, items: 'object' } }, run: (i, c) => ({ ResourceServer: c.createResourceServer(i) }) },
  DescribeResourceServer: { input: SERVER, run: (i, c) => ({ ResourceServer: c.describeResourceServer(String(i['UserPoolId']), String(i['Identifier'])) }) },
  UpdateResourceServer: { input: { ...SERVER, Name: { type: 'string', required: true }, Scopes: { type: 'list', max: 100, items: 'object' } }, run: (i, c) => ({ ResourceServer: c.updateResourceServer(i) }) },
  DeleteResourceServer: { input: SERVER, run: (i, c) => (c.deleteResourceServer(String(i['UserPoolId']), String(i['Identifier'])), {}) },
  ListResourceServers: { input: { ...POOL, MaxResults: { type: 'integer', min: 1, max: 50 }, NextToken: text }, run: (i, c) => ({ ResourceServers: c.listResourceServers(String(i['UserPoolId'])) }) },
};
