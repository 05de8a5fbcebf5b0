import { randomString } from '../shared/ids';
import type { TwinStore } from '../store/store';
import type { AwsAccount } from './front';
import type { TwinCredentials } from './sigv4';

/** The account id of a twin that names none (LocalStack and moto use the same). */
export const DEFAULT_ACCOUNT_ID = '000000000000';

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * The AWS account a twin is: its id and default region, and the one key pair that may change it, made once per data
 * directory (kept there only) so that no other local process can act on the twin without reading its outputs file.
 */
export function twinAccount(store: TwinStore, options: { readonly accountId?: string; readonly region: string }): AwsAccount {
  const accountId = options.accountId ?? store.metaOnce('account_id', () => DEFAULT_ACCOUNT_ID);
  let credentials: TwinCredentials | undefined;
  return {
    accountId,
    defaultRegion: options.region,
    credentials: () => {
      credentials ??= {
        accessKeyId: store.metaOnce('access_key_id', () => `AKIA${randomString(KEY_ALPHABET, 16)}`),
        secretAccessKey: store.metaOnce('secret_access_key', () => randomString(SECRET_ALPHABET, 40)),
      };
      return credentials;
    },
  };
}
