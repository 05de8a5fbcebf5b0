import { TerraformStack, Testing, Fn } from 'cdktf';
import { Construct } from 'constructs';
import { isUnresolved, validateRange, ValidationError } from './validation-error';
import { validateRedirectUrl } from './url';

const scope = () => new Construct(new TerraformStack(Testing.app(), 'stack'), 'Thing');

describe('ValidationError', () => {
  it('names the construct path, the prop, the value and the fix', () => {
    const err = new ValidationError(scope(), 'burstLimit', 5, 'must be at least the rate', 'raise burstLimit');
    expect(err.message).toBe('stack/Thing: invalid burstLimit 5: must be at least the rate. Fix: raise burstLimit');
    expect(err).toMatchObject({ path: 'stack/Thing', prop: 'burstLimit', value: 5, fix: 'raise burstLimit' });
  });

  it('detects unresolved tokens', () => {
    expect(isUnresolved(Fn.lower('X'))).toBe(true);
    expect(isUnresolved('plain')).toBe(false);
    expect(isUnresolved(undefined)).toBe(false);
  });

  it('validateRange accepts bounds and rejects outside, fractional and non-finite values', () => {
    const s = scope();
    expect(() => validateRange(s, 'ttl', 0, 0, 3600, 'seconds')).not.toThrow();
    expect(() => validateRange(s, 'ttl', 3600, 0, 3600, 'seconds')).not.toThrow();
    expect(() => validateRange(s, 'ttl', undefined, 0, 3600, 'seconds')).not.toThrow();
    for (const bad of [-1, 3601, 1.5, Infinity, NaN]) {
      expect(() => validateRange(s, 'ttl', bad, 0, 3600, 'seconds')).toThrow(/invalid ttl .*from 0 to 3600/);
    }
  });
});

describe('validateRedirectUrl', () => {
  const s = scope();
  it.each(['https://app.example.com/cb', 'http://localhost:3000/callback', 'myapp://callback'])('accepts %s', (url) => {
    expect(() => validateRedirectUrl(s, 'callbackUrls[0]', url)).not.toThrow();
  });
  it.each([
    ['http://app.example.com/cb', /only http:\/\/localhost/],
    ['http://127.0.0.1:3000/cb', /only http:\/\/localhost/],
    ['https://app.example.com/cb#x', /fragment/],
    ['/relative', /not an absolute URL/],
    ['javascript:alert(1)', /javascript: scheme/],
    ['data:text/html,hi', /data: scheme/],
    ['file:///etc/passwd', /file: scheme/],
  ])('rejects %s', (url, re) => {
    expect(() => validateRedirectUrl(s, 'callbackUrls[0]', url)).toThrow(re);
  });
});
