import { StackError, StackModel } from './stack-model';

const stack = () =>
  new StackModel({
    variable: { greeting: { default: 'hi' } },
    resource: {
      aws_cognito_user_pool: { Pool: { name: 'p', '//': { metadata: { path: 'dev/Pool/Resource' } } } },
      aws_cognito_user_pool_client: { Client: { user_pool_id: '${aws_cognito_user_pool.Pool.id}', callback_urls: ['${var.greeting}'] } },
    },
    output: { pool_id: { value: '${aws_cognito_user_pool.Pool.id}' } },
  });

describe('StackModel', () => {
  it('lists resources by type with their construct path', () => {
    const s = stack();
    expect(s.resources('aws_cognito_user_pool')).toEqual([
      expect.objectContaining({ address: 'aws_cognito_user_pool.Pool', constructPath: 'dev/Pool/Resource' }),
    ]);
    expect(s.resources('aws_nothing')).toEqual([]);
  });

  it('resolves registered attributes and variables, deeply, keeping value types', () => {
    const s = stack();
    s.register('aws_cognito_user_pool.Pool', { id: 'us-east-1_abc', arns: ['a', 'b'] });
    const client = s.resources('aws_cognito_user_pool_client')[0];
    expect(s.resolve(client.config, client.address)).toEqual({ user_pool_id: 'us-east-1_abc', callback_urls: ['hi'] });
    expect(s.resolve('${aws_cognito_user_pool.Pool.arns}', 'x')).toEqual(['a', 'b']);
    expect(s.resolve('${aws_cognito_user_pool.Pool.arns[1]}', 'x')).toBe('b');
    expect(s.resolve('id=${aws_cognito_user_pool.Pool.id}!', 'x')).toBe('id=us-east-1_abc!');
    expect(s.resolve('${var.greeting}', 'x', { greeting: 'hello' })).toBe('hello');
  });

  it('throws a StackError naming the resource for unknown, unbuilt or unsupported references', () => {
    const s = stack();
    expect(() => s.resolve('${aws_cognito_user_pool.Pool.id}', 'aws_x.y')).toThrow(/aws_x.y: references aws_cognito_user_pool.Pool, a resource the twin does not emulate/);
    expect(() => s.resolve('${aws_lambda_function.F.arn}', 'aws_x.y')).toThrow(/which is not in the stack/);
    expect(() => s.resolve('${join(",", var.a)}', 'aws_x.y')).toThrow(StackError);
    expect(() => s.resolve('${var.missing}', 'aws_x.y')).toThrow(/does not declare/);
    // Names inherited from Object.prototype are not attributes or variables.
    s.register('aws_cognito_user_pool.Pool', { id: 'p' });
    expect(() => s.resolve('${aws_cognito_user_pool.Pool.constructor}', 'aws_x.y')).toThrow(/has no attribute "constructor"/);
    expect(() => s.resolve('${var.toString}', 'aws_x.y', {})).toThrow(/does not declare/);
  });

  it('refuses documents that are not Terraform JSON', () => {
    expect(() => new StackModel([])).toThrow(StackError);
    expect(() => new StackModel({ resource: { aws_x: [] } })).toThrow(/must map names to blocks/);
  });
});

describe('StackModel.resolveArguments', () => {
  it('resolves a resource without its Terraform meta-arguments', () => {
    const s = new StackModel({
      resource: {
        aws_cognito_user_pool: { Pool: { name: 'p' } },
        aws_cognito_user_pool_client: {
          Client: { user_pool_id: '${aws_cognito_user_pool.Pool.id}', depends_on: ['${aws_cognito_resource_server.Rs}'], lifecycle: { create_before_destroy: true }, provider: 'aws.other' },
        },
      },
    });
    s.register('aws_cognito_user_pool.Pool', { id: 'eu-west-1_abc' });
    expect(s.resolveArguments(s.resources('aws_cognito_user_pool_client')[0])).toEqual({ user_pool_id: 'eu-west-1_abc' });
  });

  it('lists the names of a type of data source, and resolves references to what was registered for them', () => {
    const s = new StackModel({ data: { aws_caller_identity: { Current: {} } }, resource: { aws_kms_key: { Key: { policy: 'arn:aws:iam::${data.aws_caller_identity.Current.account_id}:root' } } } });
    expect(s.dataSources('aws_caller_identity')).toEqual(['Current']);
    expect(s.dataSources('aws_region')).toEqual([]);
    s.register('data.aws_caller_identity.Current', { account_id: '123456789012' });
    expect(s.resolveArguments(s.resources('aws_kms_key')[0])).toEqual({ policy: 'arn:aws:iam::123456789012:root' });
  });
});
