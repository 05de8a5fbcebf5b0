import { Token } from 'cdktf';
import { Duration } from './duration';

describe('Duration', () => {
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
