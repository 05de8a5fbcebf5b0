import { CognitoUserPoolClient, type CognitoUserPoolClientConfig } from '@cdktf/provider-aws/lib/cognito-user-pool-client';
import { atSynth, Duration, isUnresolved, validateDuration, validateRedirectUrl, ValidationError } from '@secure-api/core';
import { dependable } from 'cdktf';
import { Construct } from 'constructs';
import { OAuthScope } from './oauth-scope';
import { COGNITO_NAME, nameFromPath } from './private/names';
import { resourceServersOf } from './private/tree';
import { contextFlag } from './private/validate';
import type { IUserPool } from './user-pool';

/**
 * Construct context key: when `true` (or `"true"`) anywhere above a client, a client that enables the implicit
 * grant fails synthesis. Production environments set it on their app or stack, before adding constructs:
 * `new App({ context: { [FORBID_IMPLICIT_GRANT_CONTEXT]: true } })`, or
 * `stack.node.setContext(FORBID_IMPLICIT_GRANT_CONTEXT, true)`.
 */
export const FORBID_IMPLICIT_GRANT_CONTEXT = 'secure-api:forbidImplicitGrant';

/**
 * The OAuth 2.0 grants a client may use on the hosted UI and token endpoint.
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/federation-endpoints-oauth-grants.html
 */
export interface OAuthFlows {
  /**
   * Authorization code grant (with PKCE: Cognito honours `code_challenge` from any public client).
   * @default false
   */
  readonly authorizationCodeGrant?: boolean;
  /**
   * Implicit grant: tokens in the redirect URL's fragment. RFC 9700 §2.1.2 says clients SHOULD NOT use it; here
   * it is an explicit opt-in, refused where the `secure-api:forbidImplicitGrant` context is set.
   * @default false
   */
  readonly implicitCodeGrant?: boolean;
  /**
   * Client credentials grant for machine clients: needs a client secret, custom scopes only, and cannot be
   * combined with the other two.
   * @default false
   */
  readonly clientCredentials?: boolean;
}

export interface OAuthSettings {
  /**
   * The grants allowed.
   * @default { authorizationCodeGrant: true }
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/federation-endpoints-oauth-grants.html
   */
  readonly flows?: OAuthFlows;
  /**
   * Where the hosted UI may redirect after sign-in, matched exactly. HTTPS, `http://localhost`, or a native app
   * scheme; no fragment. Required with the code or implicit grant.
   * @default - none; required when the code or implicit grant is on
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-client-apps.html
   */
  readonly callbackUrls?: readonly string[];
  /**
   * Where `/logout` may redirect after sign-out. Same rules as `callbackUrls`. Required with the code or implicit
   * grant, so that sign-out never ends on a Cognito error page.
   * @default - none; required when the code or implicit grant is on
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/logout-endpoint.html
   */
  readonly logoutUrls?: readonly string[];
  /**
   * The scopes the client may request. `openid` is added when `email`, `phone` or `profile` is listed.
   * @default - `openid email profile` and every scope of every resource server of the pool (also those added
   * after this client); a client_credentials client has no default and must list its scopes
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-define-resource-servers.html
   */
  readonly scopes?: readonly OAuthScope[];
  /**
   * The redirect URI used when a request names none. Must be one of `callbackUrls`.
   * @default - none
   * @see https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html
   */
  readonly defaultRedirectUri?: string;
}

/**
 * The sign-in APIs (`InitiateAuth`, `AdminInitiateAuth`) a client may use besides the hosted UI.
 * `ALLOW_REFRESH_TOKEN_AUTH` is always on.
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow.html
 */
export interface AuthFlows {
  /**
   * `ALLOW_USER_SRP_AUTH`: Secure Remote Password, the password never leaves the client.
   * @default true
   */
  readonly userSrp?: boolean;
  /**
   * `ALLOW_USER_PASSWORD_AUTH`: the password is sent to Cognito (over TLS). Needed by simple scripts and tests.
   * @default false
   */
  readonly userPassword?: boolean;
  /**
   * `ALLOW_ADMIN_USER_PASSWORD_AUTH`: server-side sign-in with IAM credentials.
   * @default false
   */
  readonly adminUserPassword?: boolean;
}

