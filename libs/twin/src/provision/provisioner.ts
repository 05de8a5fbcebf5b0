import { AwsError } from '../aws/errors';
import type { LocalAwsClient } from '../aws/local-client';
import type { CognitoDirectory } from '../cognito/pools';
import type { CognitoService } from '../cognito/service';
import { StackError, type StackModel, type StackResource } from '../stack/stack-model';
import type { TwinStore } from '../store/store';
import { API_GATEWAY_HANDLERS } from './apigw';
import { COGNITO_HANDLERS, isNotFound } from './cognito';
import { LAMBDA_HANDLERS } from './lambda';
import { EMULATED_DATA_SOURCES, OBSERVABILITY_HANDLERS, resolveCallerIdentity } from './observability';
import { WAFV2_HANDLERS } from './wafv2';
import type { ApplyContext, ResourceHandler, StackUserReport } from './handlers';
import { block, str } from './terraform';

export type { StackUserReport } from './handlers';

type Json = Record<string, unknown>;

/** Every resource type the stack loader builds, with how. */
export const HANDLERS: ReadonlyMap<string, ResourceHandler> = new Map([...COGNITO_HANDLERS, ...API_GATEWAY_HANDLERS, ...LAMBDA_HANDLERS, ...OBSERVABILITY_HANDLERS, ...WAFV2_HANDLERS].map((h) => [h.type, h]));

/** The Terraform resource types the twin emulates. */
export const EMULATED_TYPES: readonly string[] = [...HANDLERS.keys()];

/** What loading a stack needs. */
export interface ProvisionOptions {
  readonly stack: StackModel;
  readonly aws: LocalAwsClient;
  readonly store: TwinStore;
  readonly users: CognitoService;
  readonly directory: CognitoDirectory;
  readonly region: string;
  readonly accountId: string;
  /** Values of `var.*`. */
  readonly variables: Readonly<Record<string, unknown>>;
  /** Only these types are built (tests of one part); others are left to the caller. @default every emulated type */
  readonly types?: readonly string[];
}

/** What loading a stack did. */
export interface Provisioned {
  readonly stackUsers: readonly StackUserReport[];
  /** What the twin does not emulate or serves differently, one line each. */
  readonly warnings: readonly string[];
}

/**
 * Loads a synthesized stack into the twin the way `terraform apply` would: every resource, in dependency order,
 * through the AWS operations the provider calls for it (in process, with the same checks and errors as over HTTP).
 * Resources recorded at an earlier start are brought to what the stack says now (in place where AWS changes them in
 * place, by replacement where a change forces one) and keep their ids; resources the stack no longer has are
 * deleted. Each resource's Terraform attributes are registered on the stack model, so that references and outputs
 * resolve. What AWS would refuse is a StackError naming the resource and AWS's error.
 */
export async function provisionStack(options: ProvisionOptions): Promise<Provisioned> {
  const { stack, store } = options;
  const only = options.types ? new Set(options.types) : undefined;
  const handled = (type: string) => HANDLERS.has(type) && (!only || only.has(type));
  const warnings = unemulated(stack);
  const ctx: ApplyContext = {
    aws: options.aws, stack, region: options.region, accountId: options.accountId, defaultTags: defaultTags(stack, options.variables),
    warnings, users: options.users, directory: options.directory, userReports: [], remember: () => undefined,
  };
  placeholderLambdas(stack, ctx);
  await resolveCallerIdentity(stack, options.aws);

  const present = new Set(stack.types().flatMap((t) => stack.resources(t).map((r) => r.address)));
  const stale = store.addresses().filter((a) => !present.has(a.address) && handled(a.type));
  stale.sort((a, b) => (HANDLERS.get(b.type)?.rank ?? 0) - (HANDLERS.get(a.type)?.rank ?? 0));
  // A REST API the stack keeps is rebuilt whole below: what it no longer has goes with the rebuild, in AWS's order.
  const keptApis = new Set<unknown>(stack.resources('aws_api_gateway_rest_api').map((r) => store.addressRecord(r.address)?.record['id']).filter((id) => typeof id === 'string'));
  for (const a of stale) {
    const handler = HANDLERS.get(a.type) as ResourceHandler;
    if (a.type !== 'aws_api_gateway_rest_api' && keptApis.has(apiOf(a.record))) {
      store.forgetAddress(a.address);
      continue;
    }
    try {
      await handler.remove(a.record, ctx);
    } catch (err) {
      if (!isNotFound(err)) throw refused(a.address, undefined, err, 'deleting it, since the stack no longer declares it');
    }
    store.forgetAddress(a.address);
  }

  for (const r of buildOrder(stack)) {
    if (!handled(r.type)) continue;
    const handler = HANDLERS.get(r.type) as ResourceHandler;
    const args = argumentsOf(stack, r, options.variables);
    const recorded = store.addressRecord(r.address)?.record;
    ctx.remember = (record) => store.recordAddress(r.address, r.type, record);
    let applied;
    try {
      applied = await handler.apply(r, args, recorded, ctx);
    } catch (err) {
      throw refused(r.address, r.constructPath, err);
    }
    store.recordAddress(r.address, r.type, applied.record);
    stack.register(r.address, applied.attributes);
  }
  return { stackUsers: ctx.userReports, warnings };
}

/** The REST API a recorded API Gateway resource belongs to, if it is one. */
function apiOf(record: Json): unknown {
  return record['api'] ?? (Array.isArray(record['path']) ? record['path'][1] : undefined);
}

