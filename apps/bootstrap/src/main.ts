import type { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { bootstrapConfig } from './config';
import { StateBucketStack } from './lib/state-bucket-stack';

/** Entry for `node libs/tooling/bin/synth.mjs bootstrap`: the state bucket stack, with id `bootstrap`. */
export function defineStack(app: Construct): TerraformStack {
  return new StateBucketStack(app, 'bootstrap', bootstrapConfig);
}
