import type { LocalAwsClient } from '../aws/local-client';
import type { CognitoService } from '../cognito/service';
import type { CognitoDirectory } from '../cognito/pools';
import type { StackModel, StackResource } from '../stack/stack-model';

type Json = Record<string, unknown>;

/** What a handler made for one address: what to record for the next start, and the attributes Terraform would know. */
export interface Applied {
  /** Ids and what decides whether the next change replaces the resource; kept in the store under the address. */
  readonly record: Json;
  /** The resource's attributes as Terraform state would hold them (`id`, `arn`, ...), for references and outputs. */
  readonly attributes: Json;
}

/** A user the stack declares, after the twin made sure it exists. */
export interface StackUserReport {
  /** Terraform address of the `aws_cognito_user`. */
  readonly address: string;
  readonly poolId: string;
  /** The name the stack gives (an email in pools that sign in by email). */
  readonly username: string;
  /** The user name Cognito reports (the `sub` in pools that sign in by email). */
  readonly cognitoUsername: string;
  readonly status: string;
  /**
   * The temporary password valid now, when the user has not yet replaced it: generated at this start (printed
   * once), or the one the stack sets.
   */
  readonly temporaryPassword?: string;
  /** Whether the twin generated `temporaryPassword` at this start. */
  readonly generated: boolean;
}

/** What every handler works with. */
export interface ApplyContext {
  readonly aws: LocalAwsClient;
  readonly stack: StackModel;
  readonly region: string;
  readonly accountId: string;
  /** The provider's `default_tags`, merged into every taggable resource's tags as the provider does. */
  readonly defaultTags: Readonly<Record<string, string>>;
  readonly warnings: string[];
  /** Sign-in logic, for the users the stack declares (passwords are hashed as the data plane hashes them). */
  readonly users: CognitoService;
  readonly directory: CognitoDirectory;
  readonly userReports: StackUserReport[];
  /**
   * Records what the resource being applied is, as soon as AWS made it: a later step of the same apply that fails
   * (the MFA configuration of a new pool, say) must not leave a resource no start knows of.
   */
  remember(record: Json): void;
}

/**
 * How the stack loader brings one Terraform resource type into the twin: through the same AWS operations the AWS
 * provider calls for it, with the inputs the provider would send. `apply` creates the resource, or brings an existing
 * one (recorded at an earlier start) to what the stack says, in place where AWS changes it in place and by replacement
 * where a change forces one. `remove` deletes what was recorded for an address the stack no longer has.
 */
export interface ResourceHandler {
  readonly type: string;
  /** Among resources with no dependency between them, lower ranks are built first (and removed last). */
  readonly rank: number;
  apply(resource: StackResource, args: Json, recorded: Json | undefined, ctx: ApplyContext): Promise<Applied>;
  remove(recorded: Json, ctx: ApplyContext): Promise<void>;
}

/** The tags the provider sends: `default_tags` merged under the resource's own. */
export function tagsAll(args: Json, ctx: ApplyContext): Record<string, string> {
  const own = args['tags'];
  const tags: Record<string, string> = { ...ctx.defaultTags };
  if (typeof own === 'object' && own !== null) for (const [k, v] of Object.entries(own)) if (v !== null && v !== undefined) tags[k] = String(v);
  return tags;
}
