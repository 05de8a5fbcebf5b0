import { Token } from 'cdktf';

/** A unit Cognito accepts in an app client's `token_validity_units`. */
export type DurationUnit = 'seconds' | 'minutes' | 'hours' | 'days';

const SECONDS_PER: Record<DurationUnit, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86400 };

/**
 * A span of time with its unit. The unit is kept as given, so that the synthesized Terraform reads as written
 * (`id_token_validity = 60`, `token_validity_units { id_token = "minutes" }`) instead of a converted number.
 */
export class Duration {
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

  private constructor(
    /** The number of `unit`s. */
    readonly amount: number,
    /** The unit `amount` counts. */
    readonly unit: DurationUnit,
  ) {}

  /** The length in seconds; `undefined` while `amount` is an unresolved token. */
  toSeconds(): number | undefined {
    return Token.isUnresolved(this.amount) ? undefined : this.amount * SECONDS_PER[this.unit];
  }

  /** `60 minutes`, `1 day`: as error messages show it. */
  toString(): string {
    return `${this.amount} ${this.amount === 1 ? this.unit.slice(0, -1) : this.unit}`;
  }
}
