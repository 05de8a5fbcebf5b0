import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../app';
import { StackModel } from '../stack/stack-model';
import { CALLBACK, DEMO_EMAIL, FAST_SCRYPT, fixtureStack, ids, reusableKey, startTwin } from '../test-support';

// Each spec builds a twin (RSA keys, scrypt) and talks HTTP: generous limits keep a loaded machine from failing it.
jest.setTimeout(30_000);

type Json = Record<string, unknown>;

async function refusal(json: Json): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'twin-refuse-'));
  try {
    await buildApp({ stack: new StackModel(json, 'fixture'), dataDir: dir, scrypt: FAST_SCRYPT, generateKey: reusableKey, apiGateway: { accessLog: () => undefined } });
    return 'built';
  } catch (err) {
    return (err as Error).message;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('building Cognito from the synthesized stack', () => {
  it('gives pools, clients and domains ids in AWS formats and registers their attributes', async () => {
    const t = await startTwin({ listen: false });
    try {
      const i = ids(t.twin);
      expect(i.pool).toMatch(/^eu-west-1_[A-Za-z0-9]{9}$/);
      expect(i.other).toMatch(/^eu-west-1_[A-Za-z0-9]{9}$/);
      expect(i.web).toMatch(/^[a-z0-9]{26}$/);
      expect(i.machineSecret).toMatch(/^[a-z0-9]{51}$/);
      expect(t.twin.ctx.stack!.attributesOf('aws_cognito_user_pool_client.Web')?.['client_secret']).toBe('');
      const pool = t.twin.ctx.stack!.attributesOf('aws_cognito_user_pool.Pool');
      expect(pool).toMatchObject({
        arn: `arn:aws:cognito-idp:eu-west-1:000000000000:userpool/${i.pool}`,
        endpoint: `cognito-idp.eu-west-1.amazonaws.com/${i.pool}`,
        domain: 'twin-test',
      });
      expect(t.twin.ctx.stack!.attributesOf('aws_cognito_resource_server.Api')).toMatchObject({
        id: `${i.pool}|https://api.example.com`,
        scope_identifiers: ['https://api.example.com/read', 'https://api.example.com/write'],
      });
      expect(t.twin.ctx.pools.byArn(String(pool?.['arn']))?.id).toBe(i.pool);
      expect(t.twin.ctx.pools.all().map((p) => p.id)).toEqual([i.pool, i.other]);
    } finally {
      await t.close();
    }
  });

  it('lists unemulated resource types once, as a warning', async () => {
    const t = await startTwin({ listen: false });
    try {
      expect(t.twin.ctx.warnings.filter((w) => w.includes('Not emulated'))).toEqual(['Not emulated by the twin (ignored): aws_shield_protection (1)']);
      // A function without a zip package is known by name only: said once, with the way to serve it.
      expect(t.twin.ctx.warnings.filter((w) => w.includes('aws_lambda_function'))).toEqual(['aws_lambda_function.Fn has no filename (a zip package): the twin does not run it; map a local handler to fixture-fn (lambdaHandlers) to serve its routes.']);
    } finally {
      await t.close();
    }
  });

  it('creates the declared user with a generated temporary password, and keeps ids across restarts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'twin-restart-'));
    try {
      const first = await startTwin({ listen: false, dataDir });
      const firstIds = ids(first.twin);
      const demo = first.twin.stackUsers[0];
      expect(demo).toMatchObject({ address: 'aws_cognito_user.Demo', username: DEMO_EMAIL, status: 'FORCE_CHANGE_PASSWORD', generated: true });
      expect(demo.temporaryPassword).toMatch(/^.{16}$/);
      expect(demo.cognitoUsername).toMatch(/^[0-9a-f-]{36}$/);
      const kids = first.twin.ctx.pools.all()[0].jwks().keys.map((k) => k.kid);
      await first.close({ keepData: true });

      const second = await startTwin({ listen: false, dataDir });
      expect(ids(second.twin)).toEqual(firstIds);
      expect(second.twin.ctx.pools.all()[0].jwks().keys.map((k) => k.kid)).toEqual(kids);
      // Never signed in: a fresh temporary password, the same user.
      expect(second.twin.stackUsers[0].cognitoUsername).toBe(demo.cognitoUsername);
      expect(second.twin.stackUsers[0].temporaryPassword).not.toBe(demo.temporaryPassword);
      await second.close({ keepData: true });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('uses the temporary password the stack sets through a variable', async () => {
    const t = await startTwin({ listen: false, variables: { demo_password: 'Given-Passw0rd!' } });
    try {
      expect(t.twin.stackUsers[0]).toMatchObject({ temporaryPassword: 'Given-Passw0rd!', generated: false });
    } finally {
      await t.close();
    }
  });

  it('writes outputs in terraform output -json shape, AWS URLs mapped to the twin', async () => {
    const t = await startTwin();
    try {
      const i = ids(t.twin);
      const out = t.twin.outputs();
      expect(out['user_pool_id']).toEqual({ sensitive: false, type: 'string', value: i.pool });
      expect(out['hosted_ui_url'].value).toBe(`${t.base}/auth/twin-test`);
      expect(out['login_url'].value).toBe(`${t.base}/auth/twin-test/login?client_id=${i.web}&response_type=code&redirect_uri=${CALLBACK}`);
      expect(out['issuer'].value).toBe(`${t.base}/${i.pool}`);
      expect(out['jwks_url'].value).toBe(`${t.base}/${i.pool}/.well-known/jwks.json`);
      expect(out['scopes']).toEqual({ sensitive: false, type: ['tuple', ['string', 'string']], value: ['https://api.example.com/read', 'https://api.example.com/write'] });
      expect(out['machine_client_secret']).toEqual({ sensitive: true, type: 'string', value: i.machineSecret });
      expect(out['cognito_idp_endpoint']).toEqual({ sensitive: false, type: 'string', value: t.base });
      expect(out['temporary_passwords']).toEqual({ sensitive: true, type: ['map', 'string'], value: { [DEMO_EMAIL]: t.twin.stackUsers[0].temporaryPassword } });
    } finally {
      await t.close();
    }
  });
});

describe('refusing what AWS would refuse at apply time', () => {
  const client = (extra: Json) => fixtureStack({ clients: { Bad: { name: 'bad', user_pool_id: '${aws_cognito_user_pool.Pool.id}', supported_identity_providers: ['COGNITO'], ...extra } } });

  it('OAuth flows without callback URLs', async () => {
    expect(await refusal(client({ allowed_oauth_flows: ['code'], allowed_oauth_flows_user_pool_client: true, allowed_oauth_scopes: ['openid'] }))).toBe(
      'aws_cognito_user_pool_client.Bad: AWS would refuse this resource at apply time with InvalidOAuthFlowException: CallbackUrls can not be empty when code flow or implicit flow is selected',
    );
  });

  it('client_credentials mixed with code or implicit, or without a secret', async () => {
    expect(await refusal(client({ allowed_oauth_flows: ['client_credentials', 'implicit'], generate_secret: true, callback_urls: [CALLBACK] }))).toMatch(
      /Bad: .*InvalidOAuthFlowException: client_credentials flow can not be selected along with code flow or implicit flow\.$/,
    );
    expect(await refusal(client({ allowed_oauth_flows: ['client_credentials'] }))).toMatch(/client_credentials flow can not be selected if client does not have a client secret\.$/);
  });

  it('MFA ON or OPTIONAL with no second factor, naming the construct path', async () => {
    expect(await refusal(fixtureStack({ pool: { mfa_configuration: 'ON' } }))).toBe(
      "aws_cognito_user_pool.Pool (fixture/SecureApi/UserPool/Resource): AWS would refuse this resource at apply time with InvalidParameterException: Invalid MFA configuration given, can't disable all MFAs with a required or optional configuration.",
    );
    expect(await refusal(fixtureStack({ pool: { mfa_configuration: 'OPTIONAL', software_token_mfa_configuration: { enabled: true } } }))).toBe('built');
  });

  it('a domain prefix with a reserved word or invalid characters', async () => {
    const domain = (name: string) => fixtureStack({ resources: { aws_cognito_user_pool_domain: { Domain: { domain: name, user_pool_id: '${aws_cognito_user_pool.Pool.id}' } } } });
    expect(await refusal(domain('my-cognito-login'))).toMatch(/^aws_cognito_user_pool_domain\.Domain: .*InvalidParameterException: Domain cannot contain reserved word: cognito$/);
    expect(await refusal(domain('awsome'))).toMatch(/reserved word: aws$/);
    expect(await refusal(domain('Upper_Case'))).toMatch(/The domain name contains an invalid character/);
  });

  it('http callback or logout URLs for hosts other than localhost, fragments, and out-of-range token validity', async () => {
    expect(await refusal(client({ allowed_oauth_flows: ['code'], callback_urls: ['http://app.example.com/cb'] }))).toMatch(/InvalidParameterException: http:\/\/app\.example\.com\/cb cannot use the HTTP protocol\.$/);
    expect(await refusal(client({ allowed_oauth_flows: ['code'], callback_urls: ['https://app.example.com/cb#done'] }))).toMatch(/InvalidParameterException: https:\/\/app\.example\.com\/cb#done cannot contain a fragment\.$/);
    expect(await refusal(client({ allowed_oauth_flows: ['code'], callback_urls: [CALLBACK], logout_urls: ['http://example.com/bye'] }))).toMatch(/http:\/\/example\.com\/bye cannot use the HTTP protocol\.$/);
    expect(await refusal(client({ access_token_validity: 2, token_validity_units: { access_token: 'days' } }))).toMatch(/Invalid range for token validity\.$/);
  });

  it('scopes no resource server defines', async () => {
    expect(await refusal(client({ allowed_oauth_flows: ['code'], callback_urls: [CALLBACK], allowed_oauth_scopes: ['https://api.example.com/admin'] }))).toMatch(
      /ScopeDoesNotExistException: Invalid scope requested: https:\/\/api\.example\.com\/admin$/,
    );
  });

  it('a resource that references a pool outside the stack', async () => {
    expect(await refusal(client({ user_pool_id: 'eu-west-1_nothere00' }))).toBe(
      'aws_cognito_user_pool_client.Bad: AWS would refuse this resource at apply time with ResourceNotFoundException: User pool eu-west-1_nothere00 does not exist.',
    );
  });
});
