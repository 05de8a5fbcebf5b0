import { TerraformStack, type ITerraformDependable } from 'cdktf';
import type { IConstruct } from 'constructs';

/**
 * Marks the constructs of this library that others look up in the tree (instead of keeping registries): a resource
 * server with its pool and scopes, a user with its pool and the email it holds.
 */
export const RESOURCE_SERVER = Symbol.for('@secure-api/user-pool.ResourceServer');
export const POOL_USER = Symbol.for('@secure-api/user-pool.UserPoolUser');

/** What a marked resource server exposes to the lookups below. */
export interface MarkedServer extends IConstruct {
  readonly [RESOURCE_SERVER]: true;
  readonly userPool: object;
  readonly identifier: string;
  readonly scopeNames: readonly string[];
  readonly resource: ITerraformDependable;
}

/** What a marked user exposes: the email it holds, once its constructor finished without error. */
export interface MarkedUser extends IConstruct {
  readonly [POOL_USER]: true;
  readonly userPool: object;
  readonly claimedEmail?: string;
}

/** The resource servers of `pool` in the stack of `scope`, in construct order. */
export function resourceServersOf(pool: object, scope: IConstruct): MarkedServer[] {
  return TerraformStack.of(scope)
    .node.findAll()
    .filter((c): c is MarkedServer => (c as Partial<MarkedServer>)[RESOURCE_SERVER] === true && (c as MarkedServer).userPool === pool);
}

/** The user of `pool` already holding `email` (compared without case), if any. */
export function userHolding(pool: object, email: string, scope: IConstruct): MarkedUser | undefined {
  const key = email.toLowerCase();
  return TerraformStack.of(scope)
    .node.findAll()
    .find((c): c is MarkedUser => (c as Partial<MarkedUser>)[POOL_USER] === true && c !== scope && (c as MarkedUser).userPool === pool && (c as MarkedUser).claimedEmail?.toLowerCase() === key);
}