export interface UserPoolClientOptions {
  /**
   * The client's name (1 to 128 of letters, digits, spaces and `_+=,.@-`).
   * @default - the construct path joined by `-`
   */
  readonly name?: string;
  /**
   * OAuth 2.0 settings for the hosted UI and the token endpoint.
   * @default - authorization code grant (PKCE) only; `callbackUrls` and `logoutUrls` must still be given
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-client-apps.html
   */
  readonly oAuth?: OAuthSettings;
  /**
   * No OAuth at all: the client signs in through the API only (`authFlows`).
   * @default false
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-client-apps.html
   */
  readonly disableOAuth?: boolean;
  /**
   * Generate a client secret, for confidential clients (servers) only: a browser or mobile app cannot keep it.
   * @default - true for a client_credentials client (Cognito requires it), false otherwise
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-client-apps.html
   */
  readonly generateSecret?: boolean;
  /**
   * Sign-in APIs allowed besides the hosted UI.
   * @default - `ALLOW_USER_SRP_AUTH` and `ALLOW_REFRESH_TOKEN_AUTH`
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow.html
   */
  readonly authFlows?: AuthFlows;
  /**
   * Answer an unknown user exactly as a wrong password, so that sign-in cannot probe which emails have accounts.
   * The API's own default is LEGACY (off).
   * @default true
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html
   */
  readonly preventUserExistenceErrors?: boolean;
  /**
   * Let `/oauth2/revoke` and `RevokeToken` revoke refresh tokens (and the access tokens issued from them).
   * @default true
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/token-revocation.html
   */
  readonly enableTokenRevocation?: boolean;
  /**
   * Lifetime of ID tokens, 5 minutes to 1 day, not longer than `refreshTokenValidity`.
   * @default Duration.minutes(60)
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html
   */
  readonly idTokenValidity?: Duration;
  /**
   * Lifetime of access tokens, 5 minutes to 1 day, not longer than `refreshTokenValidity`.
   * @default Duration.minutes(60)
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html
   */
  readonly accessTokenValidity?: Duration;
  /**
   * Lifetime of refresh tokens, 60 minutes to 3650 days.
   * @default Duration.days(30)
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html
   */
  readonly refreshTokenValidity?: Duration;
  /**
   * Lifetime of the session token of a multi-step sign-in (e.g. the forced password change), 3 to 15 minutes.
   * @default Duration.minutes(3)
   * @see https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html
   */
  readonly authSessionValidity?: Duration;
  /**
   * Identity providers the hosted UI offers for this client.
   * @default ['COGNITO'] (the pool's own users)
   * @see https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-identity-federation.html
   */
  readonly supportedIdentityProviders?: readonly string[];
}

export interface UserPoolClientProps extends UserPoolClientOptions {
  /** The pool the client signs users in to. */
  readonly userPool: IUserPool;
}

const STANDARD_DEFAULT_SCOPES = [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE].map((s) => s.scopeName);
const OPENID_IMPLIED_BY = new Set(['email', 'phone', 'profile']);
const MAX_SCOPES = 50;
/** The units an app client's `token_validity_units` accept. */
const COGNITO_UNITS = ['seconds', 'minutes', 'hours', 'days'] as const;

/**
 * An app client with secure defaults: authorization code + PKCE on the hosted UI, `openid email profile` plus
 * the pool's resource-server scopes, required and validated callback and logout URLs, user-existence errors
 * prevented, token revocation on, no secret, SRP sign-in only.
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-client-apps.html
 */
export class UserPoolClient extends Construct {
  /** The client id (a Terraform reference until apply; 26 characters on AWS). */
  readonly clientId: string;
  /** The client's name. */
  readonly name: string;
  /** The pool the client belongs to. */
  readonly userPool: IUserPool;
  /** The grants in force (all false when OAuth is disabled). */
  readonly oAuthFlows: Required<OAuthFlows>;
  /** Registered callback URLs, as given. */
  readonly callbackUrls: readonly string[];
  /** Registered logout URLs, as given. */
  readonly logoutUrls: readonly string[];
  /** Whether the client has a secret. */
  readonly hasSecret: boolean;
  /** The underlying Terraform resource. */
  readonly resource: CognitoUserPoolClient;

  /** The scopes as given (with `openid` implied), or the standard defaults when `usesDefaultScopes`. */
  private readonly givenScopes: readonly string[];
  /** Defaulted scopes also hold every resource-server scope of the pool, added before or after this client. */
  private readonly usesDefaultScopes: boolean;

