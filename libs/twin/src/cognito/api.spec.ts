import {
  AdminCreateUserCommand, AdminDeleteUserCommand, AdminDisableUserCommand, AdminEnableUserCommand, AdminGetUserCommand,
  AdminInitiateAuthCommand, AdminSetUserPasswordCommand, CognitoIdentityProviderClient, ConfirmSignUpCommand,
  DescribeUserPoolClientCommand, GetUserCommand, GlobalSignOutCommand, InitiateAuthCommand, ListUsersCommand,
  RespondToAuthChallengeCommand, RevokeTokenCommand, SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createHmac } from 'node:crypto';
import { DEMO_EMAIL, ids, RunningTwin, startTwin } from '../test-support';

// Each spec builds a twin (RSA keys, scrypt) and talks HTTP: generous limits keep a loaded machine from failing it.
jest.setTimeout(30_000);

let t: RunningTwin;
let cognito: CognitoIdentityProviderClient;
let id: ReturnType<typeof ids>;

beforeAll(async () => {
  t = await startTwin();
  id = ids(t.twin);
  cognito = new CognitoIdentityProviderClient({ endpoint: t.base, region: 'eu-west-1', credentials: t.twin.account.credentials(), maxAttempts: 1 });
});
afterAll(async () => {
  cognito.destroy();
  await t.close();
});

async function failure(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await p;
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

const STRONG = 'Str0ng-Passw0rd!';

async function adminUser(email: string, temporary = 'Temp-Passw0rd-1'): Promise<void> {
  await cognito.send(new AdminCreateUserCommand({ UserPoolId: id.pool, Username: email, TemporaryPassword: temporary, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email_verified', Value: 'true' }] }));
}

async function confirmedUser(email: string, clientId = id.web): Promise<{ IdToken?: string; AccessToken?: string; RefreshToken?: string }> {
  await adminUser(email);
  const first = await cognito.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: email, PASSWORD: 'Temp-Passw0rd-1' } }));
  const done = await cognito.send(new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: first.Session, ChallengeResponses: { USERNAME: email, NEW_PASSWORD: STRONG } }));
  return done.AuthenticationResult ?? {};
}

