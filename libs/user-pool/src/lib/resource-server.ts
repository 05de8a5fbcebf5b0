import { CognitoResourceServer } from '@cdktf/provider-aws/lib/cognito-resource-server';
import { isUnresolved, ValidationError } from '@secure-api/core';
import { Construct, type IConstruct } from 'constructs';
import { OAuthScope } from './oauth-scope';
import { COGNITO_NAME } from './private/names';
import { RESOURCE_SERVER, resourceServersOf } from './private/tree';
import type { IUserPool } from './user-pool';

/** A resource server: an API whose custom scopes appear in access tokens. */
export interface IResourceServer extends IConstruct {
  /** The identifier, the prefix of every scope name (often the API's URL). */
  readonly identifier: string;
  /** Full scope names, `identifier/scope`. */
  readonly scopeNames: readonly string[];
}

/** One custom scope of a resource server. */
export interface ResourceServerScope {
  /** The short name, e.g. `orders.read` (no spaces, `/`, `"` or `\`). The full name is `identifier/name`. */
  readonly name: string;
  /** What the scope grants, 1 to 256 characters (Cognito requires one). */
  readonly description: string;
}

export interface ResourceServerOptions {
  /**
   * Unique per pool: the prefix of every scope, e.g. `https://api.example.com` or `orders-api` (1 to 256
   * printable characters without spaces, `"` or `\`).
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-define-resource-servers.html
   */
  readonly identifier: string;
  /**
   * A friendly name shown in the console.
   * @default - the construct id
   */
  readonly name?: string;
  /** The custom scopes it defines (at most 100). An empty list is allowed. */
  readonly scopes: readonly ResourceServerScope[];
}

export interface ResourceServerProps extends ResourceServerOptions {
  /** The pool the server belongs to. */
  readonly userPool: IUserPool;
}

// Cognito's patterns: printable ASCII except space, `"` and `\` (scope names also exclude `/`).
const IDENTIFIER = /^[\x21\x23-\x5B\x5D-\x7E]{1,256}$/;
const SCOPE_NAME = /^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]{1,256}$/;

/**
 * A resource server with custom scopes. Access tokens carry its scopes (`identifier/name`) when a client is
 * allowed them; an API Gateway method with authorization scopes accepts only such access tokens.
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-define-resource-servers.html
 */
export class ResourceServer extends Construct implements IResourceServer {
  /** Found in the tree by the pool's clients and by the pool itself (`resourceServerScopes`). */
  readonly [RESOURCE_SERVER] = true as const;
  readonly identifier: string;
  readonly scopeNames: readonly string[];
  /** The pool the server belongs to. */
  readonly userPool: IUserPool;
  /** The underlying Terraform resource. */
  readonly resource: CognitoResourceServer;

  constructor(scope: Construct, id: string, props: ResourceServerProps) {
    super(scope, id);
    const { identifier, scopes } = props;
    if (!isUnresolved(identifier)) {
      if (!IDENTIFIER.test(identifier)) {
        throw new ValidationError(this, 'identifier', identifier, 'must be 1 to 256 printable characters without spaces, " or \\', 'use a URL such as https://api.example.com or a name such as orders-api');
      }
      if (resourceServersOf(props.userPool, scope).some((s) => s.identifier === identifier)) {
        throw new ValidationError(this, 'identifier', identifier, 'is already used by another resource server of this pool', 'give each resource server its own identifier');
      }
    }
    const name = props.name ?? id;
    if (!isUnresolved(name) && (name.length > 256 || !COGNITO_NAME.test(name))) {
      throw new ValidationError(this, 'name', name, 'must be 1 to 256 of letters, digits, spaces and _+=,.@-', 'choose a name such as "Orders API"');
    }
    if (scopes.length > 100) {
      throw new ValidationError(this, 'scopes', `${scopes.length} scopes`, 'a resource server holds at most 100 scopes', 'split the scopes over several resource servers');
    }
    const seen = new Set<string>();
    scopes.forEach((s, i) => {
      if (!isUnresolved(s.name) && !SCOPE_NAME.test(s.name)) {
        throw new ValidationError(this, `scopes[${i}].name`, s.name, 'must be 1 to 256 printable characters without spaces, /, " or \\', 'use a name such as orders.read');
      }
      if (seen.has(s.name)) {
        throw new ValidationError(this, `scopes[${i}].name`, s.name, 'is defined twice', 'remove the duplicate scope');
      }
      seen.add(s.name);
      if (!isUnresolved(s.description) && (s.description.length < 1 || s.description.length > 256)) {
        throw new ValidationError(this, `scopes[${i}].description`, s.description, 'must be 1 to 256 characters', 'describe what the scope grants in a short sentence');
      }
    });

    this.identifier = identifier;
    this.userPool = props.userPool;
    this.scopeNames = scopes.map((s) => `${identifier}/${s.name}`);
    this.resource = new CognitoResourceServer(this, 'Resource', {
      userPoolId: props.userPool.userPoolId,
      identifier,
      name,
      scope: scopes.map((s) => ({ scopeName: s.name, scopeDescription: s.description })),
    });
  }

  /** The OAuth scope `identifier/name`; throws when this server does not define `name`. */
  scope(name: string): OAuthScope {
    return OAuthScope.resourceServer(this, name);
  }
}
