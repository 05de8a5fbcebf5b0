// The API Gateway (REST) and CloudWatch Logs resource types of a stack, brought into the twin through their control
// planes with the inputs terraform-provider-aws 5.100 sends (internal/service/apigateway, internal/service/logs).
//
// A REST API that exists from an earlier start is deleted and made again with the ids recorded then, every child
// too: a deployment freezes what its API holds when it is made, so rebuilding the API whole is how the twin serves
// exactly what the stack says now, under the same URLs.
import { tagsAll, type ApplyContext, type ResourceHandler } from './handlers';
import { isNotFound, unlessGone } from './cognito';
import { block, bool, boolMap, compact, num, str, strList, stringMap } from './terraform';

type Json = Record<string, unknown>;

const api = (args: Json) => str(args['rest_api_id']) ?? '';
const reuseId = (recorded: Json | undefined): Record<string, string> | undefined => (typeof recorded?.['id'] === 'string' ? { id: recorded['id'] } : undefined);
const seconds = (s: unknown) => new Date(Number(s) * 1000).toISOString();
const methodPath = (args: Json) => ['restapis', api(args), 'resources', str(args['resource_id']) ?? '', 'methods', (str(args['http_method']) ?? '').toUpperCase()];

/** A removal whose parent (the REST API, the method) is already gone has nothing left to do. */
async function quietly(fn: () => Promise<unknown>): Promise<void> {
  await unlessGone(fn);
}

const restApi: ResourceHandler = {
  type: 'aws_api_gateway_rest_api',
  rank: 50,
  async apply(_r, args, recorded, ctx) {
    const id = str(recorded?.['id']);
    if (id) await quietly(() => ctx.aws.rest('DELETE', ['restapis', id]));
    const endpoint = block(args['endpoint_configuration']);
    const made = (await ctx.aws.rest(
      'POST',
      ['restapis'],
      compact({
        name: str(args['name']),
        description: str(args['description']),
        endpointConfiguration: endpoint ? compact({ types: strList(endpoint['types']), vpcEndpointIds: strList(endpoint['vpc_endpoint_ids']), ipAddressType: str(endpoint['ip_address_type']) }) : undefined,
        binaryMediaTypes: strList(args['binary_media_types']),
        minimumCompressionSize: num(args['minimum_compression_size']),
        apiKeySource: str(args['api_key_source']),
        disableExecuteApiEndpoint: bool(args['disable_execute_api_endpoint']),
        policy: str(args['policy']),
        body: args['body'],
        tags: tagsAll(args, ctx),
      }),
      id ? { id, rootId: String(recorded?.['rootId']) } : undefined,
    )) as Json;
    const apiId = String(made['id']);
    ctx.remember({ id: apiId, rootId: made['rootResourceId'] });
    return {
      record: { id: apiId, rootId: made['rootResourceId'] },
      attributes: {
        ...args, id: apiId, root_resource_id: made['rootResourceId'], name: made['name'], created_date: seconds(made['createdDate']),
        arn: `arn:aws:apigateway:${ctx.region}::/restapis/${apiId}`, execution_arn: `arn:aws:execute-api:${ctx.region}:${ctx.accountId}:${apiId}`, tags_all: tagsAll(args, ctx),
      },
    };
  },
  async remove(recorded, ctx) {
    await ctx.aws.rest('DELETE', ['restapis', String(recorded['id'])]);
  },
};

const resource: ResourceHandler = {
  type: 'aws_api_gateway_resource',
  rank: 51,
  async apply(_r, args, recorded, ctx) {
    const made = (await ctx.aws.rest('POST', ['restapis', api(args), 'resources', str(args['parent_id']) ?? ''], { pathPart: args['path_part'] }, reuseId(recorded))) as Json;
    return { record: { api: api(args), id: made['id'] }, attributes: { ...args, id: made['id'], path: made['path'], path_part: made['pathPart'], parent_id: made['parentId'] } };
  },
  async remove(recorded, ctx) {
    await quietly(() => ctx.aws.rest('DELETE', ['restapis', String(recorded['api']), 'resources', String(recorded['id'])]));
  },
};