  constructor(scope: Construct, id: string, props: UserPoolClientProps) {
    super(scope, id);
    this.userPool = props.userPool;
    this.name = this.configureName(props);
    const flows = this.configureFlows(props);
    this.oAuthFlows = flows;
    this.hasSecret = this.configureSecret(props, flows);
    const { callbackUrls, logoutUrls, defaultRedirectUri } = this.configureRedirects(props, flows);
    this.callbackUrls = callbackUrls;
    this.logoutUrls = logoutUrls;
    const { given, defaulted } = this.configureScopes(props, flows);
    this.givenScopes = given;
    this.usesDefaultScopes = defaulted;
    const validity = this.configureValidity(props);

    const oauthOn = !props.disableOAuth;
    this.resource = new CognitoUserPoolClient(this, 'Resource', {
      name: this.name,
      userPoolId: props.userPool.userPoolId,
      generateSecret: this.hasSecret,
      allowedOauthFlowsUserPoolClient: oauthOn,
      allowedOauthFlows: oauthOn ? [...(flows.authorizationCodeGrant ? ['code'] : []), ...(flows.implicitCodeGrant ? ['implicit'] : []), ...(flows.clientCredentials ? ['client_credentials'] : [])] : undefined,
      allowedOauthScopes: oauthOn ? [...this.givenScopes] : undefined,
      callbackUrls: callbackUrls.length ? [...callbackUrls] : undefined,
      logoutUrls: logoutUrls.length ? [...logoutUrls] : undefined,
      defaultRedirectUri,
      supportedIdentityProviders: [...(props.supportedIdentityProviders ?? ['COGNITO'])],
      explicitAuthFlows: this.configureAuthFlows(props),
      preventUserExistenceErrors: (props.preventUserExistenceErrors ?? true) ? 'ENABLED' : 'LEGACY',
      enableTokenRevocation: props.enableTokenRevocation ?? true,
      ...validity,
    });
    this.clientId = this.resource.id;
    if (oauthOn) atSynth(this, () => this.bindResourceServers());
  }

  /** The scopes the client may request, full names (with the pool's resource-server scopes when defaulted). */
  get scopes(): readonly string[] {
    if (!this.usesDefaultScopes) return [...this.givenScopes];
    const out = [...this.givenScopes];
    for (const s of resourceServersOf(this.userPool, this).flatMap((server) => server.scopeNames)) if (!out.includes(s)) out.push(s);
    return out;
  }

  /** Whether the implicit grant is on. */
  get allowsImplicitGrant(): boolean {
    return this.oAuthFlows.implicitCodeGrant;
  }

  /** The client secret (a sensitive Terraform reference). Throws for a client without a secret. */
  get clientSecret(): string {
    if (!this.hasSecret) {
      throw new ValidationError(this, 'generateSecret', false, 'the client has no secret to read', 'set generateSecret: true (server-side clients only)');
    }
    return this.resource.clientSecret;
  }

  private configureName(props: UserPoolClientProps): string {
    const name = props.name ?? nameFromPath(this, 128);
    if (!isUnresolved(name) && (name.length > 128 || !COGNITO_NAME.test(name))) {
      throw new ValidationError(this, 'name', name, 'must be 1 to 128 of letters, digits, spaces and _+=,.@-', 'choose a name such as "web"');
    }
    return name;
  }

  /** The grants: code + PKCE by default; implicit only as an opt-in the environment allows; client_credentials alone. */
  private configureFlows(props: UserPoolClientProps): Required<OAuthFlows> {
    if (props.disableOAuth && props.oAuth) {
      throw new ValidationError(this, 'oAuth', 'set with disableOAuth: true', 'OAuth settings have no effect on a client without OAuth', 'remove oAuth, or remove disableOAuth');
    }
    const given = props.disableOAuth ? {} : (props.oAuth?.flows ?? { authorizationCodeGrant: true });
    const flows = {
      authorizationCodeGrant: given.authorizationCodeGrant ?? false,
      implicitCodeGrant: given.implicitCodeGrant ?? false,
      clientCredentials: given.clientCredentials ?? false,
    };
    const browser = flows.authorizationCodeGrant || flows.implicitCodeGrant;
    if (!props.disableOAuth && !browser && !flows.clientCredentials) {
      throw new ValidationError(this, 'oAuth.flows', given, 'enables no OAuth flow', 'enable authorizationCodeGrant (or clientCredentials), or set disableOAuth: true');
    }
    if (flows.implicitCodeGrant && contextFlag(this, FORBID_IMPLICIT_GRANT_CONTEXT)) {
      throw new ValidationError(this, 'oAuth.flows.implicitCodeGrant', true, `the implicit grant is forbidden in this environment (context ${FORBID_IMPLICIT_GRANT_CONTEXT} is true)`, 'remove implicitCodeGrant and use authorizationCodeGrant with PKCE');
    }
    if (flows.clientCredentials && browser) {
      throw new ValidationError(this, 'oAuth.flows', given, 'clientCredentials cannot be combined with authorizationCodeGrant or implicitCodeGrant', 'create one client for users (code + PKCE) and another for machines (clientCredentials)');
    }
    return flows;
  }

