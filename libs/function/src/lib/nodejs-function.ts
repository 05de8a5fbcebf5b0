import { existsSync, statSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import { AssetType, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { Duration, isUnresolved, logRetentionDays, validateDuration, validateRange, ValidationError, wholeAmount } from '@secure-api/core';
import { bundleFunction, BundleError, type Bundle } from './bundle';
import { checkEnvironment } from './environment';

/** The Node.js runtimes Lambda runs a function on. */
export type NodejsRuntime = 'nodejs20.x' | 'nodejs22.x';
/** The instruction set a function runs on. */
export type Architecture = 'arm64' | 'x86_64';

/** Props of a `NodejsFunction`. Every default is the secure, production-ready choice. */
export interface NodejsFunctionProps {
  /** The handler's source file (TypeScript or JavaScript), absolute or relative to the working directory. */
  readonly entry: string;
  /**
   * The function's name in AWS (1 to 64 letters, digits, `-` and `_`); its log group is `/aws/lambda/<name>` and its
   * role `<name>-exec`.
   */
  readonly functionName: string;
  /**
   * The name the entry exports the handler as.
   * @default 'handler'
   */
  readonly handler?: string;
  /**
   * The Node.js runtime.
   * @default 'nodejs20.x'
   */
  readonly runtime?: NodejsRuntime;
  /**
   * The instruction set. Graviton (arm64) costs about 20 % less per GB-second than x86_64.
   * @default 'arm64'
   */
  readonly architecture?: Architecture;
  /**
   * Memory in MB (128 to 10,240); CPU is allotted in proportion.
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * How long one invocation may run (1 s to 15 minutes). Behind an API Gateway route at most 29 s (a route refuses more).
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * Environment variables, in plain text in the state and the console: a value that looks like a secret is refused
   * (pass a sensitive TerraformVariable or a Secrets Manager ARN instead). Names Lambda reserves are refused.
   * @default {}
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Concurrent executions reserved for (and the most allowed to) this function.
   * @default - unreserved: the account's pool
   */
  readonly reservedConcurrency?: number;
  /**
   * X-Ray active tracing.
   * @default true
   */
  readonly tracing?: boolean;
  /**
   * How long the function's log group keeps logs (a retention CloudWatch Logs accepts).
   * @default Duration.days(30)
   */
  readonly logRetention?: Duration;
  /**
   * A KMS key ARN that encrypts the function's log group.
   * @default - CloudWatch Logs' own encryption
   */
  readonly logKmsKeyArn?: string;
  /**
   * Source maps in stack traces (`NODE_OPTIONS=--enable-source-maps`): errors name the TypeScript line.
   * @default true
   */
  readonly sourceMaps?: boolean;
  /**
   * A description shown in the console.
   * @default - none
   */
  readonly description?: string;
}

/** The defaults of `NodejsFunctionProps`, in one place (documented above, asserted by the tests). */
export const NODEJS_FUNCTION_DEFAULTS = {
  handler: 'handler',
  runtime: 'nodejs20.x' as NodejsRuntime,
  architecture: 'arm64' as Architecture,
  memorySize: 256,
  timeoutSeconds: 10,
  tracing: true,
  logRetentionDays: 30,
  sourceMaps: true,
} as const;

const RUNTIMES: Record<NodejsRuntime, string> = { 'nodejs20.x': 'node20', 'nodejs22.x': 'node22' };
const ENTRY_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs']);

/**
 * A Lambda function from a TypeScript or JavaScript entry, bundled at synth with esbuild into a deterministic,
 * content-hashed zip (an ES module with its source map), with its own log group (the stack's retention and
 * encryption) and an execution role that may only write to that log group, plus X-Ray when tracing is on. Pass it to
 * `Integration.lambdaProxy(fn)`: the route's permission is scoped to its stage, method and path.
 */
export class NodejsFunction extends Construct {
  /** The function resource. */
  readonly resource: LambdaFunction;
  /** The function's ARN (unqualified). */
  readonly arn: string;
  /** The ARN API Gateway invokes (`.../invocations`). */
  readonly invokeArn: string;
  readonly functionName: string;
  /** The function's timeout: a route checks it against API Gateway's 29 s limit. */
  readonly timeout: Duration;
  /** Its log group (`/aws/lambda/<name>`). */
  readonly logGroup: CloudwatchLogGroup;
  /** Its execution role. */
  readonly role: IamRole;
  /** The built package: the zip, its hashes and what the entry exports. */
  readonly bundle: Bundle;

  constructor(scope: Construct, id: string, props: NodejsFunctionProps) {
    super(scope, id);
    const handler = props.handler ?? NODEJS_FUNCTION_DEFAULTS.handler;
    const runtime = props.runtime ?? NODEJS_FUNCTION_DEFAULTS.runtime;
    const architecture = props.architecture ?? NODEJS_FUNCTION_DEFAULTS.architecture;
    const memorySize = props.memorySize ?? NODEJS_FUNCTION_DEFAULTS.memorySize;
    const timeout = props.timeout ?? Duration.seconds(NODEJS_FUNCTION_DEFAULTS.timeoutSeconds);
    const tracing = props.tracing ?? NODEJS_FUNCTION_DEFAULTS.tracing;
    const environment = props.environment ?? {};

    checkName(this, props.functionName);
    if (!/^[A-Za-z_$][\w$]*$/.test(handler)) throw new ValidationError(this, 'handler', handler, 'is not an export name', "name the exported function, e.g. 'handler'");
    if (!(runtime in RUNTIMES)) throw new ValidationError(this, 'runtime', runtime, 'is not a Node.js runtime this construct builds for', "use 'nodejs20.x' or 'nodejs22.x'");
    if (architecture !== 'arm64' && architecture !== 'x86_64') throw new ValidationError(this, 'architecture', architecture, 'is not a Lambda architecture', "use 'arm64' or 'x86_64'");
    validateRange(this, 'memorySize', memorySize, 128, 10240, 'MB');
    validateDuration(this, 'timeout', timeout, Duration.seconds(1), Duration.minutes(15));
    const timeoutSeconds = wholeAmount(this, 'timeout', timeout, 'seconds');
    if (props.reservedConcurrency !== undefined) validateRange(this, 'reservedConcurrency', props.reservedConcurrency, 0, 10000, 'concurrent executions');
    const retentionDays = logRetentionDays(this, 'logRetention', props.logRetention ?? Duration.days(NODEJS_FUNCTION_DEFAULTS.logRetentionDays));
    checkEnvironment(this, environment);

    const entry = isAbsolute(props.entry) ? props.entry : resolve(props.entry);
    if (!existsSync(entry) || !statSync(entry).isFile()) throw new ValidationError(this, 'entry', props.entry, 'is not a file', 'give the path of the handler source, e.g. libs/handlers/src/me.ts');
    if (!ENTRY_EXTENSIONS.has(extname(entry))) throw new ValidationError(this, 'entry', props.entry, 'is not a TypeScript or JavaScript file', 'point at a .ts, .mts, .js or .mjs file');
    try {
      this.bundle = bundleFunction({ entry, handler, target: RUNTIMES[runtime] });
    } catch (err) {
      if (err instanceof BundleError) throw new ValidationError(this, 'entry', props.entry, err.message, 'fix the source so that it compiles (npx tsc --noEmit names the same error)');
      throw err;
    }
    if (!this.bundle.exports.includes(handler)) {
      const found = this.bundle.exports.length ? `it exports ${this.bundle.exports.join(', ')}` : 'it exports nothing';
      throw new ValidationError(this, 'handler', handler, `is not exported by ${props.entry} (${found})`, `export the handler, e.g. \`export async function ${handler}(event) {...}\`, or set handler to the exported name`);
    }

    this.logGroup = new CloudwatchLogGroup(this, 'LogGroup', {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: retentionDays,
      kmsKeyId: props.logKmsKeyArn,
    });
    this.role = new IamRole(this, 'Role', {
      name: `${props.functionName}-exec`,
      description: `Execution role of the Lambda function ${props.functionName}`,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    });
    new IamRolePolicy(this, 'Policy', {
      name: 'logs-and-traces',
      role: this.role.id,
      policy: executionPolicy(this.logGroup.arn, tracing),
    });
    const asset = new TerraformAsset(this, 'Code', { path: this.bundle.zipFile, type: AssetType.FILE, assetHash: this.bundle.sha256Hex.slice(0, 32) });
    this.resource = new LambdaFunction(this, 'Function', {
      functionName: props.functionName,
      description: props.description,
      role: this.role.arn,
      runtime,
      architectures: [architecture],
      handler: `index.${handler}`,
      memorySize,
      timeout: timeoutSeconds,
      filename: asset.path,
      sourceCodeHash: this.bundle.sha256Base64,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: { variables: { ...((props.sourceMaps ?? NODEJS_FUNCTION_DEFAULTS.sourceMaps) ? { NODE_OPTIONS: '--enable-source-maps' } : {}), ...environment } },
      tracingConfig: { mode: tracing ? 'Active' : 'PassThrough' },
      loggingConfig: { logFormat: 'Text', logGroup: this.logGroup.name },
      // The log group and the role's policy first: the function never writes before its group exists, so it never
      // needs logs:CreateLogGroup.
      dependsOn: [this.logGroup],
    });
    this.arn = this.resource.arn;
    this.invokeArn = this.resource.invokeArn;
    this.functionName = props.functionName;
    this.timeout = timeout;
  }
}

/**
 * The execution role's one policy: write to the function's own log group, and (with tracing) send X-Ray segments.
 * No logs:CreateLogGroup (the group is the stack's) and no `*` resource for logs; X-Ray's two write actions take
 * no resource-level permissions, so `*` is the only resource AWS allows for them.
 * @see https://docs.aws.amazon.com/xray/latest/devguide/security_iam_service-with-iam.html
 */
function executionPolicy(logGroupArn: string, tracing: boolean): string {
  const statements: Record<string, unknown>[] = [
    { Sid: 'WriteOwnLogGroup', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [`${logGroupArn}:*`] },
  ];
  if (tracing) statements.push({ Sid: 'XRayWrite', Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: ['*'] });
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

function checkName(scope: Construct, name: string): void {
  if (isUnresolved(name)) throw new ValidationError(scope, 'functionName', name, 'is a Terraform reference: the log group and role are named after it at synth', 'give a literal name, e.g. `${prefix}-orders`');
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) throw new ValidationError(scope, 'functionName', name, 'is not a Lambda function name', 'use 1 to 64 letters, digits, - and _, e.g. secure-api-dev-orders');
  if (name.length > 59) throw new ValidationError(scope, 'functionName', name, 'leaves no room for the role name <name>-exec (IAM allows 64 characters)', 'use at most 59 characters');
}
