// The AWS SDK against a running twin, signing with the twin's credentials at the twin's own time (a test clock may
// run days ahead, and the twin refuses signatures more than 15 minutes off its clock, as AWS does). Kept out of the
// test-support index: only the specs that call the SDK load it.
import * as idp from '@aws-sdk/client-cognito-identity-provider';
import type { RunningTwin } from './twin';

type Json = Record<string, unknown>;

/** A Cognito client of the twin, its signing clock set to the twin's at this moment. */
export function cognitoSdk(t: RunningTwin): idp.CognitoIdentityProviderClient {
  return new idp.CognitoIdentityProviderClient({
    endpoint: t.base, region: 'eu-west-1', credentials: t.twin.account.credentials(), maxAttempts: 1, systemClockOffset: t.twin.ctx.clock.now() - Date.now(),
  });
}

/** One Cognito operation through the SDK, as `{ status, json }`: the output, or AWS's error type and message. */
export async function cognitoCall(t: RunningTwin, operation: string, input: Json): Promise<{ status: number; json: Json }> {
  const Command = (idp as unknown as Record<string, new (input: Json) => idp.ServiceInputTypes>)[`${operation}Command`];
  if (!Command) throw new Error(`no SDK command ${operation}`);
  try {
    const { $metadata, ...out } = (await cognitoSdk(t).send(new Command(input) as never)) as Json & { $metadata: { httpStatusCode?: number } };
    return { status: $metadata.httpStatusCode ?? 200, json: out };
  } catch (err) {
    const e = err as Error & { $metadata?: { httpStatusCode?: number } };
    if (!e.$metadata) throw err;
    return { status: e.$metadata.httpStatusCode ?? 0, json: { __type: e.name, message: e.message } };
  }
}
