import { TerraformOutput } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { Match } from './match';
import { Template } from './template';

describe('Template', () => {
  const template = Template.synth((stack) => {
    const a = new CloudwatchLogGroup(stack, 'A', { name: 'a', retentionInDays: 30, tags: { env: 'dev' } });
    new CloudwatchLogGroup(stack, 'B', { name: 'b' });
    new TerraformOutput(stack, 'name', { value: a.name });
  });

  it('finds resources by type and partial snake_case properties', () => {
    expect(template.resources('aws_cloudwatch_log_group')).toHaveLength(2);
    expect(template.resource('aws_cloudwatch_log_group', { retention_in_days: 30 }).values['name']).toBe('a');
    template.hasResourceProperties('aws_cloudwatch_log_group', { name: 'b', retention_in_days: Match.absent() });
    template.resourceCountIs('aws_cloudwatch_log_group', 2);
    expect(template.outputs()['name'].value).toMatch(/^\$\{aws_cloudwatch_log_group\.A.*\.name\}$/);
  });

  it('explains a failed match with the closest difference', () => {
    expect(() => template.hasResourceProperties('aws_cloudwatch_log_group', { retention_in_days: 7 })).toThrow(/\$\.retention_in_days: expected 7, got 30/);
    expect(() => template.hasResourceProperties('aws_s3_bucket', {})).toThrow(/no resource of type aws_s3_bucket/);
    expect(() => template.resourceCountIs('aws_cloudwatch_log_group', 3)).toThrow(/expected 3/);
    expect(() => template.resource('aws_cloudwatch_log_group')).toThrow(/found 2/);
  });

  it('matches arrays exactly unless arrayWith is used', () => {
    const t = Template.fromJSON({ resource: { x: { y: { list: [1, 2, 3], nested: { s: 'abc' } } } } });
    expect(t.resources('x', { list: [1, 2] })).toHaveLength(0);
    expect(t.resources('x', { list: Match.arrayWith([3, 1]) })).toHaveLength(1);
    expect(t.resources('x', { nested: { s: Match.stringLike(/^a/) } })).toHaveLength(1);
    expect(t.resources('x', { nested: Match.exact({ s: 'abc' }) })).toHaveLength(1);
    expect(t.resources('x', { missing: Match.anyValue() })).toHaveLength(0);
  });
});
