import { ValidationError, isUnresolved } from '@secure-api/core';
import type { IConstruct } from 'constructs';
import type { StateBucketStackProps } from './state-bucket-stack';

/** The S3 key of one environment's state: `<keyPrefix>/<env>/terraform.tfstate`. */
export function stateKey(keyPrefix: string, env: string): string {
  return `${keyPrefix}/${env}/terraform.tfstate`;
}

const ENV = /^[a-z][a-z0-9-]*$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** Refuses at synth time what S3 or Terraform would refuse at apply time. */
export function validateStateBucketProps(scope: IConstruct, props: StateBucketStackProps): void {
  if (!isUnresolved(props.region) && !REGION.test(props.region)) {
    throw new ValidationError(scope, 'region', props.region, 'is not an AWS region name', 'use a region such as eu-west-1');
  }
  const name = props.bucketName;
  if (!isUnresolved(name)) {
    const problem =
      name.length < 3 || name.length > 63
        ? 'must be 3 to 63 characters long'
        : !/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)
          ? 'may contain only lowercase letters, digits, dots and hyphens, and must begin and end with a letter or digit'
          : name.includes('..')
            ? 'must not contain two adjacent dots'
            : /^\d+\.\d+\.\d+\.\d+$/.test(name)
              ? 'must not look like an IP address'
              : /^(xn--|sthree-|amzn-s3-demo-)/.test(name) || /(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)
                ? 'uses a prefix or suffix that S3 reserves'
                : undefined;
    if (problem) {
      throw new ValidationError(scope, 'bucketName', name, problem, 'choose a globally unique name such as secure-api-tfstate-<account id>');
    }
  }
  if (props.environments.length === 0) {
    throw new ValidationError(scope, 'environments', props.environments, 'is empty', 'list the environments whose state the bucket holds, e.g. ["dev", "prod"]');
  }
  const seen = new Set<string>();
  props.environments.forEach((env, i) => {
    if (!ENV.test(env)) {
      throw new ValidationError(scope, `environments[${i}]`, env, 'is not an environment name', 'use lowercase letters, digits and hyphens, starting with a letter');
    }
    if (seen.has(env)) throw new ValidationError(scope, `environments[${i}]`, env, 'is listed twice', 'list each environment once');
    seen.add(env);
  });
  const prefix = props.keyPrefix;
  if (prefix !== undefined && !/^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/.test(prefix)) {
    throw new ValidationError(scope, 'keyPrefix', prefix, 'must be path segments of safe characters without leading, trailing or double slashes', "use e.g. 'secure-api' or 'team/secure-api'");
  }
  const kms = props.kmsKeyArn;
  if (kms !== undefined && !isUnresolved(kms) && !/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+$/.test(kms)) {
    throw new ValidationError(scope, 'kmsKeyArn', kms, 'is not a KMS key or alias ARN', 'pass arn:aws:kms:<region>:<account>:key/<id>, or leave it unset for the AWS managed key');
  }
}
