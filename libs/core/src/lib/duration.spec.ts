import { App, TerraformStack, Testing, Token } from 'cdktf';
import { Construct } from 'constructs';
import { Duration, durationProp, wholeAmount } from './duration';

describe('Duration', () => {
  it('counts milliseconds too, for timeouts', () => {
    expect([Duration.millis(1500).toMilliseconds(), Duration.millis(1500).toSeconds(), `${Duration.millis(1)}`]).toEqual([1500, 1.5, '1 millisecond']);
  });

  it('keeps amount and unit, converts to seconds', () => {
    expect([Duration.seconds(90), Duration.minutes(5), Duration.hours(2), Duration.days(3)].map((d) => [d.amount, d.unit, d.toSeconds(), `${d}`])).toEqual([
      [90, 'seconds', 90, '90 seconds'],
      [5, 'minutes', 300, '5 minutes'],
      [2, 'hours', 7200, '2 hours'],
      [3, 'days', 259200, '3 days'],
    ]);
    expect([Duration.seconds(1), Duration.minutes(1), Duration.hours(1), Duration.days(1)].map(String)).toEqual(['1 second', '1 minute', '1 hour', '1 day']);
  });

  it('has no length while the amount is an unresolved token', () => {
    expect(Duration.minutes(Token.asNumber('${var.minutes}')).toSeconds()).toBeUndefined();
  });
});

describe('wholeAmount and durationProp', () => {
  const scope = new Construct(new TerraformStack(Testing.app() as App, 'test'), 'Thing');

  it('converts to whole units, passes an unresolved amount of the same unit through, refuses the rest', () => {
    expect(wholeAmount(scope, 'ttl', Duration.minutes(5), 'seconds')).toBe(300);
    const token = Token.asNumber('${var.seconds}');
    expect(wholeAmount(scope, 'ttl', Duration.seconds(token), 'seconds')).toBe(token);
    expect(() => wholeAmount(scope, 'ttl', Duration.minutes(token), 'seconds')).toThrow(/test\/Thing: invalid ttl .*cannot be converted to seconds at synth\. Fix: give it in seconds: Duration\.seconds/);
    expect(() => wholeAmount(scope, 'ttl', Duration.millis(1500), 'seconds')).toThrow(/is not a whole number of seconds\. Fix: use a whole number of seconds, e\.g\. Duration\.seconds\(2\)/);
  });

  it('reads the deprecated number in its unit, and refuses both at once', () => {
    expect(durationProp(scope, 'ttl', undefined, 'ttlSeconds', 30, 'seconds')).toEqual(Duration.seconds(30));
    expect(durationProp(scope, 'ttl', Duration.minutes(1), 'ttlSeconds', undefined, 'seconds')).toEqual(Duration.minutes(1));
    expect(durationProp(scope, 'ttl', undefined, 'ttlSeconds', undefined, 'seconds')).toBeUndefined();
    expect(() => durationProp(scope, 'ttl', Duration.minutes(1), 'ttlSeconds', 60, 'seconds')).toThrow('test/Thing: invalid ttlSeconds 60: is set together with ttl, which replaces it. Fix: remove ttlSeconds and keep ttl');
  });
});
