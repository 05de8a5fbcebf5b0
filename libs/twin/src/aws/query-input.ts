import { AwsError } from './errors';
import { validationError } from './input';

/**
 * The parameters of an AWS Query call (`Action=...&Version=...`), read as the Query protocol serializes members:
 * lists as `<Name>.member.<n>`, structures in lists as `<Name>.member.<n>.<Field>`, maps as `<Name>.entry.<n>.key` and
 * `.value`, numbers and booleans as text. Missing required members answer AWS's `ValidationError`; a value of the wrong
 * type answers the service's own code for an invalid value (`InvalidParameterValue`, `InvalidParameter`).
 * @see https://smithy.io/2.0/aws/protocols/aws-query-protocol.html
 */
export class QueryInput {
  private readonly missing: string[] = [];

  constructor(private readonly params: URLSearchParams, private readonly invalidCode: string) {}

  /** A string member, if present (an empty value counts as present). */
  str(name: string): string | undefined {
    return this.params.get(name) ?? undefined;
  }

  /** A required string member; a missing or empty one is noted, and reported by `check`. */
  required(name: string): string {
    const v = this.params.get(name);
    if (v === null || v === '') {
      this.missing.push(`Value null at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`);
      return '';
    }
    return v;
  }

  /** Throws the one ValidationError naming every missing required member, as AWS lists them. */
  check(): void {
    if (this.missing.length > 0) throw validationError(this.missing, 'ValidationError');
  }

  integer(name: string): number | undefined {
    const v = this.params.get(name);
    if (v === null) return undefined;
    if (!/^-?\d+$/.test(v)) throw this.invalid(name, v);
    return Number(v);
  }

  number(name: string): number | undefined {
    const v = this.params.get(name);
    if (v === null) return undefined;
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw this.invalid(name, v);
    return n;
  }

  boolean(name: string): boolean | undefined {
    const v = this.params.get(name);
    if (v === null) return undefined;
    if (v !== 'true' && v !== 'false') throw this.invalid(name, v);
    return v === 'true';
  }

  /** `<name>.member.1`, `.2`, ...: a list of strings (`<name>` alone, empty, is an empty list). */
  list(name: string): string[] | undefined {
    const out: string[] = [];
    for (let i = 1; this.params.has(`${name}.member.${i}`); i++) out.push(String(this.params.get(`${name}.member.${i}`)));
    return out.length > 0 || this.params.has(name) ? out : undefined;
  }

  /** `<name>.member.<n>.<field...>`: a list of structures, each a reader of its own fields. */
  structs(name: string): QueryInput[] {
    const out: QueryInput[] = [];
    for (let i = 1; ; i++) {
      const prefix = `${name}.member.${i}.`;
      const fields = new URLSearchParams();
      for (const [k, v] of this.params) if (k.startsWith(prefix)) fields.append(k.slice(prefix.length), v);
      if ([...fields.keys()].length === 0) return out;
      out.push(new QueryInput(fields, this.invalidCode));
    }
  }

  /** A nested structure `<name>.<field>`, if any of its fields is present. */
  struct(name: string): QueryInput | undefined {
    const prefix = `${name}.`;
    const fields = new URLSearchParams();
    for (const [k, v] of this.params) if (k.startsWith(prefix)) fields.append(k.slice(prefix.length), v);
    return [...fields.keys()].length > 0 ? new QueryInput(fields, this.invalidCode) : undefined;
  }

  /** `<name>.entry.<n>.key` / `.value`: a map of strings. */
  map(name: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (let i = 1; this.params.has(`${name}.entry.${i}.key`); i++) out[String(this.params.get(`${name}.entry.${i}.key`))] = this.params.get(`${name}.entry.${i}.value`) ?? '';
    return out;
  }

  /** `<name>.member.<n>.Key` / `.Value`: tags as a map. */
  tags(name = 'Tags'): Record<string, string> {
    const out: Record<string, string> = {};
    for (const t of this.structs(name)) {
      const key = t.str('Key');
      if (key === undefined || key === '' || key.length > 128) throw new AwsError(this.invalidCode, `Each of ${name} needs a Key of 1 to 128 characters.`);
      const value = t.str('Value') ?? '';
      if (value.length > 256) throw new AwsError(this.invalidCode, `The value of tag ${key.slice(0, 128)} is longer than 256 characters.`);
      out[key] = value;
    }
    return out;
  }

  invalid(name: string, value: string): AwsError {
    return new AwsError(this.invalidCode, `Value ${value.slice(0, 64)} for parameter ${name} is invalid.`);
  }
}