const authorizer: ResourceHandler = {
  type: 'aws_api_gateway_authorizer',
  rank: 52,
  async apply(_r, args, recorded, ctx) {
    const made = (await ctx.aws.rest(
      'POST',
      ['restapis', api(args), 'authorizers'],
      compact({
        name: str(args['name']),
        type: str(args['type']) ?? 'TOKEN',
        providerARNs: strList(args['provider_arns']),
        authorizerUri: str(args['authorizer_uri']),
        authorizerCredentials: str(args['authorizer_credentials']),
        identitySource: str(args['identity_source']) ?? 'method.request.header.Authorization',
        identityValidationExpression: str(args['identity_validation_expression']),
        authorizerResultTtlInSeconds: num(args['authorizer_result_ttl_in_seconds']) ?? 300,
      }),
      reuseId(recorded),
    )) as Json;
    const id = String(made['id']);
    return { record: { api: api(args), id }, attributes: { ...args, id, arn: `arn:aws:apigateway:${ctx.region}::/restapis/${api(args)}/authorizers/${id}` } };
  },
  async remove(recorded, ctx) {
    await quietly(() => ctx.aws.rest('DELETE', ['restapis', String(recorded['api']), 'authorizers', String(recorded['id'])]));
  },
};

const method: ResourceHandler = {
  type: 'aws_api_gateway_method',
  rank: 53,
  async apply(_r, args, _recorded, ctx) {
    const path = methodPath(args);
    await ctx.aws.rest(
      'PUT',
      path,
      compact({
        authorizationType: str(args['authorization']),
        authorizerId: str(args['authorizer_id']),
        authorizationScopes: strList(args['authorization_scopes']),
        apiKeyRequired: bool(args['api_key_required']) ?? false,
        requestParameters: boolMap(args['request_parameters']),
        requestModels: stringMap(args['request_models']),
        requestValidatorId: str(args['request_validator_id']),
        operationName: str(args['operation_name']),
      }),
    );
    const [, apiId, , resourceId, , verb] = path;
    return { record: { api: apiId, resource: resourceId, verb }, attributes: { ...args, id: `agm-${apiId}-${resourceId}-${verb}`, http_method: verb } };
  },
  async remove(recorded, ctx) {
    await quietly(() => ctx.aws.rest('DELETE', ['restapis', String(recorded['api']), 'resources', String(recorded['resource']), 'methods', String(recorded['verb'])]));
  },
};

/** A method's child (method response, integration, integration response): found by the method's path and its own tail. */
function methodChild(type: string, rank: number, tail: (args: Json) => string[], body: (args: Json, ctx: ApplyContext) => Json, idPrefix: string): ResourceHandler {
  return {
    type,
    rank,
    async apply(_r, args, _recorded, ctx) {
      const path = [...methodPath(args), ...tail(args)];
      await ctx.aws.rest('PUT', path, body(args, ctx));
      const [, apiId, , resourceId, , verb] = path;
      const status = str(args['status_code']);
      return {
        record: { path },
        attributes: { ...args, id: [idPrefix, apiId, resourceId, verb, ...(status ? [status] : [])].join('-'), http_method: verb, ...(status ? { status_code: status } : {}) },
      };
    },
    async remove(recorded, ctx) {
      await quietly(() => ctx.aws.rest('DELETE', recorded['path'] as string[]));
    },
  };
}

const methodResponse = methodChild('aws_api_gateway_method_response', 54, (a) => ['responses', str(a['status_code']) ?? ''], (a) => compact({ responseModels: stringMap(a['response_models']), responseParameters: boolMap(a['response_parameters']) }), 'agmr');

