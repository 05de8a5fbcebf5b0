import { AwsError } from '../../aws/errors';

type Json = Record<string, unknown>;

/** The JSON type of one request member, or the shape of a nested object. */
export type MemberKind = 'string' | 'boolean' | 'integer' | 'stringList' | 'stringMap' | 'boolMap' | Shape;
export interface Shape {
  readonly [member: string]: MemberKind;
}

/**
 * The members of a request body that its operation takes, each checked for its JSON type (a `BadRequestException`
 * names the member otherwise); members the operation does not take are left out, as API Gateway ignores them. What
 * is stored is only ever what a shape lists, so nothing a caller planted reaches the gateway's model.
 */
export function shaped(input: Json, shape: Shape, at = ''): Json {
  const out: Json = {};
  for (const [name, kind] of Object.entries(shape)) {
    const value = input[name];
    if (value === undefined || value === null) continue;
    out[name] = checked(value, kind, `${at}${name}`);
  }
  return out;
}

function checked(value: unknown, kind: MemberKind, at: string): unknown {
  const wrong = (what: string) => new AwsError('BadRequestException', `Invalid value for ${at}: expected ${what}.`);
  if (typeof kind === 'object') {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw wrong('an object');
    return shaped(value as Json, kind, `${at}.`);
  }
  switch (kind) {
    case 'string':
      if (typeof value !== 'string') throw wrong('a string');
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw wrong('a boolean');
      return value;
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw wrong('an integer');
      return value;
    case 'stringList':
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw wrong('a list of strings');
      return [...value];
    case 'stringMap':
    case 'boolMap': {
      const type = kind === 'stringMap' ? 'string' : 'boolean';
      if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.values(value).some((v) => typeof v !== type)) throw wrong(`a map of ${type}s`);
      return { ...value };
    }
  }
}

const stringMap = 'stringMap' as const;

/** The members each create or put operation takes (API Gateway's REST API reference). */
export const SHAPES = {
  restApi: {
    name: 'string', description: 'string', version: 'string', binaryMediaTypes: 'stringList', minimumCompressionSize: 'integer', apiKeySource: 'string',
    endpointConfiguration: { types: 'stringList', vpcEndpointIds: 'stringList', ipAddressType: 'string' }, policy: 'string', tags: stringMap,
    disableExecuteApiEndpoint: 'boolean',
  },
  resource: { pathPart: 'string' },
  method: {
    authorizationType: 'string', authorizerId: 'string', apiKeyRequired: 'boolean', operationName: 'string', requestParameters: 'boolMap', requestModels: stringMap,
    requestValidatorId: 'string', authorizationScopes: 'stringList',
  },
  methodResponse: { responseParameters: 'boolMap', responseModels: stringMap },
  integration: {
    type: 'string', httpMethod: 'string', uri: 'string', connectionType: 'string', connectionId: 'string', credentials: 'string', requestParameters: stringMap,
    requestTemplates: stringMap, passthroughBehavior: 'string', cacheNamespace: 'string', cacheKeyParameters: 'stringList', contentHandling: 'string',
    timeoutInMillis: 'integer', tlsConfig: { insecureSkipVerification: 'boolean' }, integrationTarget: 'string',
  },
  integrationResponse: { selectionPattern: 'string', responseParameters: stringMap, responseTemplates: stringMap, contentHandling: 'string' },
  authorizer: {
    name: 'string', type: 'string', providerARNs: 'stringList', authType: 'string', authorizerUri: 'string', authorizerCredentials: 'string', identitySource: 'string',
    identityValidationExpression: 'string', authorizerResultTtlInSeconds: 'integer',
  },
  deployment: { stageName: 'string', stageDescription: 'string', description: 'string', cacheClusterEnabled: 'boolean', cacheClusterSize: 'string', variables: stringMap, tracingEnabled: 'boolean' },
  stage: {
    stageName: 'string', deploymentId: 'string', description: 'string', cacheClusterEnabled: 'boolean', cacheClusterSize: 'string', variables: stringMap,
    documentationVersion: 'string', tracingEnabled: 'boolean', clientCertificateId: 'string', tags: stringMap,
  },
  gatewayResponse: { statusCode: 'string', responseParameters: stringMap, responseTemplates: stringMap },
  tags: { tags: stringMap },
} satisfies Record<string, Shape>;