  private configureSecret(props: UserPoolClientProps, flows: Required<OAuthFlows>): boolean {
    const hasSecret = props.generateSecret ?? flows.clientCredentials;
    if (flows.clientCredentials && !hasSecret) {
      throw new ValidationError(this, 'generateSecret', false, 'a client_credentials client must have a secret', 'remove generateSecret: false');
    }
    return hasSecret;
  }

  /** Callback and logout URLs: required for browser grants, each checked against Cognito's rules. */
  private configureRedirects(props: UserPoolClientProps, flows: Required<OAuthFlows>): { callbackUrls: string[]; logoutUrls: string[]; defaultRedirectUri?: string } {
    const oAuth = props.oAuth ?? {};
    const browser = flows.authorizationCodeGrant || flows.implicitCodeGrant;
    const callbackUrls = [...(oAuth.callbackUrls ?? [])];
    const logoutUrls = [...(oAuth.logoutUrls ?? [])];
    for (const [prop, urls, example] of [['oAuth.callbackUrls', callbackUrls, 'callback'], ['oAuth.logoutUrls', logoutUrls, 'signed-out']] as const) {
      if (browser && urls.length === 0) {
        throw new ValidationError(this, prop, urls, 'is required with the authorization code or implicit grant', `list at least one URL, e.g. ${prop.slice(6)}: ['https://app.example.com/${example}']`);
      }
      urls.forEach((u, i) => validateRedirectUrl(this, `${prop}[${i}]`, u));
    }
    const dru = oAuth.defaultRedirectUri;
    if (dru !== undefined && !isUnresolved(dru) && !isUnresolved(callbackUrls) && !callbackUrls.includes(dru)) {
      throw new ValidationError(this, 'oAuth.defaultRedirectUri', dru, 'is not one of oAuth.callbackUrls', 'add it to callbackUrls or choose one of them');
    }
    return { callbackUrls, logoutUrls, defaultRedirectUri: dru };
  }

  /** The scopes given (openid implied by email, phone, profile), or the defaults; client_credentials takes custom ones only. */
  private configureScopes(props: UserPoolClientProps, flows: Required<OAuthFlows>): { given: string[]; defaulted: boolean } {
    const oAuth = props.oAuth ?? {};
    const browser = flows.authorizationCodeGrant || flows.implicitCodeGrant;
    const defaulted = browser && oAuth.scopes === undefined;
    if (flows.clientCredentials) {
      const given = oAuth.scopes ?? [];
      if (given.length === 0) {
        throw new ValidationError(this, 'oAuth.scopes', given, 'a client_credentials client needs at least one resource-server scope', 'list the scopes it may use, e.g. scopes: [server.scope("orders.read")]');
      }
      const standard = given.find((s) => !s.isCustom);
      if (standard) {
        throw new ValidationError(this, 'oAuth.scopes', standard.scopeName, 'a client_credentials client may hold only resource-server scopes', 'remove the OpenID and Cognito scopes from this client');
      }
    }
    const given = props.disableOAuth ? [] : defaulted ? [...STANDARD_DEFAULT_SCOPES] : withOpenId((oAuth.scopes ?? []).map((s) => s.scopeName));
    if (browser && given.length === 0) {
      throw new ValidationError(this, 'oAuth.scopes', [], 'leaves the client no scope to request, so the hosted UI could issue it no token', 'list the scopes it needs, e.g. scopes: [OAuthScope.OPENID, OAuthScope.EMAIL], or leave scopes out for the defaults');
    }
    this.checkScopeCount(given);
    return { given, defaulted };
  }

