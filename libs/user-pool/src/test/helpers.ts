import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { newTestStack, Template } from '@secure-api/testing';
import type { TerraformStack } from 'cdktf';
import { UserPool, type UserPoolProps } from '../lib/user-pool';

/** A test stack named `test` with an AwsProvider in eu-west-1 (pool URLs need the region) and `context` set. */
export function stackWithProvider(context: Record<string, unknown> = {}): TerraformStack {
  const stack = newTestStack();
  for (const [key, value] of Object.entries(context)) stack.node.setContext(key, value);
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  return stack;
}

/** A UserPool `Pool` in a fresh {@link stackWithProvider}. */
export function newPool(props?: UserPoolProps, context?: Record<string, unknown>): UserPool {
  return new UserPool(stackWithProvider(context), 'Pool', props);
}

/** Synthesizes a fresh {@link stackWithProvider} after `build` adds constructs to it. */
export function synthWithProvider(build: (stack: TerraformStack) => void): Template {
  return Template.synth((stack) => {
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    build(stack);
  });
}

/** Synthesizes a UserPool `Pool` with `props`, after `build` adds to it. */
export function synthPool(build: (pool: UserPool, stack: TerraformStack) => void = () => undefined, props?: UserPoolProps): Template {
  return synthWithProvider((stack) => build(new UserPool(stack, 'Pool', props), stack));
}
