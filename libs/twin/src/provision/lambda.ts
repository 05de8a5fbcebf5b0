import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { StackError } from '../stack/stack-model';
import { unlessGone } from './cognito';
import { tagsAll, type ApplyContext, type ResourceHandler } from './handlers';
import { block, compact, num, str, strList, stringMap } from './terraform';

type Json = Record<string, unknown>;

const FUNCTIONS = '2015-03-31';
const tagParams = (tags: Record<string, string>) => Object.fromEntries(Object.entries(tags).flatMap(([k, v], i) => [[`Tags.member.${i + 1}.Key`, k], [`Tags.member.${i + 1}.Value`, v]]));
/** IAM policies and trust policies as the provider sends them: JSON text, whatever form the stack gave. */
const policyText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** `aws_iam_role`: CreateRole, or the trust policy and description brought to the stack's (a new name replaces it). */
const role: ResourceHandler = {
  type: 'aws_iam_role',
  rank: 1,
  async apply(_r, args, recorded, ctx) {
    const name = str(args['name']) ?? str(recorded?.['name']) ?? `${str(args['name_prefix']) ?? 'terraform-'}${randomBytes(8).toString('hex')}`;
    if (typeof recorded?.['name'] === 'string' && recorded['name'] !== name) await this.remove(recorded, ctx);
    const trust = policyText(args['assume_role_policy']);
    const tags = tagsAll(args, ctx);
    const existing = await unlessGone(() => ctx.aws.query('iam', 'GetRole', { RoleName: name }));
    if (existing === undefined) {
      await ctx.aws.query('iam', 'CreateRole', { RoleName: name, AssumeRolePolicyDocument: trust, Path: str(args['path']), Description: str(args['description']), MaxSessionDuration: str(args['max_session_duration']), ...tagParams(tags) });
    } else {
      await ctx.aws.query('iam', 'UpdateAssumeRolePolicy', { RoleName: name, PolicyDocument: trust });
      await ctx.aws.query('iam', 'UpdateRole', { RoleName: name, Description: str(args['description']) ?? '', MaxSessionDuration: str(args['max_session_duration']) });
    }
    ctx.remember({ name });
    const arn = `arn:aws:iam::${ctx.accountId}:role${str(args['path']) ?? '/'}${name}`;
    return { record: { name }, attributes: { ...args, id: name, name, arn, tags_all: tags } };
  },
  async remove(recorded, ctx) {
    const name = String(recorded['name']);
    const listed = (await unlessGone(() => ctx.aws.query('iam', 'ListRolePolicies', { RoleName: name }))) ?? '';
    for (const [, policy] of listed.matchAll(/<member>([^<]+)<\/member>/g)) await unlessGone(() => ctx.aws.query('iam', 'DeleteRolePolicy', { RoleName: name, PolicyName: policy }));
    await unlessGone(() => ctx.aws.query('iam', 'DeleteRole', { RoleName: name }));
  },
};

/** `aws_iam_role_policy`: PutRolePolicy (an inline policy is replaced whole); its id is `<role>:<name>`. */
const rolePolicy: ResourceHandler = {
  type: 'aws_iam_role_policy',
  rank: 2,
  async apply(_r, args, recorded, ctx) {
    const roleName = str(args['role']) ?? '';
    const name = str(args['name']) ?? str(recorded?.['name']) ?? `terraform-${randomBytes(8).toString('hex')}`;
    if (recorded && (recorded['role'] !== roleName || recorded['name'] !== name)) await this.remove(recorded, ctx);
    await ctx.aws.query('iam', 'PutRolePolicy', { RoleName: roleName, PolicyName: name, PolicyDocument: policyText(args['policy']) });
    return { record: { role: roleName, name }, attributes: { ...args, id: `${roleName}:${name}`, name, role: roleName } };
  },
  async remove(recorded, ctx) {
    await unlessGone(() => ctx.aws.query('iam', 'DeleteRolePolicy', { RoleName: String(recorded['role']), PolicyName: String(recorded['name']) }));
  },
};

/**
 * `aws_lambda_function` (zip packages): CreateFunction with the package's bytes from `filename` (relative to the
 * stack's folder, as Terraform reads it), or the code and configuration brought to the stack's; reserved concurrency
 * as PutFunctionConcurrency. A new function name replaces the function.
 */
