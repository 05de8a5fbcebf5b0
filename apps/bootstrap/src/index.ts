export { StateBucketStack } from './lib/state-bucket-stack';
export type { StateBucketStackProps } from './lib/state-bucket-stack';
export { stateKey } from './lib/validate';
export { bootstrapConfig } from './config';
export { defineStack } from './main';
