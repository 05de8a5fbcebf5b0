import { TerraformStack, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Construct } from 'constructs';
import { regionOf } from './region';
import { ValidationError } from './validation-error';

describe('regionOf', () => {
  it('reads the default provider region, or the explicit one', () => {
    const stack = new TerraformStack(Testing.app(), 's');
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    new AwsProvider(stack, 'use1', { region: 'us-east-1', alias: 'use1' });
    const child = new Construct(stack, 'child');
    expect(regionOf(child)).toBe('eu-west-1');
    expect(regionOf(child, 'ap-south-1')).toBe('ap-south-1');
  });

  it('throws a ValidationError naming the fix when no provider region is known', () => {
    const stack = new TerraformStack(Testing.app(), 's');
    const child = new Construct(stack, 'child');
    expect(() => regionOf(child)).toThrow(ValidationError);
    expect(() => regionOf(child)).toThrow(/s\/child: invalid region \(not set\).*AwsProvider/);
  });
});
