import type { TerraformStack } from 'cdktf';

/**
 * The versions of the AWS provider the stacks admit: from 5.100 (the newest these workspaces can install offline,
 * which CI validates every stack with and applies the environment stacks to the twin with) to the last 6.x (what
 * `@cdktf/provider-aws` 21 was generated for). The generated provider would pin one exact 6.x version.
 */
export const AWS_PROVIDER_CONSTRAINT = '>= 5.100, < 7.0';

/** Declares `hashicorp/aws` with AWS_PROVIDER_CONSTRAINT, and the Terraform that supports S3 lock files, on a stack. */
export function requireAwsProvider(stack: TerraformStack): void {
  stack.addOverride('terraform.required_providers.aws', { source: 'hashicorp/aws', version: AWS_PROVIDER_CONSTRAINT });
  stack.addOverride('terraform.required_version', '>= 1.10');
}
