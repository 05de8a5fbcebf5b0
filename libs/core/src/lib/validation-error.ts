import { Token } from 'cdktf';
import type { IConstruct } from 'constructs';

/**
 * The one error type every construct throws at synth time for an invalid prop.
 *
 * The message always names the construct path, the prop, the value received and the fix, so that a mistake
 * TypeScript could have named never reaches `terraform apply`.
 */
export class ValidationError extends Error {
  /** Construct path, e.g. `dev/SecureApi/UserPool`. */
  readonly path: string;
  /** The prop at fault, e.g. `callbackUrls[0]`. */
  readonly prop: string;
  /** The value received, as given. */
  readonly value: unknown;
  /** What to do instead. */
  readonly fix: string;

  constructor(scope: IConstruct | string, prop: string, value: unknown, problem: string, fix: string) {
    const path = typeof scope === 'string' ? scope : scope.node.path;
    super(`${path}: invalid ${prop} ${describe(value)}: ${problem}. Fix: ${fix}`);
    this.name = 'ValidationError';
    this.path = path;
    this.prop = prop;
    this.value = value;
    this.fix = fix;
  }
}

function describe(value: unknown): string {
  if (value === undefined) return '(not set)';
  try {
    const text = JSON.stringify(value);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
  } catch {
    return String(value);
  }
}

/** True when the value is (or contains) an unresolved Terraform token: validation must skip it. */
export function isUnresolved(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string' || typeof value === 'number' || Array.isArray(value)) {
    return Token.isUnresolved(value);
  }
  return false;
}

/** Throws when `value` (resolved) lies outside `[min, max]`. */
export function validateRange(
  scope: IConstruct,
  prop: string,
  value: number | undefined,
  min: number,
  max: number,
  unit: string,
): void {
  if (value === undefined || isUnresolved(value)) return;
  if (!Number.isFinite(value) || !Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(scope, prop, value, `must be a whole number of ${unit} from ${min} to ${max}`, `set ${prop} between ${min} and ${max} ${unit}`);
  }
}
