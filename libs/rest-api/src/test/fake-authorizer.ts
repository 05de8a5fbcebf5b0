import { Construct } from 'constructs';
import type { IConstruct } from 'constructs';
import { ApiGatewayAuthorizer } from '@cdktf/provider-aws/lib/api-gateway-authorizer';
import { ValidationError } from '@secure-api/core';
import type { AuthorizationType, AuthorizerBinding, IAuthorizer, IRestApi } from '../lib/authorizer';

/**
 * A minimal IAuthorizer for the REST API's tests: creates one aws_api_gateway_authorizer per API on bind
 * (none for AWS_IAM), counts binds, and grants exactly the scopes in `knownScopes` (which tests may grow after
 * the API is declared).
 */
export class FakeAuthorizer extends Construct implements IAuthorizer {
  binds = 0;
  readonly knownScopes: string[];
  ttl: number;
  private readonly byApi = new Map<IRestApi, string | undefined>();

  constructor(scope: Construct, id: string, readonly authorizationType: AuthorizationType = 'COGNITO_USER_POOLS', knownScopes: string[] = [], ttl = 300) {
    super(scope, id);
    this.knownScopes = knownScopes;
    this.ttl = ttl;
  }

  bind(api: IRestApi): AuthorizerBinding {
    this.binds++;
    if (!this.byApi.has(api)) {
      const id =
        this.authorizationType === 'AWS_IAM'
          ? undefined
          : new ApiGatewayAuthorizer(this, `Resource${this.byApi.size || ''}`, {
              name: this.node.id,
              restApiId: api.restApiId,
              type: this.authorizationType,
              providerArns: ['arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEfGhI'],
              authorizerResultTtlInSeconds: this.ttl,
            }).id;
      this.byApi.set(api, id);
    }
    return { authorizerId: this.byApi.get(api) };
  }

  validateScopes(method: IConstruct, scopes: readonly string[]): void {
    for (const scope of scopes) {
      if (!this.knownScopes.includes(scope)) throw new ValidationError(method, 'authorizationScopes', scope, 'is not a known scope', 'define it');
    }
  }
}
