import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { StackModel } from '../stack/stack-model';
import { mintExpiredIdToken } from '../testing/expired-token';
import { frontDoor, startTwin, withLocalPort, type RunningTwin } from '../test-support';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const NEW_PASSWORD = 'Demo-Passw0rd-2026!';

const WORKSPACE = resolve(__dirname, '../../../..');
let devDir: string | undefined;
let devJson: Record<string, unknown>;
let devFile: string;

// Synthesized here rather than with synthDevStack (which keeps only the JSON): the twin reads the Lambda packages of
// `GET /me` and `POST /orders` from assets/ beside cdk.tf.json.
beforeAll(() => {
  devDir = mkdtempSync(join(tmpdir(), 'twin-demo-synth-'));
  execFileSync(process.execPath, [join(WORKSPACE, 'libs/tooling/bin/synth.mjs'), 'dev', '--outdir', devDir], { cwd: WORKSPACE, stdio: 'pipe' });
  devFile = join(devDir, 'stacks/dev/cdk.tf.json');
  devJson = JSON.parse(readFileSync(devFile, 'utf8')) as Record<string, unknown>;
}, 60_000);
afterAll(() => {
  if (devDir) rmSync(devDir, { recursive: true, force: true });
});

/** The dev stack (as given) loaded from the synthesized folder, so that its package paths resolve. */
const devStack = (json: Record<string, unknown> = devJson) => new StackModel(json, devFile);

/** The twin of the real dev stack: the demo's configuration, the API's answers, the access log. */
describe('the twin of the dev stack over HTTP', () => {
  let t: RunningTwin;
  const lines: string[] = [];

  beforeAll(async () => {
    t = await startTwin({ stack: devStack(), apiGateway: { accessLog: (l) => lines.push(l) } });
  }, 30_000);
  afterAll(() => t?.close());

  const api = () => t.twin.apiGateway.apis()[0];
  const invoke = (path: string) => `${api().stages[0].invokeUrl}${path}`;

  it('serves config.json derived from the stack', async () => {
    const res = await fetch(`${t.base}/callback/config.json`);
    expect(res.status).toBe(200);
    const config = (await res.json()) as Record<string, Record<string, unknown>>;
    const clientId = t.twin.ctx.stack!.attributesOf('aws_cognito_user_pool_client.SecureApi_UserPool_WebClient_0F8A940F')?.['id'];
    expect(config['client']).toEqual({
      id: clientId,
      name: 'secure-api-dev-web',
      redirectUri: 'http://localhost:4010/callback',
      logoutUri: 'http://localhost:4010/',
      flows: ['code', 'implicit'],
      // A set in Terraform: the AWS provider sends it sorted.
      scopes: ['api/orders.write', 'email', 'openid', 'profile'],
    });
    expect(config['hostedUi']).toEqual({ path: '/auth/secure-api-dev-login', url: `${t.base}/auth/secure-api-dev-login` });
    expect(config['apis']).toEqual([
      {
        name: 'secure-api-dev-api',
        stage: 'v1',
        invokePath: `/${api().id}/v1`,
        invokeUrl: `${t.base}/${api().id}/v1`,
        routes: [
          { httpMethod: 'GET', path: '/health', authorization: 'NONE', scopes: [] },
          { httpMethod: 'GET', path: '/me', authorization: 'COGNITO_USER_POOLS', scopes: [] },
          { httpMethod: 'POST', path: '/orders', authorization: 'COGNITO_USER_POOLS', scopes: ['api/orders.write'] },
        ],
      },
    ]);
  });

  it('writes the invoke URL in twin form to the outputs', () => {
    expect(t.twin.outputs()['api_invoke_url']?.value).toBe(`${t.base}/${api().id}/v1`);
  });

  it('answers the public route, refuses the protected ones without a token and with an expired one', async () => {
    const health = await fetch(invoke('/health'));
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    for (const [method, path] of [['GET', '/me'], ['POST', '/orders']]) {
      const res = await fetch(invoke(path), method === 'POST' ? { method, headers: { 'content-type': 'application/json' }, body: '{"item":"coffee","quantity":2}' } : {});
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ message: 'Unauthorized' });
    }
    const pool = t.twin.cognito.directory.all()[0];
    const clientId = String(t.twin.ctx.stack!.attributesOf('aws_cognito_user_pool_client.SecureApi_UserPool_WebClient_0F8A940F')?.['id']);
    const expired = await mintExpiredIdToken({ dataDir: t.dataDir, userPoolId: pool.id, clientId, issuer: pool.issuer, email: 'demo@example.com' });
    const res = await fetch(invoke('/me'), { headers: { Authorization: `Bearer ${expired}` } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: 'The incoming token has expired' });
  });

  it("logs each request in the stage's JSON format", async () => {
    lines.length = 0;
    const res = await fetch(invoke('/health'), { headers: { 'user-agent': 'demo-spec' } });
    await new Promise((r) => setImmediate(r));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({
      requestId: res.headers.get('x-amzn-requestid'),
      ip: '127.0.0.1',
      userAgent: 'demo-spec',
      httpMethod: 'GET',
      resourcePath: '/health',
      path: '/v1/health',
      status: '200',
      protocol: 'HTTP/1.1',
      sub: '-',
      xrayTraceId: res.headers.get('x-amzn-trace-id'),
    });
  });

  it('serves the page under a strict CSP, its script and style, and sends / to it', async () => {
    const page = await fetch(`${t.base}/callback`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await page.text()).toContain('<script src="/callback/app.js" defer></script>');
    expect((await fetch(`${t.base}/callback/app.js`)).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetch(`${t.base}/callback/style.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
    const root = await fetch(`${t.base}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/callback');
  });
});