describe('Cognito JSON API through the official AWS SDK', () => {
  it('AdminCreateUser makes a FORCE_CHANGE_PASSWORD user and emails a generated temporary password', async () => {
    const res = await cognito.send(new AdminCreateUserCommand({ UserPoolId: id.pool, Username: 'new.person@example.com', UserAttributes: [{ Name: 'email_verified', Value: 'true' }] }));
    expect(res.User).toMatchObject({ UserStatus: 'FORCE_CHANGE_PASSWORD', Enabled: true });
    expect(res.User?.Username).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.User?.UserCreateDate).toBeInstanceOf(Date);
    expect(res.User?.Attributes).toEqual(expect.arrayContaining([{ Name: 'email', Value: 'new.person@example.com' }, { Name: 'email_verified', Value: 'true' }, { Name: 'sub', Value: res.User?.Username }]));
    const mail = t.messages.find((m) => m.username === 'new.person@example.com');
    expect(mail).toMatchObject({ kind: 'temporary-password', destination: 'new.person@example.com' });
    expect(mail?.secret).toHaveLength(16);
    expect(await failure(cognito.send(new AdminCreateUserCommand({ UserPoolId: id.pool, Username: 'New.Person@example.com' })))).toMatchObject({ name: 'UsernameExistsException', message: 'User account already exists', status: 400 });
    expect(await failure(cognito.send(new AdminCreateUserCommand({ UserPoolId: 'eu-west-1_Nothere00', Username: 'x@example.com' })))).toMatchObject({ name: 'ResourceNotFoundException', message: 'User pool eu-west-1_Nothere00 does not exist.' });
    expect(await failure(cognito.send(new AdminCreateUserCommand({ UserPoolId: id.pool, Username: 'not-an-email' })))).toMatchObject({ name: 'InvalidParameterException', message: 'Username should be an email.' });
    expect(await failure(cognito.send(new AdminCreateUserCommand({ UserPoolId: id.pool, Username: 'weak@example.com', TemporaryPassword: 'short' })))).toMatchObject({
      name: 'InvalidPasswordException',
      message: 'Password does not conform to policy: Password not long enough',
    });
  });

  it('signs in with USER_PASSWORD_AUTH through NEW_PASSWORD_REQUIRED, enforcing the policy, then refreshes', async () => {
    await adminUser('walk@example.com');
    const first = await cognito.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: id.web, AuthParameters: { USERNAME: 'walk@example.com', PASSWORD: 'Temp-Passw0rd-1' } }));
    expect(first.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
    expect(first.AuthenticationResult).toBeUndefined();
    expect(JSON.parse(String(first.ChallengeParameters?.['userAttributes']))).toEqual({ email: 'walk@example.com', email_verified: 'true' });
    const weak = await failure(cognito.send(new RespondToAuthChallengeCommand({ ClientId: id.web, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: first.Session, ChallengeResponses: { USERNAME: 'walk@example.com', NEW_PASSWORD: 'alllowercase-123!' } })));
    expect(weak).toMatchObject({ name: 'InvalidPasswordException', message: 'Password does not conform to policy: Password must have uppercase characters' });
    expect(await failure(cognito.send(new RespondToAuthChallengeCommand({ ClientId: id.web, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 'x'.repeat(40), ChallengeResponses: { USERNAME: 'walk@example.com', NEW_PASSWORD: STRONG } })))).toMatchObject({
      name: 'NotAuthorizedException', message: 'Invalid session for the user, session is expired.',
    });
    const done = await cognito.send(new RespondToAuthChallengeCommand({ ClientId: id.web, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: first.Session, ChallengeResponses: { USERNAME: 'walk@example.com', NEW_PASSWORD: STRONG } }));
    expect(done.AuthenticationResult).toMatchObject({ TokenType: 'Bearer', ExpiresIn: 3600 });
    expect(done.AuthenticationResult?.RefreshToken?.split('.')).toHaveLength(5);

    const again = await cognito.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: id.web, AuthParameters: { USERNAME: 'WALK@example.com', PASSWORD: STRONG } }));
    expect(again.ChallengeName).toBeUndefined();
    expect(again.AuthenticationResult?.IdToken).toBeDefined();

    const refreshed = await cognito.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: id.web, AuthParameters: { REFRESH_TOKEN: String(again.AuthenticationResult?.RefreshToken) } }));
    expect(refreshed.AuthenticationResult?.AccessToken).toBeDefined();
    expect(refreshed.AuthenticationResult?.IdToken).toBeDefined();
    expect(refreshed.AuthenticationResult?.RefreshToken).toBeUndefined();
    expect(await failure(cognito.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: id.codeOnly, AuthParameters: { REFRESH_TOKEN: String(again.AuthenticationResult?.RefreshToken) } })))).toMatchObject({
      name: 'NotAuthorizedException', message: 'Invalid Refresh Token',
    });

    const me = await cognito.send(new GetUserCommand({ AccessToken: again.AuthenticationResult?.AccessToken }));
    expect(me.UserAttributes).toEqual(expect.arrayContaining([{ Name: 'email', Value: 'walk@example.com' }]));
  });

  it('AdminInitiateAuth signs in where the client allows the admin flow', async () => {
    await confirmedUser('admin.flow@example.com');
    const res = await cognito.send(new AdminInitiateAuthCommand({ UserPoolId: id.pool, ClientId: id.web, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'admin.flow@example.com', PASSWORD: STRONG } }));
    expect(res.AuthenticationResult?.AccessToken).toBeDefined();
    expect(await failure(cognito.send(new AdminInitiateAuthCommand({ UserPoolId: id.pool, ClientId: id.legacy, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'admin.flow@example.com', PASSWORD: STRONG } })))).toMatchObject({
      name: 'InvalidParameterException', message: 'Auth flow not enabled for this client',
    });
  });

  it('refuses flows the client does not enable, and names missing auth parameters', async () => {
    expect(await failure(cognito.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: id.codeOnly, AuthParameters: { USERNAME: DEMO_EMAIL, PASSWORD: 'x' } })))).toMatchObject({
      name: 'InvalidParameterException', message: 'USER_PASSWORD_AUTH flow not enabled for this client',
    });
    expect(await failure(cognito.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: id.web, AuthParameters: { PASSWORD: 'x' } })))).toMatchObject({
      name: 'InvalidParameterException', message: 'Missing required parameter USERNAME',
    });
    expect(await failure(cognito.send(new InitiateAuthCommand({ AuthFlow: 'USER_SRP_AUTH', ClientId: id.web, AuthParameters: { USERNAME: DEMO_EMAIL, SRP_A: 'ab' } })))).toMatchObject({
      name: 'InvalidParameterException', message: 'USER_SRP_AUTH flow not enabled for this client',
    });
    expect(await failure(cognito.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'unknownclientid0000000000a', AuthParameters: {} })))).toMatchObject({
      name: 'ResourceNotFoundException', message: 'User pool client unknownclientid0000000000a does not exist.',
    });
  });

  it('checks SECRET_HASH for clients with a secret', async () => {
    await confirmedUser('secret.hash@example.com');
    const secret = id.confidentialSecret;
    const hash = createHmac('sha256', secret).update(`secret.hash@example.com${id.confidential}`).digest('base64');
    const params = { USERNAME: 'secret.hash@example.com', PASSWORD: STRONG };
    expect(await failure(cognito.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: id.confidential, AuthParameters: params })))).toMatchObject({
      name: 'NotAuthorizedException', message: `Client ${id.confidential} is configured for secret but secret was not received`,
    });
    expect(await failure(cognito.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: id.confidential, AuthParameters: { ...params, SECRET_HASH: 'AAAA' + hash.slice(4) } })))).toMatchObject({
      name: 'NotAuthorizedException', message: `Unable to verify secret hash for client ${id.confidential}`,
    });
    const ok = await cognito.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: id.confidential, AuthParameters: { ...params, SECRET_HASH: hash } }));
    expect(ok.AuthenticationResult?.IdToken).toBeDefined();
  });

  it('AdminGetUser, AdminSetUserPassword, AdminDisableUser/EnableUser and AdminDeleteUser', async () => {
    await adminUser('managed@example.com');
    const got = await cognito.send(new AdminGetUserCommand({ UserPoolId: id.pool, Username: 'managed@example.com' }));
    expect(got.UserStatus).toBe('FORCE_CHANGE_PASSWORD');
    expect((await cognito.send(new AdminGetUserCommand({ UserPoolId: id.pool, Username: got.Username }))).Username).toBe(got.Username);

    await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: id.pool, Username: 'managed@example.com', Password: STRONG, Permanent: true }));
    expect((await cognito.send(new AdminGetUserCommand({ UserPoolId: id.pool, Username: 'managed@example.com' }))).UserStatus).toBe('CONFIRMED');
    const signIn = () => cognito.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: id.web, AuthParameters: { USERNAME: 'managed@example.com', PASSWORD: STRONG } }));
    expect((await signIn()).AuthenticationResult).toBeDefined();
    expect(await failure(cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: id.pool, Username: 'managed@example.com', Password: 'weakweakweak', Permanent: true })))).toMatchObject({ name: 'InvalidPasswordException' });

    await cognito.send(new AdminDisableUserCommand({ UserPoolId: id.pool, Username: 'managed@example.com' }));
    expect(await failure(signIn())).toMatchObject({ name: 'NotAuthorizedException', message: 'User is disabled.' });
    await cognito.send(new AdminEnableUserCommand({ UserPoolId: id.pool, Username: 'managed@example.com' }));
    expect((await signIn()).AuthenticationResult).toBeDefined();

    await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: id.pool, Username: 'managed@example.com', Password: 'Another-Temp-9', Permanent: false }));
    expect((await cognito.send(new AdminGetUserCommand({ UserPoolId: id.pool, Username: 'managed@example.com' }))).UserStatus).toBe('FORCE_CHANGE_PASSWORD');

    await cognito.send(new AdminDeleteUserCommand({ UserPoolId: id.pool, Username: 'managed@example.com' }));
    expect(await failure(cognito.send(new AdminGetUserCommand({ UserPoolId: id.pool, Username: 'managed@example.com' })))).toMatchObject({ name: 'UserNotFoundException', message: 'User does not exist.' });
    expect(await failure(cognito.send(new AdminDeleteUserCommand({ UserPoolId: id.pool, Username: 'managed@example.com' })))).toMatchObject({ name: 'UserNotFoundException' });
  });

  it('ListUsers filters and pages', async () => {
    for (const n of [1, 2, 3]) await adminUser(`list-${n}@list.example.com`);
    const all = await cognito.send(new ListUsersCommand({ UserPoolId: id.pool, Filter: 'email ^= "list-"' }));
    expect(all.Users?.map((u) => u.Attributes?.find((a) => a.Name === 'email')?.Value).sort()).toEqual(['list-1@list.example.com', 'list-2@list.example.com', 'list-3@list.example.com']);
    const page1 = await cognito.send(new ListUsersCommand({ UserPoolId: id.pool, Filter: 'email ^= "list-"', Limit: 2 }));
    expect(page1.Users).toHaveLength(2);
    expect(page1.PaginationToken).toBeDefined();
    const page2 = await cognito.send(new ListUsersCommand({ UserPoolId: id.pool, Filter: 'email ^= "list-"', Limit: 2, PaginationToken: page1.PaginationToken }));
    expect(page2.Users).toHaveLength(1);
    expect(page2.PaginationToken).toBeUndefined();
    const exact = await cognito.send(new ListUsersCommand({ UserPoolId: id.pool, Filter: 'email = "list-2@list.example.com"', AttributesToGet: ['email'] }));
    expect(exact.Users?.[0].Attributes).toEqual([{ Name: 'email', Value: 'list-2@list.example.com' }]);
    expect(await failure(cognito.send(new ListUsersCommand({ UserPoolId: id.pool, Filter: 'email ~ x' })))).toMatchObject({ name: 'InvalidParameterException', message: 'Error while parsing filter.' });
    expect(await failure(cognito.send(new ListUsersCommand({ UserPoolId: id.pool, Limit: 61 })))).toMatchObject({ name: 'InvalidParameterException', message: expect.stringContaining("at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60") });
  });

  it('SignUp and ConfirmSignUp where the pool allows self sign-up, never where it does not', async () => {
    expect(await failure(cognito.send(new SignUpCommand({ ClientId: id.web, Username: 'self@example.com', Password: STRONG })))).toMatchObject({
      name: 'NotAuthorizedException', message: 'SignUp is not permitted for this user pool',
    });
    expect(await failure(cognito.send(new SignUpCommand({ ClientId: id.otherWeb, Username: 'selfie', Password: 'short', UserAttributes: [{ Name: 'email', Value: 'selfie@example.com' }] })))).toMatchObject({ name: 'InvalidPasswordException' });
    const res = await cognito.send(new SignUpCommand({ ClientId: id.otherWeb, Username: 'Selfie', Password: STRONG, UserAttributes: [{ Name: 'email', Value: 'selfie@example.com' }] }));
    expect(res).toMatchObject({ UserConfirmed: false, CodeDeliveryDetails: { Destination: 's***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' } });
    expect(await failure(cognito.send(new SignUpCommand({ ClientId: id.otherWeb, Username: 'selfie', Password: STRONG })))).toMatchObject({ name: 'UsernameExistsException', message: 'User already exists' });
    const signIn = () => cognito.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: id.otherWeb, AuthParameters: { USERNAME: 'selfie', PASSWORD: STRONG } }));
    expect(await failure(signIn())).toMatchObject({ name: 'UserNotConfirmedException', message: 'User is not confirmed.' });
    const code = t.messages.find((m) => m.kind === 'confirmation-code' && m.destination === 'selfie@example.com')?.secret;
    expect(code).toMatch(/^\d{6}$/);
    const wrong = code === '000000' ? '111111' : '000000';
    expect(await failure(cognito.send(new ConfirmSignUpCommand({ ClientId: id.otherWeb, Username: 'selfie', ConfirmationCode: wrong })))).toMatchObject({
      name: 'CodeMismatchException', message: 'Invalid verification code provided, please try again.',
    });
    await cognito.send(new ConfirmSignUpCommand({ ClientId: id.otherWeb, Username: 'SELFIE', ConfirmationCode: String(code) }));
    expect((await signIn()).AuthenticationResult?.AccessToken).toBeDefined();
    expect(await failure(cognito.send(new ConfirmSignUpCommand({ ClientId: id.otherWeb, Username: 'selfie', ConfirmationCode: String(code) })))).toMatchObject({
      name: 'NotAuthorizedException', message: 'User cannot be confirmed. Current status is CONFIRMED',
    });
  });

  it('GlobalSignOut revokes access and refresh tokens at Cognito', async () => {
    const tokens = await confirmedUser('global@example.com');
    await cognito.send(new GlobalSignOutCommand({ AccessToken: tokens.AccessToken }));
    expect(await failure(cognito.send(new GetUserCommand({ AccessToken: tokens.AccessToken })))).toMatchObject({ name: 'NotAuthorizedException', message: 'Access Token has been revoked' });
    expect(await failure(cognito.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: id.web, AuthParameters: { REFRESH_TOKEN: String(tokens.RefreshToken) } })))).toMatchObject({
      name: 'NotAuthorizedException', message: 'Refresh Token has been revoked',
    });
    const fresh = await cognito.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: id.web, AuthParameters: { USERNAME: 'global@example.com', PASSWORD: STRONG } }));
    expect((await cognito.send(new GetUserCommand({ AccessToken: fresh.AuthenticationResult?.AccessToken }))).Username).toBeDefined();
    expect(await failure(cognito.send(new GetUserCommand({ AccessToken: String(tokens.IdToken) })))).toMatchObject({ name: 'NotAuthorizedException', message: 'Invalid Access Token' });
    expect(await failure(cognito.send(new GetUserCommand({ AccessToken: 'abc.def.ghi' })))).toMatchObject({ name: 'NotAuthorizedException', message: 'Invalid Access Token' });
  });

  it('RevokeToken revokes a refresh token and what it issued; refuses access tokens and clients without revocation', async () => {
    const tokens = await confirmedUser('revoke@example.com');
    const refreshed = await cognito.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: id.web, AuthParameters: { REFRESH_TOKEN: String(tokens.RefreshToken) } }));
    expect(await failure(cognito.send(new RevokeTokenCommand({ ClientId: id.web, Token: String(tokens.AccessToken) })))).toMatchObject({ name: 'UnsupportedTokenTypeException' });
    expect(await failure(cognito.send(new RevokeTokenCommand({ ClientId: id.codeOnly, Token: String(tokens.RefreshToken) })))).toMatchObject({ name: 'UnauthorizedException' });
    await cognito.send(new RevokeTokenCommand({ ClientId: id.web, Token: String(tokens.RefreshToken) }));
    expect(await failure(cognito.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: id.web, AuthParameters: { REFRESH_TOKEN: String(tokens.RefreshToken) } })))).toMatchObject({
      message: 'Refresh Token has been revoked',
    });
    expect(await failure(cognito.send(new GetUserCommand({ AccessToken: refreshed.AuthenticationResult?.AccessToken })))).toMatchObject({ message: 'Access Token has been revoked' });
    await cognito.send(new RevokeTokenCommand({ ClientId: id.web, Token: 'unknown.token' }));
    expect(await failure(cognito.send(new RevokeTokenCommand({ ClientId: id.legacy, Token: 'any' })))).toMatchObject({ name: 'UnsupportedOperationException' });
  });

  it('DescribeUserPoolClient returns the client and its secret', async () => {
    const res = await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: id.pool, ClientId: id.machine }));
    expect(res.UserPoolClient).toMatchObject({ ClientId: id.machine, ClientSecret: id.machineSecret, AllowedOAuthFlows: ['client_credentials'] });
  });
});

