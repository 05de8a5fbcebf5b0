import { TokenMap } from './token-map';

const token = (payload: string, signature: string) => `eyJhbGciOiJSUzI1NiJ9.${payload}.${signature}`;
const SIG = 'S'.repeat(300) + 'abcdefghijklmnopqrstuvwxyz012345';

describe('TokenMap', () => {
  it('finds a value only under the whole token', () => {
    const map = new TokenMap<string>(10);
    map.set(token('alice', SIG), 'alice');
    expect(map.get(token('alice', SIG))).toBe('alice');
    // Same signature tail, other payload: a forgery must not read the real token's value.
    expect(map.get(token('mallory', SIG))).toBeUndefined();
    expect(map.get(token('alice', SIG.replace('S', 'T')))).toBeUndefined();
  });

  it('lets tokens sharing a tail replace each other without mixing values', () => {
    const map = new TokenMap<string>(10);
    map.set(token('alice', SIG), 'alice');
    map.set(token('mallory', SIG), 'mallory');
    expect(map.get(token('alice', SIG))).toBeUndefined();
    expect(map.get(token('mallory', SIG))).toBe('mallory');
    map.delete(token('alice', SIG));
    expect(map.get(token('mallory', SIG))).toBe('mallory');
    map.delete(token('mallory', SIG));
    expect(map.size).toBe(0);
  });

  it('forgets the oldest token when full, and keys short strings whole', () => {
    const map = new TokenMap<number>(3);
    for (let i = 0; i < 4; i++) map.set(`t${i}`, i);
    expect(map.size).toBe(3);
    expect(map.get('t0')).toBeUndefined();
    expect([map.get('t1'), map.get('t2'), map.get('t3')]).toEqual([1, 2, 3]);
    map.set('t3', 33);
    expect(map.size).toBe(3);
    expect(map.get('t3')).toBe(33);
  });
});