const lambdaFunction: ResourceHandler = {
  type: 'aws_lambda_function',
  rank: 6,
  async apply(r, args, recorded, ctx) {
    const name = str(args['function_name']) ?? '';
    if (typeof recorded?.['name'] === 'string' && recorded['name'] !== name) await this.remove(recorded, ctx);
    const zip = packageOf(r.address, args, ctx);
    if (!zip) {
      // No package in the stack (S3 or an image): the function is known by name only; a local handler may stand in.
      ctx.warnings.push(`${r.address} has no filename (a zip package): the twin does not run it; map a local handler to ${name} (lambdaHandlers) to serve its routes.`);
      const arn = `arn:aws:lambda:${ctx.region}:${ctx.accountId}:function:${name}`;
      return { record: {}, attributes: { ...args, id: name, function_name: name, arn, qualified_arn: `${arn}:$LATEST`, version: '$LATEST', invoke_arn: `arn:aws:apigateway:${ctx.region}:lambda:path/2015-03-31/functions/${arn}/invocations` } };
    }
    const env = block(args['environment']);
    const tracing = block(args['tracing_config']);
    const logging = block(args['logging_config']);
    const ephemeral = block(args['ephemeral_storage']);
    const configuration = compact({
      Role: str(args['role']),
      Handler: str(args['handler']),
      Runtime: str(args['runtime']),
      Description: str(args['description']) ?? '',
      Timeout: num(args['timeout']) ?? 3,
      MemorySize: num(args['memory_size']) ?? 128,
      Environment: { Variables: stringMap(env?.['variables']) ?? {} },
      TracingConfig: tracing ? { Mode: str(tracing['mode']) ?? 'PassThrough' } : undefined,
      LoggingConfig: logging ? compact({ LogFormat: str(logging['log_format']) ?? 'Text', LogGroup: str(logging['log_group']), ApplicationLogLevel: str(logging['application_log_level']), SystemLogLevel: str(logging['system_log_level']) }) : undefined,
      EphemeralStorage: ephemeral ? { Size: num(ephemeral['size']) ?? 512 } : undefined,
    });
    const tags = tagsAll(args, ctx);
    const current = await unlessGone(() => ctx.aws.rest('GET', [FUNCTIONS, 'functions', name]));
    let made: Json;
    if (!current) {
      made = (await ctx.aws.rest('POST', [FUNCTIONS, 'functions'], {
        FunctionName: name, ...configuration, Architectures: strList(args['architectures']) ?? ['x86_64'], Code: { ZipFile: zip.toString('base64') }, PackageType: 'Zip', Tags: tags,
      })) as Json;
    } else {
      const sha = String(((current['Configuration'] ?? {}) as Json)['CodeSha256'] ?? '');
      if (sha !== createHash('sha256').update(zip).digest('base64')) {
        await ctx.aws.rest('PUT', [FUNCTIONS, 'functions', name, 'code'], { ZipFile: zip.toString('base64'), Architectures: strList(args['architectures']) });
      }
      made = (await ctx.aws.rest('PUT', [FUNCTIONS, 'functions', name, 'configuration'], configuration)) as Json;
    }
    ctx.remember({ name });
    const reserved = num(args['reserved_concurrent_executions']) ?? -1;
    if (reserved >= 0) await ctx.aws.rest('PUT', ['2017-10-31', 'functions', name, 'concurrency'], { ReservedConcurrentExecutions: reserved });
    else if (current?.['Concurrency']) await ctx.aws.rest('DELETE', ['2017-10-31', 'functions', name, 'concurrency']);
    const arn = String(made['FunctionArn']);
    return {
      record: { name },
      attributes: {
        ...args, id: name, function_name: name, arn, qualified_arn: `${arn}:$LATEST`, version: '$LATEST', code_sha256: made['CodeSha256'], source_code_size: made['CodeSize'],
        invoke_arn: `arn:aws:apigateway:${ctx.region}:lambda:path/2015-03-31/functions/${arn}/invocations`, tags_all: tags,
      },
    };
  },
  async remove(recorded, ctx) {
    if (typeof recorded['name'] === 'string') await unlessGone(() => ctx.aws.rest('DELETE', [FUNCTIONS, 'functions', String(recorded['name'])]));
  },
};

/** `aws_lambda_permission`: AddPermission (a changed permission is removed and added again, as the provider replaces it). */
const permission: ResourceHandler = {
  type: 'aws_lambda_permission',
  rank: 7,
  async apply(_r, args, recorded, ctx) {
    const fn = functionNameOf(str(args['function_name']) ?? '');
    const sid = str(args['statement_id']) ?? str(recorded?.['sid']) ?? `${str(args['statement_id_prefix']) ?? 'terraform-'}${randomBytes(10).toString('hex')}`;
    if (recorded) await this.remove(recorded, ctx);
    await ctx.aws.rest('POST', [FUNCTIONS, 'functions', fn, 'policy'], compact({
      StatementId: sid, Action: str(args['action']), Principal: str(args['principal']), SourceArn: str(args['source_arn']), SourceAccount: str(args['source_account']),
    }));
    return { record: { fn, sid }, attributes: { ...args, id: sid, statement_id: sid } };
  },
  async remove(recorded, ctx) {
    await unlessGone(() => ctx.aws.rest('DELETE', [FUNCTIONS, 'functions', String(recorded['fn']), 'policy', String(recorded['sid'])]));
  },
};

/** The bytes of a function's package: `filename`, relative to the stack's folder as Terraform resolves it. */
function packageOf(address: string, args: Json, ctx: ApplyContext): Buffer | undefined {
  const filename = str(args['filename']);
  if (!filename) return undefined;
  const source = ctx.stack.source;
  const file = isAbsolute(filename) ? filename : resolve(source.endsWith('.json') ? dirname(source) : process.cwd(), filename);
  try {
    return readFileSync(file);
  } catch (err) {
    throw new StackError(`${address}: the package ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}). Fix: synthesize the stack again (it writes the package beside cdk.tf.json).`);
  }
}

/** The name in a function name or ARN (what `function_name` of a permission may hold). */
function functionNameOf(value: string): string {
  const m = /:function:([^:]+)/.exec(value);
  return m ? m[1] : value;
}

export const LAMBDA_HANDLERS: readonly ResourceHandler[] = [role, rolePolicy, lambdaFunction, permission];
