import { CognitoUserPoolsAuthorizer } from '@secure-api/authorizer';
import { RestApi, type RestApiProps, type RouteTable } from '@secure-api/rest-api';
import {
  OAuthScope,
  ResourceServer,
  UserPool,
  UserPoolClient,
  UserPoolDomain,
  UserPoolUser,
  type ResourceServerScope,
  type UserPoolProps,
  type UserPoolUserOptions,
} from '@secure-api/user-pool';
import { durationProp, ValidationError, type Duration } from '@secure-api/core';
import { WebAcl, type WebAclProps } from '@secure-api/waf';
import { Construct } from 'constructs';

/** The web app client of the walk-through: hosted UI sign-in that returns tokens to the browser. */
export interface WebClientOptions {
  /** Where the hosted UI sends users after sign-in (https, or http://localhost). The first is the default. */
  readonly callbackUrls: readonly string[];
  /** Where `/logout` sends users (https, or http://localhost). */
  readonly logoutUrls: readonly string[];
  /**
   * Also allow the implicit grant (tokens in the URL fragment), as in the console walk-through. Authorization
   * code + PKCE is always on. Refused where the `secure-api:forbidImplicitGrant` context is set (production).
   * @default false
   */
  readonly implicitGrant?: boolean;
  /**
   * Allow `InitiateAuth` with `USER_PASSWORD_AUTH` (username and password sent to Cognito's API), for scripts
   * and tests. Off by default: browsers use the hosted UI.
   * @default false
   */
  readonly userPasswordAuth?: boolean;
}

/** The resource server that defines the API's OAuth scopes. */
export interface ApiScopesOptions {
  /**
   * The resource server identifier; scopes are named `<identifier>/<scope>`.
   * @default 'api'
   */
  readonly identifier?: string;
  /** The scopes, e.g. `[{ name: 'orders.read', description: 'Read orders' }]`. */
  readonly scopes: readonly ResourceServerScope[];
}

export interface SecureApiProps {
  /** Prefix of resource names (`<prefix>-users`, `<prefix>-api`). */
  readonly namePrefix: string;
  /** Hosted UI domain prefix (`https://<prefix>.auth.<region>.amazoncognito.com`). */
  readonly domainPrefix: string;
  /** The web app client. */
  readonly client: WebClientOptions;
  /** The API's routes. Every route uses the Cognito authorizer unless marked `public` with a reason. */
  readonly routes: RouteTable;
  /**
   * User pool settings (MFA, password policy, deletion protection, self sign-up).
   * @default - the UserPool defaults: MFA OPTIONAL (TOTP), admin-only sign-up, no deletion protection
   */
  readonly userPool?: Omit<UserPoolProps, 'name'>;
  /**
   * OAuth scopes of the API, on a resource server of the pool.
   * @default - no resource server: routes take ID tokens only
   */
  readonly apiScopes?: ApiScopesOptions;
  /**
   * Users to create, admin-created with a verified email; each must change the temporary password at first sign-in.
   * Keyed by a stable id: the key is part of the Terraform address.
   * @default - none
   */
  readonly users?: Readonly<Record<string, UserPoolUserOptions>>;
  /**
   * REST API settings besides routes and authorizer (stage, throttling, logs, CORS, cache, WAF).
   * @default - the RestApi defaults
   */
  readonly api?: Omit<RestApiProps, 'routes' | 'defaultAuthorizer' | 'name' | 'webAcl' | 'logKmsKeyArn'>;
  /**
   * A WAF web ACL in front of the stage (per-IP rate limit, optional body size limit, AWS managed rule groups),
   * named `<prefix>-api`.
   * @default - no web ACL (production stacks must have one: security policy `api-stage-waf`)
   */
  readonly webAcl?: Omit<WebAclProps, 'name' | 'logKmsKeyArn'>;
  /**
   * A KMS key ARN that encrypts every log group this construct declares (access, execution and WAF logs).
   * @default - CloudWatch Logs' own encryption (production stacks must name a key: security policy `log-group-kms`)
   */
  readonly logKmsKeyArn?: string;
  /**
   * How long API Gateway caches an authorizer result per token (0 to 1 hour; 0 turns the cache off).
   * @default Duration.minutes(5)
   */
  readonly authorizerCacheTtl?: Duration;
  /**
   * Seconds API Gateway caches an authorizer result per token (0 to 3600; 0 turns the cache off).
   * @deprecated Use `authorizerCacheTtl`, e.g. `authorizerCacheTtl: Duration.seconds(300)`.
   * @default 300
   */
  readonly authorizerCacheTtlSeconds?: number;
}

