import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decodeJwt } from 'jose';
import { formOf, MiniBrowser } from '../hosted-ui/browser.fixture';
import { StackModel } from '../stack/stack-model';
import { RunningTwin, startTwin } from '../test-support';

// Each spec builds a twin (RSA keys, scrypt) and talks HTTP: generous limits keep a loaded machine from failing it.
jest.setTimeout(30_000);

const WORKSPACE = resolve(__dirname, '../../../..');
let t: RunningTwin;
let synthDir: string | undefined;

// Synthesized here rather than with synthDevStack (which keeps only the JSON): the twin reads the Lambda packages of
// `GET /me` and `POST /orders` from assets/ beside cdk.tf.json.
beforeAll(async () => {
  synthDir = mkdtempSync(join(tmpdir(), 'twin-dev-stack-synth-'));
  execFileSync(process.execPath, [join(WORKSPACE, 'libs/tooling/bin/synth.mjs'), 'dev', '--outdir', synthDir], { cwd: WORKSPACE, stdio: 'pipe' });
  const file = join(synthDir, 'stacks/dev/cdk.tf.json');
  t = await startTwin({ stack: new StackModel(JSON.parse(readFileSync(file, 'utf8')), file) });
}, 90_000);
afterAll(async () => {
  await t?.close();
  if (synthDir) rmSync(synthDir, { recursive: true, force: true });
});

describe('the twin of the real dev stack (Cognito part)', () => {
  it('builds the pool, domain, client, resource server and demo user the stack declares', () => {
    const [pool] = t.twin.cognito.directory.all();
    expect(pool.id).toMatch(/^eu-west-1_[A-Za-z0-9]{9}$/);
    expect(pool.settings).toMatchObject({ usernameAttributes: ['email'], allowAdminCreateUserOnly: true, mfa: 'OFF' });
    expect(pool.domains.map((d) => d.domain)).toEqual(['secure-api-dev-login']);
    expect(pool.clients).toHaveLength(1);
    expect(pool.clients[0].settings).toMatchObject({ allowedOAuthFlows: ['code', 'implicit'], preventUserExistenceErrors: true, callbackUrls: ['http://localhost:4010/callback', 'https://localhost:4010/callback'] });
    expect(pool.resourceServers.map((r) => r.scopes)).toEqual([['api/orders.write']]);
    expect(t.twin.stackUsers).toEqual([expect.objectContaining({ username: 'demo@example.com', status: 'FORCE_CHANGE_PASSWORD', generated: true })]);
  });

  it('resolves every output the stack declares, with AWS URLs mapped to the twin', () => {
    const out = t.twin.outputs();
    const [pool] = t.twin.cognito.directory.all();
    const ui = `${t.base}/auth/secure-api-dev-login`;
    expect(out['user_pool_id'].value).toBe(pool.id);
    expect(out['issuer_url'].value).toBe(`${t.base}/${pool.id}`);
    expect(out['jwks_url'].value).toBe(`${t.base}/${pool.id}/.well-known/jwks.json`);
    expect(out['hosted_ui_base_url'].value).toBe(ui);
    expect(out['hosted_ui_login_url'].value).toBe(`${ui}/login?client_id=${pool.clients[0].id}&response_type=code&redirect_uri=http%3A%2F%2Flocalhost%3A4010%2Fcallback`);
    expect(String(out['api_invoke_url'].value).startsWith(`${t.base}/`)).toBe(true);
    expect(out['cognito_idp_endpoint'].value).toBe(t.base);
    expect(out['temporary_passwords']).toMatchObject({ sensitive: true, value: { 'demo@example.com': t.twin.stackUsers[0].temporaryPassword } });
    const declared = Object.keys((t.twin.ctx.stack!.outputs()));
    expect(declared.filter((name) => !(name in out))).toEqual([]);
  });

  it('signs the demo user in on the hosted UI (code + PKCE) through the first-login password change', async () => {
    const [pool] = t.twin.cognito.directory.all();
    const verifier = randomBytes(32).toString('base64url');
    const q = new URLSearchParams({
      client_id: pool.clients[0].id, response_type: 'code', redirect_uri: 'http://localhost:4010/callback', scope: 'openid email api/orders.write', state: 's',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
    });
    const b = new MiniBrowser(t.base);
    const login = await b.request(String((await b.request(`/auth/secure-api-dev-login/oauth2/authorize?${q}`)).headers.get('location')));
    let form = formOf(await login.text());
    const change = await b.request(form.action, { form: { ...form.fields, username: 'demo@example.com', password: String(t.twin.stackUsers[0].temporaryPassword) } });
    form = formOf(await change.text());
    expect(form.fields['session']).toBeTruthy();
    const done = await b.request(form.action, { form: { ...form.fields, password: 'Demo-Passw0rd-2026!', confirm_password: 'Demo-Passw0rd-2026!' } });
    const code = new URL(String(done.headers.get('location'))).searchParams.get('code');
    const res = await fetch(`${t.base}/auth/secure-api-dev-login/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: pool.clients[0].id, code: String(code), redirect_uri: 'http://localhost:4010/callback', code_verifier: verifier }).toString(),
    });
    expect(res.status).toBe(200);
    const tokens = (await res.json()) as Record<string, string>;
    expect(decodeJwt(tokens['id_token'])).toMatchObject({ email: 'demo@example.com', iss: pool.issuer, aud: pool.clients[0].id });
    expect(decodeJwt(tokens['access_token'])['scope']).toBe('openid email api/orders.write');
  });
});