const integration = methodChild(
  'aws_api_gateway_integration',
  55,
  () => ['integration'],
  (a) => {
    const tls = block(a['tls_config']);
    return compact({
      type: str(a['type']),
      httpMethod: str(a['integration_http_method']),
      uri: str(a['uri']),
      connectionType: str(a['connection_type']) ?? 'INTERNET',
      connectionId: str(a['connection_id']),
      credentials: str(a['credentials']),
      requestParameters: stringMap(a['request_parameters']),
      requestTemplates: stringMap(a['request_templates']),
      passthroughBehavior: str(a['passthrough_behavior']),
      cacheNamespace: str(a['cache_namespace']),
      cacheKeyParameters: strList(a['cache_key_parameters']),
      contentHandling: str(a['content_handling']),
      timeoutInMillis: num(a['timeout_milliseconds']) ?? 29000,
      tlsConfig: tls ? compact({ insecureSkipVerification: bool(tls['insecure_skip_verification']) }) : undefined,
    });
  },
  'agi',
);

const integrationResponse = methodChild(
  'aws_api_gateway_integration_response',
  56,
  (a) => ['integration', 'responses', str(a['status_code']) ?? ''],
  (a) => compact({ selectionPattern: str(a['selection_pattern']), responseParameters: stringMap(a['response_parameters']), responseTemplates: stringMap(a['response_templates']), contentHandling: str(a['content_handling']) }),
  'agir',
);

const gatewayResponse: ResourceHandler = {
  type: 'aws_api_gateway_gateway_response',
  rank: 57,
  async apply(_r, args, _recorded, ctx) {
    const type = str(args['response_type']) ?? '';
    await ctx.aws.rest('PUT', ['restapis', api(args), 'gatewayresponses', type], compact({ statusCode: str(args['status_code']), responseParameters: stringMap(args['response_parameters']), responseTemplates: stringMap(args['response_templates']) }));
    return { record: { api: api(args), type }, attributes: { ...args, id: `aggr-${api(args)}-${type}` } };
  },
  async remove(recorded, ctx) {
    await quietly(() => ctx.aws.rest('DELETE', ['restapis', String(recorded['api']), 'gatewayresponses', String(recorded['type'])]));
  },
};

const deployment: ResourceHandler = {
  type: 'aws_api_gateway_deployment',
  rank: 60,
  async apply(_r, args, recorded, ctx) {
    // The provider 5.100 sends an empty stage name and description when the deployment makes no stage.
    const made = (await ctx.aws.rest(
      'POST',
      ['restapis', api(args), 'deployments'],
      compact({ description: str(args['description']), stageName: str(args['stage_name']) ?? '', stageDescription: str(args['stage_description']) ?? '', variables: stringMap(args['variables']) ?? {} }),
      reuseId(recorded),
    )) as Json;
    const id = String(made['id']);
    const stage = str(args['stage_name']) ?? '';
    return {
      record: { api: api(args), id },
      attributes: {
        ...args, id, created_date: seconds(made['createdDate']),
        execution_arn: `arn:aws:execute-api:${ctx.region}:${ctx.accountId}:${api(args)}/${stage}`, invoke_url: `https://${api(args)}.execute-api.${ctx.region}.amazonaws.com/${stage}`,
      },
    };
  },
  async remove(recorded, ctx) {
    await quietly(() => ctx.aws.rest('DELETE', ['restapis', String(recorded['api']), 'deployments', String(recorded['id'])]));
  },
};

