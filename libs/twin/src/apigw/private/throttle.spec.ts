import { TestClock } from '../../test-support';
import { ACCOUNT_DEFAULT_LIMITS, StageThrottle, TokenBucket, parseMethodPath } from './throttle';

describe('throttling', () => {
  it('lets a burst through, then refills at the rate', () => {
    const clock = new TestClock();
    const bucket = new TokenBucket({ rate: 2, burst: 3 }, clock);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    clock.advance(499);
    expect(bucket.take()).toBe(false);
    clock.advance(1);
    expect(bucket.take()).toBe(true);
    clock.advance(10_000);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });

  it('refuses everything with a burst of 0', () => {
    const bucket = new TokenBucket({ rate: 100, burst: 0 }, new TestClock());
    expect(bucket.take()).toBe(false);
  });

  it('parses method_path', () => {
    expect(parseMethodPath('*/*')).toEqual({ resourcePath: '*', httpMethod: '*' });
    expect(parseMethodPath('items/{id}/GET')).toEqual({ resourcePath: '/items/{id}', httpMethod: 'GET' });
    expect(parseMethodPath('~1items/get')).toEqual({ resourcePath: '/items', httpMethod: 'GET' });
    expect(parseMethodPath('/GET')).toEqual({ resourcePath: '/', httpMethod: 'GET' });
    expect(parseMethodPath('GET')).toBeUndefined();
  });

  it('gives each method its own bucket, limited by the most specific setting', () => {
    const clock = new TestClock();
    const stage = new StageThrottle(
      [
        { resourcePath: '*', httpMethod: '*', rate: 10, burst: 2 },
        { resourcePath: '/slow', httpMethod: 'GET', rate: 1, burst: 1 },
        { resourcePath: '/inherit', httpMethod: 'GET', rate: -1, burst: 5 },
      ],
      clock,
    );
    expect(stage.limitsFor('/slow', 'GET')).toEqual({ rate: 1, burst: 1 });
    expect(stage.limitsFor('/slow', 'POST')).toEqual({ rate: 10, burst: 2 });
    expect(stage.limitsFor('/inherit', 'GET')).toEqual({ rate: 10, burst: 5 });
    expect([stage.allow('/slow', 'GET'), stage.allow('/slow', 'GET')]).toEqual([true, false]);
    expect([stage.allow('/fast', 'GET'), stage.allow('/fast', 'GET'), stage.allow('/fast', 'GET')]).toEqual([true, true, false]);
    expect(stage.allow('/fast', 'POST')).toBe(true);
  });

  it("falls back to the account's limits", () => {
    expect(new StageThrottle([], new TestClock()).limitsFor('/x', 'GET')).toEqual(ACCOUNT_DEFAULT_LIMITS);
  });
});
