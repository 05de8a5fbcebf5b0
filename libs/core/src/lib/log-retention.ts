import type { IConstruct } from 'constructs';
import { Duration, wholeAmount } from './duration';
import { isUnresolved, ValidationError } from './validation-error';

/**
 * Retention periods CloudWatch Logs accepts, in days.
 * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
 */
export const LOG_RETENTION_DAYS: readonly number[] = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/**
 * A log group's retention in whole days, one CloudWatch Logs accepts; `legacy` when the prop was given as a number of
 * days (the message then suggests a number, not a Duration).
 */
export function logRetentionDays(scope: IConstruct, prop: string, retention: Duration, legacy = false): number {
  const days = wholeAmount(scope, prop, retention, 'days');
  if (!isUnresolved(days) && !LOG_RETENTION_DAYS.includes(days)) {
    const nearest = LOG_RETENTION_DAYS.find((d) => d >= days) ?? 3653;
    throw new ValidationError(scope, prop, legacy ? days : retention.toString(), `is not a retention CloudWatch Logs accepts (${LOG_RETENTION_DAYS.join(', ')})`, legacy ? `use one of those values, e.g. ${nearest}` : `use one of those days, e.g. Duration.days(${nearest})`);
  }
  return days;
}