const stage: ResourceHandler = {
  type: 'aws_api_gateway_stage',
  rank: 61,
  async apply(_r, args, _recorded, ctx) {
    const name = str(args['stage_name']) ?? '';
    const path = ['restapis', api(args), 'stages', name];
    await ctx.aws.rest(
      'POST',
      ['restapis', api(args), 'stages'],
      compact({
        stageName: name,
        deploymentId: str(args['deployment_id']),
        description: str(args['description']),
        cacheClusterEnabled: bool(args['cache_cluster_enabled']),
        cacheClusterSize: str(args['cache_cluster_size']),
        variables: stringMap(args['variables']),
        tracingEnabled: bool(args['xray_tracing_enabled']),
        documentationVersion: str(args['documentation_version']),
        clientCertificateId: str(args['client_certificate_id']),
        tags: tagsAll(args, ctx),
      }),
    );
    const logs = block(args['access_log_settings']);
    if (logs) {
      await ctx.aws.rest('PATCH', path, {
        patchOperations: [
          { op: 'replace', path: '/accessLogSettings/destinationArn', value: str(logs['destination_arn']) },
          { op: 'replace', path: '/accessLogSettings/format', value: str(logs['format']) },
        ],
      });
    }
    return {
      record: { api: api(args), name },
      attributes: {
        ...args, id: `ags-${api(args)}-${name}`, stage_name: name, tags_all: tagsAll(args, ctx),
        arn: `arn:aws:apigateway:${ctx.region}::/restapis/${api(args)}/stages/${name}`, execution_arn: `arn:aws:execute-api:${ctx.region}:${ctx.accountId}:${api(args)}/${name}`,
        invoke_url: `https://${api(args)}.execute-api.${ctx.region}.amazonaws.com/${name}`,
      },
    };
  },
  async remove(recorded, ctx) {
    await quietly(() => ctx.aws.rest('DELETE', ['restapis', String(recorded['api']), 'stages', String(recorded['name'])]));
  },
};

/** `settings` members and the UpdateStage paths the provider patches them under (method_settings.go). */
const SETTINGS: readonly (readonly [string, string])[] = [
  ['metrics_enabled', 'metrics/enabled'], ['logging_level', 'logging/loglevel'], ['data_trace_enabled', 'logging/dataTrace'],
  ['throttling_burst_limit', 'throttling/burstLimit'], ['throttling_rate_limit', 'throttling/rateLimit'], ['caching_enabled', 'caching/enabled'],
  ['cache_ttl_in_seconds', 'caching/ttlInSeconds'], ['cache_data_encrypted', 'caching/dataEncrypted'],
  ['require_authorization_for_cache_control', 'caching/requireAuthorizationForCacheControl'], ['unauthorized_cache_control_header_strategy', 'caching/unauthorizedCacheControlHeaderStrategy'],
];

/** The patch prefix of a method path: `*\/*` → `/*\/*`, `items/{id}/GET` → `/items~1{id}/GET`. */
export function methodSettingsPrefix(methodPathText: string): string {
  const cut = methodPathText.lastIndexOf('/');
  return `/${methodPathText.slice(0, cut).replace(/~/g, '~0').replace(/\//g, '~1')}${methodPathText.slice(cut)}`;
}

const methodSettings: ResourceHandler = {
  type: 'aws_api_gateway_method_settings',
  rank: 62,
  async apply(_r, args, _recorded, ctx) {
    const path = ['restapis', api(args), 'stages', str(args['stage_name']) ?? ''];
    const mp = str(args['method_path']) ?? '';
    const prefix = methodSettingsPrefix(mp);
    const settings = block(args['settings']) ?? {};
    const ops = SETTINGS.filter(([key]) => settings[key] !== undefined && settings[key] !== null).map(([key, at]) => {
      const v = settings[key];
      return { op: 'replace', path: `${prefix}/${at}`, value: key === 'throttling_rate_limit' ? Number(v).toFixed(6) : String(v) };
    });
    await ctx.aws.rest('PATCH', path, { patchOperations: ops });
    return { record: { path, prefix }, attributes: { ...args, id: `${api(args)}-${str(args['stage_name'])}-${mp}` } };
  },
  async remove(recorded, ctx) {
    await quietly(() => ctx.aws.rest('PATCH', recorded['path'] as string[], { patchOperations: [{ op: 'remove', path: String(recorded['prefix']) }] }));
  },
};