  /** Token lifetimes, each within Cognito's range and shorter than the refresh token's. */
  private configureValidity(props: UserPoolClientProps): Pick<CognitoUserPoolClientConfig, 'idTokenValidity' | 'accessTokenValidity' | 'refreshTokenValidity' | 'tokenValidityUnits' | 'authSessionValidity'> {
    const idToken = props.idTokenValidity ?? Duration.minutes(60);
    const access = props.accessTokenValidity ?? Duration.minutes(60);
    const refresh = props.refreshTokenValidity ?? Duration.days(30);
    const session = props.authSessionValidity ?? Duration.minutes(3);
    for (const [prop, value] of [['idTokenValidity', idToken], ['accessTokenValidity', access], ['refreshTokenValidity', refresh]] as const) {
      if (!(COGNITO_UNITS as readonly string[]).includes(value.unit)) {
        throw new ValidationError(this, prop, value.toString(), `is given in ${value.unit}; Cognito's token_validity_units take ${COGNITO_UNITS.join(', ')}`, `give it in one of those units, e.g. Duration.minutes(60)`);
      }
    }
    validateDuration(this, 'idTokenValidity', idToken, Duration.minutes(5), Duration.days(1));
    validateDuration(this, 'accessTokenValidity', access, Duration.minutes(5), Duration.days(1));
    validateDuration(this, 'refreshTokenValidity', refresh, Duration.minutes(60), Duration.days(3650));
    validateDuration(this, 'authSessionValidity', session, Duration.minutes(3), Duration.minutes(15));
    validateDuration(this, 'idTokenValidity', idToken, Duration.minutes(5), refresh, 'make the ID token expire before the refresh token');
    validateDuration(this, 'accessTokenValidity', access, Duration.minutes(5), refresh, 'make the access token expire before the refresh token');
    // auth_session_validity has no unit setting: it is always minutes, so other units are converted here, which an
    // unresolved amount cannot be.
    const sessionSeconds = session.toSeconds();
    const sessionMinutes = sessionSeconds === undefined ? (session.unit === 'minutes' ? session.amount : undefined) : sessionSeconds / 60;
    if (sessionMinutes === undefined || !Number.isInteger(sessionMinutes)) {
      throw new ValidationError(this, 'authSessionValidity', session.toString(), 'Cognito counts it in whole minutes', 'use Duration.minutes(3) to Duration.minutes(15)');
    }
    return {
      idTokenValidity: idToken.amount,
      accessTokenValidity: access.amount,
      refreshTokenValidity: refresh.amount,
      tokenValidityUnits: [{ idToken: idToken.unit, accessToken: access.unit, refreshToken: refresh.unit }],
      authSessionValidity: sessionMinutes,
    };
  }

  /** `ALLOW_REFRESH_TOKEN_AUTH` always, SRP unless turned off, the password flows only when asked for. */
  private configureAuthFlows(props: UserPoolClientProps): string[] {
    const af = props.authFlows ?? {};
    const explicitAuthFlows = ['ALLOW_REFRESH_TOKEN_AUTH'];
    if (af.userSrp ?? true) explicitAuthFlows.push('ALLOW_USER_SRP_AUTH');
    if (af.userPassword) explicitAuthFlows.push('ALLOW_USER_PASSWORD_AUTH');
    if (af.adminUserPassword) explicitAuthFlows.push('ALLOW_ADMIN_USER_PASSWORD_AUTH');
    return explicitAuthFlows;
  }

  /**
   * At synth: the pool's resource servers, added before or after this client, are known. Defaulted scopes take all
   * their scopes; and Cognito refuses a client naming a scope its resource server does not have yet, so the client
   * depends on each server whose scopes it names. `dependable` renders the bare address Terraform requires in
   * depends_on; the resource's `fqn` would render `${...}`, which Terraform rejects ("A single static variable
   * reference is required").
   */
  private bindResourceServers(): void {
    const scopes = this.scopes;
    this.checkScopeCount(scopes);
    if (this.usesDefaultScopes) this.resource.allowedOauthScopes = [...scopes];
    const servers = resourceServersOf(this.userPool, this).filter((server) => server.scopeNames.some((s) => scopes.includes(s)));
    if (servers.length > 0) this.resource.dependsOn = [...(this.resource.dependsOn ?? []), ...servers.map((server) => dependable(server.resource))];
  }

  private checkScopeCount(scopes: readonly string[]): void {
    if (scopes.length > MAX_SCOPES) {
      throw new ValidationError(this, 'oAuth.scopes', `${scopes.length} scopes`, `a client may hold at most ${MAX_SCOPES} scopes`, 'list the scopes this client needs in oAuth.scopes');
    }
  }
}

function withOpenId(scopes: string[]): string[] {
  const out = [...new Set(scopes)];
  if (out.some((s) => OPENID_IMPLIED_BY.has(s)) && !out.includes('openid')) out.unshift('openid');
  return out;
}
