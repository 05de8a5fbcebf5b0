import { Construct, type IConstruct } from 'constructs';
import { ApiGatewayAuthorizer } from '@cdktf/provider-aws/lib/api-gateway-authorizer';
import { Duration, durationProp, isUnresolved, validateDuration, validateRange, ValidationError, wholeAmount } from '@secure-api/core';
import type { AuthorizerBinding, IAuthorizer, IRestApi } from '@secure-api/rest-api';
import type { IUserPool } from '@secure-api/user-pool';

/** Properties of a {@link CognitoUserPoolsAuthorizer}. */
export interface CognitoUserPoolsAuthorizerProps {
  /** The user pools whose tokens the authorizer accepts (at least one). */
  readonly userPools: readonly IUserPool[];

  /**
   * The authorizer's name in API Gateway.
   * @default - the construct path joined with "-", e.g. `dev-SecureApi-Authorizer`
   */
  readonly name?: string;

  /**
   * The request header that carries the token, as a method request expression. API Gateway answers 401 without
   * calling anything when it is missing.
   * @default 'method.request.header.Authorization'
   * @see https://docs.aws.amazon.com/apigateway/latest/api/API_CreateAuthorizer.html#apigw-CreateAuthorizer-request-identitySource
   */
  readonly identitySource?: string;

  /**
   * How long API Gateway caches the authorizer's decision for a token (0 turns the cache off, at most 1 hour, whole
   * seconds).
   * @default Duration.minutes(5)
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-enable-cognito-user-pool.html
   */
  readonly resultsCacheTtl?: Duration;

  /**
   * How long API Gateway caches the authorizer's decision for a token, in seconds (0 to 3,600).
   * @deprecated Use `resultsCacheTtl`, e.g. `resultsCacheTtl: Duration.seconds(300)`.
   * @default 300
   */
  readonly resultsCacheTtlSeconds?: number;
}

/** The defaults of {@link CognitoUserPoolsAuthorizerProps}, documented there. */
export const COGNITO_AUTHORIZER_DEFAULTS = {
  identitySource: 'method.request.header.Authorization',
  resultsCacheTtl: Duration.minutes(5),
  /** @deprecated `resultsCacheTtl` in seconds. */
  resultsCacheTtlSeconds: 300,
} as const;