/** A resource's arguments with references resolved; the few that may name what the twin does not build are kept as written. */
function argumentsOf(stack: StackModel, r: StackResource, variables: Readonly<Record<string, unknown>>): Json {
  if (r.type === 'aws_cognito_user') {
    // A password from a sensitive variable without a value is absent, so that the twin generates one (as Cognito does).
    const { temporary_password, password, ...rest } = r.config as Json;
    const args = stack.resolveArguments({ ...r, config: rest }, { ...variables });
    args['temporary_password'] = optionalSecret(stack, temporary_password, r.address, variables);
    args['password'] = optionalSecret(stack, password, r.address, variables);
    return args;
  }
  return stack.resolveArguments(r, { ...variables });
}

function optionalSecret(stack: StackModel, value: unknown, where: string, variables: Readonly<Record<string, unknown>>): unknown {
  if (value === undefined) return undefined;
  try {
    return stack.resolve(value, where, { ...variables });
  } catch (err) {
    if (err instanceof StackError && /has no value/.test(err.message)) return undefined;
    throw err;
  }
}

/** The error for a resource AWS would refuse, with AWS's code and message. */
function refused(address: string, constructPath: string | undefined, err: unknown, doing?: string): Error {
  if (!(err instanceof AwsError)) return err as Error;
  const where = constructPath ? `${address} (${constructPath})` : address;
  const hint = err.message.includes('deletion protection') ? ' Fix: set deletion_protection to "INACTIVE" and start once, or start the twin with another --data-dir.' : '';
  return new StackError(`${where}: AWS would refuse ${doing ?? 'this resource at apply time'} with ${err.code}: ${err.message}${hint}`);
}

/** Addresses a resource refers to (`${type.name.attr}`) or names in `depends_on`. */
function dependencies(r: StackResource, known: ReadonlySet<string>): string[] {
  const out = new Set<string>();
  const { depends_on: dependsOn, ...rest } = r.config as Json;
  for (const m of JSON.stringify(rest).matchAll(/\$\{([a-z0-9_]+\.[A-Za-z0-9_-]+)\./g)) out.add(m[1]);
  if (Array.isArray(dependsOn)) for (const d of dependsOn) out.add(String(d).replace(/^\$\{|\}$/g, ''));
  out.delete(r.address);
  return [...out].filter((a) => known.has(a));
}

/**
 * The stack's resources in an order Terraform could apply them: each after what it refers to and depends on; among
 * those free at the same time, by the handlers' rank (deployments after the methods of their API), then file order.
 */
export function buildOrder(stack: StackModel): StackResource[] {
  const all = stack.types().flatMap((t) => stack.resources(t));
  const index = new Map(all.map((r, i) => [r.address, i]));
  const known = new Set(index.keys());
  const waiting = new Map(all.map((r) => [r.address, new Set(dependencies(r, known))]));
  const rank = (r: StackResource) => HANDLERS.get(r.type)?.rank ?? 0;
  const order: StackResource[] = [];
  const done = new Set<string>();
  while (order.length < all.length) {
    const ready = all.filter((r) => !done.has(r.address) && [...(waiting.get(r.address) ?? [])].every((d) => done.has(d)));
    if (ready.length === 0) {
      const stuck = all.filter((r) => !done.has(r.address)).map((r) => r.address);
      throw new StackError(`${stuck[0]}: its references form a cycle with ${stuck.slice(1, 6).join(', ')}. Fix: break the cycle (Terraform refuses it too).`);
    }
    ready.sort((a, b) => rank(a) - rank(b) || (index.get(a.address) ?? 0) - (index.get(b.address) ?? 0));
    order.push(ready[0]);
    done.add(ready[0].address);
  }
  return order;
}

/** The provider's `default_tags.tags`. */
function defaultTags(stack: StackModel, variables: Readonly<Record<string, unknown>>): Record<string, string> {
  const provider = (stack.json as Json)['provider'];
  const aws = block(typeof provider === 'object' && provider !== null ? (provider as Json)['aws'] : undefined);
  const tags = block(block(aws?.['default_tags'])?.['tags']);
  if (!tags) return {};
  const resolved = stack.resolve<Json>(tags, 'provider.aws.default_tags', { ...variables });
  return Object.fromEntries(Object.entries(resolved).map(([k, v]) => [k, String(v)]));
}

/**
 * Lambda functions are not emulated, but integrations name them by their invoke ARN: each gets the attributes
 * Terraform would compute from its name, so that the integration's URI resolves and a local handler can be mapped.
 */
function placeholderLambdas(stack: StackModel, ctx: ApplyContext): void {
  for (const fn of stack.resources('aws_lambda_function')) {
    let name: string | undefined;
    try {
      name = str(stack.resolve(fn.config['function_name'], fn.address));
    } catch {
      name = undefined;
    }
    name ??= fn.name;
    const arn = `arn:aws:lambda:${ctx.region}:${ctx.accountId}:function:${name}`;
    stack.register(fn.address, {
      function_name: name, arn, qualified_arn: `${arn}:$LATEST`, version: '$LATEST',
      invoke_arn: `arn:aws:apigateway:${ctx.region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
      qualified_invoke_arn: `arn:aws:apigateway:${ctx.region}:lambda:path/2015-03-31/functions/${arn}:$LATEST/invocations`,
    });
  }
}

/** One line listing what the twin does not emulate, so nothing is dropped silently. */
function unemulated(stack: StackModel): string[] {
  const counts = stack.types().filter((t) => !HANDLERS.has(t)).map((t) => `${t} (${stack.resources(t).length})`);
  const data = (stack.json as Json)['data'];
  const dataTypes = data && typeof data === 'object' ? Object.keys(data).filter((t) => !EMULATED_DATA_SOURCES.includes(t)).map((t) => `data.${t}`) : [];
  const all = [...counts, ...dataTypes];
  return all.length > 0 ? [`Not emulated by the twin (ignored): ${all.join(', ')}`] : [];
}
