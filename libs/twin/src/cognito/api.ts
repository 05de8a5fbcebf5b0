import type { AwsCall, JsonService } from '../aws/front';
import type { UserRecord } from '../store/store';
import { attributesOf, Input, InputShape, M, validateInput } from './api-input';
import { CognitoError } from './errors';
import type { AppClient, UserPool } from './pools';
import { CONTROL_OPERATIONS } from './control-api';
import type { CognitoControl } from './control';
import { ADMIN_SCOPE, CognitoService, safeEqual } from './service';
import { AccessTokenError, IssuedTokens } from './tokens';

/** The JSON API's body limit. */
export const API_BODY_LIMIT = 128 * 1024;

interface Operation {
  readonly input: InputShape;
  /** IAM-authorized operations (Admin* and the control plane) need a request signed with the twin's credentials. */
  readonly iam?: boolean;
  run(input: Input, ops: Operations, call: AwsCall): Promise<unknown> | unknown;
}

/** The members every Admin* operation on one user starts with. */
const POOL_USER = { UserPoolId: { ...M.POOL_ID, required: true }, Username: { ...M.USERNAME, required: true } } as const;

const AUTH_FLOWS = ['USER_SRP_AUTH', 'REFRESH_TOKEN_AUTH', 'REFRESH_TOKEN', 'CUSTOM_AUTH', 'ADMIN_NO_SRP_AUTH', 'USER_PASSWORD_AUTH', 'ADMIN_USER_PASSWORD_AUTH', 'USER_AUTH'];
const CHALLENGES = ['SMS_MFA', 'EMAIL_OTP', 'SOFTWARE_TOKEN_MFA', 'SELECT_MFA_TYPE', 'MFA_SETUP', 'PASSWORD_VERIFIER', 'CUSTOM_CHALLENGE', 'SELECT_CHALLENGE', 'DEVICE_SRP_AUTH', 'DEVICE_PASSWORD_VERIFIER', 'ADMIN_NO_SRP_AUTH', 'NEW_PASSWORD_REQUIRED', 'SMS_OTP', 'PASSWORD', 'WEB_AUTHN', 'PASSWORD_SRP'];

/** The helpers the operations share. */
class Operations {
  constructor(readonly service: CognitoService, readonly control: CognitoControl) {}

  pool(id: unknown): UserPool {
    const pool = this.service.directory.byId(String(id));
    if (!pool) throw new CognitoError('ResourceNotFoundException', `User pool ${String(id)} does not exist.`);
    return pool;
  }

  client(id: unknown, pool?: UserPool): AppClient {
    const client = this.service.directory.client(String(id));
    if (!client || (pool && client.pool !== pool)) throw new CognitoError('ResourceNotFoundException', `User pool client ${String(id)} does not exist.`);
    return client;
  }

  /** The pool and user an Admin* request names, or Cognito's not-found errors. */
  poolUser(input: Input): { pool: UserPool; user: UserRecord } {
    const pool = this.pool(input['UserPoolId']);
    return { pool, user: this.service.requireUser(pool, input['Username'] as string) };
  }

  async user(token: unknown): Promise<{ pool: UserPool; user: UserRecord }> {
    let verified;
    try {
      verified = await this.service.tokens.verifyAccessToken(String(token));
    } catch (err) {
      if (!(err instanceof AccessTokenError)) throw err;
      const message = { invalid: 'Invalid Access Token', expired: 'Access Token has expired', revoked: 'Access Token has been revoked' }[err.problem];
      throw new CognitoError('NotAuthorizedException', message);
    }
    const scopes = String(verified.claims['scope'] ?? '').split(' ');
    if (!scopes.includes(ADMIN_SCOPE)) throw new CognitoError('NotAuthorizedException', 'Access Token does not have required scopes');
    if (!verified.user) throw new CognitoError('NotAuthorizedException', 'Invalid Access Token');
    if (!verified.user.enabled) throw new CognitoError('NotAuthorizedException', 'User is disabled.');
    return { pool: verified.pool, user: verified.user };
  }