const HEADER_SOURCE = /^method\.request\.header\.[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/**
 * A `COGNITO_USER_POOLS` authorizer: API Gateway verifies the token in the `Authorization` header against the
 * pools' keys, issuer and expiry. A method without scopes accepts ID tokens only; a method with scopes accepts
 * access tokens holding one of them, and every such scope must be defined by a resource server of one of the pools
 * (checked at synth, so resource servers may be added after the API).
 *
 * Give it to a `RestApi` as `defaultAuthorizer` (or a route's `authorizer`); the API binds it, which creates the
 * `aws_api_gateway_authorizer` (construct id `Resource`) in that API. One authorizer serves one API.
 *
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-integrate-with-cognito.html
 */
export class CognitoUserPoolsAuthorizer extends Construct implements IAuthorizer {
  /** The `authorization` of every method that uses this authorizer. */
  readonly authorizationType = 'COGNITO_USER_POOLS' as const;
  /** The pools whose tokens are accepted. */
  readonly userPools: readonly IUserPool[];
  /** The authorizer's name in API Gateway. */
  readonly name: string;
  /** The header expression the token is read from. */
  readonly identitySource: string;
  /** How long a decision is cached per token. */
  readonly resultsCacheTtl: Duration;
  /** The same, in seconds (`authorizer_result_ttl_in_seconds`). */
  readonly resultsCacheTtlSeconds: number;

  private boundTo?: { readonly api: IRestApi; readonly resource: ApiGatewayAuthorizer };

  constructor(scope: Construct, id: string, props: CognitoUserPoolsAuthorizerProps) {
    super(scope, id);
    const pools = props.userPools ?? [];
    if (pools.length === 0) {
      throw new ValidationError(this, 'userPools', pools, 'is empty', 'pass the user pool(s) whose tokens the API accepts: userPools: [userPool]');
    }
    this.userPools = [...pools];
    this.name = props.name ?? this.node.path.split('/').filter(Boolean).join('-');
    if (!isUnresolved(this.name) && this.name.trim() === '') {
      throw new ValidationError(this, 'name', this.name, 'is empty', 'give the authorizer a name, or leave name out');
    }
    this.identitySource = props.identitySource ?? COGNITO_AUTHORIZER_DEFAULTS.identitySource;
    if (!isUnresolved(this.identitySource) && !HEADER_SOURCE.test(this.identitySource)) {
      throw new ValidationError(this, 'identitySource', this.identitySource, 'is not a request header expression; a Cognito authorizer reads the token from one header', `use "${COGNITO_AUTHORIZER_DEFAULTS.identitySource}" (or another header as method.request.header.<Name>)`);
    }
    validateRange(this, 'resultsCacheTtlSeconds', props.resultsCacheTtlSeconds, 0, 3600, 'seconds');
    this.resultsCacheTtl = durationProp(this, 'resultsCacheTtl', props.resultsCacheTtl, 'resultsCacheTtlSeconds', props.resultsCacheTtlSeconds, 'seconds') ?? COGNITO_AUTHORIZER_DEFAULTS.resultsCacheTtl;
    validateDuration(this, 'resultsCacheTtl', this.resultsCacheTtl, Duration.seconds(0), Duration.hours(1));
    this.resultsCacheTtlSeconds = wholeAmount(this, 'resultsCacheTtl', this.resultsCacheTtl, 'seconds');
  }

  /** The authorizer's id, once a REST API has bound it. */
  get authorizerId(): string | undefined {
    return this.boundTo?.resource.id;
  }

  /**
   * Creates the `aws_api_gateway_authorizer` (id `Resource`) in `api` on the first call and returns its id; throws
   * when a second API binds it. Called by `RestApi`, not by users.
   */
  bind(api: IRestApi): AuthorizerBinding {
    if (this.boundTo && this.boundTo.api !== api) {
      throw new ValidationError(this, 'api', api.node.path, `is a second REST API; this authorizer already belongs to ${this.boundTo.api.node.path}`, 'create one CognitoUserPoolsAuthorizer per REST API');
    }
    if (!this.boundTo) {
      const resource = new ApiGatewayAuthorizer(this, 'Resource', {
        name: this.name,
        restApiId: api.restApiId,
        type: this.authorizationType,
        providerArns: this.userPools.map((p) => p.userPoolArn),
        identitySource: this.identitySource,
        authorizerResultTtlInSeconds: this.resultsCacheTtlSeconds,
      });
      this.boundTo = { api, resource };
    }
    return { authorizerId: this.boundTo.resource.id };
  }

  /** Throws when a scope is defined by no resource server of the authorizer's pools. */
  validateScopes(method: IConstruct, scopes: readonly string[]): void {
    const defined = this.userPools.flatMap((p) => p.resourceServerScopes);
    // A scope built from an unresolved identifier cannot be compared at synth.
    const unknowable = defined.some((s) => isUnresolved(s));
    scopes.forEach((scope, i) => {
      if (isUnresolved(scope) || unknowable || defined.includes(scope)) return;
      const pools = this.userPools.map((p) => p.node.path).join(', ');
      const slash = scope.lastIndexOf('/');
      const [identifier, name] = slash > 0 ? [scope.slice(0, slash), scope.slice(slash + 1)] : ['api', scope];
      const fix = defined.length
        ? `use one of ${defined.join(', ')}, or define it on a resource server of ${pools}`
        : `define it on a resource server of ${pools}, e.g. userPool.addResourceServer('Api', { identifier: '${identifier}', scopes: [{ name: '${name}', description: '...' }] })`;
      throw new ValidationError(method, `authorizationScopes[${i}]`, scope, 'is defined by no resource server of the user pools of the authorizer', fix);
    });
  }
}
