import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TerraformVariable } from 'cdktf';
import { unzipSync } from 'fflate';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Duration } from '@secure-api/core';
import { Integration, RestApi } from '@secure-api/rest-api';
import { checkSecurityPolicy, expectInvalid, Template } from '@secure-api/testing';
import { NODEJS_FUNCTION_DEFAULTS, NodejsFunction, type NodejsFunctionProps } from './nodejs-function';

const FIXTURES = join(__dirname, '../test/fixtures');
const HELLO = join(FIXTURES, 'hello.ts');

function synth(props: Partial<NodejsFunctionProps> = {}): { t: Template; fn: NodejsFunction } {
  let fn!: NodejsFunction;
  const t = Template.synth((stack) => {
    fn = new NodejsFunction(stack, 'Fn', { entry: HELLO, functionName: 'secure-api-test-hello', ...props });
  });
  return { t, fn };
}

const policyOf = (t: Template) => JSON.parse(String(t.resource('aws_iam_role_policy').values['policy'])) as { Statement: { Action: string[]; Resource: string[] }[] };

describe('NodejsFunction defaults', () => {
  it('declares the function with its documented defaults', () => {
    const { t, fn } = synth();
    t.hasResourceProperties('aws_lambda_function', {
      function_name: 'secure-api-test-hello',
      runtime: NODEJS_FUNCTION_DEFAULTS.runtime,
      architectures: [NODEJS_FUNCTION_DEFAULTS.architecture],
      handler: 'index.handler',
      memory_size: 256,
      timeout: 10,
      tracing_config: { mode: 'Active' },
      logging_config: { log_format: 'Text' },
      environment: { variables: { NODE_OPTIONS: '--enable-source-maps' } },
      source_code_hash: fn.bundle.sha256Base64,
    });
    expect(t.resource('aws_lambda_function').values['reserved_concurrent_executions']).toBeUndefined();
    expect(String(t.resource('aws_lambda_function').values['filename'])).toMatch(/^assets\/.+\/index\.zip$|^assets\/.+\.zip$/);
  });

  it('gives the function its own log group, with the stack retention, and depends on it', () => {
    const { t } = synth();
    t.hasResourceProperties('aws_cloudwatch_log_group', { name: '/aws/lambda/secure-api-test-hello', retention_in_days: 30 });
    const group = t.resource('aws_cloudwatch_log_group');
    const fn = t.resource('aws_lambda_function');
    expect(fn.values['depends_on']).toContain(group.address);
    expect((fn.values['logging_config'] as Record<string, unknown>)['log_group']).toBe(`\${${group.address}.name}`);
  });

  it('has a role only Lambda assumes, whose policy writes only to that log group, plus X-Ray', () => {
    const { t } = synth();
    const role = t.resource('aws_iam_role');
    expect(role.values['name']).toBe('secure-api-test-hello-exec');
    expect(JSON.parse(String(role.values['assume_role_policy']))).toEqual({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    const group = t.resource('aws_cloudwatch_log_group');
    const statements = policyOf(t).Statement;
    expect(statements).toEqual([
      { Sid: 'WriteOwnLogGroup', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [`\${${group.address}.arn}:*`] },
      { Sid: 'XRayWrite', Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: ['*'] },
    ]);
    expect(statements.flatMap((s) => s.Action)).not.toContain('logs:CreateLogGroup');
    // The function's own rules pass; encrypting its log group takes a key (logKmsKeyArn, below).
    expect(checkSecurityPolicy(t, { environment: 'nonprod' }).map((f) => f.rule)).toEqual(['log-group-kms']);
    const key = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(checkSecurityPolicy(synth({ logKmsKeyArn: key }).t, { environment: 'nonprod' })).toEqual([]);
  });

  it('bundles the entry and what it imports into a zip of index.mjs with its source map', () => {
    const { fn } = synth();
    const files = unzipSync(readFileSync(fn.bundle.zipFile));
    expect(Object.keys(files).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    const code = Buffer.from(files['index.mjs']).toString('utf8');
    expect(code).toContain('hello ');
    expect(code).toMatch(/export\s*\{[^}]*handler/);
    expect(code).toContain('//# sourceMappingURL=index.mjs.map');
    const map = JSON.parse(Buffer.from(files['index.mjs.map']).toString('utf8')) as { sources: string[] };
    expect(map.sources.some((s) => s.endsWith('libs/function/src/test/fixtures/greeting.ts'))).toBe(true);
    expect(map.sources.every((s) => !s.startsWith('/'))).toBe(true);
    expect(fn.bundle.exports).toEqual(expect.arrayContaining(['handler', 'other']));
  });
});

describe('NodejsFunction props', () => {
  it('takes every prop', () => {
    const { t } = synth({
      handler: 'other' as never, runtime: 'nodejs22.x', architecture: 'x86_64', memorySize: 1024, timeout: Duration.seconds(20),
      environment: { STAGE: 'dev', ORDERS_TABLE: 'orders' }, reservedConcurrency: 5, tracing: false, logRetention: Duration.days(90),
      logKmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/abc', sourceMaps: false, description: 'says hello',
    });
    t.hasResourceProperties('aws_lambda_function', {
      handler: 'index.other', runtime: 'nodejs22.x', architectures: ['x86_64'], memory_size: 1024, timeout: 20,
      environment: { variables: { STAGE: 'dev', ORDERS_TABLE: 'orders' } }, reserved_concurrent_executions: 5,
      tracing_config: { mode: 'PassThrough' }, description: 'says hello',
    });
    expect(JSON.stringify(t.resource('aws_lambda_function').values['environment'])).not.toContain('NODE_OPTIONS');
    t.hasResourceProperties('aws_cloudwatch_log_group', { retention_in_days: 90, kms_key_id: 'arn:aws:kms:eu-west-1:123456789012:key/abc' });
    expect(policyOf(t).Statement.map((s) => s.Action).flat()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
  });

  it('accepts a sensitive variable or a Secrets Manager ARN for a secret-named variable', () => {
    expect(() => Template.synth((stack) => {
      const secret = new TerraformVariable(stack, 'apiKey', { type: 'string', sensitive: true });
      new NodejsFunction(stack, 'Fn', { entry: HELLO, functionName: 'f', environment: { API_KEY: secret.stringValue, DB_PASSWORD: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db' } });
    })).not.toThrow();
  });

  it('is what Integration.lambdaProxy takes: the route grants the invoke from its stage, method and path only', () => {
    const t = Template.synth((stack) => {
      const fn = new NodejsFunction(stack, 'Fn', { entry: HELLO, functionName: 'secure-api-test-hello' });
      new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
      new RestApi(stack, 'Api', { name: 'api', routes: { 'GET /hello': { integration: Integration.lambdaProxy(fn), public: 'greeting' } } });
    });
    const fn = t.resource('aws_lambda_function');
    const api = t.resource('aws_api_gateway_rest_api');
    t.hasResourceProperties('aws_lambda_permission', { function_name: `\${${fn.address}.arn}`, source_arn: `\${${api.address}.execution_arn}/v1/GET/hello` });
    expect(checkSecurityPolicy(t, { environment: 'nonprod', publicRoutes: ['GET /hello'] }).filter((f) => f.rule.startsWith('lambda-'))).toEqual([]);
  });
});

describe('NodejsFunction bundling', () => {
  let dir: string;
  beforeEach(() => {
    // Inside the workspace (the bundle's paths are relative to it), in a folder of its own.
    dir = mkdtempSync(join(FIXTURES, 'tmp-'));
    copyFileSync(join(FIXTURES, 'greeting.ts'), join(dir, 'greeting.ts'));
    copyFileSync(HELLO, join(dir, 'hello.ts'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('makes the same bytes from the same sources, reuses the build while nothing changed, and rebuilds when an import changes', () => {
    const entry = join(dir, 'hello.ts');
    const first = synth({ entry }).fn.bundle;
    const second = synth({ entry }).fn.bundle;
    expect(second.built).toBe(false);
    expect(second.sha256Hex).toBe(first.sha256Hex);
    // Touched but unchanged: the content decides, not the time.
    writeFileSync(join(dir, 'greeting.ts'), readFileSync(join(dir, 'greeting.ts')));
    expect(synth({ entry }).fn.bundle.built).toBe(false);
    writeFileSync(join(dir, 'greeting.ts'), "export function greeting(name: string): string {\n  return `hi ${name}`;\n}\n");
    const third = synth({ entry }).fn.bundle;
    expect(third.built).toBe(true);
    expect(third.sha256Hex).not.toBe(first.sha256Hex);
    // Built again from scratch (cache removed), the same sources give the same zip.
    rmSync(third.zipFile);
    const again = synth({ entry }).fn.bundle;
    expect(again.built).toBe(true);
    expect(again.sha256Hex).toBe(third.sha256Hex);
  });
});

describe('NodejsFunction validation', () => {
  it.each([
    ['functionName', { functionName: 'has spaces' }, /is not a Lambda function name/],
    ['functionName', { functionName: 'x'.repeat(60) }, /leaves no room for the role name/],
    ['handler', { handler: 'not-a-name' }, /is not an export name/],
    ['runtime', { runtime: 'nodejs16.x' as never }, /is not a Node.js runtime/],
    ['architecture', { architecture: 'mips' as never }, /is not a Lambda architecture/],
    ['memorySize', { memorySize: 64 }, /128 to 10240/],
    ['timeout', { timeout: Duration.minutes(16) }, /timeout/],
    ['timeout', { timeout: Duration.millis(1500) }, /whole number of seconds/],
    ['reservedConcurrency', { reservedConcurrency: -1 }, /0 to 10000/],
    ['logRetention', { logRetention: Duration.days(100) }, /is not a retention CloudWatch Logs accepts/],
  ] as const)('throws when %s is invalid', (prop, props, message) => {
    expectInvalid(() => synth(props as Partial<NodejsFunctionProps>), prop, message);
  });

  it('throws when the entry file is missing or not a source file', () => {
    expectInvalid(() => synth({ entry: join(FIXTURES, 'missing.ts') }), 'entry', /is not a file.*Fix: give the path of the handler source/);
    expectInvalid(() => synth({ entry: join(FIXTURES, 'broken.ts.txt') }), 'entry', /is not a TypeScript or JavaScript file/);
  });

  it('throws when the entry does not compile, naming the line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fn-broken-'));
    try {
      const entry = join(FIXTURES, `broken-${process.pid}.ts`);
      copyFileSync(join(FIXTURES, 'broken.ts.txt'), entry);
      try {
        expectInvalid(() => synth({ entry }), 'entry', /esbuild could not bundle .*broken-\d+\.ts: .*\(.*broken-\d+\.ts:\d+\)/);
      } finally {
        rmSync(entry, { force: true });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('throws when the entry does not export the handler, naming what it exports', () => {
    expectInvalid(() => synth({ entry: join(FIXTURES, 'no-handler.ts') }), 'handler', /is not exported by .*no-handler\.ts \(it exports main\).*Fix: export the handler/);
  });

  it.each([
    ['DB_PASSWORD', 'hunter2-correct-horse', /is named like a secret and holds a plain value/],
    ['API_TOKEN', 'abc', /is named like a secret/],
    ['UPSTREAM', 'AKIAIOSFODNN7EXAMPLE', /looks like an AWS access key id/],
    ['SIGNING', '-----BEGIN PRIVATE KEY-----\nMII...', /looks like a PEM private key/],
  ])('throws when the environment variable %s looks like a secret, and never prints the value', (name, value, message) => {
    let error: Error | undefined;
    try {
      synth({ environment: { [name]: value } });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(message);
    expect(error?.message).toMatch(/Fix: pass a sensitive TerraformVariable, or store it in Secrets Manager/);
    expect(error?.message).not.toContain(value);
  });

  it('throws when an environment variable is reserved by Lambda, badly named, or the whole is over 4 KB', () => {
    expectInvalid(() => synth({ environment: { AWS_REGION: 'eu-west-1' } }), 'environment.AWS_REGION', /is a variable Lambda sets itself/);
    expectInvalid(() => synth({ environment: { '1BAD': 'x' } }), 'environment', /is not a variable name Lambda accepts/);
    expectInvalid(() => synth({ environment: { BIG: 'x'.repeat(4100) } }), 'environment', /above Lambda's 4096-byte limit/);
  });
});