  /** USER_PASSWORD_AUTH / ADMIN_USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH, shared by InitiateAuth and AdminInitiateAuth. */
  async initiate(client: AppClient, flow: string, params: Record<string, string>, admin: boolean): Promise<unknown> {
    const enabled = client.settings.explicitAuthFlows;
    const allows = (name: string) => enabled.includes(`ALLOW_${name}`) || enabled.includes(name);
    if (flow === 'REFRESH_TOKEN_AUTH' || flow === 'REFRESH_TOKEN') {
      const token = params['REFRESH_TOKEN'];
      if (!token) throw new CognitoError('InvalidParameterException', 'Missing required parameter REFRESH_TOKEN');
      const rec = this.service.refreshRecord(client, token);
      const user = this.service.store.userBySub(client.pool.id, rec.sub);
      this.service.checkSecretHash(client, params['SECRET_HASH'], user ? [user.username, user.sub, user.attributes['email'] ?? ''] : []);
      return { ChallengeParameters: {}, AuthenticationResult: result(await this.service.refresh(client, rec)) };
    }
    const passwordFlow = admin ? (flow === 'ADMIN_USER_PASSWORD_AUTH' || flow === 'ADMIN_NO_SRP_AUTH') : flow === 'USER_PASSWORD_AUTH';
    if (!passwordFlow) {
      if ((admin && (flow === 'USER_PASSWORD_AUTH' || flow === 'USER_SRP_AUTH')) || (!admin && flow.startsWith('ADMIN_'))) {
        throw new CognitoError('InvalidParameterException', 'Initiate Auth method not supported.');
      }
      if (!allows(flow)) throw new CognitoError('InvalidParameterException', `${flow} flow not enabled for this client`);
      throw new CognitoError('InvalidParameterException', `${flow} is not emulated by the local twin. Fix: enable ALLOW_USER_PASSWORD_AUTH on the client and use USER_PASSWORD_AUTH.`);
    }
    if (admin ? !allows('ADMIN_USER_PASSWORD_AUTH') && !enabled.includes('ADMIN_NO_SRP_AUTH') : !allows('USER_PASSWORD_AUTH')) {
      throw new CognitoError('InvalidParameterException', admin ? 'Auth flow not enabled for this client' : 'USER_PASSWORD_AUTH flow not enabled for this client');
    }
    const username = params['USERNAME'];
    if (!username) throw new CognitoError('InvalidParameterException', 'Missing required parameter USERNAME');
    const password = params['PASSWORD'];
    if (!password) throw new CognitoError('InvalidParameterException', 'Missing required parameter PASSWORD');
    this.service.checkSecretHash(client, params['SECRET_HASH'], [username]);
    const user = await this.service.checkPassword(client, username, password);
    if (user.status === 'FORCE_CHANGE_PASSWORD') {
      const { sub: _sub, ...visible } = user.attributes;
      return {
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: this.service.openChallenge(client, user),
        ChallengeParameters: { USER_ID_FOR_SRP: user.username, requiredAttributes: '[]', userAttributes: JSON.stringify(visible) },
      };
    }
    return { ChallengeParameters: {}, AuthenticationResult: result(await this.signedIn(client, user)) };
  }

  signedIn(client: AppClient, user: UserRecord): Promise<IssuedTokens> {
    return this.service.tokens.issueForUser({
      client, user, scopes: [ADMIN_SCOPE], authTime: Math.floor(this.service.clock.now() / 1000),
      withIdToken: true, withRefreshToken: true, hostedUi: false,
    });
  }

