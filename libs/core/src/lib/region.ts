import { TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { IConstruct } from 'constructs';
import { isUnresolved, ValidationError } from './validation-error';

/**
 * The AWS region a construct deploys to: `explicit` when given, else the region of the (default) AwsProvider of
 * its stack. Region-bearing URLs (hosted UI, issuer, invoke URL) are built from it at synth time.
 */
export function regionOf(scope: IConstruct, explicit?: string): string {
  if (explicit !== undefined) return explicit;
  const stack = TerraformStack.of(scope);
  const providers = stack.node.findAll().filter((c): c is AwsProvider => c instanceof AwsProvider);
  const provider = providers.find((p) => p.alias === undefined) ?? providers[0];
  const region = provider?.region;
  if (region === undefined || isUnresolved(region)) {
    throw new ValidationError(scope, 'region', region, 'the stack has no AwsProvider with a literal region', 'add `new AwsProvider(stack, "aws", { region: "eu-west-1" })` to the stack, or pass `region` in the props');
  }
  return region;
}

/** The AWS partition of a region, for ARNs built at synth time. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  return 'aws';
}
