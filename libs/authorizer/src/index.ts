export { COGNITO_AUTHORIZER_DEFAULTS, CognitoUserPoolsAuthorizer } from './lib/cognito-user-pools-authorizer';
export type { CognitoUserPoolsAuthorizerProps } from './lib/cognito-user-pools-authorizer';