  async respond(client: AppClient, input: Input): Promise<unknown> {
    const name = input['ChallengeName'] as string;
    if (name !== 'NEW_PASSWORD_REQUIRED') {
      throw new CognitoError('InvalidParameterException', `The ${name} challenge is not emulated by the local twin (it emulates NEW_PASSWORD_REQUIRED).`);
    }
    const responses = (input['ChallengeResponses'] as Record<string, string> | undefined) ?? {};
    if (!input['Session']) throw new CognitoError('InvalidParameterException', 'Missing required parameter Session');
    const username = responses['USERNAME'];
    if (!username) throw new CognitoError('InvalidParameterException', 'Missing required parameter USERNAME');
    const newPassword = responses['NEW_PASSWORD'];
    if (!newPassword) throw new CognitoError('InvalidParameterException', 'Missing required parameter NEW_PASSWORD');
    const session = String(input['Session']);
    const user = this.service.challengeUser(client, session);
    const named = this.service.findUser(client.pool, username);
    if (!named || named.sub !== user.sub) throw new CognitoError('NotAuthorizedException', 'Invalid session for the user, session is expired.');
    this.service.checkSecretHash(client, responses['SECRET_HASH'], [username]);
    const attributes: Record<string, string> = {};
    for (const [k, v] of Object.entries(responses)) {
      if (!k.startsWith('userAttributes.')) continue;
      const attr = k.slice('userAttributes.'.length);
      if (attr === 'sub' || attr === 'email_verified' || attr === 'phone_number_verified') {
        throw new CognitoError('InvalidParameterException', `Cannot modify an immutable attribute: ${attr}`);
      }
      attributes[attr] = v;
    }
    const confirmed = await this.service.completeNewPassword(client.pool, user, newPassword, attributes);
    this.service.closeChallenge(session);
    return { ChallengeParameters: {}, AuthenticationResult: result(await this.signedIn(client, confirmed)) };
  }
}

function result(t: IssuedTokens): Record<string, unknown> {
  return { AccessToken: t.accessToken, ExpiresIn: t.expiresIn, TokenType: t.tokenType, ...(t.refreshToken ? { RefreshToken: t.refreshToken } : {}), ...(t.idToken ? { IdToken: t.idToken } : {}) };
}

/** UserType / AdminGetUser shape of a user. */
function userType(user: UserRecord, attributeKey: 'Attributes' | 'UserAttributes', only?: string[]): Record<string, unknown> {
  const attrs = Object.entries(user.attributes)
    .filter(([k]) => !only || only.includes(k))
    .map(([Name, Value]) => ({ Name, Value }));
  return {
    Username: user.username,
    [attributeKey]: attrs,
    UserCreateDate: user.createdAt / 1000,
    UserLastModifiedDate: user.updatedAt / 1000,
    Enabled: user.enabled,
    UserStatus: user.status,
  };
}

const FILTER = /^\s*([\w:]+)\s*(\^?=)\s*"((?:[^"\\]|\\.)*)"\s*$/;
const FILTERABLE = new Set(['username', 'email', 'phone_number', 'name', 'given_name', 'family_name', 'preferred_username', 'cognito:user_status', 'status', 'sub']);

function filterOf(text: string | undefined): ((u: UserRecord) => boolean) | undefined {
  if (!text || text.trim() === '') return undefined;
  const m = FILTER.exec(text);
  if (!m || !FILTERABLE.has(m[1])) throw new CognitoError('InvalidParameterException', 'Error while parsing filter.');
  const [, attr, op, raw] = m;
  const value = raw.replace(/\\(.)/g, '$1');
  const valueOf = (u: UserRecord): string | undefined => {
    if (attr === 'username') return u.username;
    if (attr === 'cognito:user_status') return u.status;
    if (attr === 'status') return u.enabled ? 'Enabled' : 'Disabled';
    return u.attributes[attr];
  };
  return (u) => {
    const v = valueOf(u);
    if (v === undefined) return false;
    return op === '=' ? v === value : v.startsWith(value);
  };
}

