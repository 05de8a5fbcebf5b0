/** Thrown by `parseStrictJson` for anything RFC 8259 does not allow, and for duplicate member names. */
export class StrictJsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StrictJsonError';
  }
}

const MAX_DEPTH = 32;

/**
 * Parses JSON like `JSON.parse`, but rejects duplicate member names at any depth (JSON.parse keeps the last one,
 * which lets a token say two things at once: RFC 7519 §4 says such a JWT must be rejected or the last one used,
 * and we reject). Objects are created without a prototype so that `__proto__` is an ordinary member.
 */
export function parseStrictJson(text: string): unknown {
  const parser = new Parser(text);
  parser.skipWhitespace();
  const value = parser.value(0);
  parser.skipWhitespace();
  if (parser.pos !== text.length) throw new StrictJsonError(`unexpected text at position ${parser.pos}`);
  return value;
}

class Parser {
  pos = 0;
  constructor(private readonly text: string) {}

  skipWhitespace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.pos++;
      else break;
    }
  }

  value(depth: number): unknown {
    if (depth > MAX_DEPTH) throw new StrictJsonError('nesting too deep');
    const c = this.text[this.pos];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    if (this.text.startsWith('true', this.pos)) return this.literal('true', true);
    if (this.text.startsWith('false', this.pos)) return this.literal('false', false);
    if (this.text.startsWith('null', this.pos)) return this.literal('null', null);
    throw new StrictJsonError(`unexpected character at position ${this.pos}`);
  }

  private literal<T>(word: string, result: T): T {
    this.pos += word.length;
    return result;
  }

  private object(depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = Object.create(null);
    const seen = new Set<string>();
    this.pos++;
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') throw new StrictJsonError(`expected a member name at position ${this.pos}`);
      const key = this.string();
      if (seen.has(key)) throw new StrictJsonError(`duplicate member name "${key}"`);
      seen.add(key);
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') throw new StrictJsonError(`expected ':' at position ${this.pos}`);
      this.pos++;
      this.skipWhitespace();
      out[key] = this.value(depth + 1);
      this.skipWhitespace();
      const c = this.text[this.pos++];
      if (c === '}') return out;
      if (c !== ',') throw new StrictJsonError(`expected ',' or '}' at position ${this.pos - 1}`);
    }
  }

  private array(depth: number): unknown[] {
    const out: unknown[] = [];
    this.pos++;
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWhitespace();
      out.push(this.value(depth + 1));
      this.skipWhitespace();
      const c = this.text[this.pos++];
      if (c === ']') return out;
      if (c !== ',') throw new StrictJsonError(`expected ',' or ']' at position ${this.pos - 1}`);
    }
  }

  private string(): string {
    const start = this.pos;
    this.pos++;
    const t = this.text;
    for (;;) {
      if (this.pos >= t.length) throw new StrictJsonError('unterminated string');
      const c = t.charCodeAt(this.pos);
      if (c === 0x22) break;
      if (c < 0x20) throw new StrictJsonError(`control character in string at position ${this.pos}`);
      if (c === 0x5c) {
        const e = t[this.pos + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(t.slice(this.pos + 2, this.pos + 6))) throw new StrictJsonError(`bad \\u escape at position ${this.pos}`);
          this.pos += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          this.pos += 2;
        } else {
          throw new StrictJsonError(`bad escape at position ${this.pos}`);
        }
        continue;
      }
      this.pos++;
    }
    this.pos++;
    // The slice is now known to be a well-formed JSON string literal; JSON.parse decodes its escapes.
    return JSON.parse(t.slice(start, this.pos)) as string;
  }

  private number(): number {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.text.slice(this.pos, this.pos + 400));
    if (!m) throw new StrictJsonError(`bad number at position ${this.pos}`);
    this.pos += m[0].length;
    return Number(m[0]);
  }
}
