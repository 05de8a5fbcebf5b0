import { Token } from 'cdktf';
import type { IConstruct } from 'constructs';
import { ValidationError } from './validation-error';

/** A unit a {@link Duration} counts in. */
export type DurationUnit = 'milliseconds' | 'seconds' | 'minutes' | 'hours' | 'days';

const MS_PER: Record<DurationUnit, number> = { milliseconds: 1, seconds: 1000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 };

/**
 * A span of time with its unit: the one type every construct of this workspace takes a time in (token lifetimes,
 * cache TTLs, log retention, timeouts). The unit is kept as given, so that the synthesized Terraform reads as
 * written (`id_token_validity = 60`, `token_validity_units { id_token = "minutes" }`) instead of a converted number.
 */
export class Duration {
  /** `amount` milliseconds. */
  static millis(amount: number): Duration {
    return new Duration(amount, 'milliseconds');
  }

  /** `amount` seconds. */
  static seconds(amount: number): Duration {
    return new Duration(amount, 'seconds');
  }

  /** `amount` minutes. */
  static minutes(amount: number): Duration {
    return new Duration(amount, 'minutes');
  }

  /** `amount` hours. */
  static hours(amount: number): Duration {
    return new Duration(amount, 'hours');
  }

  /** `amount` days. */
  static days(amount: number): Duration {
    return new Duration(amount, 'days');
  }

  /** `amount` of `unit`. */
  static of(amount: number, unit: DurationUnit): Duration {
    return new Duration(amount, unit);
  }

  private constructor(
    /** The number of `unit`s. */
    readonly amount: number,
    /** The unit `amount` counts. */
    readonly unit: DurationUnit,
  ) {}

  /** The length in milliseconds; `undefined` while `amount` is an unresolved token. */
  toMilliseconds(): number | undefined {
    return Token.isUnresolved(this.amount) ? undefined : this.amount * MS_PER[this.unit];
  }

  /** The length in seconds; `undefined` while `amount` is an unresolved token. */
  toSeconds(): number | undefined {
    const ms = this.toMilliseconds();
    return ms === undefined ? undefined : ms / 1000;
  }

  /** `60 minutes`, `1 day`: as error messages show it. */
  toString(): string {
    return `${this.amount} ${this.amount === 1 ? this.unit.slice(0, -1) : this.unit}`;
  }
}

/** Throws unless `value` (when set and resolved) is a whole amount within `[min, max]`. */
export function validateDuration(scope: IConstruct, prop: string, value: Duration | undefined, min: Duration, max: Duration, fix?: string): void {
  if (value === undefined) return;
  const ms = value.toMilliseconds();
  if (ms === undefined) return;
  const lo = min.toMilliseconds() ?? 0;
  const hi = max.toMilliseconds() ?? Infinity;
  if (!Number.isInteger(value.amount) || ms < lo || ms > hi) {
    throw new ValidationError(scope, prop, value.toString(), `must be a whole number of ${value.unit} from ${min} to ${max}`, fix ?? `set ${prop} between Duration.${factory(min.unit)}(${min.amount}) and Duration.${factory(max.unit)}(${max.amount})`);
  }
}

/**
 * The whole number of `unit`s in `value`, as Terraform takes it (`authorizer_result_ttl_in_seconds`, ...). An
 * unresolved amount passes through when it already counts in `unit`; otherwise it cannot be converted at synth.
 */
export function wholeAmount(scope: IConstruct, prop: string, value: Duration, unit: DurationUnit): number {
  if (value.unit === unit) return value.amount;
  const ms = value.toMilliseconds();
  if (ms === undefined) {
    throw new ValidationError(scope, prop, value.toString(), `is an unresolved amount of ${value.unit}, which cannot be converted to ${unit} at synth`, `give it in ${unit}: Duration.${factory(unit)}(...)`);
  }
  const amount = ms / MS_PER[unit];
  if (!Number.isInteger(amount)) {
    throw new ValidationError(scope, prop, value.toString(), `is not a whole number of ${unit}`, `use a whole number of ${unit}, e.g. Duration.${factory(unit)}(${Math.round(amount)})`);
  }
  return amount;
}

/**
 * A time prop that replaced a number prop: the new `Duration`, or the deprecated number read in its unit. Both at
 * once is ambiguous, so it is refused.
 */
export function durationProp(scope: IConstruct, prop: string, value: Duration | undefined, legacyProp: string, legacy: number | undefined, legacyUnit: DurationUnit): Duration | undefined {
  if (value !== undefined && legacy !== undefined) {
    throw new ValidationError(scope, legacyProp, legacy, `is set together with ${prop}, which replaces it`, `remove ${legacyProp} and keep ${prop}`);
  }
  return legacy !== undefined ? Duration.of(legacy, legacyUnit) : value;
}

function factory(unit: DurationUnit): string {
  return unit === 'milliseconds' ? 'millis' : unit;
}
