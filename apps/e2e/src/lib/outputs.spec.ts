import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutputsError, parseTarget, readTarget } from './outputs';

const o = (value: unknown) => ({ value, sensitive: false, type: 'string' });
const outputs = {
  api_invoke_url: o('https://abcdefghij.execute-api.eu-west-1.amazonaws.com/v1/'),
  api_routes: o({ public: '/health', protected: '/me', scoped: '/orders' }),
  hosted_ui_base_url: o('https://x.auth.eu-west-1.amazoncognito.com'),
  app_client_id: o('client'),
  callback_url: o('http://localhost:4010/callback'),
  user_pool_id: o('eu-west-1_abc'),
  region: o('eu-west-1'),
  issuer_url: o('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc'),
  implicit_grant_enabled: o(true),
  demo_users: o(['demo@example.com']),
};

describe('outputs', () => {
  it('reads an AWS deployment', () => {
    const t = parseTarget(outputs);
    expect(t).toMatchObject({ kind: 'aws', invokeUrl: 'https://abcdefghij.execute-api.eu-west-1.amazonaws.com/v1', implicitGrant: true, cognitoEndpoint: undefined });
  });

  it('recognises the twin by its loopback Cognito endpoint, and takes its credentials', () => {
    const twin = { ...outputs, cognito_idp_endpoint: o('http://127.0.0.1:4010'), twin_access_key_id: o('AKIAEXAMPLE'), twin_secret_access_key: o('secret') };
    const t = parseTarget(twin);
    expect(t).toMatchObject({ kind: 'twin', cognitoEndpoint: 'http://127.0.0.1:4010', twinCredentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' } });
    const { twin_access_key_id: _gone, ...withoutKey } = twin;
    expect(() => parseTarget(withoutKey)).toThrow(/output "twin_access_key_id" is missing/);
  });

  it('recognises a twin over HTTPS (--tls) the same way', () => {
    const twin = { ...outputs, cognito_idp_endpoint: o('https://127.0.0.1:4010'), twin_access_key_id: o('AKIAEXAMPLE'), twin_secret_access_key: o('secret') };
    expect(parseTarget(twin)).toMatchObject({ kind: 'twin', cognitoEndpoint: 'https://127.0.0.1:4010' });
    expect(parseTarget({ ...twin, cognito_idp_endpoint: o('https://cognito-idp.eu-west-1.amazonaws.com') })).toMatchObject({ kind: 'aws' });
  });

  it('reads the web ACL when the stack has one, and none when it is off or the output predates it', () => {
    const acl = { enabled: true, name: 'secure-api-prod-api', rate_limit: 2000, rate_window_seconds: 300, body_size_limit: 8192 };
    expect(parseTarget({ ...outputs, web_acl: o(acl) }).webAcl).toEqual({ name: 'secure-api-prod-api', rateLimit: 2000, bodySizeLimit: 8192 });
    expect(parseTarget({ ...outputs, web_acl: o({ enabled: false }) }).webAcl).toBeUndefined();
    expect(parseTarget(outputs).webAcl).toBeUndefined();
    expect(() => parseTarget({ ...outputs, web_acl: o({ enabled: true, name: 'x' }) })).toThrow(/output "web_acl" is not/);
  });

  it('names a missing or malformed output and the fix', () => {
    const { app_client_id: _drop, ...rest } = outputs;
    expect(() => parseTarget(rest)).toThrow(/output "app_client_id" is missing or not a string/);
    expect(() => parseTarget({ ...outputs, api_routes: o({ public: '/x' }) })).toThrow(/api_routes/);
    expect(() => parseTarget({ ...outputs, api_invoke_url: o('ftp://x') })).toThrow(OutputsError);
  });

  it('reports unreadable and non-JSON files clearly', () => {
    const dir = mkdtempSync(join(tmpdir(), 'out-'));
    expect(() => readTarget(join(dir, 'missing.json'))).toThrow(/cannot read the outputs file/);
    writeFileSync(join(dir, 'bad.json'), 'nope');
    expect(() => readTarget(join(dir, 'bad.json'))).toThrow(/is not JSON/);
    writeFileSync(join(dir, 'ok.json'), JSON.stringify(outputs));
    expect(readTarget(join(dir, 'ok.json')).clientId).toBe('client');
  });
});
