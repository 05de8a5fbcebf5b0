import { DEFAULT_POLICY, DEFAULT_SCRYPT, DummyHash, generatePassword, hashPassword, policyViolations, verifyPassword } from './passwords';

const FAST = { N: 1024, r: 8, p: 1 };

describe('password policy', () => {
  it('names each rule a password breaks in Cognito words', () => {
    expect(policyViolations('abc', DEFAULT_POLICY)).toEqual([
      'Password not long enough',
      'Password must have uppercase characters',
      'Password must have numeric characters',
      'Password must have symbol characters',
    ]);
    expect(policyViolations('ABCDEFGH1!', DEFAULT_POLICY)).toEqual(['Password must have lowercase characters']);
    expect(policyViolations('Abcdefg1 x', DEFAULT_POLICY)).toEqual([]);
    expect(policyViolations('Abcdefg1^x', DEFAULT_POLICY)).toEqual([]);
    expect(policyViolations('abcdefghijkl', { ...DEFAULT_POLICY, minimumLength: 12, requireUppercase: false, requireNumbers: false, requireSymbols: false })).toEqual([]);
  });

  it('generates passwords that satisfy strict policies', () => {
    const strict = { ...DEFAULT_POLICY, minimumLength: 24 };
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const pw = generatePassword(strict);
      expect(pw.length).toBe(24);
      expect(policyViolations(pw, strict)).toEqual([]);
      seen.add(pw);
    }
    expect(seen.size).toBe(200);
    expect(generatePassword(DEFAULT_POLICY)).toHaveLength(16);
  });
});

describe('scrypt hashes', () => {
  it('stores parameters and salt, never the password, and verifies only the right password', async () => {
    const hash = await hashPassword('Correct horse 1!', FAST);
    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(hash).not.toContain('Correct');
    expect(await verifyPassword('Correct horse 1!', hash)).toBe(true);
    expect(await verifyPassword('correct horse 1!', hash)).toBe(false);
    expect(await hashPassword('Correct horse 1!', FAST)).not.toBe(hash);
  });

  it('never matches a malformed stored hash', async () => {
    for (const bad of ['', 'plain', 'scrypt$1024$8$1$c2FsdA$', 'bcrypt$1$2$3$4$5', 'scrypt$0$8$1$c2FsdA$aGFzaA', 'scrypt$x$8$1$c2FsdA$aGFzaA']) {
      expect(await verifyPassword('x', bad)).toBe(false);
    }
  });

  it('uses the strong default cost (OWASP scrypt equivalent) and still verifies', async () => {
    expect(DEFAULT_SCRYPT).toEqual({ N: 32768, r: 8, p: 3 });
    const hash = await hashPassword('Default cost 1!');
    expect(hash.startsWith('scrypt$32768$8$3$')).toBe(true);
    expect(await verifyPassword('Default cost 1!', hash)).toBe(true);
  });

  it('spends a full verification on the dummy hash for unknown users', async () => {
    const dummy = new DummyHash(FAST);
    await expect(dummy.verify('anything')).resolves.toBe(false);
  });
});
