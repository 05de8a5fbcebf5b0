import type { Construct } from 'constructs';
import { defineEnvironment, type EnvironmentStack } from '@secure-api/environment';
import { config } from './config';

/** Adds the dev stack to `app` (called by `libs/tooling/bin/synth.mjs`). */
export function defineStack(app: Construct): EnvironmentStack {
  return defineEnvironment(app, config);
}
