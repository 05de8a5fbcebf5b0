import { ValidationError } from '@secure-api/core';
import type { IConstruct } from 'constructs';
import type { Duration } from '../duration';

/** Throws unless `value` (when set and resolved) is a whole amount within `[min, max]`. */
export function validateDuration(scope: IConstruct, prop: string, value: Duration | undefined, min: Duration, max: Duration, fix?: string): void {
  if (value === undefined) return;
  const seconds = value.toSeconds();
  if (seconds === undefined) return;
  const lo = min.toSeconds() ?? 0;
  const hi = max.toSeconds() ?? Infinity;
  if (!Number.isInteger(value.amount) || seconds < lo || seconds > hi) {
    throw new ValidationError(scope, prop, value.toString(), `must be a whole number of ${value.unit} from ${min} to ${max}`, fix ?? `set ${prop} between Duration.${min.unit}(${min.amount}) and Duration.${max.unit}(${max.amount})`);
  }
}

/** True for `true` and `"true"`: context set on the command line arrives as a string. */
export function contextFlag(scope: IConstruct, key: string): boolean {
  const v: unknown = scope.node.tryGetContext(key);
  return v === true || v === 'true';
}
