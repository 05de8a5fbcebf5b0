import { ids, RunningTwin, startTwin } from '../test-support';

// Each spec builds a twin (RSA keys, scrypt) and talks HTTP: generous limits keep a loaded machine from failing it.
jest.setTimeout(30_000);

let t: RunningTwin;
beforeAll(async () => {
  t = await startTwin();
});
afterAll(() => t.close());

const UI = '/auth/twin-test';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JSON11 = { 'content-type': 'application/x-amz-json-1.1' };
const target = (op: string) => ({ ...JSON11, 'x-amz-target': `AWSCognitoIdentityProviderService.${op}` });

/** Requests no client should send: each must get a 4xx answer in its endpoint's error shape, never a 5xx. */
function cases(): [string, string, Record<string, string>, string | undefined][] {
  const { web } = ids(t.twin);
  const garbageJwt = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"iss":1}').toString('base64url')}.`;
  return [
    ['POST', '/', target('InitiateAuth'), '{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"' + web + '","AuthParameters":{"USERNAME":{"$ne":1}}}'],
    ['POST', '/', target('InitiateAuth'), `{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"${web}","AuthParameters":null}`],
    ['POST', '/', target('InitiateAuth'), '['.repeat(5000) + ']'.repeat(5000)],
    ['POST', '/', target('InitiateAuth'), '\u0000\u0001'],
    ['POST', '/', target('RespondToAuthChallenge'), `{"ClientId":"${web}","ChallengeName":"NEW_PASSWORD_REQUIRED","Session":"${'a'.repeat(30)}","ChallengeResponses":{}}`],
    ['POST', '/', target('GetUser'), `{"AccessToken":"${garbageJwt}"}`],
    ['POST', '/', target('GetUser'), '{"AccessToken":"a.b.c"}'],
    ['POST', '/', target('GlobalSignOut'), '{"AccessToken":"eyJ.eyJ.x"}'],
    ['POST', '/', target('RevokeToken'), `{"ClientId":"${web}","Token":"x"}`],
    ['POST', '/', target('ListUsers'), '{"UserPoolId":"eu-west-1_abcdefghi","PaginationToken":"!!"}'],
    ['POST', '/', target('ConfirmSignUp'), `{"ClientId":"${web}","Username":"x","ConfirmationCode":"1"}`],
    ['POST', '/', { ...target('InitiateAuth'), 'content-type': 'application/x-amz-json-1.1; charset=latin1' }, '{}'],
    ['POST', '/', { 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' }, undefined],
    ['GET', '/', {}, undefined],
    ['GET', `${UI}/oauth2/authorize?client_id[]=x&redirect_uri=%ZZ`, {}, undefined],
    ['GET', `${UI}/oauth2/authorize?client_id=${web}&redirect_uri=${encodeURIComponent('javascript:alert(1)')}&response_type=code`, {}, undefined],
    ['GET', `${UI}/login?client_id=${'x'.repeat(5000)}`, {}, undefined],
    ['POST', `${UI}/login?client_id=${web}&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcallback&response_type=code`, FORM, '%%%&&&=='],
    ['POST', `${UI}/login?client_id=${web}&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcallback&response_type=code`, { 'content-type': 'application/json' }, '{"username":"a"}'],
    ['POST', `${UI}/changePassword?client_id=${web}&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcallback&response_type=code`, FORM, 'session=x&password=y'],
    ['POST', `${UI}/oauth2/token`, { ...FORM, authorization: 'Basic !!!' }, 'grant_type=client_credentials'],
    ['POST', `${UI}/oauth2/token`, { ...FORM, authorization: `Basic ${Buffer.from('%E0%A4%A:%').toString('base64')}` }, 'grant_type=client_credentials'],
    ['POST', `${UI}/oauth2/token`, { ...FORM, authorization: `Basic ${Buffer.from('nocolon').toString('base64')}` }, 'grant_type=client_credentials'],
    ['POST', `${UI}/oauth2/token`, FORM, `grant_type=authorization_code&client_id=${web}&code=${'a'.repeat(400)}&code_verifier=${'\u00e9'.repeat(50)}`],
    ['POST', `${UI}/oauth2/token`, { 'content-type': 'multipart/form-data; boundary=x' }, '--x--'],
    ['GET', `${UI}/oauth2/userInfo`, { authorization: `Bearer ${garbageJwt}` }, undefined],
    ['GET', `${UI}/oauth2/userInfo`, { authorization: 'Bearer a.b.c' }, undefined],
    ['GET', `${UI}/oauth2/userInfo`, { authorization: 'Basic abc' }, undefined],
    ['POST', `${UI}/oauth2/revoke`, FORM, 'token=a.b.c'],
    ['GET', `${UI}/logout?client_id=${web}&logout_uri=%00`, {}, undefined],
    ['GET', `${UI}/logout`, {}, undefined],
    ['GET', `${UI}/error?error=${'x'.repeat(500)}`, {}, undefined],
    ['DELETE', `${UI}/login`, {}, undefined],
    ['GET', '/eu-west-1_nothing/.well-known/openid-configuration', {}, undefined],
  ];
}

describe('bad input never causes a 5xx or leaks internals', () => {
  it('answers every malformed request with a 4xx or a redirect, without a stack trace', async () => {
    const seen: string[] = [];
    for (const [method, path, headers, body] of cases()) {
      const res = await fetch(`${t.base}${path}`, { method, headers, body, redirect: 'manual' });
      const text = await res.text();
      seen.push(`${method} ${path.slice(0, 60)} -> ${res.status}`);
      expect({ path: path.slice(0, 80), status: res.status < 500 }).toEqual({ path: path.slice(0, 80), status: true });
      expect(text).not.toMatch(/\n\s+at [\w.<>]+ \(/);
      expect(text).not.toMatch(/node_modules|\.ts:\d+/);
    }
    expect(seen).toHaveLength(cases().length);
  });
});
