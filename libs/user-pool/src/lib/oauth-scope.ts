import { ValidationError, isUnresolved } from '@secure-api/core';
import type { IResourceServer } from './resource-server';

/**
 * An OAuth scope an app client may request. The standard scopes are constants; resource-server scopes come from
 * `OAuthScope.resourceServer()` (or `ResourceServer.scope()`), and `custom()` is the escape for anything else.
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-define-resource-servers.html
 */
export class OAuthScope {
  /** `openid`: the ID token. Required for any OIDC sign-in. */
  static readonly OPENID = new OAuthScope('openid');
  /** `email`: the `email` and `email_verified` claims. */
  static readonly EMAIL = new OAuthScope('email');
  /** `profile`: every user attribute the client may read. */
  static readonly PROFILE = new OAuthScope('profile');
  /** `phone`: the `phone_number` and `phone_number_verified` claims. */
  static readonly PHONE = new OAuthScope('phone');
  /**
   * `aws.cognito.signin.user.admin`: lets the access token call Cognito's user API (change attributes, delete the
   * user). Never granted by default.
   */
  static readonly COGNITO_ADMIN = new OAuthScope('aws.cognito.signin.user.admin');

  /** Any scope by its full name, e.g. `https://api.example.com/orders.read`. */
  static custom(name: string): OAuthScope {
    return new OAuthScope(name);
  }

  /**
   * The scope `scopeName` of a resource server: `identifier/scopeName`. Throws when the server does not define it,
   * so a typo never reaches Cognito ("Invalid scope requested").
   */
  static resourceServer(server: IResourceServer, scopeName: string): OAuthScope {
    const full = `${server.identifier}/${scopeName}`;
    if (!isUnresolved(full) && !server.scopeNames.includes(full)) {
      throw new ValidationError(server, 'scope', scopeName, `the resource server defines only ${server.scopeNames.map((s) => JSON.stringify(s)).join(', ') || 'no scopes'}`, `add { name: ${JSON.stringify(scopeName)}, description: "..." } to its scopes, or use one it defines`);
    }
    return new OAuthScope(full);
  }

  private constructor(
    /** The scope as Cognito and the access token's `scope` claim spell it. */
    readonly scopeName: string,
  ) {}

  /** True for resource-server (custom) scopes, the only kind a client_credentials client may hold. */
  get isCustom(): boolean {
    return !STANDARD.has(this.scopeName);
  }
}

const STANDARD = new Set(['openid', 'email', 'profile', 'phone', 'aws.cognito.signin.user.admin']);
