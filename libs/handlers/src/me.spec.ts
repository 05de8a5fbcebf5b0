import { handler } from './me';
import { accessTokenClaims, CLIENT_ID, idTokenClaims, lambdaContext, POOL_ISSUER, proxyEvent, SUB } from './test-support/proxy-event';

async function callMe(claims?: Record<string, unknown> | null) {
  const result = await handler(proxyEvent({ claims }), lambdaContext());
  return { ...result, json: JSON.parse(result.body) as Record<string, unknown> };
}

describe('GET /me', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  it('answers 200 with the identity in ID token claims', async () => {
    const res = await callMe(idTokenClaims());
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual({
      sub: SUB,
      username: 'jane',
      email: 'jane@example.com',
      emailVerified: true,
      groups: ['admins', 'readers'],
      tokenUse: 'id',
      issuer: POOL_ISSUER,
      clientId: CLIENT_ID,
      authTime: 1710000000,
      expiresAt: Date.UTC(2024, 2, 9, 17) / 1000,
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
    });
    expect(warn).not.toHaveBeenCalled();
  });

  it('sends JSON that no cache may store', async () => {
    const res = await callMe();
    expect(res.headers).toEqual({ 'content-type': 'application/json', 'cache-control': 'no-store' });
  });

  it('takes clientId from client_id and username from username in access token claims', async () => {
    const res = await callMe(accessTokenClaims({ aud: 'not-the-client' }));
    expect(res.statusCode).toBe(200);
    expect(res.json).toMatchObject({ sub: SUB, username: 'jane', tokenUse: 'access', clientId: CLIENT_ID, authTime: 1710000000, expiresAt: 1710003600 });
  });

  it('leaves out the fields whose claims are absent, and answers groups as [] without cognito:groups', async () => {
    const res = await callMe({ sub: SUB });
    expect(res.json).toEqual({ sub: SUB, groups: [], requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef' });
  });

  it.each([
    ['"false"', 'false', false],
    ['"true"', 'true', true],
  ])('reads email_verified %s as a boolean', async (_label, value, expected) => {
    const res = await callMe(idTokenClaims({ email_verified: value }));
    expect(res.json['emailVerified']).toBe(expected);
  });

  it.each([
    ['comma-joined', 'admins,readers', ['admins', 'readers']],
    ['bracketed, space-separated', '[admins readers]', ['admins', 'readers']],
    ['a single group', 'admins', ['admins']],
  ])('reads cognito:groups %s', async (_label, value, expected) => {
    const res = await callMe(idTokenClaims({ 'cognito:groups': value }));
    expect(res.json['groups']).toEqual(expected);
  });

  it('reads numeric exp as seconds', async () => {
    const res = await callMe(idTokenClaims({ exp: '1710003600' }));
    expect(res.json['expiresAt']).toBe(1710003600);
  });

  it('answers 401 and logs one line when the route has no authorizer', async () => {
    const res = await callMe(null);
    expect(res.statusCode).toBe(401);
    expect(res.json).toEqual({ message: 'Unauthorized' });
    expect(res.headers['content-type']).toBe('application/json');
    expect(warn).toHaveBeenCalledTimes(1);
    const line = String(warn.mock.calls[0]?.[0]);
    expect(line).toMatch(/^GET \/me has no Cognito user pools authorizer/);
    expect(line).not.toContain('\n');
  });

  it.each([
    ['null claims', { claims: null }],
    ['empty claims', { claims: {} }],
    ['no authorizer object', null],
  ])('answers 401 for %s', async (_label, authorizer) => {
    const event = proxyEvent();
    const res = await handler({ ...event, requestContext: { ...event.requestContext, authorizer } }, lambdaContext());
    expect(res.statusCode).toBe(401);
    expect(warn).toHaveBeenCalledTimes(1);
  });
});
