import type { IConstruct } from 'constructs';

/**
 * How API Gateway authorizes a method that is not public.
 * @see https://docs.aws.amazon.com/apigateway/latest/api/API_Method.html#apigw-Type-Method-authorizationType
 */
export type AuthorizationType = 'COGNITO_USER_POOLS' | 'AWS_IAM' | 'CUSTOM';

/** A REST API as authorizers and integrations see it. */
export interface IRestApi extends IConstruct {
  /** The API id (a Terraform reference until apply). */
  readonly restApiId: string;
  /** The id of the API's root resource `/`. */
  readonly rootResourceId: string;
  /** `arn:aws:execute-api:<region>:<account>:<api id>`: the prefix of every method ARN, for invoke permissions. */
  readonly executionArn: string;
}

/** What binding an authorizer to an API gives the API's methods. */
export interface AuthorizerBinding {
  /**
   * The `aws_api_gateway_authorizer` id that methods name in `authorizer_id`.
   * @default - none: an `AWS_IAM` authorizer needs no authorizer resource
   */
  readonly authorizerId?: string;
}

/**
 * An authorizer a REST API's methods can use. {@link RestApi} calls `bind` once for every API that uses it, so the
 * authorizer creates its Terraform resource lazily, in the API it is bound to.
 */
export interface IAuthorizer {
  /** The `authorization` every method using this authorizer gets. */
  readonly authorizationType: AuthorizationType;

  /** Creates (at most once per API) the authorizer resource in `api` and returns its id. */
  bind(api: IRestApi): AuthorizerBinding;

  /**
   * Checks a method's OAuth scopes; throws a `ValidationError` naming `method` when one cannot be granted.
   * Called at synth time, once the whole construct tree is built, so scopes defined after the API are seen.
   * @default - scopes are not checked at synth
   */
  validateScopes?(method: IConstruct, scopes: readonly string[]): void;
}
