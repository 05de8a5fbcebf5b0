import { AdminCreateUserCommand, CognitoIdentityProviderClient, GetUserCommand, InitiateAuthCommand, RespondToAuthChallengeCommand, RevokeTokenCommand } from '@aws-sdk/client-cognito-identity-provider';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ids, RunningTwin, startTwin } from '../test-support';

// Each spec builds a twin (RSA keys, scrypt) and talks HTTP: generous limits keep a loaded machine from failing it.
jest.setTimeout(30_000);

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'twin-persist-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

function sdk(t: RunningTwin): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({ endpoint: t.base, region: 'eu-west-1', credentials: t.twin.account.credentials(), maxAttempts: 1 });
}

describe('a restart loses nothing', () => {
  it('keeps users, password changes, refresh tokens, revocations and signing keys', async () => {
    let t = await startTwin({ dataDir });
    let c = sdk(t);
    const id = ids(t.twin);
    await c.send(new AdminCreateUserCommand({ UserPoolId: id.pool, Username: 'kept@example.com', TemporaryPassword: 'Temp-Passw0rd-1', MessageAction: 'SUPPRESS' }));
    const first = await c.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: id.web, AuthParameters: { USERNAME: 'kept@example.com', PASSWORD: 'Temp-Passw0rd-1' } }));
    const done = await c.send(new RespondToAuthChallengeCommand({ ClientId: id.web, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: first.Session, ChallengeResponses: { USERNAME: 'kept@example.com', NEW_PASSWORD: 'Str0ng-Passw0rd!' } }));
    const kept = done.AuthenticationResult ?? {};
    const second = await c.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: id.web, AuthParameters: { USERNAME: 'kept@example.com', PASSWORD: 'Str0ng-Passw0rd!' } }));
    await c.send(new RevokeTokenCommand({ ClientId: id.web, Token: String(second.AuthenticationResult?.RefreshToken) }));
    c.destroy();
    await t.close({ keepData: true });

    // The issuer is <base>/<poolId>: the same port keeps earlier tokens valid.
    t = await startTwin({ dataDir, port: Number(new URL(t.base).port) });
    c = sdk(t);
    try {
      expect(ids(t.twin)).toEqual(id);
      // Same issuer and keys: the access token issued before the restart still works at Cognito.
      expect((await c.send(new GetUserCommand({ AccessToken: kept.AccessToken }))).UserAttributes).toEqual(expect.arrayContaining([{ Name: 'email', Value: 'kept@example.com' }]));
      const signIn = await c.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: id.web, AuthParameters: { USERNAME: 'kept@example.com', PASSWORD: 'Str0ng-Passw0rd!' } }));
      expect(signIn.ChallengeName).toBeUndefined();
      const refreshed = await c.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: id.web, AuthParameters: { REFRESH_TOKEN: String(kept.RefreshToken) } }));
      expect(refreshed.AuthenticationResult?.AccessToken).toBeDefined();
      await expect(c.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: id.web, AuthParameters: { REFRESH_TOKEN: String(second.AuthenticationResult?.RefreshToken) } }))).rejects.toMatchObject({
        name: 'NotAuthorizedException', message: 'Refresh Token has been revoked',
      });
    } finally {
      c.destroy();
      await t.close({ keepData: true });
    }
  }, 60_000);
});