describe('config.json without a /callback client', () => {
  it('answers 404 naming the fix', async () => {
    const t = await startTwin({ stack: devStack(JSON.parse(JSON.stringify(devJson).replace(/\/callback/g, '/signed-in')) as Record<string, unknown>) });
    try {
      const res = await fetch(`${t.base}/callback/config.json`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { message: string }).message).toMatch(/No app client has a callback URL ending in \/callback/);
    } finally {
      await t.close();
    }
  }, 30_000);
});

/** The walk-through in a browser: the demo page signs in on the hosted UI and calls the API. */
describe('the demo page in headless Chromium', () => {
  let t: RunningTwin;
  let door: Awaited<ReturnType<typeof frontDoor>>;
  let browser: Browser;
  let origin: string;
  let temporaryPassword: string;

  beforeAll(async () => {
    let target = '';
    door = await frontDoor(() => target);
    origin = `http://localhost:${door.port}`;
    t = await startTwin({ stack: devStack(withLocalPort(devJson, door.port)) });
    target = t.base;
    temporaryPassword = String(t.twin.stackUsers.find((u) => u.username === 'demo@example.com')?.temporaryPassword);
    browser = await chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await door?.close();
  });

  it('signs in with code + PKCE (first-login password change), shows the user and calls the API with and without tokens', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/callback`);
    await page.waitForSelector('body[data-ready=true]');
    expect(await page.textContent('#status')).toContain('Not signed in');

    await page.click('#signInCode');
    await page.waitForSelector('#signInFormUsername');
    const authorize = new URL(page.url());
    expect(authorize.pathname).toBe('/auth/secure-api-dev-login/login');
    await firstSignIn(page, temporaryPassword);

    await page.waitForSelector('#user:not([hidden])');
    expect(page.url()).toBe(`${origin}/callback`);
    expect(await page.textContent('#status')).toContain('authorization code + PKCE');
    expect(await page.textContent('#userEmail')).toBe('demo@example.com');
    const idClaims = JSON.parse(String(await page.textContent('#idClaims'))) as { payload: Record<string, unknown> };
    expect(idClaims.payload).toMatchObject({ token_use: 'id', email: 'demo@example.com' });
    const accessClaims = JSON.parse(String(await page.textContent('#accessClaims'))) as { payload: Record<string, unknown> };
    expect(String(accessClaims.payload['scope'])).toContain('api/orders.write');

    // GET /me: the caller's identity, for the ID token only.
    expect(await page.locator('textarea[data-body="GET /me"]').count()).toBe(0);
    const noToken = await callAndRead(page, 'GET', '/me', 'none');
    expect(noToken.line).toContain('-> 401');
    expect(JSON.parse(noToken.body)).toEqual({ message: 'Unauthorized' });
    const withId = await callAndRead(page, 'GET', '/me', 'id');
    expect(withId.line).toContain('-> 200');
    expect(JSON.parse(withId.body)).toMatchObject({ email: 'demo@example.com', sub: idClaims.payload['sub'], tokenUse: 'id' });
    const accessOnMe = await callAndRead(page, 'GET', '/me', 'access');
    expect(accessOnMe.line).toContain('-> 401');

    // POST /orders: the sample JSON body, for an access token with api/orders.write.
    const orderBody = page.locator('textarea[data-body="POST /orders"]');
    expect(await orderBody.inputValue()).toBe('{"item":"coffee","quantity":2}');
    const accessOnOrders = await callAndRead(page, 'POST', '/orders', 'access');
    expect(accessOnOrders.line).toContain('-> 201');
    expect(JSON.parse(accessOnOrders.body)).toMatchObject({ item: 'coffee', quantity: 2, status: 'received', createdBy: idClaims.payload['sub'] });
    const idOnOrders = await callAndRead(page, 'POST', '/orders', 'id');
    expect(idOnOrders.line).toContain('-> 401');
    await orderBody.fill('{"item":"coffee","quantity":0}');
    const badOrder = await callAndRead(page, 'POST', '/orders', 'access');
    expect(badOrder.line).toContain('-> 400');
    expect((JSON.parse(badOrder.body) as { message: string }).message).toMatch(/^quantity must be an integer from 1 to 1000/);
    const publicRoute = await callAndRead(page, 'GET', '/health', 'none');
    expect(publicRoute.line).toContain('-> 200');

    await page.click('#signOut');
    await page.waitForSelector('body[data-ready=true] #signInCode:not([hidden])');
    expect(page.url()).toBe(`${origin}/callback`);
    await context.close();
  }, 60_000);

  it('signs in with the implicit grant where the client allows it', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // Opened on the twin's own origin: the page moves to the registered callback origin before signing in.
    await page.goto(`${t.base}/callback`);
    await page.waitForSelector('body[data-ready=true]');
    await page.click('#signInImplicit');
    await page.waitForSelector('#signInFormUsername');
    expect(new URL(page.url()).origin).toBe(origin);
    await page.fill('#signInFormUsername', 'demo@example.com');
    await page.fill('#signInFormPassword', NEW_PASSWORD);
    await page.click('button[name=signInSubmitButton]');
    await page.waitForSelector('#user:not([hidden])');
    expect(page.url()).toBe(`${origin}/callback`);
    expect(await page.textContent('#status')).toContain('implicit');
    const withId = await callAndRead(page, 'GET', '/me', 'id');
    expect(withId.line).toContain('-> 200');
    expect(JSON.parse(withId.body)).toMatchObject({ email: 'demo@example.com' });
    await context.close();
  }, 60_000);

  it('ignores a sign-in response it did not start', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/callback#access_token=forged&id_token=forged&state=attacker`);
    await page.waitForSelector('body[data-ready=true]');
    expect(await page.textContent('#problem')).toContain('state mismatch');
    expect(await page.isHidden('#user')).toBe(true);
    expect(page.url()).toBe(`${origin}/callback`);
    await context.close();
  }, 30_000);
});

