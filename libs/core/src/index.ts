export { ValidationError, isUnresolved, validateRange } from './lib/validation-error';
export { validateRedirectUrl } from './lib/url';
export { partitionOf, regionOf } from './lib/region';
export { atSynth } from './lib/at-synth';
export { PRODUCTION_POLICY } from './lib/production-policy';
export { Duration, durationProp, validateDuration, wholeAmount } from './lib/duration';
export type { DurationUnit } from './lib/duration';
export { AWS_PROVIDER_CONSTRAINT, requireAwsProvider } from './lib/provider-version';
export { LOG_RETENTION_DAYS, logRetentionDays } from './lib/log-retention';
