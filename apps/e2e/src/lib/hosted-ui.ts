import { createHash, randomBytes } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Flags for Debian's Chromium on a machine without outside network or GPU. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * Chromium for the suite. Against a twin over HTTPS (`E2E_TLS_SPKI`, set by the runner), it trusts the twin's
 * certificate by its SPKI pin and nothing else: no certificate error is ignored wholesale.
 */
export function launchChromium(): Promise<Browser> {
  const pin = process.env['E2E_TLS_SPKI'];
  return chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', args: [...CHROMIUM_ARGS, ...(pin ? [`--ignore-certificate-errors-spki-list=${pin}`] : [])] });
}

export interface SignInOptions {
  /** The full `/oauth2/authorize` URL to start from. */
  readonly authorizeUrl: string;
  /** The registered callback URL; requests to it are answered by the browser itself, so nothing needs to serve it. */
  readonly callbackUrl: string;
  readonly username: string;
  readonly password: string;
  /** Set on the forced change-password page at the first sign-in. */
  readonly newPassword: string;
}

export interface SignInResult {
  /** The callback URL the hosted UI redirected to, with its query and fragment. */
  readonly url: URL;
  /** Whether the change-password page was shown (first sign-in). */
  readonly changedPassword: boolean;
}

/**
 * Signs in on the hosted UI as a person would: the login form, then the forced change-password page when the
 * user still has a temporary password. Selectors follow Cognito's hosted UI (`username`/`password` fields,
 * `signInSubmitButton`), which the twin reproduces, so the same code runs against AWS and the twin.
 */
export async function signInOnHostedUi(browser: Browser, o: SignInOptions): Promise<SignInResult> {
  const context = await browser.newContext();
  try {
    const callback = new URL(o.callbackUrl);
    const isCallback = (u: URL) => u.origin === callback.origin && u.pathname === callback.pathname;
    const page = await context.newPage();
    // The hosted UI ends with a redirect to the callback; its Location header carries the result (query or
    // fragment), so nothing needs to serve the callback URL.
    let reached: URL | undefined;
    const callbackReached = new Promise<URL>((resolveReached) => {
      page.on('response', (res) => {
        const location = res.headers()['location'];
        if (!location) return;
        const url = new URL(location, res.url());
        if (isCallback(url)) resolveReached((reached = url));
      });
    });
    await context.route((u) => isCallback(u), (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>signed in</title>' }));
    await page.goto(o.authorizeUrl);
    await fill(page, 'input[name="username"]', o.username);
    await fill(page, 'input[name="password"]', o.password);
    await submit(page, '[name="signInSubmitButton"]:visible, button[type="submit"]:visible', callbackReached);
    let changedPassword = false;
    if (!reached) {
      const error = await page.locator('#errorMessage:visible').textContent({ timeout: 1_000 }).catch(() => null);
      if (error) throw new Error(`hosted UI refused the sign-in: ${error.trim()}`);
      const passwords = page.locator('input[type="password"]:visible');
      await passwords.first().waitFor({ timeout: 15_000 });
      for (let i = 0; i < (await passwords.count()); i++) await passwords.nth(i).fill(o.newPassword);
      await submit(page, 'button[type="submit"]:visible, input[type="submit"]:visible', callbackReached);
      changedPassword = true;
    }
    const url = reached ?? (await Promise.race([callbackReached, timeout(15_000, 'the hosted UI did not redirect to the callback URL')]));
    return { url, changedPassword };
  } finally {
    await context.close();
  }
}

/** Clicks a submit button and waits until the next page has loaded or the hosted UI redirected to the callback. */
async function submit(page: Page, selector: string, callbackReached: Promise<URL>): Promise<void> {
  const navigated = page.waitForNavigation({ waitUntil: 'load', timeout: 15_000 }).catch(() => undefined);
  await page.locator(selector).first().click();
  await Promise.race([callbackReached, navigated]);
}

function timeout(ms: number, message: string): Promise<never> {
  return new Promise((_resolve, reject) => setTimeout(() => reject(new Error(message)), ms).unref());
}

async function fill(page: Page, selector: string, value: string): Promise<void> {
  const field = page.locator(`${selector}:visible`).first();
  await field.waitFor({ timeout: 15_000 });
  await field.fill(value);
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function authorizeUrl(base: string, params: Record<string, string>): string {
  return `${base}/oauth2/authorize?${new URLSearchParams(params).toString()}`;
}

export interface TokenSet {
  readonly id_token: string;
  readonly access_token: string;
  readonly refresh_token?: string;
  readonly token_type: string;
  readonly expires_in: number;
}

/** Redeems an authorization code at the token endpoint (public client with PKCE). */
export async function redeemCode(base: string, o: { clientId: string; code: string; redirectUri: string; verifier: string }): Promise<TokenSet> {
  const res = await fetch(`${base}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: o.clientId, code: o.code, redirect_uri: o.redirectUri, code_verifier: o.verifier }).toString(),
  });
  const body = (await res.json()) as TokenSet & { error?: string };
  if (res.status !== 200) throw new Error(`token endpoint answered ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

/** The claims of a JWT, without verification (the API under test verifies). */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** A password that meets any Cognito policy up to 20 characters: all four classes, random. */
export function strongPassword(): string {
  return `Aa1!${randomBytes(15).toString('base64url')}`;
}