const account: ResourceHandler = {
  type: 'aws_api_gateway_account',
  rank: 4,
  async apply(_r, args, _recorded, ctx) {
    const role = str(args['cloudwatch_role_arn']) ?? '';
    const doc = (await ctx.aws.rest('PATCH', ['account'], { patchOperations: [{ op: 'replace', path: '/cloudwatchRoleArn', value: role }] })) as Json;
    const throttle = (doc['throttleSettings'] as Json | undefined) ?? {};
    return { record: { region: ctx.region }, attributes: { ...args, id: 'api-gateway-account', cloudwatch_role_arn: role, throttle_settings: [{ burst_limit: throttle['burstLimit'], rate_limit: throttle['rateLimit'] }] } };
  },
  // Provider 5.x leaves the account settings as they are when the resource is destroyed (unless reset_on_delete).
  async remove() {
    return undefined;
  },
};

const LOGS = 'Logs_20140328';

const logGroup: ResourceHandler = {
  type: 'aws_cloudwatch_log_group',
  rank: 5,
  async apply(r, args, recorded, ctx) {
    const name = str(args['name']) ?? (typeof recorded?.['name'] === 'string' ? recorded['name'] : `${str(args['name_prefix']) ?? 'terraform-'}${Date.now().toString(36)}`);
    if (typeof recorded?.['name'] === 'string' && recorded['name'] !== name) await unlessGone(() => ctx.aws.json(LOGS, 'DeleteLogGroup', { logGroupName: String(recorded['name']) }));
    const tags = tagsAll(args, ctx);
    const found = ((await ctx.aws.json(LOGS, 'DescribeLogGroups', { logGroupNamePrefix: name }))['logGroups'] as Json[]).find((g) => g['logGroupName'] === name);
    if (!found) {
      await ctx.aws.json(LOGS, 'CreateLogGroup', compact({ logGroupName: name, kmsKeyId: str(args['kms_key_id']), logGroupClass: str(args['log_group_class']), tags: Object.keys(tags).length ? tags : undefined }));
    } else {
      const arn = String(found['arn']);
      const current = (await ctx.aws.json(LOGS, 'ListTagsForResource', { resourceArn: arn }))['tags'] as Record<string, string>;
      const gone = Object.keys(current).filter((k) => !(k in tags));
      if (gone.length) await ctx.aws.json(LOGS, 'UntagResource', { resourceArn: arn, tagKeys: gone });
      if (Object.keys(tags).length) await ctx.aws.json(LOGS, 'TagResource', { resourceArn: arn, tags });
      const key = str(args['kms_key_id']);
      if (key && found['kmsKeyId'] !== key) await ctx.aws.json(LOGS, 'AssociateKmsKey', { logGroupName: name, kmsKeyId: key });
      else if (!key && found['kmsKeyId'] !== undefined) await ctx.aws.json(LOGS, 'DisassociateKmsKey', { logGroupName: name });
    }
    const retention = num(args['retention_in_days']) ?? 0;
    if (retention > 0) await ctx.aws.json(LOGS, 'PutRetentionPolicy', { logGroupName: name, retentionInDays: retention });
    else if (found?.['retentionInDays'] !== undefined) await ctx.aws.json(LOGS, 'DeleteRetentionPolicy', { logGroupName: name });
    const arn = `arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:${name}`;
    void r;
    return { record: { name }, attributes: { ...args, id: name, name, arn, tags_all: tags } };
  },
  async remove(recorded, ctx) {
    await unlessGone(() => ctx.aws.json(LOGS, 'DeleteLogGroup', { logGroupName: String(recorded['name']) }));
  },
};

export const API_GATEWAY_HANDLERS: readonly ResourceHandler[] = [
  account, logGroup, restApi, resource, authorizer, method, methodResponse, integration, integrationResponse, gatewayResponse, deployment, stage, methodSettings,
];

export { isNotFound };
