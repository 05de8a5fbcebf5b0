import { AdminCreateUserCommand, AdminGetUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Browser, chromium } from 'playwright-core';
import { fixtureStack, ids, RunningTwin, startTwin } from '../test-support';

// Each spec builds a twin (RSA keys, scrypt) and talks HTTP: generous limits keep a loaded machine from failing it.
jest.setTimeout(30_000);

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let t: RunningTwin;
let browser: Browser;
let app: Server;
let CALLBACK: string;
const landed: string[] = [];

beforeAll(async () => {
  // The app behind the callback URL: a page on loopback (page.route cannot intercept the end of a redirect chain).
  app = createServer((req, res) => {
    landed.push(String(req.url));
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><title>callback</title><p>signed in</p>');
  });
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  CALLBACK = `http://localhost:${(app.address() as AddressInfo).port}/callback`;
  const json = fixtureStack();
  const clients = (json['resource'] as Record<string, Record<string, Record<string, unknown>>>)['aws_cognito_user_pool_client'];
  clients['Web'] = { ...clients['Web'], callback_urls: [CALLBACK] };
  t = await startTwin({ json });
  browser = await chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
  await new Promise((r) => app?.close(r));
});

describe('the hosted UI in headless Chromium', () => {
  it('signs in an admin-created user, forces the password change and lands on the callback with tokens in the fragment', async () => {
    const id = ids(t.twin);
    const cognito = new CognitoIdentityProviderClient({ endpoint: t.base, region: 'eu-west-1', credentials: t.twin.account.credentials(), maxAttempts: 1 });
    await cognito.send(new AdminCreateUserCommand({
      UserPoolId: id.pool, Username: 'browser@example.com', TemporaryPassword: 'Temp-Passw0rd-1', MessageAction: 'SUPPRESS',
      UserAttributes: [{ Name: 'email', Value: 'browser@example.com' }, { Name: 'email_verified', Value: 'true' }],
    }));

    const context = await browser.newContext();
    const page = await context.newPage();

    const q = new URLSearchParams({ client_id: id.web, response_type: 'token', scope: 'openid email profile', redirect_uri: CALLBACK, state: 'browser-state' });
    await page.goto(`${t.base}/auth/twin-test/oauth2/authorize?${q}`);
    expect(new URL(page.url()).pathname).toBe('/auth/twin-test/login');
    await page.fill('#signInFormUsername', 'browser@example.com');
    await page.fill('#signInFormPassword', 'Temp-Passw0rd-1');
    await page.click('button[name=signInSubmitButton]');
    await page.waitForSelector('#newPassword');
    expect(await page.textContent('h1')).toBe('Change password');

    // A weak password is refused on the page, with the pool's policy.
    await page.fill('#newPassword', 'weakpassword');
    await page.fill('#confirmPassword', 'weakpassword');
    await page.click('button[name=changePasswordSubmitButton]');
    await page.waitForSelector('#errorMessage');
    expect(await page.textContent('#errorMessage')).toContain('Password does not conform to policy');

    await page.fill('#newPassword', 'Br0wser-Passw0rd!');
    await page.fill('#confirmPassword', 'Br0wser-Passw0rd!');
    await Promise.all([page.waitForURL((u) => u.href.startsWith(CALLBACK)), page.click('button[name=changePasswordSubmitButton]')]);

    const url = new URL(page.url());
    expect(`${url.origin}${url.pathname}`).toBe(CALLBACK);
    expect(landed.filter((u) => u !== '/favicon.ico')).toEqual(['/callback']);
    expect(await page.textContent('p')).toBe('signed in');
    const fragment = new URLSearchParams(url.hash.slice(1));
    expect(fragment.get('token_type')).toBe('Bearer');
    expect(fragment.get('expires_in')).toBe('3600');
    expect(fragment.get('state')).toBe('browser-state');
    expect(decodeJwt(String(fragment.get('id_token')))).toMatchObject({ email: 'browser@example.com', token_use: 'id', aud: id.web });
    expect(decodeJwt(String(fragment.get('access_token')))).toMatchObject({ token_use: 'access', client_id: id.web });

    const session = (await context.cookies(`${t.base}/auth/twin-test/`)).find((c) => c.name === 'cognito');
    expect(session).toMatchObject({ httpOnly: true, path: '/auth/twin-test', sameSite: 'Lax' });
    expect((await cognito.send(new AdminGetUserCommand({ UserPoolId: id.pool, Username: 'browser@example.com' }))).UserStatus).toBe('CONFIRMED');
    cognito.destroy();
    await context.close();
  }, 60_000);
});
