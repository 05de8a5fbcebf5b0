import { FakePool, TestClock } from '../../test-support';
import { CognitoAuthorizer, claimsAsStrings, type CognitoAuthorizerConfig } from './authorizer';

const BASE = 'http://127.0.0.1:4566';

describe('CognitoAuthorizer', () => {
  let pool: FakePool;
  let clock: TestClock;

  beforeAll(async () => {
    pool = await FakePool.create('eu-west-1_Fixture01', () => BASE);
  });

  beforeEach(() => {
    clock = new TestClock();
  });

  const make = (config: Partial<CognitoAuthorizerConfig> = {}) =>
    new CognitoAuthorizer({ id: 'abc123', name: 'cognito', header: 'authorization', ttlSeconds: 300, pools: () => [pool], ...config }, clock);

  it('refuses a missing or blank header', async () => {
    const auth = make();
    expect(await auth.authorize(undefined, [])).toMatchObject({ ok: false, message: 'Unauthorized' });
    expect(await auth.authorize('   ', [])).toMatchObject({ ok: false, message: 'Unauthorized' });
  });

  it('accepts the raw token and "Bearer <token>"', async () => {
    const token = await pool.idToken(clock);
    expect(await make().authorize(token, [])).toMatchObject({ ok: true });
    expect(await make().authorize(`Bearer ${token}`, [])).toMatchObject({ ok: true });
    expect(await make().authorize(`bearer ${token}`, [])).toMatchObject({ ok: true });
  });

  it('lets only an ID token through a method without scopes', async () => {
    const auth = make();
    expect(await auth.authorize(await pool.idToken(clock), [])).toMatchObject({ ok: true });
    expect(await auth.authorize(await pool.accessToken(clock, 'openid api/read'), [])).toMatchObject({ ok: false, message: 'Unauthorized' });
  });

  it('11. lets only an access token holding one of the method scopes through a method with scopes', async () => {
    const auth = make();
    const scopes = ['api/read', 'api/admin'];
    expect(await auth.authorize(await pool.accessToken(clock, 'openid api/admin'), scopes)).toMatchObject({ ok: true });
    expect(await auth.authorize(await pool.accessToken(clock, 'openid email'), scopes)).toMatchObject({ ok: false, message: 'Unauthorized' });
    expect(await auth.authorize(await pool.accessToken(clock, 'api/reader'), scopes)).toMatchObject({ ok: false });
    expect(await auth.authorize(await pool.accessToken(clock, 'api/read', { scope: undefined }), scopes)).toMatchObject({ ok: false });
    expect(await auth.authorize(await pool.idToken(clock, { scope: 'api/read' }), scopes)).toMatchObject({ ok: false, message: 'Unauthorized' });
  });

  it('answers "The incoming token has expired" for an expired token', async () => {
    expect(await make().authorize(await pool.idToken(clock, { exp: clock.seconds - 10 }), [])).toMatchObject({ ok: false, message: 'The incoming token has expired' });
  });

  it('caches a verified token for the TTL, re-checks the scope rule per method', async () => {
    const auth = make({ ttlSeconds: 60 });
    const token = await pool.idToken(clock);
    expect(await auth.authorize(token, [])).toMatchObject({ ok: true, cached: false });
    expect(await auth.authorize(token, [])).toMatchObject({ ok: true, cached: true });
    expect(await auth.authorize(token, ['api/read'])).toMatchObject({ ok: false });
    clock.advance(61_000);
    expect(await auth.authorize(token, [])).toMatchObject({ ok: true, cached: false });
  });

  it('never serves a cached result past the token expiry', async () => {
    const auth = make({ ttlSeconds: 3600 });
    const token = await pool.idToken(clock, { exp: clock.seconds + 30 });
    expect(await auth.authorize(token, [])).toMatchObject({ ok: true, cached: false });
    clock.advance(31_000);
    expect(await auth.authorize(token, [])).toMatchObject({ ok: false, message: 'The incoming token has expired' });
  });

  it('verifies every time with a TTL of 0', async () => {
    const auth = make({ ttlSeconds: 0 });
    const token = await pool.idToken(clock);
    expect(await auth.authorize(token, [])).toMatchObject({ ok: true, cached: false });
    expect(await auth.authorize(token, [])).toMatchObject({ ok: true, cached: false });
  });

  it('applies identity_validation_expression before verifying', async () => {
    const auth = make({ validation: /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/ });
    const token = await pool.idToken(clock);
    expect(await auth.authorize(token, [])).toMatchObject({ ok: false, reason: expect.stringMatching(/identity_validation_expression/) });
    expect(await auth.authorize(`Bearer ${token}`, [])).toMatchObject({ ok: true });
  });

  it('passes claims with every value a string', async () => {
    const result = await make().authorize(await pool.idToken(clock), []);
    if (!result.ok) throw new Error(result.reason);
    for (const v of Object.values(result.claims)) expect(typeof v).toBe('string');
    expect(result.claims).toMatchObject({ email_verified: 'true', 'cognito:groups': 'admins,users', exp: String(clock.seconds + 3600), token_use: 'id' });
  });

  it('claimsAsStrings spells numbers, booleans, arrays and objects as strings', () => {
    expect(claimsAsStrings({ a: 1, b: false, c: ['x', 2], d: { e: 1 }, f: null, g: 's' })).toEqual({ a: '1', b: 'false', c: 'x,2', d: '{"e":1}', g: 's' });
  });
});