/**
 * The same walk-through over HTTPS (`--tls`): Chromium trusts the twin's certificate by its SPKI pin, as a user's
 * browser would trust the local CA; no certificate error is ignored wholesale.
 */
describe('the demo page over HTTPS in headless Chromium', () => {
  let t: RunningTwin;
  let browser: Browser;
  let origin: string;
  let temporaryPassword: string;

  beforeAll(async () => {
    const port = await freePort();
    origin = `https://localhost:${port}`;
    t = await startTwin({ stack: devStack(withLocalPort(devJson, port)), port, tls: true });
    temporaryPassword = String(t.twin.stackUsers.find((u) => u.username === 'demo@example.com')?.temporaryPassword);
    browser = await chromium.launch({
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      args: [...CHROMIUM_ARGS, `--ignore-certificate-errors-spki-list=${t.twin.tls?.spki}`],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('serves the demo on the https callback, signs in with code + PKCE on the https hosted UI and calls the API', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const configJson = (await (await page.goto(`${t.base}/callback/config.json`))?.json()) as { client: { redirectUri: string; logoutUri: string }; hostedUi: { url: string }; apis: { invokeUrl: string }[] };
    expect(configJson.client).toMatchObject({ redirectUri: `${origin}/callback`, logoutUri: `${origin}/` });
    expect(configJson.hostedUi.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/auth\//);
    expect(configJson.apis[0].invokeUrl).toMatch(/^https:\/\//);

    await page.goto(`${origin}/callback`);
    await page.waitForSelector('body[data-ready=true]');
    await page.click('#signInCode');
    await page.waitForSelector('#signInFormUsername');
    expect(new URL(page.url()).protocol).toBe('https:');
    await firstSignIn(page, temporaryPassword);
    await page.waitForSelector('#user:not([hidden])');
    expect(page.url()).toBe(`${origin}/callback`);
    const idClaims = JSON.parse(String(await page.textContent('#idClaims'))) as { payload: Record<string, unknown> };
    expect(String(idClaims.payload['iss'])).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/eu-west-1_/);
    // The hosted UI's session cookie is Secure over HTTPS.
    const cookies = await context.cookies();
    expect(cookies.length).toBeGreaterThan(0);
    expect(cookies.every((c) => c.secure)).toBe(true);

    const noToken = await callAndRead(page, 'GET', '/me', 'none');
    expect(noToken.line).toContain('-> 401');
    const withId = await callAndRead(page, 'GET', '/me', 'id');
    expect(withId.line).toContain('-> 200');
    expect(JSON.parse(withId.body)).toMatchObject({ email: 'demo@example.com' });
    const order = await callAndRead(page, 'POST', '/orders', 'access');
    expect(order.line).toContain('-> 201');
    expect(JSON.parse(order.body)).toMatchObject({ status: 'received' });
    await context.close();
  }, 60_000);

  it('without the pin, Chromium refuses the certificate: the twin is trusted only the way a user trusts it', async () => {
    const plain = await chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
    try {
      const page = await plain.newPage();
      await expect(page.goto(`${origin}/callback`)).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/);
    } finally {
      await plain.close();
    }
  }, 30_000);
});

async function callAndRead(page: Page, method: string, path: string, kind: 'none' | 'id' | 'access'): Promise<{ line: string; body: string }> {
  // The click handler marks the call as pending before its first await; wait for the status to replace that.
  await page.click(`button[data-method="${method}"][data-path="${path}"][data-call="${kind}"]`);
  await page.waitForSelector('#resultLine:is(.ok, .bad)');
  return { line: String(await page.textContent('#resultLine')), body: String(await page.textContent('#resultBody')) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The first sign-in of the demo user on the hosted UI: its temporary password, then the forced change to NEW_PASSWORD. */
async function firstSignIn(page: Page, temporaryPassword: string): Promise<void> {
  await page.fill('#signInFormUsername', 'demo@example.com');
  await page.fill('#signInFormPassword', temporaryPassword);
  await page.click('button[name=signInSubmitButton]');
  await page.waitForSelector('#newPassword');
  await page.fill('#newPassword', NEW_PASSWORD);
  await page.fill('#confirmPassword', NEW_PASSWORD);
  await page.click('button[name=changePasswordSubmitButton]');
}