const OPERATIONS: Record<string, Operation> = {
  InitiateAuth: {
    input: { AuthFlow: { type: 'string', required: true, enum: AUTH_FLOWS }, ClientId: { ...M.CLIENT_ID, required: true }, AuthParameters: { type: 'map' }, ClientMetadata: { type: 'map' } },
    run: (i, o) => o.initiate(o.client(i['ClientId']), i['AuthFlow'] as string, (i['AuthParameters'] as Record<string, string>) ?? {}, false),
  },
  AdminInitiateAuth: {
    iam: true,
    input: { UserPoolId: { ...M.POOL_ID, required: true }, ClientId: { ...M.CLIENT_ID, required: true }, AuthFlow: { type: 'string', required: true, enum: AUTH_FLOWS }, AuthParameters: { type: 'map' }, ClientMetadata: { type: 'map' } },
    run: (i, o) => o.initiate(o.client(i['ClientId'], o.pool(i['UserPoolId'])), i['AuthFlow'] as string, (i['AuthParameters'] as Record<string, string>) ?? {}, true),
  },
  RespondToAuthChallenge: {
    input: { ClientId: { ...M.CLIENT_ID, required: true }, ChallengeName: { type: 'string', required: true, enum: CHALLENGES }, Session: { type: 'string', min: 20, max: 2048 }, ChallengeResponses: { type: 'map' }, ClientMetadata: { type: 'map' } },
    run: (i, o) => o.respond(o.client(i['ClientId']), i),
  },
  AdminRespondToAuthChallenge: {
    iam: true,
    input: { UserPoolId: { ...M.POOL_ID, required: true }, ClientId: { ...M.CLIENT_ID, required: true }, ChallengeName: { type: 'string', required: true, enum: CHALLENGES }, Session: { type: 'string', min: 20, max: 2048 }, ChallengeResponses: { type: 'map' }, ClientMetadata: { type: 'map' } },
    run: (i, o) => o.respond(o.client(i['ClientId'], o.pool(i['UserPoolId'])), i),
  },
  AdminCreateUser: {
    iam: true,
    input: {
      ...POOL_USER, UserAttributes: { type: 'attributes' }, ValidationData: { type: 'attributes' },
      TemporaryPassword: { ...M.PASSWORD }, ForceAliasCreation: { type: 'boolean' }, MessageAction: { type: 'string', enum: ['RESEND', 'SUPPRESS'] },
      DesiredDeliveryMediums: { type: 'stringList' }, ClientMetadata: { type: 'map' },
    },
    run: async (i, o) => {
      const pool = o.pool(i['UserPoolId']);
      const username = i['Username'] as string;
      if (i['MessageAction'] === 'RESEND') {
        const user = o.service.requireUser(pool, username);
        if (user.status !== 'FORCE_CHANGE_PASSWORD') throw new CognitoError('UnsupportedUserStateException', `Resend not possible. ${user.username} status is not FORCE_CHANGE_PASSWORD.`);
        const temp = await o.service.resetTemporaryPassword(pool, user, i['TemporaryPassword'] as string | undefined);
        o.service.deliver(pool, user, 'temporary-password', temp);
        return { User: userType(o.service.store.userBySub(pool.id, user.sub) ?? user, 'Attributes') };
      }
      const { user, temporaryPassword } = await o.service.createUser(pool, {
        username, attributes: attributesOf(i['UserAttributes']), temporaryPassword: i['TemporaryPassword'] as string | undefined,
      });
      if (i['MessageAction'] !== 'SUPPRESS' && temporaryPassword) o.service.deliver(pool, user, 'temporary-password', temporaryPassword);
      return { User: userType(user, 'Attributes') };
    },
  },
  AdminGetUser: {
    iam: true,
    input: POOL_USER,
    run: (i, o) => ({ ...userType(o.poolUser(i).user, 'UserAttributes'), UserMFASettingList: [], PreferredMfaSetting: undefined }),
  },
  AdminDeleteUser: {
    iam: true,
    input: POOL_USER,
    run: (i, o) => {
      const { pool, user } = o.poolUser(i);
      o.service.store.deleteUser(pool.id, user.sub);
      return {};
    },
  },
  AdminSetUserPassword: {
    iam: true,
    input: { ...POOL_USER, Password: { ...M.PASSWORD, required: true }, Permanent: { type: 'boolean' } },
    run: async (i, o) => {
      const { pool, user } = o.poolUser(i);
      await o.service.setPassword(pool, user, i['Password'] as string, i['Permanent'] === true);
      return {};
    },
  },
  AdminUpdateUserAttributes: {
    iam: true,
    input: { ...POOL_USER, UserAttributes: { type: 'attributes', required: true }, ClientMetadata: { type: 'map' } },
    run: (i, o) => {
      const { pool, user } = o.poolUser(i);
      o.service.updateAttributes(pool, user, attributesOf(i['UserAttributes']));
      return {};
    },
  },
  AdminDeleteUserAttributes: {
    iam: true,
    input: { ...POOL_USER, UserAttributeNames: { type: 'stringList', required: true } },
    run: (i, o) => {
      const { pool, user } = o.poolUser(i);
      o.service.updateAttributes(pool, user, {}, i['UserAttributeNames'] as string[]);
      return {};
    },
  },
  AdminDisableUser: {
    iam: true,
    input: POOL_USER,
    run: (i, o) => {
      const { pool, user } = o.poolUser(i);
      o.service.store.updateUser({ ...user, enabled: false, updatedAt: o.service.clock.now() });
      o.service.globalSignOut(pool, user);
      return {};
    },
  },
  AdminEnableUser: {
    iam: true,
    input: POOL_USER,
    run: (i, o) => {
      const { user } = o.poolUser(i);
      o.service.store.updateUser({ ...user, enabled: true, updatedAt: o.service.clock.now() });
      return {};
    },
  },
  AdminUserGlobalSignOut: {
    iam: true,
    input: POOL_USER,
    run: (i, o) => {
      const { pool, user } = o.poolUser(i);
      o.service.globalSignOut(pool, user);
      return {};
    },
  },
  AdminConfirmSignUp: {
    iam: true,
    input: { ...POOL_USER, ClientMetadata: { type: 'map' } },
    run: (i, o) => {
      const { user } = o.poolUser(i);
      if (user.status !== 'UNCONFIRMED') throw new CognitoError('NotAuthorizedException', `User cannot be confirmed. Current status is ${user.status}`);
      o.service.store.updateUser({ ...user, status: 'CONFIRMED', confirmationCodeHash: null, confirmationCodeExpiresAt: null, updatedAt: o.service.clock.now() });
      return {};
    },
  },
  ListUsers: {
    iam: true,
    input: { UserPoolId: { ...M.POOL_ID, required: true }, AttributesToGet: { type: 'stringList' }, Limit: { type: 'integer', min: 0, max: 60 }, PaginationToken: { type: 'string', min: 1 }, Filter: { type: 'string', max: 256 } },
    run: (i, o) => {
      const pool = o.pool(i['UserPoolId']);
      const limit = (i['Limit'] as number | undefined) || 60;
      const matches = filterOf(i['Filter'] as string | undefined);
      let after: string | undefined;
      if (i['PaginationToken'] !== undefined) {
        try {
          after = JSON.parse(Buffer.from(String(i['PaginationToken']), 'base64url').toString('utf8')).after;
        } catch {
          after = undefined;
        }
        if (typeof after !== 'string') throw new CognitoError('InvalidParameterException', 'Invalid pagination token.');
      }
      const users: UserRecord[] = [];
      let cursor = after;
      let more = false;
      while (users.length < limit) {
        const page = o.service.store.listUsers(pool.id, cursor, 200);
        if (page.length === 0) break;
        for (const u of page) {
          cursor = u.usernameKey;
          if (matches && !matches(u)) continue;
          if (users.length === limit) {
            more = true;
            break;
          }
          users.push(u);
        }
        if (more) break;
      }
      if (!more && users.length === limit && cursor !== undefined) {
        more = o.service.store.listUsers(pool.id, users[users.length - 1].usernameKey, 200).some((u) => !matches || matches(u));
      }
      const only = i['AttributesToGet'] as string[] | undefined;
      return {
        Users: users.map((u) => userType(u, 'Attributes', only && only.length > 0 ? only : undefined)),
        ...(more ? { PaginationToken: Buffer.from(JSON.stringify({ after: users[users.length - 1].usernameKey })).toString('base64url') } : {}),
      };
    },
  },
  SignUp: {
    input: { ClientId: { ...M.CLIENT_ID, required: true }, Username: { ...M.USERNAME, required: true }, Password: { ...M.PASSWORD }, SecretHash: { ...M.SECRET_HASH }, UserAttributes: { type: 'attributes' }, ValidationData: { type: 'attributes' }, ClientMetadata: { type: 'map' } },
    run: async (i, o) => {
      const client = o.client(i['ClientId']);
      o.service.checkSecretHash(client, i['SecretHash'] as string | undefined, [i['Username'] as string]);
      if (i['Password'] === undefined) throw new CognitoError('InvalidParameterException', 'Missing required parameter Password');
      const { user, delivered } = await o.service.signUp(client, i['Username'] as string, i['Password'] as string, attributesOf(i['UserAttributes']));
      return {
        UserConfirmed: false,
        UserSub: user.sub,
        ...(delivered ? { CodeDeliveryDetails: { Destination: mask(delivered), DeliveryMedium: 'EMAIL', AttributeName: 'email' } } : {}),
      };
    },
  },
  ConfirmSignUp: {
    input: { ClientId: { ...M.CLIENT_ID, required: true }, Username: { ...M.USERNAME, required: true }, ConfirmationCode: { type: 'string', required: true, min: 1, max: 2048, pattern: /^[\S]+$/, patternText: '[\\S]+' }, SecretHash: { ...M.SECRET_HASH }, ForceAliasCreation: { type: 'boolean' }, ClientMetadata: { type: 'map' } },
    run: (i, o) => {
      const client = o.client(i['ClientId']);
      o.service.checkSecretHash(client, i['SecretHash'] as string | undefined, [i['Username'] as string]);
      o.service.confirmSignUp(client, i['Username'] as string, i['ConfirmationCode'] as string);
      return {};
    },
  },
  GetUser: {
    input: { AccessToken: { ...M.TOKEN, required: true } },
    run: async (i, o) => {
      const { user } = await o.user(i['AccessToken']);
      return { Username: user.username, UserAttributes: Object.entries(user.attributes).map(([Name, Value]) => ({ Name, Value })) };
    },
  },
  GlobalSignOut: {
    input: { AccessToken: { ...M.TOKEN, required: true } },
    run: async (i, o) => {
      const { pool, user } = await o.user(i['AccessToken']);
      o.service.globalSignOut(pool, user);
      return {};
    },
  },
  RevokeToken: {
    input: { Token: { ...M.TOKEN, required: true }, ClientId: { ...M.CLIENT_ID, required: true }, ClientSecret: { type: 'string', min: 1, max: 64, pattern: /^[\w+]+$/, patternText: '[\\w+]+' } },
    run: (i, o) => {
      const client = o.service.directory.client(String(i['ClientId']));
      if (!client) throw new CognitoError('UnauthorizedException', 'Client authentication failed.');
      if (client.secret !== undefined && !safeEqual(String(i['ClientSecret'] ?? ''), client.secret)) throw new CognitoError('UnauthorizedException', 'Client authentication failed.');
      if (!client.settings.enableTokenRevocation) throw new CognitoError('UnsupportedOperationException', 'Token revocation is not enabled for this app client.');
      const token = String(i['Token']);
      if (token.split('.').length === 3) throw new CognitoError('UnsupportedTokenTypeException', 'Only refresh tokens can be revoked.');
      if (o.service.revoke(client, token) === 'other-client') throw new CognitoError('UnauthorizedException', 'The token was not issued to this client.');
      return {};
    },
  },
  ...Object.fromEntries(
    Object.entries(CONTROL_OPERATIONS).map(([name, op]) => [name, { iam: true, input: op.input, run: (i: Input, o: Operations, call: AwsCall) => op.run(i, o.control, call) }]),
  ),
};

/** The operations the twin emulates. */
export const EMULATED_OPERATIONS = Object.keys(OPERATIONS);

function mask(email: string): string {
  const [local, domain] = email.split('@');
  return `${local.charAt(0)}***@${domain.charAt(0)}***`;
}

/**
 * The Cognito JSON API (`X-Amz-Target: AWSCognitoIdentityProviderService.<Op>`, JSON 1.1): the sign-in operations
 * anyone may call, and the IAM-authorized ones (Admin*, the control plane) that need the twin's credentials. The
 * official AWS SDK and the AWS provider work against it with their endpoint set to the twin.
 */
export function cognitoJsonService(service: CognitoService, control: CognitoControl): JsonService {
  const ops = new Operations(service, control);
  const operations = Object.fromEntries(
    Object.entries(OPERATIONS).map(([name, op]) => [name, { auth: op.iam ? ('sigv4' as const) : ('none' as const), run: (body: Record<string, unknown>, call: AwsCall) => op.run(validateInput(body, op.input), ops, call) }]),
  );
  return { targetPrefix: 'AWSCognitoIdentityProviderService', signingName: 'cognito-idp', bodyLimit: API_BODY_LIMIT, operations };
}