/**
 * The whole secure API of the walk-through in one call: a user pool with a hosted UI domain, a web client
 * (authorization code + PKCE; the implicit grant only when asked), an optional resource server for API scopes,
 * users, a COGNITO_USER_POOLS authorizer, and a REST API whose every route requires it unless marked public.
 *
 * Child ids are part of the Terraform addresses, and renaming one replaces the resource: `UserPool` with its
 * children `Domain`, `WebClient`, `ApiScopes` and `User-<key>` (one per entry of `users`), then `Authorizer`, `Waf`
 * (with `webAcl`) and `Api`.
 */
export class SecureApi extends Construct {
  readonly userPool: UserPool;
  readonly domain: UserPoolDomain;
  readonly client: UserPoolClient;
  /** The resource server, when `apiScopes` is given. */
  readonly resourceServer?: ResourceServer;
  readonly users: readonly UserPoolUser[];
  readonly authorizer: CognitoUserPoolsAuthorizer;
  readonly api: RestApi;
  /** The web ACL in front of the stage, when `webAcl` is given. */
  readonly webAcl?: WebAcl;
  /** Hosted UI sign-in URL for the web client with the first callback URL (code grant). */
  readonly loginUrl: string;

  constructor(scope: Construct, id: string, props: SecureApiProps) {
    super(scope, id);
    if (!props.client.callbackUrls?.length) {
      throw new ValidationError(this, 'client.callbackUrls', props.client.callbackUrls, 'at least one callback URL is required', 'add the URL your app receives sign-ins on');
    }
    this.userPool = new UserPool(this, 'UserPool', { ...props.userPool, name: `${props.namePrefix}-users` });
    this.domain = this.userPool.addDomain('Domain', { domainPrefix: props.domainPrefix });
    const server = props.apiScopes
      ? this.userPool.addResourceServer('ApiScopes', {
          identifier: props.apiScopes.identifier ?? 'api',
          name: `${props.namePrefix}-api`,
          scopes: props.apiScopes.scopes,
        })
      : undefined;
    this.resourceServer = server;
    this.client = this.userPool.addClient('WebClient', {
      name: `${props.namePrefix}-web`,
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: props.client.implicitGrant ?? false },
        callbackUrls: props.client.callbackUrls,
        logoutUrls: props.client.logoutUrls,
        scopes: [
          OAuthScope.OPENID,
          OAuthScope.EMAIL,
          OAuthScope.PROFILE,
          ...(server && props.apiScopes ? props.apiScopes.scopes.map((s) => server.scope(s.name)) : []),
        ],
      },
      authFlows: { userSrp: true, userPassword: props.client.userPasswordAuth ?? false },
    });
    this.users = Object.entries(props.users ?? {}).map(([key, user]) => this.userPool.addUser(`User-${key}`, user));
    this.authorizer = new CognitoUserPoolsAuthorizer(this, 'Authorizer', {
      userPools: [this.userPool],
      name: `${props.namePrefix}-cognito`,
      resultsCacheTtl: durationProp(this, 'authorizerCacheTtl', props.authorizerCacheTtl, 'authorizerCacheTtlSeconds', props.authorizerCacheTtlSeconds, 'seconds'),
    });
    this.webAcl = props.webAcl ? new WebAcl(this, 'Waf', { ...props.webAcl, name: `${props.namePrefix}-api`, logKmsKeyArn: props.logKmsKeyArn, logRetention: props.webAcl.logRetention ?? props.api?.logRetention }) : undefined;
    this.api = new RestApi(this, 'Api', { ...props.api, name: `${props.namePrefix}-api`, routes: props.routes, defaultAuthorizer: this.authorizer, webAcl: this.webAcl, logKmsKeyArn: props.logKmsKeyArn });
    this.loginUrl = this.domain.signInUrl(this.client, { redirectUri: props.client.callbackUrls[0], responseType: 'code' });
  }
}