describe('Cognito JSON API bad input over HTTP', () => {
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${t.base}/`, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', ...headers }, body });
  const target = (op: string) => ({ 'x-amz-target': `AWSCognitoIdentityProviderService.${op}` });

  async function expectAws(res: Response, status: number, type: string, message?: string | RegExp): Promise<void> {
    expect(res.status).toBe(status);
    expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    const body = (await res.json()) as { __type: string; message: string };
    expect(body.__type).toBe(type);
    if (message instanceof RegExp) expect(body.message).toMatch(message);
    else if (message !== undefined) expect(body.message).toBe(message);
    expect(JSON.stringify(body)).not.toMatch(/\bat .*\.(ts|js):\d+/);
  }

  it('malformed JSON and non-object bodies are SerializationException', async () => {
    await expectAws(await post('{"ClientId": ', target('InitiateAuth')), 400, 'SerializationException', 'The request body is not valid JSON.');
    await expectAws(await post('[1,2]', target('InitiateAuth')), 400, 'SerializationException');
    await expectAws(await post('"text"', target('InitiateAuth')), 400, 'SerializationException');
    await expectAws(await post('{"ClientId": 5, "AuthFlow": "USER_PASSWORD_AUTH"}', target('InitiateAuth')), 400, 'SerializationException', 'Unexpected value for member ClientId: expected a string.');
  });

  it('unknown or missing X-Amz-Target is UnknownOperationException', async () => {
    await expectAws(await post('{}', target('DeleteEverything')), 400, 'UnknownOperationException', /does not emulate DeleteEverything/);
    await expectAws(await post('{}'), 400, 'UnknownOperationException');
    await expectAws(await post('{}', { 'x-amz-target': 'AmazonS3.ListBuckets' }), 400, 'UnknownOperationException');
    await expectAws(await post('{}', target('constructor')), 400, 'UnknownOperationException');
    await expectAws(await post('{}', target('__proto__')), 400, 'UnknownOperationException');
  });

  it('missing and out-of-constraint parameters are one InvalidParameterException in AWS wording', async () => {
    await expectAws(await post('{}', target('InitiateAuth')), 400, 'InvalidParameterException',
      "2 validation errors detected: Value null at 'authFlow' failed to satisfy constraint: Member must not be null; Value null at 'clientId' failed to satisfy constraint: Member must not be null");
    await expectAws(await post('{"AuthFlow":"MAGIC","ClientId":"abc"}', target('InitiateAuth')), 400, 'InvalidParameterException', /Value 'MAGIC' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set/);
    await expectAws(await post(JSON.stringify({ AccessToken: 'has spaces in it' }), target('GetUser')), 400, 'InvalidParameterException', /at 'accessToken' failed to satisfy constraint: Member must satisfy regular expression pattern/);
  });

  it('oversize bodies are 413 and other media types 415, in AWS shape', async () => {
    await expectAws(await post(JSON.stringify({ ClientId: 'x', AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'a'.repeat(200_000) } }), target('InitiateAuth')), 413, 'RequestEntityTooLargeException');
    await expectAws(await fetch(`${t.base}/`, { method: 'POST', headers: { 'content-type': 'text/plain', ...target('InitiateAuth') }, body: '{}' }), 415, 'SerializationException');
  });

  it('admin operations need a request signed with the twin credentials: AWS errors for none, an unknown key, a bad signature', async () => {
    await expectAws(await post(JSON.stringify({ UserPoolId: id.pool, Username: DEMO_EMAIL }), target('AdminGetUser')), 400, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    const now = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
    const forged = (key: string) => ({ ...target('AdminGetUser'), 'x-amz-date': now, authorization: `AWS4-HMAC-SHA256 Credential=${key}/${now.slice(0, 8)}/eu-west-1/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}` });
    await expectAws(await post(JSON.stringify({ UserPoolId: id.pool, Username: DEMO_EMAIL }), forged('AKIAOTHERPROCESS0000')), 400, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    await expectAws(await post(JSON.stringify({ UserPoolId: id.pool, Username: DEMO_EMAIL }), forged(t.twin.account.credentials().accessKeyId)), 400, 'InvalidSignatureException', /does not match the signature you provided/);
    const res = await cognito.send(new AdminGetUserCommand({ UserPoolId: id.pool, Username: DEMO_EMAIL }));
    expect(res.UserStatus).toBe('FORCE_CHANGE_PASSWORD');
  });

  it('accepts application/json too, and answers JSON 1.1', async () => {
    const res = await fetch(`${t.base}/`, { method: 'POST', headers: { 'content-type': 'application/json', ...target('InitiateAuth') }, body: JSON.stringify({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: id.web, AuthParameters: { USERNAME: 'nobody@example.com', PASSWORD: 'x' } }) });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(await res.json()).toEqual({ __type: 'NotAuthorizedException', message: 'Incorrect username or password.' });
  });
});
