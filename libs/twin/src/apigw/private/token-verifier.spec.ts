import { KeyObject, createHmac, createPublicKey, generateKeyPairSync, sign as rsaSign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CompactSign, SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { FakePool, TestClock, b64 } from '../../test-support';
import { MAX_TOKEN_BYTES, TokenVerifier, type VerifyResult } from './token-verifier';

const BASE = 'http://127.0.0.1:4566';

/** Signs exactly the given header and payload texts (to produce duplicates, odd numbers, ...). */
function signRaw(headerText: string, payloadText: string, key: CryptoKey): string {
  const input = `${b64(headerText)}.${b64(payloadText)}`;
  const sig = rsaSign('sha256', Buffer.from(input), KeyObject.from(key));
  return `${input}.${sig.toString('base64url')}`;
}

function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
}

function refused(result: VerifyResult): string {
  expect(result.ok).toBe(false);
  return result.ok ? '' : result.reason;
}

describe('TokenVerifier: the bad-token catalogue, items 1-16', () => {
  let clock: TestClock;
  let pool: FakePool;
  let other: FakePool;
  let verifier: TokenVerifier;
  let jwksCalls: number;

  beforeAll(async () => {
    pool = await FakePool.create('eu-west-1_Fixture01', () => BASE);
    other = await FakePool.create('eu-west-1_Other0002', () => BASE);
  });

  beforeEach(() => {
    clock = new TestClock();
    jwksCalls = 0;
    const counted: FakePool = Object.create(pool, {
      jwks: {
        value: () => {
          jwksCalls++;
          return pool.jwks();
        },
      },
    });
    verifier = new TokenVerifier(() => [counted], clock);
  });

  it('accepts a well-formed ID token and an access token of the pool', async () => {
    const id = await verifier.verify(await pool.idToken(clock));
    expect(id).toMatchObject({ ok: true, tokenUse: 'id' });
    const access = await verifier.verify(await pool.accessToken(clock, 'api/read'));
    expect(access).toMatchObject({ ok: true, tokenUse: 'access' });
  });

  describe('remembered signatures', () => {
    it('re-checks expiry on every request even when the signature was verified before', async () => {
      const token = await pool.idToken(clock);
      expect(await verifier.verify(token)).toMatchObject({ ok: true });
      clock.advance(2 * 3600 * 1000);
      expect(await verifier.verify(token)).toMatchObject({ ok: false, expired: true });
    });

    it('re-checks nbf against the clock: a token refused as early passes once its time comes', async () => {
      const token = await pool.idToken(clock, { nbf: clock.seconds + 600 });
      expect(refused(await verifier.verify(token))).toMatch(/nbf/);
      clock.advance(600_000);
      expect(await verifier.verify(token)).toMatchObject({ ok: true, tokenUse: 'id' });
    });

    it('remembers a refusal that needs no clock only as a refusal (wrong token_use stays refused)', async () => {
      const token = await pool.idToken(clock, { token_use: 'refresh' });
      expect(refused(await verifier.verify(token))).toMatch(/token_use/);
      expect(refused(await verifier.verify(token))).toMatch(/token_use/);
    });

    it("compares iss with the pool's issuer on every request: it follows the twin's base URL", async () => {
      let base = 'http://127.0.0.1:4566';
      const moving = await FakePool.create('eu-west-1_Fixture01', () => base);
      const movingVerifier = new TokenVerifier(() => [moving], clock);
      const token = await moving.idToken(clock);
      expect(await movingVerifier.verify(token)).toMatchObject({ ok: true });
      base = 'http://127.0.0.1:9999';
      expect(refused(await movingVerifier.verify(token))).toMatch(/iss/);
      base = 'http://127.0.0.1:4566';
      expect(await movingVerifier.verify(token)).toMatchObject({ ok: true });
    });

    it('hands out claims that cannot be edited', async () => {
      const result = await verifier.verify(await pool.idToken(clock));
      expect(result.ok && Object.isFrozen(result.claims)).toBe(true);
    });

    it('forgets a remembered token once its key has left the pools', async () => {
      let pools: FakePool[] = [pool];
      const rotating = new TokenVerifier(() => pools, clock);
      const token = await pool.idToken(clock);
      expect(await rotating.verify(token)).toMatchObject({ ok: true });
      pools = [other];
      clock.advance(61_000);
      const claims = JSON.stringify(payloadOf(token));
      expect(refused(await rotating.verify(signRaw(JSON.stringify({ alg: 'RS256', kid: 'rotated-away' }), claims, pool.idKey.privateKey)))).toMatch(/kid/);
      expect(refused(await rotating.verify(token))).toMatch(/kid/);
    });

    it('never lets a remembered token vouch for another signature or payload', async () => {
      const token = await pool.idToken(clock);
      expect(await verifier.verify(token)).toMatchObject({ ok: true });
      const [h, p, sig] = token.split('.');
      const flipped = `${h}.${p}.${sig.slice(0, 10)}${sig[10] === 'A' ? 'B' : 'A'}${sig.slice(11)}`;
      expect(refused(await verifier.verify(flipped))).toBe('bad signature');
      const forged = `${h}.${b64(JSON.stringify({ ...payloadOf(token), email: 'admin@example.com' }))}.${sig}`;
      expect(refused(await verifier.verify(forged))).toBe('bad signature');
    });
  });

  describe('1. alg none', () => {
    it.each(['none', 'None', 'NONE', 'nOnE'])('refuses alg %s with and without a signature', async (alg) => {
      const good = await pool.idToken(clock);
      const [, payload, sig] = good.split('.');
      const header = b64({ alg, kid: pool.idKey.kid });
      expect(refused(await verifier.verify(`${header}.${payload}.`))).toMatch(/base64url|segments/);
      expect(refused(await verifier.verify(`${header}.${payload}.${sig}`))).toMatch(/alg/);
      expect(refused(await verifier.verify(`${header}.${payload}`))).toMatch(/segments/);
    });
  });

  describe('2. algorithm confusion', () => {
    it('refuses an RS256 token re-signed HS256 with the public key as the secret', async () => {
      const jwk = pool.jwks().keys.find((k) => k.kid === pool.idKey.kid);
      const pem = createPublicKey({ key: jwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
      const payload = payloadOf(await pool.idToken(clock));
      for (const secret of [pem, JSON.stringify(jwk), String(jwk?.n)]) {
        const input = `${b64({ alg: 'HS256', kid: pool.idKey.kid })}.${b64(payload)}`;
        const mac = createHmac('sha256', secret).update(input).digest('base64url');
        expect(refused(await verifier.verify(`${input}.${mac}`))).toMatch(/alg/);
      }
    });
  });

  describe('3. tampered signature or payload', () => {
    it('refuses a stripped, truncated or flipped signature and an edited payload', async () => {
      const token = await pool.idToken(clock);
      const [h, p, s] = token.split('.');
      expect(refused(await verifier.verify(`${h}.${p}.`))).toBeTruthy();
      expect(refused(await verifier.verify(`${h}.${p}.${s.slice(0, 40)}`))).toBeTruthy();
      const flipped = Buffer.from(s, 'base64url');
      flipped[10] ^= 0x01;
      expect(refused(await verifier.verify(`${h}.${p}.${flipped.toString('base64url')}`))).toBe('bad signature');
      const edited = b64({ ...payloadOf(token), 'cognito:username': 'admin' });
      expect(refused(await verifier.verify(`${h}.${edited}.${s}`))).toBe('bad signature');
    });
  });

  describe('4. keys offered by the token', () => {
    let server: Server;
    let hits: number;
    let url: string;

    beforeAll(async () => {
      hits = 0;
      server = createServer((_req, res) => {
        hits++;
        res.end('{"keys":[]}');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
    });

    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('refuses jwk, jku, x5u and x5c headers and never fetches anything', async () => {
      const attacker = await generateKeyPair('RS256', { extractable: true });
      const attackerJwk = await exportJWK(attacker.publicKey);
      const fetchSpy = jest.spyOn(globalThis, 'fetch');
      const claims = payloadOf(await pool.idToken(clock));
      const headers = [
        { jwk: attackerJwk },
        { jku: url },
        { x5u: url },
        { x5c: ['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'] },
      ];
      for (const extra of headers) {
        const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: pool.idKey.kid, ...extra }).sign(attacker.privateKey);
        expect(refused(await verifier.verify(forged))).toMatch(/keys come only from the pool/);
        // The same header on a token the pool really signed is refused as well: Cognito never sends them.
        const genuine = await pool.idToken(clock, {}, extra);
        expect(refused(await verifier.verify(genuine))).toMatch(/keys come only from the pool/);
      }
      expect(hits).toBe(0);
      expect(fetchSpy).not.toHaveBeenCalled();
      fetchSpy.mockRestore();
    });

    it('refuses an attacker key under the real kid', async () => {
      const attacker = await generateKeyPair('RS256');
      const forged = await new SignJWT(payloadOf(await pool.idToken(clock))).setProtectedHeader({ alg: 'RS256', kid: pool.idKey.kid }).sign(attacker.privateKey);
      expect(refused(await verifier.verify(forged))).toBe('bad signature');
    });
  });

  describe('keys the pool publishes', () => {
    it('never trusts an RSA key under 2048 bits, even from the pool', async () => {
      // jose refuses to make such a key, so node:crypto does.
      const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
      const jwk = { ...weak.publicKey.export({ format: 'jwk' }), kid: 'weak', alg: 'RS256', use: 'sig' };
      const view = { id: pool.id, arn: pool.arn, issuer: pool.issuer, jwks: () => ({ keys: [jwk] }) };
      const weakVerifier = new TokenVerifier(() => [view], clock);
      const input = `${b64({ alg: 'RS256', kid: 'weak' })}.${b64(payloadOf(await pool.idToken(clock)))}`;
      const token = `${input}.${rsaSign('sha256', Buffer.from(input), weak.privateKey).toString('base64url')}`;
      expect(refused(await weakVerifier.verify(token))).toBe('unknown kid');
    });

    it('refuses a signature longer or shorter than the modulus', async () => {
      const [h, p, s] = (await pool.idToken(clock)).split('.');
      const sig = Buffer.from(s, 'base64url');
      expect(refused(await verifier.verify(`${h}.${p}.${Buffer.concat([Buffer.alloc(1), sig]).toString('base64url')}`))).toBe('bad signature');
      expect(refused(await verifier.verify(`${h}.${p}.${sig.subarray(1).toString('base64url')}`))).toBe('bad signature');
    });
  });

  describe('5. kid', () => {
    it('refuses an unknown, missing or non-string kid', async () => {
      const claims = payloadOf(await pool.idToken(clock));
      const headerText = (kid: unknown) => JSON.stringify(kid === undefined ? { alg: 'RS256' } : { alg: 'RS256', kid });
      for (const kid of ['nope', undefined, 42, ['x'], { a: 1 }, null, '']) {
        const token = signRaw(headerText(kid), JSON.stringify(claims), pool.idKey.privateKey);
        expect(refused(await verifier.verify(token))).toMatch(/kid/);
      }
    });

    it('re-reads the pools at most once per interval for unknown kids', async () => {
      const claims = JSON.stringify(payloadOf(await pool.idToken(clock)));
      await verifier.verify(signRaw(JSON.stringify({ alg: 'RS256', kid: 'a' }), claims, pool.idKey.privateKey));
      expect(jwksCalls).toBe(1);
      for (let i = 0; i < 50; i++) await verifier.verify(signRaw(JSON.stringify({ alg: 'RS256', kid: `k${i}` }), claims, pool.idKey.privateKey));
      expect(jwksCalls).toBe(1);
      clock.advance(61_000);
      await verifier.verify(signRaw(JSON.stringify({ alg: 'RS256', kid: 'b' }), claims, pool.idKey.privateKey));
      expect(jwksCalls).toBe(2);
    });
  });

  describe('6. hostile kid text', () => {
    it.each(['../../../../etc/passwd', "' OR '1'='1' --", '$(touch /tmp/pwned)', '`id`', '%00', 'a'.repeat(300)])('refuses kid %s quickly, with no side effect', async (kid) => {
      const claims = JSON.stringify(payloadOf(await pool.idToken(clock)));
      const started = performance.now();
      expect(refused(await verifier.verify(signRaw(JSON.stringify({ alg: 'RS256', kid }), claims, pool.idKey.privateKey)))).toMatch(/kid/);
      expect(performance.now() - started).toBeLessThan(200);
      expect(jwksCalls).toBeLessThanOrEqual(1);
    });
  });

  describe('7. exp', () => {
    it('flags a past exp and exp equal to now as expired', async () => {
      expect(await verifier.verify(await pool.idToken(clock, { exp: clock.seconds - 1 }))).toMatchObject({ ok: false, expired: true });
      expect(await verifier.verify(await pool.idToken(clock, { exp: clock.seconds }))).toMatchObject({ ok: false, expired: true });
    });

    it('refuses an absent, non-finite or non-numeric exp', async () => {
      expect(refused(await verifier.verify(await pool.idToken(clock, { exp: undefined })))).toBe('no exp');
      const claims = JSON.stringify({ ...payloadOf(await pool.idToken(clock)), exp: 0 }).replace('"exp":0', '"exp":1e400');
      expect(refused(await verifier.verify(signRaw(JSON.stringify({ alg: 'RS256', kid: pool.idKey.kid }), claims, pool.idKey.privateKey)))).toMatch(/exp is not a finite number/);
      expect(refused(await verifier.verify(await pool.idToken(clock, { exp: String(clock.seconds + 60) })))).toMatch(/exp is not a finite number/);
    });
  });

  describe('8. nbf and iat', () => {
    it('refuses nbf or iat in the future beyond the skew, accepts them within it', async () => {
      expect(refused(await verifier.verify(await pool.idToken(clock, { iat: clock.seconds + 3600 })))).toMatch(/iat/);
      expect(refused(await verifier.verify(await pool.idToken(clock, { nbf: clock.seconds + 3600 })))).toMatch(/nbf/);
      expect(refused(await verifier.verify(await pool.idToken(clock, { iat: clock.seconds + 31 })))).toMatch(/iat/);
      expect((await verifier.verify(await pool.idToken(clock, { iat: clock.seconds + 5, nbf: clock.seconds + 5 }))).ok).toBe(true);
    });
  });

  describe('9. iss', () => {
    it.each([
      ['another pool', `${BASE}/eu-west-1_Other0002`],
      ['another region', `${BASE}/us-east-1_Fixture01`],
      ['https instead of http', `${BASE.replace('http:', 'https:')}/eu-west-1_Fixture01`],
      ['a trailing slash', `${BASE}/eu-west-1_Fixture01/`],
      ['AWS form', 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Fixture01'],
    ])('refuses %s', async (_what, iss) => {
      expect(refused(await verifier.verify(await pool.idToken(clock, { iss })))).toMatch(/iss/);
    });

    it("refuses a token of a pool that is not among the authorizer's providers", async () => {
      expect(refused(await verifier.verify(await other.idToken(clock)))).toBe('unknown kid');
    });
  });

  describe('10. token_use', () => {
    it.each([['refresh'], [undefined], [1], [true], [['id']]])('refuses token_use %p', async (tokenUse) => {
      expect(refused(await verifier.verify(await pool.idToken(clock, { token_use: tokenUse })))).toMatch(/token_use/);
    });
  });

  describe('12. malformed tokens', () => {
    it('refuses 1, 2, 4 and 5 segments', async () => {
      const token = await pool.idToken(clock);
      const [h, p, s] = token.split('.');
      for (const t of [h, `${h}.${p}`, `${token}.${s}`, `${h}.${p}.${s}.${s}.${s}`]) expect(refused(await verifier.verify(t))).toMatch(/segments/);
    });

    it('refuses bad base64url, padding, standard base64 and non-ASCII', async () => {
      const token = await pool.idToken(clock);
      const [h, p, s] = token.split('.');
      for (const t of [`${h}=.${p}.${s}`, `${h}.${p}.${s}==`, `${h}.${p}+/.${s}`, `${h}.${p}é.${s}`, `${h}.${p}.${s}\u0000`, `${h.slice(0, -1)}!.${p}.${s}`, `${h}.A.${s}`]) {
        expect(refused(await verifier.verify(t))).toMatch(/base64url/);
      }
    });

    it('refuses the JWS JSON serialization and JWE-shaped input', async () => {
      const [h, p, s] = (await pool.idToken(clock)).split('.');
      expect(refused(await verifier.verify(JSON.stringify({ protected: h, payload: p, signature: s })))).toBeTruthy();
      expect(refused(await verifier.verify(`${h}.${p}.${s}.${p}.${s}`))).toMatch(/segments/);
    });

    it('refuses a payload that is not UTF-8', async () => {
      const input = `${b64({ alg: 'RS256', kid: pool.idKey.kid })}.${Buffer.from([0xff, 0xfe, 0x7b]).toString('base64url')}`;
      const sig = rsaSign('sha256', Buffer.from(input), KeyObject.from(pool.idKey.privateKey)).toString('base64url');
      expect(refused(await verifier.verify(`${input}.${sig}`))).toMatch(/UTF-8/);
    });
  });

  describe('13. non-objects and odd claim types', () => {
    it.each(['[]', '"text"', '42', 'null', 'true', '{"alg":"RS256"'])('refuses a header of %s', async (headerText) => {
      const claims = JSON.stringify(payloadOf(await pool.idToken(clock)));
      expect(refused(await verifier.verify(signRaw(headerText, claims, pool.idKey.privateKey)))).toMatch(/header/);
    });

    it.each(['[]', '"text"', '42', 'null'])('refuses a payload of %s', async (payloadText) => {
      const token = signRaw(JSON.stringify({ alg: 'RS256', kid: pool.idKey.kid }), payloadText, pool.idKey.privateKey);
      expect(refused(await verifier.verify(token))).toMatch(/payload/);
    });

    it.each([
      ['sub', null],
      ['sub', 42],
      ['email', true],
      ['cognito:username', ['a']],
      ['iss', { a: 1 }],
      ['iat', 'yesterday'],
      ['auth_time', null],
    ])('refuses %s = %p', async (claim, value) => {
      expect(refused(await verifier.verify(await pool.idToken(clock, { [claim]: value })))).toMatch(new RegExp(claim));
    });
  });

  describe('14. crit', () => {
    it.each([[['exp']], [['b64']], [['http://example.com/ext']], [[]]])('refuses crit %p', async (crit) => {
      const claims = JSON.stringify(payloadOf(await pool.idToken(clock)));
      const token = signRaw(JSON.stringify({ alg: 'RS256', kid: pool.idKey.kid, crit, 'http://example.com/ext': true, exp: 1 }), claims, pool.idKey.privateKey);
      expect(refused(await verifier.verify(token))).toMatch(/crit/);
    });
  });

  describe('15. duplicate names', () => {
    it('refuses duplicate claims in a correctly signed payload', async () => {
      const text = JSON.stringify(payloadOf(await pool.idToken(clock))).replace(/}$/, ',"cognito:username":"admin"}');
      const token = signRaw(JSON.stringify({ alg: 'RS256', kid: pool.idKey.kid }), text, pool.idKey.privateKey);
      expect(refused(await verifier.verify(token))).toMatch(/duplicate member name "cognito:username"/);
    });

    it('refuses duplicate header parameters', async () => {
      const claims = JSON.stringify(payloadOf(await pool.idToken(clock)));
      const token = signRaw(`{"alg":"none","alg":"RS256","kid":"${pool.idKey.kid}"}`, claims, pool.idKey.privateKey);
      expect(refused(await verifier.verify(token))).toMatch(/duplicate member name "alg"/);
    });

    it('refuses duplicates nested in a claim', async () => {
      const text = JSON.stringify({ ...payloadOf(await pool.idToken(clock)), extra: { a: 1 } }).replace('{"a":1}', '{"a":1,"a":2}');
      const token = signRaw(JSON.stringify({ alg: 'RS256', kid: pool.idKey.kid }), text, pool.idKey.privateKey);
      expect(refused(await verifier.verify(token))).toMatch(/duplicate/);
    });
  });

  describe('16. size', () => {
    it('refuses a token over 16 KiB before any key is read', async () => {
      const big = await new CompactSign(new TextEncoder().encode(JSON.stringify({ ...payloadOf(await pool.idToken(clock)), pad: 'x'.repeat(MAX_TOKEN_BYTES) })))
        .setProtectedHeader({ alg: 'RS256', kid: pool.idKey.kid })
        .sign(pool.idKey.privateKey);
      expect(await verifier.verify(big)).toMatchObject({ ok: false, tooLarge: true });
      expect(jwksCalls).toBe(0);
    });
  });
});
