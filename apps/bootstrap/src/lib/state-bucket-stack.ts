import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { requireAwsProvider } from '@secure-api/core';
import { stateKey, validateStateBucketProps } from './validate';

export interface StateBucketStackProps {
  /** AWS region of the bucket, e.g. `eu-west-1`. */
  readonly region: string;
  /**
   * Name of the state bucket. S3 bucket names are global: 3 to 63 lowercase letters, digits, hyphens and dots,
   * beginning and ending with a letter or digit. Adding the account id keeps it unique.
   */
  readonly bucketName: string;
  /**
   * The environments whose state lives in the bucket; each gets the key `<keyPrefix>/<env>/terraform.tfstate`,
   * listed in the `state_keys` output.
   */
  readonly environments: readonly string[];
  /**
   * First segment of every state key.
   * @default 'secure-api'
   */
  readonly keyPrefix?: string;
  /**
   * A customer managed KMS key (ARN) for the bucket's default encryption.
   * @default - SSE-KMS with the AWS managed key `aws/s3`, with an S3 bucket key
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
   */
  readonly kmsKeyArn?: string;
  /**
   * Where this stack keeps its own state, relative to the stack's working directory
   * (`cdktf.out/stacks/<stack id>`). It bootstraps the remote backend, so it cannot use it.
   * @default '../../../terraform.bootstrap.tfstate' (the workspace root; kept out of git by `*.tfstate`)
   */
  readonly localStatePath?: string;
  /**
   * Tags on every resource, beside `managed-by` and `purpose`.
   * @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The S3 bucket that holds every environment's Terraform state: versioned (a bad apply can be rolled back to an
 * earlier state version), encrypted with SSE-KMS, all public access blocked, ACLs disabled, and a bucket policy
 * that refuses any request not made over TLS 1.2 or later. Terraform >= 1.10 locks state with an S3 lock file
 * (`use_lockfile`), so no DynamoDB table is needed.
 *
 * The stack itself uses the local backend. Its bucket has `prevent_destroy`; if its local state is ever lost,
 * `terraform import` the bucket rather than creating a new one.
 */
export class StateBucketStack extends TerraformStack {
  /** The bucket resource. */
  readonly bucket: S3Bucket;
  /** `environment → state key` for every environment in the props. */
  readonly stateKeys: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: StateBucketStackProps) {
    super(scope, id);
    validateStateBucketProps(this, props);
    const keyPrefix = props.keyPrefix ?? 'secure-api';

    new LocalBackend(this, { path: props.localStatePath ?? '../../../terraform.bootstrap.tfstate' });
    new AwsProvider(this, 'aws', {
      region: props.region,
      defaultTags: [{ tags: { ...(props.tags ?? {}), 'managed-by': 'terraform', purpose: 'terraform-state' } }],
    });
    requireAwsProvider(this);

    this.bucket = new S3Bucket(this, 'StateBucket', {
      bucket: props.bucketName,
      forceDestroy: false,
      lifecycle: { preventDestroy: true },
    });
    const bucket = this.bucket.id;

    new S3BucketVersioningA(this, 'Versioning', {
      bucket,
      versioningConfiguration: { status: 'Enabled' },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'Encryption', {
      bucket,
      rule: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.kmsKeyArn },
          bucketKeyEnabled: true,
        },
      ],
    });
    const publicAccess = new S3BucketPublicAccessBlock(this, 'PublicAccessBlock', {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'OwnershipControls', {
      bucket,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });

    const objects = [this.bucket.arn, `${this.bucket.arn}/*`];
    const policy = new DataAwsIamPolicyDocument(this, 'TlsOnlyPolicy', {
      statement: [
        {
          sid: 'DenyInsecureTransport',
          effect: 'Deny',
          principals: [{ type: '*', identifiers: ['*'] }],
          actions: ['s3:*'],
          resources: objects,
          condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
        },
        {
          sid: 'DenyTlsBelow12',
          effect: 'Deny',
          principals: [{ type: '*', identifiers: ['*'] }],
          actions: ['s3:*'],
          resources: objects,
          condition: [{ test: 'NumericLessThan', variable: 's3:TlsVersion', values: ['1.2'] }],
        },
      ],
    });
    // After the public access block, so that S3 never sees a policy on a bucket without it.
    new S3BucketPolicy(this, 'Policy', { bucket, policy: policy.json, dependsOn: [publicAccess] });

    this.stateKeys = Object.fromEntries(props.environments.map((env) => [env, stateKey(keyPrefix, env)]));
    new TerraformOutput(this, 'state_bucket', { value: this.bucket.bucket, description: 'Name of the Terraform state bucket.' });
    new TerraformOutput(this, 'state_bucket_arn', { value: this.bucket.arn, description: 'ARN of the Terraform state bucket.' });
    new TerraformOutput(this, 'state_region', { value: props.region, description: 'Region of the Terraform state bucket.' });
    new TerraformOutput(this, 'state_keys', { value: this.stateKeys, description: 'State key of each environment in the bucket.' });
  }
}
