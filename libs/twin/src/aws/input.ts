import { AwsError } from './errors';

/** The shape of one member of a JSON API request, after the botocore model of Cognito. */
export type Member =
  | { readonly type: 'string'; readonly required?: boolean; readonly min?: number; readonly max?: number; readonly pattern?: RegExp; readonly patternText?: string; readonly enum?: readonly string[] }
  | { readonly type: 'boolean'; readonly required?: boolean }
  | { readonly type: 'integer'; readonly required?: boolean; readonly min?: number; readonly max?: number }
  | { readonly type: 'map'; readonly required?: boolean }
  | { readonly type: 'attributes'; readonly required?: boolean }
  | { readonly type: 'stringList'; readonly required?: boolean; readonly max?: number }
  | { readonly type: 'object'; readonly required?: boolean }
  | { readonly type: 'list'; readonly required?: boolean; readonly max?: number; /** Each item an object (a structure). */ readonly items?: 'object' };

export type InputShape = Readonly<Record<string, Member>>;

/** The parsed members of a request, each of the type its shape names. */
export type Input = Record<string, unknown>;

/**
 * Checks a request against its shape and answers as AWS does (the members it takes, and only those, are returned): a member of the wrong JSON type is a
 * SerializationException; missing and out-of-constraint members are listed in one InvalidParameterException.
 */
export function validateInput(body: Record<string, unknown>, shape: InputShape, code = 'InvalidParameterException'): Input {
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
      case 'object':
        if (typeof value !== 'object' || Array.isArray(value)) throw serialization(name, 'an object');
        break;
      case 'list':
        if (!Array.isArray(value)) throw serialization(name, 'a list');
        if (member.items === 'object' && value.some((v) => typeof v !== 'object' || v === null || Array.isArray(v))) throw serialization(name, 'a list of structures');
        if (member.max !== undefined && value.length > member.max) problems.push(`Value at '${at}' failed to satisfy constraint: Member must have length less than or equal to ${member.max}`);
        break;
      case 'stringList':
        if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw serialization(name, 'a list of strings');
        if (member.max !== undefined && value.length > member.max) problems.push(`Value at '${at}' failed to satisfy constraint: Member must have length less than or equal to ${member.max}`);
        break;
    }
  }
  if (problems.length > 0) throw validationError(problems, code);
  // Only the members the operation takes go on: nothing else a caller sends reaches what is stored.
  const input: Input = {};
  for (const name of Object.keys(shape)) if (body[name] !== undefined && body[name] !== null) input[name] = body[name];
  return input;
}

function serialization(member: string, expected: string): AwsError {
  return new AwsError('SerializationException', `Unexpected value for member ${member}: expected ${expected}.`);
}


/** AWS's wording for missing or malformed members of a request (`InvalidParameterException`, or the service's own code). */
export function validationError(problems: string[], code = 'InvalidParameterException'): AwsError {
  const n = problems.length;
  return new AwsError(code, `${n} validation error${n === 1 ? '' : 's'} detected: ${problems.join('; ')}`);
}
