/**
 * The client libraries teams verify Cognito tokens with, run unchanged against a twin that serves HTTPS: a child
 * process of `tls.integration.spec.ts`, started with `NODE_EXTRA_CA_CERTS` set to the twin's CA as a user's shell
 * would (Node reads it only at start, hence a process of its own). Reads what it needs from `TLS_CLIENTS_INPUT` (JSON),
 * prints one JSON line of what each library did.
 */
import { AdminCreateUserCommand, AdminSetUserPasswordCommand, CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { JwtRsaVerifier } from 'aws-jwt-verify';
import { readFileSync } from 'node:fs';
import { formOf, MiniBrowser } from '../hosted-ui/browser.fixture';

export interface ClientsInput {
  /** The twin's outputs file: issuer, jwks_url, twin_endpoint_url, the credentials. */
  readonly outputsFile: string;
  readonly region: string;
  readonly pools: { readonly main: string; readonly other: string };
  readonly clients: { readonly main: string; readonly other: string };
  readonly callback: string;
}

export interface ClientsReport {
  readonly sdk: { readonly created: string[]; readonly authenticated: boolean };
  readonly awsJwtVerify: { readonly id: Record<string, unknown>; readonly access: Record<string, unknown>; readonly otherPool: string };
  readonly openidClient: { readonly issuer: string; readonly tokenEndpoint: string; readonly idClaims: Record<string, unknown>; readonly refreshed: boolean };
}

const PASSWORD = 'Str0ng-Passw0rd!';

export async function main(): Promise<number> {
  const input = JSON.parse(String(process.env['TLS_CLIENTS_INPUT'])) as ClientsInput;
  const outputs = JSON.parse(readFileSync(input.outputsFile, 'utf8')) as Record<string, { value: unknown }>;
  const value = (name: string) => String(outputs[name]?.value);
  const endpoint = value('twin_endpoint_url');

  // The AWS SDK v3 Cognito client: signed admin calls and an unsigned InitiateAuth, over HTTPS.
  const cognito = new CognitoIdentityProviderClient({
    endpoint, region: input.region, maxAttempts: 1,
    credentials: { accessKeyId: value('twin_access_key_id'), secretAccessKey: value('twin_secret_access_key') },
  });
  const signIn = async (pool: string, client: string, username: string) => {
    await cognito.send(new AdminCreateUserCommand({ UserPoolId: pool, Username: username, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: username }, { Name: 'email_verified', Value: 'true' }] }));
    await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: pool, Username: username, Password: PASSWORD, Permanent: true }));
    const auth = await cognito.send(new InitiateAuthCommand({ ClientId: client, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD } }));
    return auth.AuthenticationResult ?? {};
  };
  const main = await signIn(input.pools.main, input.clients.main, 'tls@example.com');
  const other = await signIn(input.pools.other, input.clients.other, 'tls-other@example.com');
  cognito.destroy();

  // aws-jwt-verify, with the issuer and JWKS URL exactly as the outputs file gives them, its own fetcher and cache.
  const issuer = value('issuer');
  const jwksUri = value('jwks_url');
  const idVerifier = JwtRsaVerifier.create({ issuer, jwksUri, audience: input.clients.main, customJwtCheck: ({ payload }) => assertUse(payload, 'id') });
  const accessVerifier = JwtRsaVerifier.create({ issuer, jwksUri, audience: null, customJwtCheck: ({ payload }) => assertUse(payload, 'access') });
  const id = (await idVerifier.verify(String(main.IdToken))) as unknown as Record<string, unknown>;
  const access = (await accessVerifier.verify(String(main.AccessToken))) as unknown as Record<string, unknown>;
  const otherPool = await idVerifier.verify(String(other.IdToken)).then(() => 'accepted', (err: Error) => `${err.constructor.name}: ${err.message}`);

  // openid-client: discovery, code + PKCE through the hosted UI, refresh; no allowInsecureRequests.
  const oidc = await import('openid-client');
  const config = await oidc.discovery(new URL(issuer), input.clients.main, undefined, oidc.None());
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: input.callback, scope: 'openid email', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state });
  const browser = new MiniBrowser(endpoint);
  const toLogin = await browser.request(url.href);
  const login = await browser.request(String(toLogin.headers.get('location')));
  const { action, fields } = formOf(await login.text());
  const done = await browser.request(action, { form: { ...fields, username: 'tls@example.com', password: PASSWORD } });
  const tokens = await oidc.authorizationCodeGrant(config, new URL(String(done.headers.get('location'))), { pkceCodeVerifier: verifier, expectedState: state, idTokenExpected: true });
  const refreshed = await oidc.refreshTokenGrant(config, String(tokens.refresh_token));

  const report: ClientsReport = {
    sdk: { created: ['tls@example.com', 'tls-other@example.com'], authenticated: Boolean(main.IdToken && other.IdToken) },
    awsJwtVerify: { id, access, otherPool },
    openidClient: {
      issuer: config.serverMetadata().issuer,
      tokenEndpoint: String(config.serverMetadata().token_endpoint),
      idClaims: { ...tokens.claims() },
      refreshed: typeof refreshed.access_token === 'string' && refreshed.access_token !== tokens.access_token,
    },
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
  return 0;
}

function assertUse(payload: object, use: 'id' | 'access'): void {
  const actual = (payload as { token_use?: unknown }).token_use;
  if (actual !== use) throw new Error(`token_use is ${String(actual)}, not ${use}`);
}
