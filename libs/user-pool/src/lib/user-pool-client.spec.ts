import { ValidationError } from '@secure-api/core';
import { Match, Template } from '@secure-api/testing';
import { TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import { Duration } from '@secure-api/core';
import { OAuthScope } from './oauth-scope';
import { UserPool } from './user-pool';
import { FORBID_IMPLICIT_GRANT_CONTEXT, UserPoolClient, type UserPoolClientOptions } from './user-pool-client';
import { newPool, synthPool, synthWithProvider } from '../test/helpers';

const CLIENT = 'aws_cognito_user_pool_client';
const URLS = { callbackUrls: ['https://app.example.com/callback'], logoutUrls: ['https://app.example.com/'] };

const synthClient = (options: UserPoolClientOptions): Template => synthPool((pool) => pool.addClient('Web', options));

describe('UserPoolClient', () => {
  it('defaults: code + PKCE, openid email profile, no secret, SRP, errors prevented, revocation, 60 min / 30 days', () => {
    const t = synthClient({ oAuth: URLS });
    t.resourceCountIs(CLIENT, 1);
    t.hasResourceProperties(CLIENT, {
      name: 'test-Pool-Web',
      user_pool_id: Template.ref(t.resource('aws_cognito_user_pool'), 'id'),
      allowed_oauth_flows_user_pool_client: true,
      allowed_oauth_flows: ['code'],
      allowed_oauth_scopes: ['openid', 'email', 'profile'],
      callback_urls: ['https://app.example.com/callback'],
      logout_urls: ['https://app.example.com/'],
      default_redirect_uri: Match.absent(),
      generate_secret: false,
      supported_identity_providers: ['COGNITO'],
      explicit_auth_flows: ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH'],
      prevent_user_existence_errors: 'ENABLED',
      enable_token_revocation: true,
      id_token_validity: 60,
      access_token_validity: 60,
      refresh_token_validity: 30,
      token_validity_units: [{ id_token: 'minutes', access_token: 'minutes', refresh_token: 'days' }],
      auth_session_validity: 3,
      depends_on: Match.absent(),
    });
  });

  it('exposes the client id, flows, URLs and scopes', () => {
    const pool = newPool();
    const client = pool.addClient('Web', { oAuth: URLS });
    const t = Template.fromStack(TerraformStack.of(pool));
    expect(client.oAuthFlows).toEqual({ authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false });
    expect(client.allowsImplicitGrant).toBe(false);
    expect(client.callbackUrls).toEqual(URLS.callbackUrls);
    expect(client.logoutUrls).toEqual(URLS.logoutUrls);
    expect(client.scopes).toEqual(['openid', 'email', 'profile']);
    expect(client.userPool).toBe(pool);
    expect(client.hasSecret).toBe(false);
    expect(t.resources(CLIENT)).toHaveLength(1);
  });

  it('can be created with new, against any IUserPool', () => {
    const pool = newPool();
    const client = new UserPoolClient(pool, 'Direct', { userPool: pool, oAuth: URLS });
    new TerraformOutput(pool, 'clientId', { value: client.clientId });
    const t = Template.fromStack(TerraformStack.of(pool));
    expect(Object.values(t.outputs())[0].value).toBe(Template.ref(t.resource(CLIENT), 'id'));
  });

  it('takes the implicit grant beside code only when asked', () => {
    synthClient({ oAuth: { ...URLS, flows: { authorizationCodeGrant: true, implicitCodeGrant: true } } }).hasResourceProperties(CLIENT, {
      allowed_oauth_flows: ['code', 'implicit'],
    });
  });

  it('allows the implicit grant where the context is explicitly false', () => {
    const pool = newPool(undefined, { [FORBID_IMPLICIT_GRANT_CONTEXT]: false });
    expect(pool.addClient('Web', { oAuth: { ...URLS, flows: { implicitCodeGrant: true } } }).allowsImplicitGrant).toBe(true);
  });

  it.each([true, 'true'])('throws when the implicit grant is on in an environment that forbids it (context %p)', (flag) => {
    const pool = newPool(undefined, { [FORBID_IMPLICIT_GRANT_CONTEXT]: flag });
    let n = 0;
    const add = () => pool.addClient(`Web${n++ || ''}`, { oAuth: { ...URLS, flows: { authorizationCodeGrant: true, implicitCodeGrant: true } } });
    expect(add).toThrow('test/Pool/Web: invalid oAuth.flows.implicitCodeGrant true: the implicit grant is forbidden in this environment (context secure-api:forbidImplicitGrant is true). Fix: remove implicitCodeGrant and use authorizationCodeGrant with PKCE');
    expect(add).toThrow(ValidationError);
    expect(() => pool.addClient('Code', { oAuth: URLS })).not.toThrow();
  });

  it('accepts http://localhost and native app schemes', () => {
    const t = synthClient({ oAuth: { callbackUrls: ['http://localhost:3000/callback', 'myapp://callback'], logoutUrls: ['http://localhost:3000/'] } });
    t.hasResourceProperties(CLIENT, { callback_urls: ['http://localhost:3000/callback', 'myapp://callback'] });
  });

  it('skips URL checks for unresolved tokens', () => {
    const t = synthWithProvider((stack) => {
      const url = new TerraformVariable(stack, 'callback', { type: 'string' }).stringValue;
      new UserPool(stack, 'Pool').addClient('Web', { oAuth: { callbackUrls: [url], logoutUrls: [url], defaultRedirectUri: url } });
    });
    t.hasResourceProperties(CLIENT, { callback_urls: ['${var.callback}'], default_redirect_uri: '${var.callback}' });
  });

  it('takes a default redirect URI among the callback URLs', () => {
    synthClient({ oAuth: { ...URLS, defaultRedirectUri: URLS.callbackUrls[0] } }).hasResourceProperties(CLIENT, { default_redirect_uri: URLS.callbackUrls[0] });
  });

  describe('callback and logout URLs', () => {
    it('throws when the callback URLs are missing', () => {
      expect(() => newPool().addClient('Web')).toThrow(/test\/Pool\/Web: invalid oAuth.callbackUrls \[\]: is required with the authorization code or implicit grant/);
      expect(() => newPool().addClient('Web', { oAuth: { logoutUrls: URLS.logoutUrls } })).toThrow(/invalid oAuth.callbackUrls/);
    });

    it('throws when the logout URLs are missing', () => {
      expect(() => newPool().addClient('Web', { oAuth: { callbackUrls: URLS.callbackUrls } })).toThrow(/invalid oAuth.logoutUrls \[\]: is required/);
    });

    it('throws when a callback URL uses http for a host other than localhost', () => {
      const add = () => newPool().addClient('Web', { oAuth: { callbackUrls: ['https://ok.example.com/cb', 'http://app.example.com/cb'], logoutUrls: URLS.logoutUrls } });
      expect(add).toThrow(ValidationError);
      expect(add).toThrow('test/Pool/Web: invalid oAuth.callbackUrls[1] "http://app.example.com/cb": uses http for host app.example.com; only http://localhost may use plain http. Fix: use https, or http://localhost for local development');
    });

    it('throws when a logout URL uses http for a host other than localhost', () => {
      expect(() => newPool().addClient('Web', { oAuth: { callbackUrls: URLS.callbackUrls, logoutUrls: ['http://127.0.0.1:3000/'] } })).toThrow(/invalid oAuth.logoutUrls\[0\] .*only http:\/\/localhost/);
    });

    it('throws when a callback URL has a fragment', () => {
      expect(() => newPool().addClient('Web', { oAuth: { callbackUrls: ['https://app.example.com/cb#x'], logoutUrls: URLS.logoutUrls } })).toThrow(/fragment/);
    });

    it('throws when the default redirect URI is not a callback URL', () => {
      expect(() => newPool().addClient('Web', { oAuth: { ...URLS, defaultRedirectUri: 'https://other.example.com/cb' } })).toThrow(/invalid oAuth.defaultRedirectUri .*not one of oAuth.callbackUrls/);
    });
  });

  describe('scopes', () => {
    it('takes explicit scopes and adds openid when email, phone or profile is asked for', () => {
      synthClient({ oAuth: { ...URLS, scopes: [OAuthScope.EMAIL, OAuthScope.PHONE] } }).hasResourceProperties(CLIENT, { allowed_oauth_scopes: ['openid', 'email', 'phone'] });
      synthClient({ oAuth: { ...URLS, scopes: [OAuthScope.OPENID, OAuthScope.COGNITO_ADMIN, OAuthScope.custom('x/y')] } }).hasResourceProperties(CLIENT, {
        allowed_oauth_scopes: ['openid', 'aws.cognito.signin.user.admin', 'x/y'],
      });
    });

    it('by default includes every resource-server scope of the pool, also of servers added later, and depends on them by bare address', () => {
      const t = synthWithProvider((stack) => {
        const pool = new UserPool(stack, 'Pool');
        pool.addResourceServer('Early', { identifier: 'early', scopes: [{ name: 'a', description: 'A' }] });
        const client = pool.addClient('Web', { oAuth: URLS });
        pool.addResourceServer('Late', { identifier: 'https://late.example.com', scopes: [{ name: 'b', description: 'B' }, { name: 'c', description: 'C' }] });
        expect(client.scopes).toEqual(['openid', 'email', 'profile', 'early/a', 'https://late.example.com/b', 'https://late.example.com/c']);
      });
      const servers = t.resources('aws_cognito_resource_server');
      t.hasResourceProperties(CLIENT, {
        allowed_oauth_scopes: ['openid', 'email', 'profile', 'early/a', 'https://late.example.com/b', 'https://late.example.com/c'],
        depends_on: servers.map((s) => s.address),
      });
    });

    it('depends only on the resource servers whose scopes it names, by bare address (Terraform rejects ${...} in depends_on)', () => {
      const t = synthWithProvider((stack) => {
        const pool = new UserPool(stack, 'Pool');
        const orders = pool.addResourceServer('Orders', { identifier: 'orders', scopes: [{ name: 'read', description: 'Read' }] });
        pool.addResourceServer('Other', { identifier: 'other', scopes: [{ name: 'x', description: 'X' }] });
        pool.addClient('Web', { oAuth: { ...URLS, scopes: [OAuthScope.OPENID, orders.scope('read')] } });
      });
      const orders = t.resource('aws_cognito_resource_server', { identifier: 'orders' });
      t.hasResourceProperties(CLIENT, { allowed_oauth_scopes: ['openid', 'orders/read'], depends_on: [orders.address] });
    });

    it('throws when a code or implicit client is given an empty scope list', () => {
      expect(() => newPool().addClient('Web', { oAuth: { ...URLS, scopes: [] } })).toThrow(
        'test/Pool/Web: invalid oAuth.scopes []: leaves the client no scope to request, so the hosted UI could issue it no token. Fix: list the scopes it needs',
      );
    });

    it('throws (at synth, once every resource server is known) when a client would hold more than 50 scopes', () => {
      const scopes = Array.from({ length: 48 }, (_, i) => ({ name: `s${i}`, description: 'S' }));
      const build = (count: number) => () =>
        synthWithProvider((stack) => {
          const pool = new UserPool(stack, 'Pool');
          pool.addClient('Web', { oAuth: URLS });
          pool.addResourceServer('Big', { identifier: 'big', scopes: scopes.slice(0, count) });
        });
      expect(build(48)).toThrow(/test\/Pool\/Web: invalid oAuth.scopes "51 scopes": a client may hold at most 50 scopes/);
      expect(build(47)).not.toThrow();
    });
  });

  describe('client_credentials', () => {
    it('has a secret and resource-server scopes only', () => {
      let secret = '';
      const t = synthWithProvider((stack) => {
        const pool = new UserPool(stack, 'Pool');
        const api = pool.addResourceServer('Api', { identifier: 'api', scopes: [{ name: 'read', description: 'Read' }] });
        const m2m = pool.addClient('M2M', { oAuth: { flows: { clientCredentials: true }, scopes: [api.scope('read')] } });
        secret = m2m.clientSecret;
        new TerraformOutput(stack, 'secret', { value: secret, sensitive: true });
      });
      t.hasResourceProperties(CLIENT, {
        allowed_oauth_flows: ['client_credentials'],
        allowed_oauth_scopes: ['api/read'],
        generate_secret: true,
        callback_urls: Match.absent(),
      });
      expect(t.outputs()['secret'].value).toBe(Template.ref(t.resource(CLIENT), 'client_secret'));
    });

    it('throws when client_credentials is mixed with code or implicit', () => {
      const add = () => newPool().addClient('Web', { oAuth: { ...URLS, flows: { authorizationCodeGrant: true, clientCredentials: true }, scopes: [OAuthScope.custom('api/read')] } });
      expect(add).toThrow(/invalid oAuth.flows .*clientCredentials cannot be combined with authorizationCodeGrant or implicitCodeGrant/);
    });

    it('throws when a client_credentials client is denied a secret', () => {
      expect(() => newPool().addClient('M2M', { generateSecret: false, oAuth: { flows: { clientCredentials: true }, scopes: [OAuthScope.custom('api/read')] } })).toThrow(
        /invalid generateSecret false: a client_credentials client must have a secret/,
      );
    });

    it('throws when a client_credentials client lists no scope or a standard one', () => {
      expect(() => newPool().addClient('M2M', { oAuth: { flows: { clientCredentials: true } } })).toThrow(/needs at least one resource-server scope/);
      expect(() => newPool().addClient('M2M', { oAuth: { flows: { clientCredentials: true }, scopes: [OAuthScope.custom('api/read'), OAuthScope.OPENID] } })).toThrow(
        /invalid oAuth.scopes "openid": a client_credentials client may hold only resource-server scopes/,
      );
    });
  });

  it('a confidential code client may have a secret', () => {
    synthClient({ oAuth: URLS, generateSecret: true }).hasResourceProperties(CLIENT, { generate_secret: true, allowed_oauth_flows: ['code'] });
  });

  it('throws when reading the secret of a client without one', () => {
    const client = newPool().addClient('Web', { oAuth: URLS });
    expect(() => client.clientSecret).toThrow(/the client has no secret to read/);
  });

  it('disableOAuth: API sign-in only, no OAuth settings', () => {
    const t = synthClient({ disableOAuth: true, authFlows: { userPassword: true } });
    t.hasResourceProperties(CLIENT, {
      allowed_oauth_flows_user_pool_client: false,
      allowed_oauth_flows: Match.absent(),
      allowed_oauth_scopes: Match.absent(),
      callback_urls: Match.absent(),
      explicit_auth_flows: ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH'],
    });
  });

  it('throws when disableOAuth is combined with OAuth settings', () => {
    expect(() => newPool().addClient('Web', { disableOAuth: true, oAuth: URLS })).toThrow(/invalid oAuth .*remove oAuth, or remove disableOAuth/);
  });

  it('throws when the OAuth flows enable nothing', () => {
    expect(() => newPool().addClient('Web', { oAuth: { ...URLS, flows: {} } })).toThrow(/invalid oAuth.flows \{\}: enables no OAuth flow/);
  });

  it('auth flows: password and admin sign-in are opt-ins, SRP can be turned off', () => {
    synthClient({ oAuth: URLS, authFlows: { userSrp: false, userPassword: true, adminUserPassword: true } }).hasResourceProperties(CLIENT, {
      explicit_auth_flows: ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH'],
    });
  });

  it('user-existence errors and token revocation can be turned off on purpose', () => {
    synthClient({ oAuth: URLS, preventUserExistenceErrors: false, enableTokenRevocation: false }).hasResourceProperties(CLIENT, {
      prevent_user_existence_errors: 'LEGACY',
      enable_token_revocation: false,
    });
  });

  it('supported identity providers and name', () => {
    synthClient({ oAuth: URLS, supportedIdentityProviders: ['COGNITO', 'Google'], name: 'web app' }).hasResourceProperties(CLIENT, {
      supported_identity_providers: ['COGNITO', 'Google'],
      name: 'web app',
    });
  });

  it('throws when the name has characters Cognito refuses', () => {
    expect(() => newPool().addClient('Web', { oAuth: URLS, name: 'web/app' })).toThrow(/invalid name "web\/app"/);
  });

  describe('token validity', () => {
    it('keeps the units as written', () => {
      synthClient({
        oAuth: URLS,
        idTokenValidity: Duration.seconds(300),
        accessTokenValidity: Duration.hours(24),
        refreshTokenValidity: Duration.days(3650),
        authSessionValidity: Duration.minutes(15),
      }).hasResourceProperties(CLIENT, {
        id_token_validity: 300,
        access_token_validity: 24,
        refresh_token_validity: 3650,
        token_validity_units: [{ id_token: 'seconds', access_token: 'hours', refresh_token: 'days' }],
        auth_session_validity: 15,
      });
    });

    it('converts a whole-minute auth session given in seconds', () => {
      synthClient({ oAuth: URLS, authSessionValidity: Duration.seconds(300) }).hasResourceProperties(CLIENT, { auth_session_validity: 5 });
    });

    it.each([
      ['idTokenValidity', Duration.minutes(4), '"4 minutes": must be a whole number of minutes from 5 minutes to 1 day'],
      ['idTokenValidity', Duration.hours(25), '"25 hours": must be a whole number of hours from 5 minutes to 1 day'],
      ['accessTokenValidity', Duration.seconds(299), '"299 seconds": must be a whole number of seconds from 5 minutes to 1 day'],
      ['accessTokenValidity', Duration.days(2), '"2 days"'],
      ['refreshTokenValidity', Duration.minutes(59), '"59 minutes": must be a whole number of minutes from 60 minutes to 3650 days'],
      ['refreshTokenValidity', Duration.days(3651), '"3651 days"'],
      ['idTokenValidity', Duration.minutes(7.5), '"7.5 minutes"'],
      ['authSessionValidity', Duration.minutes(2), '"2 minutes": must be a whole number of minutes from 3 minutes to 15 minutes'],
      ['authSessionValidity', Duration.minutes(16), '"16 minutes"'],
      ['authSessionValidity', Duration.seconds(200), '"200 seconds": Cognito counts it in whole minutes'],
    ] as const)('throws when %s is %s (outside AWS range)', (prop, value, message) => {
      const add = () => newPool().addClient('Web', { oAuth: URLS, [prop]: value });
      expect(add).toThrow(ValidationError);
      expect(add).toThrow(`test/Pool/Web: invalid ${prop} ${message}`);
      expect(add).toThrow(/\. Fix: (set \w+ between Duration\.\w+\(\d+\) and Duration\.\w+\(\d+\)|use Duration\.minutes\(3\) to Duration\.minutes\(15\))$/);
    });

    it('throws when a token validity is given in milliseconds (not a unit of token_validity_units)', () => {
      expect(() => newPool().addClient('Web', { oAuth: URLS, idTokenValidity: Duration.millis(600_000) })).toThrow(
        /test\/Pool\/Web: invalid idTokenValidity "600000 milliseconds": is given in milliseconds; Cognito's token_validity_units take seconds, minutes, hours, days/,
      );
    });

    it('passes an unresolved auth session in minutes through, and throws for one in another unit', () => {
      const t = synthWithProvider((stack) => {
        const minutes = new TerraformVariable(stack, 'minutes', { type: 'number' }).numberValue;
        new UserPool(stack, 'Pool').addClient('Web', { oAuth: URLS, authSessionValidity: Duration.minutes(minutes) });
      });
      t.hasResourceProperties(CLIENT, { auth_session_validity: '${var.minutes}' });
      const pool = newPool();
      const seconds = new TerraformVariable(TerraformStack.of(pool), 'seconds', { type: 'number' }).numberValue;
      expect(() => pool.addClient('Web', { oAuth: URLS, authSessionValidity: Duration.seconds(seconds) })).toThrow(/test\/Pool\/Web: invalid authSessionValidity .*Cognito counts it in whole minutes/);
    });

    it('throws when an ID or access token would outlive the refresh token', () => {
      expect(() => newPool().addClient('Web', { oAuth: URLS, refreshTokenValidity: Duration.minutes(60), idTokenValidity: Duration.hours(2) })).toThrow(
        /invalid idTokenValidity "2 hours": .*from 5 minutes to 60 minutes. Fix: make the ID token expire before the refresh token/,
      );
      expect(() => newPool().addClient('Web', { oAuth: URLS, refreshTokenValidity: Duration.minutes(60), accessTokenValidity: Duration.minutes(61) })).toThrow(/invalid accessTokenValidity/);
    });
  });
});
