import type { StateBucketStackProps } from './lib/state-bucket-stack';

/**
 * The state bucket of this workspace. S3 bucket names are global: change `bucketName` to one of your own (the
 * account id makes it unique), and give the environments' `backend.bucket` the same name.
 */
export const bootstrapConfig: StateBucketStackProps = {
  region: 'eu-west-1',
  bucketName: 'secure-api-terraform-state',
  keyPrefix: 'secure-api',
  environments: ['dev', 'prod'],
};
