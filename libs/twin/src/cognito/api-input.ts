import { CognitoError, validationError } from './errors';

/** The shape of one member of a JSON API request, after the botocore model of Cognito. */
export type Member =
  | { readonly type: 'string'; readonly required?: boolean; readonly min?: number; readonly max?: number; readonly pattern?: RegExp; readonly patternText?: string; readonly enum?: readonly string[] }
  | { readonly type: 'boolean'; readonly required?: boolean }
  | { readonly type: 'integer'; readonly required?: boolean; readonly min?: number; readonly max?: number }
  | { readonly type: 'map'; readonly required?: boolean }
  | { readonly type: 'attributes'; readonly required?: boolean }
  | { readonly type: 'stringList'; readonly required?: boolean; readonly max?: number };

export type InputShape = Readonly<Record<string, Member>>;

const USERNAME = { type: 'string', min: 1, max: 128, pattern: /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u, patternText: '[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+' } as const;
const CLIENT_ID = { type: 'string', min: 1, max: 128, pattern: /^[\w+]+$/, patternText: '[\\w+]+' } as const;
const POOL_ID = { type: 'string', min: 1, max: 55, pattern: /^[\w-]+_[0-9a-zA-Z]+$/, patternText: '[\\w-]+_[0-9a-zA-Z]+' } as const;
const TOKEN = { type: 'string', pattern: /^[A-Za-z0-9\-_=.]+$/, patternText: '[A-Za-z0-9-_=.]+' } as const;
const PASSWORD = { type: 'string', max: 256, pattern: /^[\S]+.*[\S]+$/su, patternText: '^[\\S]+.*[\\S]+$' } as const;
const SECRET_HASH = { type: 'string', min: 1, max: 128, pattern: /^[\w+=/]+$/, patternText: '[\\w+=/]+' } as const;

export const M = { USERNAME, CLIENT_ID, POOL_ID, TOKEN, PASSWORD, SECRET_HASH };

/** The parsed members of a request, each of the type its shape names. */
export type Input = Record<string, unknown>;

/**
 * Checks a request against its shape and answers as AWS does: a member of the wrong JSON type is a
 * SerializationException; missing and out-of-constraint members are listed in one InvalidParameterException.
 */
export function validateInput(body: Record<string, unknown>, shape: InputShape): Input {
  const problems: string[] = [];
  for (const [name, member] of Object.entries(shape)) {
    const value = body[name];
    const at = name.charAt(0).toLowerCase() + name.slice(1);
    if (value === undefined || value === null) {
      if (member.required) problems.push(`Value null at '${at}' failed to satisfy constraint: Member must not be null`);
      continue;
    }
    switch (member.type) {
      case 'string': {
        if (typeof value !== 'string') throw serialization(name, 'a string');
        const len = [...value].length;
        if (member.min !== undefined && len < member.min) problems.push(`Value at '${at}' failed to satisfy constraint: Member must have length greater than or equal to ${member.min}`);
        if (member.max !== undefined && len > member.max) problems.push(`Value at '${at}' failed to satisfy constraint: Member must have length less than or equal to ${member.max}`);
        if (member.pattern && len > 0 && !member.pattern.test(value)) problems.push(`Value at '${at}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${member.patternText}`);
        if (member.enum && !member.enum.includes(value)) problems.push(`Value '${value.slice(0, 64)}' at '${at}' failed to satisfy constraint: Member must satisfy enum value set: [${member.enum.join(', ')}]`);
        break;
      }
      case 'boolean':
        if (typeof value !== 'boolean') throw serialization(name, 'a boolean');
        break;
      case 'integer':
        if (typeof value !== 'number' || !Number.isInteger(value)) throw serialization(name, 'an integer');
        if (member.min !== undefined && value < member.min) problems.push(`Value '${value}' at '${at}' failed to satisfy constraint: Member must have value greater than or equal to ${member.min}`);
        if (member.max !== undefined && value > member.max) problems.push(`Value '${value}' at '${at}' failed to satisfy constraint: Member must have value less than or equal to ${member.max}`);
        break;
      case 'map':
        if (typeof value !== 'object' || Array.isArray(value)) throw serialization(name, 'a map of strings');
        for (const v of Object.values(value as object)) if (typeof v !== 'string') throw serialization(name, 'a map of strings');
        break;
      case 'attributes':
        if (!Array.isArray(value)) throw serialization(name, 'a list of {Name, Value}');
        for (const item of value) {
          if (typeof item !== 'object' || item === null || typeof item.Name !== 'string' || (item.Value !== undefined && typeof item.Value !== 'string')) {
            throw serialization(name, 'a list of {Name, Value}');
          }
          if (item.Name.length < 1 || item.Name.length > 32) problems.push(`Value at '${at}.member.name' failed to satisfy constraint: Member must have length less than or equal to 32`);
          if ((item.Value ?? '').length > 2048) problems.push(`Value at '${at}.member.value' failed to satisfy constraint: Member must have length less than or equal to 2048`);
        }
        break;
      case 'stringList':
        if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw serialization(name, 'a list of strings');
        if (member.max !== undefined && value.length > member.max) problems.push(`Value at '${at}' failed to satisfy constraint: Member must have length less than or equal to ${member.max}`);
        break;
    }
  }
  if (problems.length > 0) throw validationError(problems);
  return body;
}

function serialization(member: string, expected: string): CognitoError {
  return new CognitoError('SerializationException', `Unexpected value for member ${member}: expected ${expected}.`);
}

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
