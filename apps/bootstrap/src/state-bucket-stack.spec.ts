import { ValidationError } from '@secure-api/core';
import { Match, Template } from '@secure-api/testing';
import { App, Testing } from 'cdktf';
import { bootstrapConfig, defineStack, stateKey, StateBucketStack } from './index';
import type { StateBucketStackProps } from './index';

const props: StateBucketStackProps = { region: 'eu-west-1', bucketName: 'acme-tfstate-123456789012', environments: ['dev', 'prod'] };

function synth(p: StateBucketStackProps = props): Template {
  return Template.fromStack(new StateBucketStack(Testing.app() as App, 'bootstrap', p));
}

describe('StateBucketStack defaults', () => {
  const template = synth();
  const bucket = template.resource('aws_s3_bucket');
  const bucketId = Template.ref(bucket, 'id');

  it('creates one bucket that Terraform refuses to destroy and that S3 refuses to empty on delete', () => {
    expect(bucket.values).toMatchObject({ bucket: 'acme-tfstate-123456789012', force_destroy: false, lifecycle: { prevent_destroy: true } });
  });

  it('versions the bucket', () => {
    template.hasResourceProperties('aws_s3_bucket_versioning', { bucket: bucketId, versioning_configuration: { status: 'Enabled' } });
  });

  it('encrypts with SSE-KMS and the AWS managed key, with a bucket key', () => {
    template.hasResourceProperties('aws_s3_bucket_server_side_encryption_configuration', {
      bucket: bucketId,
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: Match.absent() }, bucket_key_enabled: true }],
    });
  });

  it('blocks all public access and disables ACLs', () => {
    template.hasResourceProperties('aws_s3_bucket_public_access_block', {
      bucket: bucketId,
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    template.hasResourceProperties('aws_s3_bucket_ownership_controls', { bucket: bucketId, rule: { object_ownership: 'BucketOwnerEnforced' } });
  });

  it('denies every request without TLS, and with TLS below 1.2, on the bucket and its objects', () => {
    const documents = template.block<Record<string, Record<string, { statement: unknown[] }>>>('data')?.['aws_iam_policy_document'] ?? {};
    const [name, doc] = Object.entries(documents)[0];
    const resources = [Template.ref(bucket, 'arn'), `${Template.ref(bucket, 'arn')}/*`];
    const everyone = [{ type: '*', identifiers: ['*'] }];
    expect(doc.statement).toEqual([
      { sid: 'DenyInsecureTransport', effect: 'Deny', principals: everyone, actions: ['s3:*'], resources, condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }] },
      { sid: 'DenyTlsBelow12', effect: 'Deny', principals: everyone, actions: ['s3:*'], resources, condition: [{ test: 'NumericLessThan', variable: 's3:TlsVersion', values: ['1.2'] }] },
    ]);
    const publicAccess = template.resource('aws_s3_bucket_public_access_block');
    template.hasResourceProperties('aws_s3_bucket_policy', {
      bucket: bucketId,
      policy: `\${data.aws_iam_policy_document.${name}.json}`,
      depends_on: [publicAccess.address],
    });
  });

  it('keeps its own state in the local backend at the workspace root', () => {
    expect(template.block('terraform')).toMatchObject({ backend: { local: { path: '../../../terraform.bootstrap.tfstate' } } });
  });

  it('tags everything through the provider and works in the given region', () => {
    expect(template.block<{ aws: unknown[] }>('provider')?.aws).toEqual([
      { region: 'eu-west-1', default_tags: [{ tags: { 'managed-by': 'terraform', purpose: 'terraform-state' } }] },
    ]);
  });

  it('outputs the bucket and one state key per environment', () => {
    const outputs = template.outputs();
    expect(outputs['state_keys'].value).toEqual({ dev: 'secure-api/dev/terraform.tfstate', prod: 'secure-api/prod/terraform.tfstate' });
    expect(outputs['state_bucket'].value).toBe(Template.ref(bucket, 'bucket'));
    expect(outputs['state_bucket_arn'].value).toBe(Template.ref(bucket, 'arn'));
    expect(outputs['state_region'].value).toBe('eu-west-1');
  });
});

describe('StateBucketStack props', () => {
  it('uses a customer managed KMS key when given one', () => {
    const kmsKeyArn = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    synth({ ...props, kmsKeyArn }).hasResourceProperties('aws_s3_bucket_server_side_encryption_configuration', {
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: kmsKeyArn } }],
    });
  });

  it('puts state keys under keyPrefix', () => {
    expect(synth({ ...props, keyPrefix: 'team/api', environments: ['staging'] }).outputs()['state_keys'].value).toEqual({ staging: 'team/api/staging/terraform.tfstate' });
    expect(stateKey('secure-api', 'dev')).toBe('secure-api/dev/terraform.tfstate');
  });

  it('moves its local state where localStatePath says', () => {
    expect(synth({ ...props, localStatePath: 'bootstrap.tfstate' }).block('terraform')).toMatchObject({ backend: { local: { path: 'bootstrap.tfstate' } } });
  });

  it('adds tags beside its own', () => {
    const provider = synth({ ...props, tags: { team: 'platform' } }).block<{ aws: Array<{ default_tags: unknown }> }>('provider');
    expect(provider?.aws[0].default_tags).toEqual([{ tags: { team: 'platform', 'managed-by': 'terraform', purpose: 'terraform-state' } }]);
  });
});

describe('StateBucketStack validation', () => {
  it.each<[string, Partial<StateBucketStackProps>, RegExp]>([
    ['region', { region: 'Ireland' }, /bootstrap: invalid region "Ireland": is not an AWS region name\. Fix: use a region such as eu-west-1/],
    ['a short bucket name', { bucketName: 'ab' }, /invalid bucketName "ab": must be 3 to 63 characters long/],
    ['an uppercase bucket name', { bucketName: 'Acme-State' }, /invalid bucketName "Acme-State": may contain only lowercase letters/],
    ['adjacent dots', { bucketName: 'acme..state' }, /must not contain two adjacent dots/],
    ['an IP-like name', { bucketName: '192.168.1.10' }, /must not look like an IP address/],
    ['a reserved suffix', { bucketName: 'acme-state-s3alias' }, /uses a prefix or suffix that S3 reserves/],
    ['no environments', { environments: [] }, /invalid environments \[\]: is empty/],
    ['a bad environment name', { environments: ['dev', 'Prod'] }, /invalid environments\[1\] "Prod": is not an environment name/],
    ['a repeated environment', { environments: ['dev', 'dev'] }, /invalid environments\[1\] "dev": is listed twice/],
    ['a key prefix with a trailing slash', { keyPrefix: 'secure-api/' }, /invalid keyPrefix "secure-api\/": must be path segments/],
    ['a KMS key that is not an ARN', { kmsKeyArn: '1234abcd' }, /invalid kmsKeyArn "1234abcd": is not a KMS key or alias ARN/],
  ])('throws a ValidationError for %s', (_name, override, message) => {
    expect(() => synth({ ...props, ...override })).toThrow(ValidationError);
    expect(() => synth({ ...props, ...override })).toThrow(message);
  });
});

describe('defineStack', () => {
  it('synthesizes the configured bucket as the stack "bootstrap"', () => {
    const stack = defineStack(Testing.app());
    expect(stack.node.id).toBe('bootstrap');
    const template = Template.fromStack(stack);
    expect(template.resource('aws_s3_bucket').values['bucket']).toBe(bootstrapConfig.bucketName);
    expect(Object.keys(template.outputs()['state_keys'].value as object)).toEqual([...bootstrapConfig.environments]);
  });
});
