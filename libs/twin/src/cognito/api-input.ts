import { CognitoError } from './errors';

export { validateInput } from '../aws/input';
export type { Input, InputShape, Member } from '../aws/input';

const USERNAME = { type: 'string', min: 1, max: 128, pattern: /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u, patternText: '[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+' } as const;
const CLIENT_ID = { type: 'string', min: 1, max: 128, pattern: /^[\w+]+$/, patternText: '[\\w+]+' } as const;
const POOL_ID = { type: 'string', min: 1, max: 55, pattern: /^[\w-]+_[0-9a-zA-Z]+$/, patternText: '[\\w-]+_[0-9a-zA-Z]+' } as const;
const TOKEN = { type: 'string', pattern: /^[A-Za-z0-9\-_=.]+$/, patternText: '[A-Za-z0-9-_=.]+' } as const;
const PASSWORD = { type: 'string', max: 256, pattern: /^[\S]+.*[\S]+$/su, patternText: '^[\\S]+.*[\\S]+$' } as const;
const SECRET_HASH = { type: 'string', min: 1, max: 128, pattern: /^[\w+=/]+$/, patternText: '[\\w+=/]+' } as const;

export const M = { USERNAME, CLIENT_ID, POOL_ID, TOKEN, PASSWORD, SECRET_HASH };

/** `[{Name, Value}]` to a record; a repeated name is an error, as on AWS. */
export function attributesOf(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of (list as { Name: string; Value?: string }[] | undefined) ?? []) {
    if (item.Name in out) throw new CognitoError('InvalidParameterException', `Duplicate attribute name: ${item.Name}`);
    if (item.Name === 'sub') throw new CognitoError('InvalidParameterException', 'Cannot modify an immutable attribute: sub');
    out[item.Name] = item.Value ?? '';
  }
  return out;
}
