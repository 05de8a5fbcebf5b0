import { DEFAULT_SCRYPT } from './passwords';
import { ids, RunningTwin, startTwin, TestClock } from '../test-support';
import { cognitoCall } from '../test-support/sdk';

// Each spec builds a twin (RSA keys, scrypt) and talks HTTP: generous limits keep a loaded machine from failing it.
jest.setTimeout(30_000);

const TARGET = 'AWSCognitoIdentityProviderService.';

function api(t: RunningTwin) {
  return async (op: string, body: Record<string, unknown>): Promise<{ status: number; text: string; json: Record<string, unknown> }> => {
    // IAM-authorized operations go through the SDK, signed with the twin's credentials at the twin's time.
    if (op.startsWith('Admin')) return { ...(await cognitoCall(t, op, body)), text: '' };
    const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': TARGET + op };
    const res = await fetch(`${t.base}/`, { method: 'POST', headers, body: JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, text, json: JSON.parse(text) as Record<string, unknown> };
  };
}

const STRONG = 'Str0ng-Passw0rd!';

describe('lockout after repeated failed sign-ins', () => {
  let t: RunningTwin;
  let clock: TestClock;
  beforeAll(async () => {
    clock = new TestClock();
    t = await startTwin({ clock });
  });
  afterAll(() => t.close());

  it('locks for 1 s after 5 failures, doubling per further failure up to 15 minutes, then lets the right password in', async () => {
    const call = api(t);
    const { web, pool } = ids(t.twin);
    await call('AdminCreateUser', { UserPoolId: pool, Username: 'locked@example.com', TemporaryPassword: STRONG, MessageAction: 'SUPPRESS' });
    await call('AdminSetUserPassword', { UserPoolId: pool, Username: 'locked@example.com', Password: STRONG, Permanent: true });
    const signIn = (password: string) => call('InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: web, AuthParameters: { USERNAME: 'locked@example.com', PASSWORD: password } });
    for (let i = 1; i <= 5; i++) expect((await signIn('Wrong-Passw0rd!')).json).toEqual({ __type: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    // Locked for 1 s: even the right password is refused, without being checked.
    expect((await signIn(STRONG)).json).toEqual({ __type: 'NotAuthorizedException', message: 'Password attempts exceeded' });
    clock.advance(999);
    expect((await signIn('Wrong-Passw0rd!')).json.message).toBe('Password attempts exceeded');
    clock.advance(2);
    // Sixth failure: 2 s.
    expect((await signIn('Wrong-Passw0rd!')).json.message).toBe('Incorrect username or password.');
    clock.advance(1500);
    expect((await signIn(STRONG)).json.message).toBe('Password attempts exceeded');
    clock.advance(600);
    // Failures 7..20: each lock doubles, capped at 15 minutes.
    let lock = 2000;
    for (let failure = 7; failure <= 20; failure++) {
      expect((await signIn('Wrong-Passw0rd!')).json.message).toBe('Incorrect username or password.');
      lock = Math.min(lock * 2, 15 * 60 * 1000);
      clock.advance(lock - 1);
      expect((await signIn(STRONG)).json.message).toBe('Password attempts exceeded');
      clock.advance(2);
    }
    expect(lock).toBe(15 * 60 * 1000);
    const ok = await signIn(STRONG);
    expect(ok.status).toBe(200);
    // A success resets the count.
    for (let i = 1; i <= 4; i++) await signIn('Wrong-Passw0rd!');
    expect((await signIn(STRONG)).status).toBe(200);
  });

  it('locks unknown user names the same way where user-existence errors are prevented', async () => {
    const call = api(t);
    const { web } = ids(t.twin);
    const signIn = () => call('InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: web, AuthParameters: { USERNAME: 'ghost@example.com', PASSWORD: 'Wrong-Passw0rd!' } });
    for (let i = 1; i <= 5; i++) expect((await signIn()).json.message).toBe('Incorrect username or password.');
    expect((await signIn()).json).toEqual({ __type: 'NotAuthorizedException', message: 'Password attempts exceeded' });
  });
});

describe('temporary passwords expire per the pool setting', () => {
  it('refuses a temporary password older than temporary_password_validity_days', async () => {
    const clock = new TestClock();
    const t = await startTwin({ clock });
    try {
      const call = api(t);
      const { web, pool } = ids(t.twin);
      await call('AdminCreateUser', { UserPoolId: pool, Username: 'late@example.com', TemporaryPassword: 'Temp-Passw0rd-1', MessageAction: 'SUPPRESS' });
      const signIn = () => call('InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: web, AuthParameters: { USERNAME: 'late@example.com', PASSWORD: 'Temp-Passw0rd-1' } });
      clock.advance(7 * 86_400_000 - 1000);
      expect((await signIn()).json['ChallengeName']).toBe('NEW_PASSWORD_REQUIRED');
      clock.advance(2000);
      expect((await signIn()).json).toEqual({ __type: 'NotAuthorizedException', message: 'Temporary password has expired and must be reset by an administrator.' });
      await call('AdminCreateUser', { UserPoolId: pool, Username: 'late@example.com', MessageAction: 'RESEND' });
      const resent = t.messages.filter((m) => m.username === 'late@example.com').pop();
      const again = await call('InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: web, AuthParameters: { USERNAME: 'late@example.com', PASSWORD: resent?.secret } });
      expect(again.json['ChallengeName']).toBe('NEW_PASSWORD_REQUIRED');
    } finally {
      await t.close();
    }
  });
});

describe('user-existence errors', () => {
  let t: RunningTwin;
  // The default (strong) scrypt cost: timing differences would show here if the unknown path skipped hashing.
  beforeAll(async () => {
    t = await startTwin({ scrypt: DEFAULT_SCRYPT });
  }, 60_000);
  afterAll(() => t.close());

  // The timing itself is measured by `npm run bench:sign-in`; here the cause of equal timing is checked: both paths
  // run the same scrypt computation (one derivation, same cost parameters, same salt size), never a shortcut.
  it('answers an unknown user and a wrong password with the same status, body and password-hash computation where prevented', async () => {
    const call = api(t);
    const { web, pool } = ids(t.twin);
    await call('AdminCreateUser', { UserPoolId: pool, Username: 'timing@example.com', TemporaryPassword: STRONG, MessageAction: 'SUPPRESS' });
    const { service } = t.twin.cognito;
    await service.dummy.ready();
    // Calls through to the real scrypt: the spy only records what each sign-in computed.
    const derive = jest.spyOn(service.hasher, 'derive');
    const attempt = async (username: string) => {
      derive.mockClear();
      const res = await call('InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: web, AuthParameters: { USERNAME: username, PASSWORD: 'Wrong-Passw0rd!' } });
      const derivations = derive.mock.calls.map(([, salt, params]) => ({ ...params, saltBytes: salt.length }));
      return { status: res.status, text: res.text, derivations };
    };
    try {
      // The very first unknown-user attempt runs one scrypt too, not two (the dummy hash exists from the start).
      const firstUnknown = await attempt('nobody-first@example.com');
      expect(firstUnknown.derivations).toEqual([{ ...DEFAULT_SCRYPT, saltBytes: 16 }]);
      for (let i = 0; i < 4; i++) {
        const known = await attempt('timing@example.com');
        const unknown = await attempt(`nobody-${i}@example.com`);
        expect(known.status).toBe(400);
        expect(known.text).toBe('{"__type":"NotAuthorizedException","message":"Incorrect username or password."}');
        expect(unknown.status).toBe(known.status);
        expect(unknown.text).toBe(known.text);
        expect(known.derivations).toEqual([{ ...DEFAULT_SCRYPT, saltBytes: 16 }]);
        expect(unknown.derivations).toEqual(known.derivations);
      }
    } finally {
      derive.mockRestore();
    }
  }, 60_000);

  it('tells unknown users apart only for LEGACY clients', async () => {
    const call = api(t);
    const { legacy } = ids(t.twin);
    const res = await call('InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: legacy, AuthParameters: { USERNAME: 'nobody@example.com', PASSWORD: 'Wrong-Passw0rd!' } });
    expect(res.json).toEqual({ __type: 'UserNotFoundException', message: 'User does not exist.' });
  }, 30_000);
});
