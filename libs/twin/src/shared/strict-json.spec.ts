import { StrictJsonError, parseStrictJson } from './strict-json';

describe('parseStrictJson', () => {
  it('parses what JSON.parse parses', () => {
    const text = '{"a":[1,-2.5e3,true,false,null,"x\\u0041\\n"],"b":{"c":{}},"d":[]}';
    expect(parseStrictJson(text)).toEqual(JSON.parse(text));
    expect(parseStrictJson(' 1 ')).toBe(1);
  });

  it.each(['{"a":1,"a":2}', '{"a":{"b":1,"b":1}}', '[{"x":1,"x":1}]', '{"a\\u0062":1,"ab":2}'])('refuses duplicate names in %s', (text) => {
    expect(() => parseStrictJson(text)).toThrow(/duplicate member name/);
  });

  it.each(['', '{', '{"a":1,}', "{'a':1}", '{"a":01}', '{"a":1} x', '{"a":"\u0001"}', '{"a":"\\x"}', 'NaN', '[1,]', '"\\u12"'])('refuses %p', (text) => {
    expect(() => parseStrictJson(text)).toThrow(StrictJsonError);
  });

  it('keeps __proto__ as an ordinary member', () => {
    const v = parseStrictJson('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBeNull();
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(v['__proto__']).toEqual({ polluted: true });
  });

  it('refuses absurd nesting', () => {
    expect(() => parseStrictJson('['.repeat(100) + ']'.repeat(100))).toThrow(/too deep/);
  });

  it('reads 1e400 as Infinity, like JSON.parse (the verifier then refuses it)', () => {
    expect(parseStrictJson('{"exp":1e400}')).toEqual({ exp: Infinity });
  });
});
