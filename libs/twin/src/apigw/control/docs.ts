/** The kinds of API Gateway resources in the store. Every child of an API has the API's id as its parent. */
export const APIGW = {
  api: 'apigw.api',
  resource: 'apigw.resource',
  method: 'apigw.method',
  authorizer: 'apigw.authorizer',
  deployment: 'apigw.deployment',
  stage: 'apigw.stage',
  gatewayResponse: 'apigw.gateway-response',
  account: 'apigw.account',
} as const;

type Json = Record<string, unknown>;

/** A REST API as `GetRestApi` answers it; `_region` is the twin's own (never answered). */
export interface RestApiDoc extends Json {
  readonly id: string;
  readonly name: string;
  readonly createdDate: number;
  readonly apiKeySource: string;
  readonly endpointConfiguration: { readonly types: readonly string[] } & Json;
  readonly disableExecuteApiEndpoint: boolean;
  readonly rootResourceId: string;
  readonly _region: string;
  readonly _account: string;
}

/** A resource as `GetResource` answers it. */
export interface ResourceDoc extends Json {
  readonly id: string;
  readonly parentId?: string;
  readonly pathPart?: string;
  readonly path: string;
}

export interface MethodResponseDoc extends Json {
  readonly statusCode: string;
  readonly responseParameters?: Record<string, boolean>;
  readonly responseModels?: Record<string, string>;
}

export interface IntegrationResponseDoc extends Json {
  readonly statusCode: string;
  readonly selectionPattern?: string;
  readonly responseParameters?: Record<string, string>;
  readonly responseTemplates?: Record<string, string>;
  readonly contentHandling?: string;
}

export interface IntegrationDoc extends Json {
  readonly type: string;
  readonly httpMethod?: string;
  readonly uri?: string;
  readonly connectionType: string;
  readonly requestParameters?: Record<string, string>;
  readonly requestTemplates?: Record<string, string>;
  readonly passthroughBehavior?: string;
  readonly timeoutInMillis: number;
  readonly cacheNamespace: string;
  readonly cacheKeyParameters: readonly string[];
  readonly integrationResponses?: Record<string, IntegrationResponseDoc>;
}

/** A method as `GetMethod` answers it, its method responses and integration embedded. */
export interface MethodDoc extends Json {
  readonly httpMethod: string;
  readonly authorizationType: string;
  readonly authorizerId?: string;
  readonly apiKeyRequired: boolean;
  readonly authorizationScopes?: readonly string[];
  readonly requestParameters?: Record<string, boolean>;
  readonly methodResponses?: Record<string, MethodResponseDoc>;
  readonly methodIntegration?: IntegrationDoc;
  /** The resource the method is on (the twin's own). */
  readonly _resourceId: string;
}

export interface AuthorizerDoc extends Json {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly providerARNs?: readonly string[];
  readonly identitySource?: string;
  readonly identityValidationExpression?: string;
  readonly authorizerResultTtlInSeconds?: number;
}

export interface GatewayResponseDoc extends Json {
  readonly responseType: string;
  readonly statusCode?: string;
  readonly responseParameters?: Record<string, string>;
  readonly responseTemplates?: Record<string, string>;
  readonly defaultResponse: boolean;
}

/** What a deployment froze of its API: the stages that use it serve exactly this. */
export interface DeploymentSnapshot {
  readonly resources: readonly ResourceDoc[];
  readonly methods: readonly MethodDoc[];
  readonly authorizers: readonly AuthorizerDoc[];
  readonly gatewayResponses: readonly GatewayResponseDoc[];
}

export interface DeploymentDoc extends Json {
  readonly id: string;
  readonly description?: string;
  readonly createdDate: number;
  readonly _snapshot: DeploymentSnapshot;
}

export interface MethodSettingDoc extends Json {
  readonly metricsEnabled: boolean;
  readonly loggingLevel: string;
  readonly dataTraceEnabled: boolean;
  readonly throttlingBurstLimit: number;
  readonly throttlingRateLimit: number;
  readonly cachingEnabled: boolean;
  readonly cacheTtlInSeconds: number;
  readonly cacheDataEncrypted: boolean;
  readonly requireAuthorizationForCacheControl: boolean;
  readonly unauthorizedCacheControlHeaderStrategy: string;
}

export interface StageDoc extends Json {
  readonly stageName: string;
  readonly deploymentId: string;
  readonly description?: string;
  readonly cacheClusterEnabled: boolean;
  readonly cacheClusterSize?: string;
  readonly cacheClusterStatus: string;
  readonly methodSettings: Record<string, MethodSettingDoc>;
  readonly variables?: Record<string, string>;
  readonly accessLogSettings?: { readonly destinationArn?: string; readonly format?: string };
  readonly tracingEnabled: boolean;
  /** The regional web ACL protecting the stage (set by WAF's AssociateWebACL, as GetStage answers it). */
  readonly webAclArn?: string;
  readonly createdDate: number;
  readonly lastUpdatedDate: number;
}

/** The twin's own members of a document (`_region`, `_snapshot`, ...): kept, never answered. */
export function visible<T extends Json>(doc: T): Json {
  return Object.fromEntries(Object.entries(doc).filter(([k]) => !k.startsWith('_')));
}
