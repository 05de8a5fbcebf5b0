import { AwsError } from '../../aws/errors';
import type { AwsCall } from '../../aws/front';
import type { TwinClock } from '../../contracts';
import { randomString } from '../../shared/ids';
import type { TwinStore } from '../../store/store';
import {
  APIGW, type AuthorizerDoc, type DeploymentDoc, type GatewayResponseDoc, type IntegrationDoc, type IntegrationResponseDoc, type MethodDoc,
  type MethodResponseDoc, type MethodSettingDoc, type ResourceDoc, type RestApiDoc, type StageDoc, visible,
} from './docs';
import { applyPatch, unescapePointer, type PatchRule } from './patch';
import { shaped, SHAPES } from './shapes';

type Json = Record<string, unknown>;

const ID = 'abcdefghijklmnopqrstuvwxyz0123456789';
const bad = (message: string) => new AwsError('BadRequestException', message);
const notFound = (message: string) => new AwsError('NotFoundException', message, 404);
const conflict = (message: string) => new AwsError('ConflictException', message, 409);

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'];
const AUTH_TYPES = ['NONE', 'AWS_IAM', 'CUSTOM', 'COGNITO_USER_POOLS'];
const INTEGRATION_TYPES = ['HTTP', 'AWS', 'MOCK', 'HTTP_PROXY', 'AWS_PROXY'];
const AUTHORIZER_TYPES = ['TOKEN', 'REQUEST', 'COGNITO_USER_POOLS'];
const ENDPOINT_TYPES = ['REGIONAL', 'EDGE', 'PRIVATE'];
const STATUS = /^[1-5]\d\d$/;
const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/;
const PATH_PART = /^(?:\{[A-Za-z0-9._-]+\+?\}|[A-Za-z0-9._~:@!$&'()*,;=-]+)$/;
const HEADER_SOURCE = /^method\.request\.header\.[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const RESPONSE_TYPES = [
  'DEFAULT_4XX', 'DEFAULT_5XX', 'RESOURCE_NOT_FOUND', 'UNAUTHORIZED', 'INVALID_API_KEY', 'ACCESS_DENIED', 'AUTHORIZER_FAILURE', 'AUTHORIZER_CONFIGURATION_ERROR',
  'INVALID_SIGNATURE', 'EXPIRED_TOKEN', 'MISSING_AUTHENTICATION_TOKEN', 'INTEGRATION_FAILURE', 'INTEGRATION_TIMEOUT', 'API_CONFIGURATION_ERROR', 'UNSUPPORTED_MEDIA_TYPE',
  'BAD_REQUEST_PARAMETERS', 'BAD_REQUEST_BODY', 'REQUEST_TOO_LARGE', 'THROTTLED', 'QUOTA_EXCEEDED', 'WAF_FILTERED',
];

/** The method setting API Gateway answers for a path nothing set yet. */
export const DEFAULT_METHOD_SETTING: MethodSettingDoc = {
  metricsEnabled: false, loggingLevel: 'OFF', dataTraceEnabled: false, throttlingBurstLimit: -1, throttlingRateLimit: -1.0, cachingEnabled: false,
  cacheTtlInSeconds: 300, cacheDataEncrypted: false, requireAuthorizationForCacheControl: true, unauthorizedCacheControlHeaderStrategy: 'SUCCEED_WITH_RESPONSE_HEADER',
};

const SETTING_PATHS: Readonly<Record<string, readonly [keyof MethodSettingDoc, 'boolean' | 'integer' | 'number' | 'string']>> = {
  'metrics/enabled': ['metricsEnabled', 'boolean'],
  'logging/loglevel': ['loggingLevel', 'string'],
  'logging/dataTrace': ['dataTraceEnabled', 'boolean'],
  'throttling/burstLimit': ['throttlingBurstLimit', 'integer'],
  'throttling/rateLimit': ['throttlingRateLimit', 'number'],
  'caching/enabled': ['cachingEnabled', 'boolean'],
  'caching/ttlInSeconds': ['cacheTtlInSeconds', 'integer'],
  'caching/dataEncrypted': ['cacheDataEncrypted', 'boolean'],
  'caching/requireAuthorizationForCacheControl': ['requireAuthorizationForCacheControl', 'boolean'],
  'caching/unauthorizedCacheControlHeaderStrategy': ['unauthorizedCacheControlHeaderStrategy', 'string'],
};

const REST_API_PATCH: PatchRule[] = [
  { path: '/name', kind: 'string' }, { path: '/description', kind: 'string' }, { path: '/apiKeySource', kind: 'string' }, { path: '/policy', kind: 'string' },
  { path: '/disableExecuteApiEndpoint', kind: 'boolean' }, { path: '/minimumCompressionSize', kind: 'nullable-integer' },
  { path: '/binaryMediaTypes/*', pathSet: true, member: ['binaryMediaTypes'] }, { path: '/endpointConfiguration/types/0', kind: 'string', member: ['endpointConfiguration', 'types', '0'] },
  { path: '/endpointConfiguration/ipAddressType', kind: 'string' }, { path: '/endpointConfiguration/vpcEndpointIds', set: true },
];
const RESOURCE_PATCH: PatchRule[] = [{ path: '/pathPart', kind: 'string' }, { path: '/parentId', kind: 'string' }];
const METHOD_PATCH: PatchRule[] = [
  { path: '/authorizationType', kind: 'string' }, { path: '/authorizerId', kind: 'string' }, { path: '/apiKeyRequired', kind: 'boolean' },
  { path: '/authorizationScopes', set: true }, { path: '/requestParameters/*', map: 'boolean' }, { path: '/requestModels/*', map: 'string' },
  { path: '/requestValidatorId', kind: 'string' }, { path: '/operationName', kind: 'string' },
];
const METHOD_RESPONSE_PATCH: PatchRule[] = [{ path: '/responseParameters/*', map: 'boolean' }, { path: '/responseModels/*', map: 'string' }];
const INTEGRATION_PATCH: PatchRule[] = [
  { path: '/requestTemplates/*', map: 'string' }, { path: '/requestParameters/*', map: 'string' }, { path: '/cacheKeyParameters', set: true },
  { path: '/cacheNamespace', kind: 'string' }, { path: '/uri', kind: 'string' }, { path: '/httpMethod', kind: 'string' }, { path: '/contentHandling', kind: 'string' },
  { path: '/connectionType', kind: 'string' }, { path: '/connectionId', kind: 'string' }, { path: '/credentials', kind: 'string' }, { path: '/passthroughBehavior', kind: 'string' },
  { path: '/timeoutInMillis', kind: 'integer' }, { path: '/tlsConfig/insecureSkipVerification', kind: 'boolean' },
];
const INTEGRATION_RESPONSE_PATCH: PatchRule[] = [
  { path: '/responseTemplates/*', map: 'string' }, { path: '/responseParameters/*', map: 'string' }, { path: '/selectionPattern', kind: 'string' }, { path: '/contentHandling', kind: 'string' },
];
const AUTHORIZER_PATCH: PatchRule[] = [
  { path: '/name', kind: 'string' }, { path: '/type', kind: 'string' }, { path: '/identitySource', kind: 'string' }, { path: '/identityValidationExpression', kind: 'string' },
  { path: '/authorizerResultTtlInSeconds', kind: 'integer' }, { path: '/providerARNs', set: true }, { path: '/authorizerUri', kind: 'string' },
  { path: '/authorizerCredentials', kind: 'string' }, { path: '/authType', kind: 'string' },
];
const DEPLOYMENT_PATCH: PatchRule[] = [{ path: '/description', kind: 'string' }];
const STAGE_PATCH: PatchRule[] = [
  { path: '/deploymentId', kind: 'string' }, { path: '/description', kind: 'string' }, { path: '/tracingEnabled', kind: 'boolean' },
  { path: '/cacheClusterEnabled', kind: 'boolean' }, { path: '/cacheClusterSize', kind: 'string' }, { path: '/variables/*', map: 'string' },
  { path: '/accessLogSettings/destinationArn', kind: 'string' }, { path: '/accessLogSettings/format', kind: 'string' }, { path: '/accessLogSettings', kind: 'string' },
  { path: '/clientCertificateId', kind: 'string' }, { path: '/documentationVersion', kind: 'string' }, { path: '/webAclArn', kind: 'string' },
];
const GATEWAY_RESPONSE_PATCH: PatchRule[] = [{ path: '/statusCode', kind: 'string' }, { path: '/responseParameters/*', map: 'string' }, { path: '/responseTemplates/*', map: 'string' }];
const ACCOUNT_PATCH: PatchRule[] = [{ path: '/cloudwatchRoleArn', kind: 'string' }];

/**
 * API Gateway's control plane for REST APIs: APIs, resources, methods (with their responses and integrations),
 * authorizers, deployments (each a snapshot of its API, which the stages that use it serve), stages (with method
 * settings), gateway responses, tags and account settings, with API Gateway's validation, ids, defaults and errors.
 * @see https://docs.aws.amazon.com/apigateway/latest/api/API_Operations.html
 */
export class ApiGatewayControl {
  constructor(private readonly store: TwinStore, private readonly clock: TwinClock) {}

  // ---- REST APIs

  createRestApi(call: AwsCall, body: Json, ids: { id?: string; rootId?: string } = {}): RestApiDoc {
    if (body['body'] !== undefined) throw bad('Importing an OpenAPI definition (body) is not emulated by the local twin; declare aws_api_gateway_resource and aws_api_gateway_method resources instead.');
    const input = shaped(body, SHAPES.restApi);
    const name = input['name'];
    if (typeof name !== 'string' || name.trim() === '') throw bad('Invalid REST API name specified. The name must be non-empty.');
    const types = ((input['endpointConfiguration'] as Json | undefined)?.['types'] as string[] | undefined) ?? ['EDGE'];
    if (types.length !== 1 || !ENDPOINT_TYPES.includes(types[0])) throw bad(`Invalid endpoint configuration types: ${JSON.stringify(types)}. One of ${ENDPOINT_TYPES.join(', ')}.`);
    const id = ids.id ?? randomString(ID, 10);
    const rootId = ids.rootId ?? randomString(ID, 10);
    const { tags, ...members } = input;
    const doc: RestApiDoc = {
      ...members,
      id, name, createdDate: this.seconds(), apiKeySource: (members['apiKeySource'] as string) ?? 'HEADER',
      endpointConfiguration: { ...((members['endpointConfiguration'] as Json) ?? {}), types }, disableExecuteApiEndpoint: members['disableExecuteApiEndpoint'] === true,
      rootResourceId: rootId, _region: call.region, _account: call.accountId,
    };
    this.store.transaction(() => {
      this.store.putResource({ kind: APIGW.api, id, parent: null, doc });
      this.store.putResource({ kind: APIGW.resource, id: `${id}/${rootId}`, parent: id, doc: { id: rootId, path: '/' } });
      if (tags && Object.keys(tags as Json).length > 0) this.store.tag(this.apiArn(doc), tags as Record<string, string>);
    });
    return this.getRestApi(id);
  }

  getRestApi(id: string): RestApiDoc {
    const doc = this.api(id);
    return { ...(visible(doc) as RestApiDoc), tags: this.store.tags(this.apiArn(doc)) };
  }

  getRestApis(): RestApiDoc[] {
    return this.store.resources<RestApiDoc>(APIGW.api).map((r) => this.getRestApi(r.id));
  }

  updateRestApi(id: string, patch: unknown): RestApiDoc {
    const next = applyPatch(this.api(id), patch, REST_API_PATCH);
    if (typeof next.name !== 'string' || next.name.trim() === '') throw bad('Invalid REST API name specified. The name must be non-empty.');
    this.store.putResource({ kind: APIGW.api, id, parent: null, doc: next });
    return this.getRestApi(id);
  }

  deleteRestApi(id: string): void {
    const doc = this.api(id);
    this.store.transaction(() => {
      // The stages' tags go by ARN: list the stages before they go.
      for (const s of this.store.resources<StageDoc>(APIGW.stage, id)) this.store.untag(this.stageArn(doc, s.doc.stageName));
      for (const kind of Object.values(APIGW)) {
        if (kind === APIGW.api || kind === APIGW.account) continue;
        for (const r of this.store.resources(kind, id)) this.store.deleteResource(kind, r.id);
      }
      this.store.deleteResource(APIGW.api, id);
      this.store.untag(this.apiArn(doc));
    });
  }

  apiArn(doc: RestApiDoc): string {
    return `arn:aws:apigateway:${doc._region}::/restapis/${doc.id}`;
  }

  stageArn(doc: RestApiDoc, stage: string): string {
    return `arn:aws:apigateway:${doc._region}::/restapis/${doc.id}/stages/${stage}`;
  }

  private api(id: string): RestApiDoc {
    const doc = this.store.resource<RestApiDoc>(APIGW.api, id)?.doc;
    if (!doc) throw notFound('Invalid API identifier specified');
    return doc;
  }

  // ---- resources

  getResources(apiId: string): ResourceDoc[] {
    this.api(apiId);
    return this.store.resources<ResourceDoc>(APIGW.resource, apiId).map((r) => this.withMethods(apiId, r.doc));
  }

  getResource(apiId: string, id: string): ResourceDoc {
    return this.withMethods(apiId, this.resource(apiId, id));
  }

  createResource(apiId: string, parentId: string, input: Json, id = randomString(ID, 6)): ResourceDoc {
    this.api(apiId);
    const parent = this.resource(apiId, parentId);
    const pathPart = shaped(input, SHAPES.resource)['pathPart'];
    this.checkPathPart(apiId, parent, pathPart, undefined);
    const doc: ResourceDoc = { id, parentId: parent.id, pathPart: pathPart as string, path: join(parent.path, pathPart as string) };
    this.store.putResource({ kind: APIGW.resource, id: `${apiId}/${id}`, parent: apiId, doc });
    return doc;
  }

  updateResource(apiId: string, id: string, patch: unknown): ResourceDoc {
    const current = this.resource(apiId, id);
    if (current.parentId === undefined) throw bad('The root resource cannot be changed.');
    const next = applyPatch(current, patch, RESOURCE_PATCH);
    const parent = this.resource(apiId, String(next.parentId));
    for (let p: ResourceDoc | undefined = parent; p; p = p.parentId ? this.resource(apiId, p.parentId) : undefined) {
      if (p.id === id) throw bad('A resource cannot be moved below itself.');
    }
    this.checkPathPart(apiId, parent, next.pathPart, id);
    this.store.transaction(() => this.rewritePaths(apiId, { ...next, path: join(parent.path, String(next.pathPart)) }));
    return this.getResource(apiId, id);
  }

  deleteResource(apiId: string, id: string): void {
    const doc = this.resource(apiId, id);
    if (doc.parentId === undefined) throw bad('Cannot delete the root resource.');
    this.store.transaction(() => {
      const doomed = [id, ...this.descendants(apiId, id).map((d) => d.id)];
      for (const r of doomed) {
        this.store.deleteResource(APIGW.resource, `${apiId}/${r}`);
        for (const m of this.store.resources<MethodDoc>(APIGW.method, apiId)) if (m.doc._resourceId === r) this.store.deleteResource(APIGW.method, m.id);
      }
    });
  }

  private resource(apiId: string, id: string): ResourceDoc {
    const doc = this.store.resource<ResourceDoc>(APIGW.resource, `${apiId}/${id}`)?.doc;
    if (!doc) throw notFound('Invalid Resource identifier specified');
    return doc;
  }

  private withMethods(apiId: string, doc: ResourceDoc): ResourceDoc {
    const methods = this.store.resources<MethodDoc>(APIGW.method, apiId).filter((m) => m.doc._resourceId === doc.id);
    return methods.length ? { ...doc, resourceMethods: Object.fromEntries(methods.map((m) => [m.doc.httpMethod, {}])) } : doc;
  }

  private descendants(apiId: string, id: string): ResourceDoc[] {
    const all = this.store.resources<ResourceDoc>(APIGW.resource, apiId).map((r) => r.doc);
    const out: ResourceDoc[] = [];
    const walk = (parent: string) => {
      for (const r of all) {
        if (r.parentId !== parent) continue;
        out.push(r);
        walk(r.id);
      }
    };
    walk(id);
    return out;
  }

  /** Writes a moved or renamed resource and the new paths of everything below it. */
  private rewritePaths(apiId: string, doc: ResourceDoc): void {
    this.store.putResource({ kind: APIGW.resource, id: `${apiId}/${doc.id}`, parent: apiId, doc: doc as Json });
    for (const child of this.store.resources<ResourceDoc>(APIGW.resource, apiId).map((r) => r.doc).filter((r) => r.parentId === doc.id)) {
      this.rewritePaths(apiId, { ...child, path: join(doc.path, String(child.pathPart)) });
    }
  }

  private checkPathPart(apiId: string, parent: ResourceDoc, pathPart: unknown, self: string | undefined): void {
    if (typeof pathPart !== 'string' || !PATH_PART.test(pathPart)) {
      throw bad("Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end and an optional plus sign before the closing brace.");
    }
    if (parent.pathPart?.endsWith('+}')) throw bad(`Cannot create a child of a resource with a greedy path variable: ${parent.pathPart}`);
    const siblings = this.store.resources<ResourceDoc>(APIGW.resource, apiId).map((r) => r.doc).filter((r) => r.parentId === parent.id && r.id !== self);
    if (siblings.some((s) => s.pathPart === pathPart)) throw conflict(`Another resource with the same parent already has this name: ${pathPart}`);
    const variable = siblings.find((s) => s.pathPart?.startsWith('{'));
    if (pathPart.startsWith('{') && variable) throw bad(`A sibling (${variable.pathPart}) of this resource already has a variable path part -- only one is allowed`);
  }

  // ---- methods, method responses, integrations, integration responses

  putMethod(apiId: string, resourceId: string, verb: string, input: Json): MethodDoc {
    this.api(apiId);
    this.resource(apiId, resourceId);
    const httpMethod = verb.toUpperCase();
    if (!HTTP_METHODS.includes(httpMethod)) throw bad('Invalid HttpMethod specified. Valid options are GET,PUT,POST,DELETE,PATCH,OPTIONS,HEAD,ANY');
    const members = shaped(input, SHAPES.method);
    const authorizationType = members['authorizationType'];
    if (typeof authorizationType !== 'string' || !AUTH_TYPES.includes(authorizationType)) throw bad(`Invalid authorization type specified. Valid options are ${AUTH_TYPES.join(',')}`);
    if (this.store.resource(APIGW.method, `${apiId}/${resourceId}/${httpMethod}`)) throw conflict('Method already exists for this resource');
    const doc = this.checkedMethod(apiId, {
      ...members, httpMethod, apiKeyRequired: members['apiKeyRequired'] === true, _resourceId: resourceId,
    } as MethodDoc);
    this.store.putResource({ kind: APIGW.method, id: `${apiId}/${resourceId}/${httpMethod}`, parent: apiId, doc });
    return visibleMethod(doc);
  }

  getMethod(apiId: string, resourceId: string, verb: string): MethodDoc {
    return visibleMethod(this.method(apiId, resourceId, verb));
  }

  updateMethod(apiId: string, resourceId: string, verb: string, patch: unknown): MethodDoc {
    const next = this.checkedMethod(apiId, applyPatch(this.method(apiId, resourceId, verb), patch, METHOD_PATCH));
    this.putMethodDoc(apiId, next);
    return visibleMethod(next);
  }

  deleteMethod(apiId: string, resourceId: string, verb: string): void {
    const doc = this.method(apiId, resourceId, verb);
    this.store.deleteResource(APIGW.method, `${apiId}/${resourceId}/${doc.httpMethod}`);
  }

  putMethodResponse(apiId: string, resourceId: string, verb: string, status: string, input: Json): MethodResponseDoc {
    const method = this.method(apiId, resourceId, verb);
    if (!STATUS.test(status)) throw bad('Invalid status code specified: must be an HTTP status code 100-599');
    const response: MethodResponseDoc = { ...shaped(input, SHAPES.methodResponse), statusCode: status };
    this.putMethodDoc(apiId, { ...method, methodResponses: { ...(method.methodResponses ?? {}), [status]: response } });
    return response;
  }

  getMethodResponse(apiId: string, resourceId: string, verb: string, status: string): MethodResponseDoc {
    const response = this.method(apiId, resourceId, verb).methodResponses?.[status];
    if (!response) throw notFound('Invalid Response status code specified');
    return response;
  }

  updateMethodResponse(apiId: string, resourceId: string, verb: string, status: string, patch: unknown): MethodResponseDoc {
    const method = this.method(apiId, resourceId, verb);
    const next = applyPatch(this.getMethodResponse(apiId, resourceId, verb, status), patch, METHOD_RESPONSE_PATCH);
    this.putMethodDoc(apiId, { ...method, methodResponses: { ...(method.methodResponses ?? {}), [status]: next } });
    return next;
  }

  deleteMethodResponse(apiId: string, resourceId: string, verb: string, status: string): void {
    const method = this.method(apiId, resourceId, verb);
    this.getMethodResponse(apiId, resourceId, verb, status);
    const { [status]: _gone, ...rest } = method.methodResponses ?? {};
    this.putMethodDoc(apiId, { ...method, methodResponses: rest });
  }

  putIntegration(apiId: string, resourceId: string, verb: string, input: Json): IntegrationDoc {
    const method = this.method(apiId, resourceId, verb);
    const integration = checkedIntegration({
      connectionType: 'INTERNET', timeoutInMillis: 29000, cacheNamespace: resourceId, cacheKeyParameters: [],
      ...shaped(input, SHAPES.integration),
    } as unknown as IntegrationDoc);
    // A PUT replaces the integration but keeps its integration responses, as API Gateway does.
    const next = { ...integration, ...(method.methodIntegration?.integrationResponses ? { integrationResponses: method.methodIntegration.integrationResponses } : {}) };
    this.putMethodDoc(apiId, { ...method, methodIntegration: next });
    return next;
  }

  getIntegration(apiId: string, resourceId: string, verb: string): IntegrationDoc {
    const integration = this.method(apiId, resourceId, verb).methodIntegration;
    if (!integration) throw notFound('No integration defined for method');
    return integration;
  }

  updateIntegration(apiId: string, resourceId: string, verb: string, patch: unknown): IntegrationDoc {
    const method = this.method(apiId, resourceId, verb);
    const next = checkedIntegration(applyPatch(this.getIntegration(apiId, resourceId, verb), patch, INTEGRATION_PATCH));
    this.putMethodDoc(apiId, { ...method, methodIntegration: next });
    return next;
  }

  deleteIntegration(apiId: string, resourceId: string, verb: string): void {
    const method = this.method(apiId, resourceId, verb);
    this.getIntegration(apiId, resourceId, verb);
    const { methodIntegration: _gone, ...rest } = method;
    this.putMethodDoc(apiId, rest as MethodDoc);
  }

  putIntegrationResponse(apiId: string, resourceId: string, verb: string, status: string, input: Json): IntegrationResponseDoc {
    const method = this.method(apiId, resourceId, verb);
    const integration = this.getIntegration(apiId, resourceId, verb);
    if (!STATUS.test(status)) throw bad('Invalid status code specified: must be an HTTP status code 100-599');
    const response = checkedIntegrationResponse({ ...shaped(input, SHAPES.integrationResponse), statusCode: status });
    this.putMethodDoc(apiId, { ...method, methodIntegration: { ...integration, integrationResponses: { ...(integration.integrationResponses ?? {}), [status]: response } } });
    return response;
  }

  getIntegrationResponse(apiId: string, resourceId: string, verb: string, status: string): IntegrationResponseDoc {
    const response = this.getIntegration(apiId, resourceId, verb).integrationResponses?.[status];
    if (!response) throw notFound('Invalid Response status code specified');
    return response;
  }

  updateIntegrationResponse(apiId: string, resourceId: string, verb: string, status: string, patch: unknown): IntegrationResponseDoc {
    const method = this.method(apiId, resourceId, verb);
    const integration = this.getIntegration(apiId, resourceId, verb);
    const next = checkedIntegrationResponse(applyPatch(this.getIntegrationResponse(apiId, resourceId, verb, status), patch, INTEGRATION_RESPONSE_PATCH));
    this.putMethodDoc(apiId, { ...method, methodIntegration: { ...integration, integrationResponses: { ...(integration.integrationResponses ?? {}), [status]: next } } });
    return next;
  }

  deleteIntegrationResponse(apiId: string, resourceId: string, verb: string, status: string): void {
    const method = this.method(apiId, resourceId, verb);
    const integration = this.getIntegration(apiId, resourceId, verb);
    this.getIntegrationResponse(apiId, resourceId, verb, status);
    const { [status]: _gone, ...rest } = integration.integrationResponses ?? {};
    this.putMethodDoc(apiId, { ...method, methodIntegration: { ...integration, integrationResponses: rest } });
  }

  private method(apiId: string, resourceId: string, verb: string): MethodDoc {
    this.api(apiId);
    this.resource(apiId, resourceId);
    const doc = this.store.resource<MethodDoc>(APIGW.method, `${apiId}/${resourceId}/${verb.toUpperCase()}`)?.doc;
    if (!doc) throw notFound('Invalid Method identifier specified');
    return doc;
  }

  private putMethodDoc(apiId: string, doc: MethodDoc): void {
    this.store.putResource({ kind: APIGW.method, id: `${apiId}/${doc._resourceId}/${doc.httpMethod}`, parent: apiId, doc });
  }

  private checkedMethod(apiId: string, doc: MethodDoc): MethodDoc {
    if (!AUTH_TYPES.includes(doc.authorizationType)) throw bad(`Invalid authorization type specified. Valid options are ${AUTH_TYPES.join(',')}`);
    if (doc.authorizationType === 'COGNITO_USER_POOLS' || doc.authorizationType === 'CUSTOM') {
      const authorizer = doc.authorizerId ? this.store.resource<AuthorizerDoc>(APIGW.authorizer, `${apiId}/${doc.authorizerId}`)?.doc : undefined;
      if (!authorizer || (doc.authorizationType === 'COGNITO_USER_POOLS') !== (authorizer.type === 'COGNITO_USER_POOLS')) {
        throw bad(`Invalid authorizer ID specified. Setting the authorization type to ${doc.authorizationType} requires a valid authorizer.`);
      }
    }
    return doc;
  }

  // ---- authorizers

  createAuthorizer(apiId: string, input: Json, id = randomString(ID, 6)): AuthorizerDoc {
    this.api(apiId);
    const doc = checkedAuthorizer({ ...shaped(input, SHAPES.authorizer), id } as AuthorizerDoc);
    this.store.putResource({ kind: APIGW.authorizer, id: `${apiId}/${id}`, parent: apiId, doc });
    return doc;
  }

  getAuthorizer(apiId: string, id: string): AuthorizerDoc {
    this.api(apiId);
    const doc = this.store.resource<AuthorizerDoc>(APIGW.authorizer, `${apiId}/${id}`)?.doc;
    if (!doc) throw notFound('Invalid Authorizer identifier specified');
    return doc;
  }

  getAuthorizers(apiId: string): AuthorizerDoc[] {
    this.api(apiId);
    return this.store.resources<AuthorizerDoc>(APIGW.authorizer, apiId).map((r) => r.doc);
  }

  updateAuthorizer(apiId: string, id: string, patch: unknown): AuthorizerDoc {
    const next = checkedAuthorizer(applyPatch(this.getAuthorizer(apiId, id), patch, AUTHORIZER_PATCH));
    this.store.putResource({ kind: APIGW.authorizer, id: `${apiId}/${id}`, parent: apiId, doc: next });
    return next;
  }

  deleteAuthorizer(apiId: string, id: string): void {
    this.getAuthorizer(apiId, id);
    const users = this.store.resources<MethodDoc>(APIGW.method, apiId).filter((m) => m.doc.authorizerId === id);
    if (users.length > 0) throw conflict('Cannot delete authorizer, is referenced in method: ' + users.map((m) => `${m.doc.httpMethod} ${m.doc._resourceId}`).join(', '));
    this.store.deleteResource(APIGW.authorizer, `${apiId}/${id}`);
  }

  // ---- deployments

  /** A deployment freezes the API as it is now; with a `stageName`, that stage serves it (created when absent). */
  createDeployment(call: AwsCall, apiId: string, body: Json, id = randomString(ID, 6)): DeploymentDoc {
    this.api(apiId);
    const input = shaped(body, SHAPES.deployment);
    const methods = this.store.resources<MethodDoc>(APIGW.method, apiId).map((r) => r.doc);
    if (methods.length === 0) throw bad("The REST API doesn't contain any methods");
    const bare = methods.find((m) => !m.methodIntegration);
    if (bare) throw bad(`No integration defined for method ${bare.httpMethod} on resource ${bare._resourceId}`);
    const doc: DeploymentDoc = {
      id, createdDate: this.seconds(), ...(input['description'] ? { description: input['description'] as string } : {}),
      _snapshot: {
        resources: this.store.resources<ResourceDoc>(APIGW.resource, apiId).map((r) => r.doc),
        methods,
        authorizers: this.store.resources<AuthorizerDoc>(APIGW.authorizer, apiId).map((r) => r.doc),
        gatewayResponses: this.store.resources<GatewayResponseDoc>(APIGW.gatewayResponse, apiId).map((r) => r.doc),
      },
    };
    this.store.transaction(() => {
      this.store.putResource({ kind: APIGW.deployment, id: `${apiId}/${id}`, parent: apiId, doc });
      const stageName = input['stageName'];
      if (typeof stageName === 'string' && stageName !== '') {
        const existing = this.store.resource<StageDoc>(APIGW.stage, `${apiId}/${stageName}`)?.doc;
        if (existing) this.putStageDoc(apiId, { ...existing, deploymentId: id, lastUpdatedDate: this.seconds() });
        else this.createStage(call, apiId, { stageName, deploymentId: id, description: input['stageDescription'], variables: input['variables'] });
      }
    });
    return visibleDeployment(doc);
  }

  getDeployment(apiId: string, id: string): DeploymentDoc {
    return visibleDeployment(this.deployment(apiId, id));
  }

  getDeployments(apiId: string): DeploymentDoc[] {
    this.api(apiId);
    return this.store.resources<DeploymentDoc>(APIGW.deployment, apiId).map((r) => visibleDeployment(r.doc));
  }

  updateDeployment(apiId: string, id: string, patch: unknown): DeploymentDoc {
    const next = applyPatch(this.deployment(apiId, id), patch, DEPLOYMENT_PATCH);
    this.store.putResource({ kind: APIGW.deployment, id: `${apiId}/${id}`, parent: apiId, doc: next });
    return visibleDeployment(next);
  }

  deleteDeployment(apiId: string, id: string): void {
    this.deployment(apiId, id);
    const using = this.store.resources<StageDoc>(APIGW.stage, apiId).filter((s) => s.doc.deploymentId === id);
    if (using.length > 0) throw bad(`Active stages pointing to this deployment must be moved or deleted: ${using.map((s) => s.doc.stageName).join(', ')}`);
    this.store.deleteResource(APIGW.deployment, `${apiId}/${id}`);
  }

  private deployment(apiId: string, id: string): DeploymentDoc {
    this.api(apiId);
    const doc = this.store.resource<DeploymentDoc>(APIGW.deployment, `${apiId}/${id}`)?.doc;
    if (!doc) throw notFound('Invalid Deployment identifier specified');
    return doc;
  }

  // ---- stages (and their method settings)

  createStage(call: AwsCall, apiId: string, body: Json): StageDoc {
    const api = this.api(apiId);
    const input = shaped(body, SHAPES.stage);
    const stageName = input['stageName'];
    if (typeof stageName !== 'string' || !STAGE_NAME.test(stageName)) throw bad('Stage name only allows a-zA-Z0-9_- and must be 1 to 128 characters.');
    this.deployment(apiId, String(input['deploymentId']));
    if (this.store.resource(APIGW.stage, `${apiId}/${stageName}`)) throw conflict('Stage already exists');
    const now = this.seconds();
    const { tags, ...members } = input;
    const doc: StageDoc = {
      ...pick(members, ['description', 'cacheClusterSize', 'variables', 'documentationVersion', 'clientCertificateId']),
      stageName, deploymentId: String(input['deploymentId']), cacheClusterEnabled: members['cacheClusterEnabled'] === true, cacheClusterStatus: members['cacheClusterEnabled'] === true ? 'AVAILABLE' : 'NOT_AVAILABLE',
      methodSettings: {}, tracingEnabled: members['tracingEnabled'] === true, createdDate: now, lastUpdatedDate: now,
    };
    void call;
    this.store.transaction(() => {
      this.putStageDoc(apiId, doc);
      if (tags && Object.keys(tags as Json).length > 0) this.store.tag(this.stageArn(api, stageName), tags as Record<string, string>);
    });
    return this.getStage(apiId, stageName);
  }

  getStage(apiId: string, name: string): StageDoc {
    const api = this.api(apiId);
    const doc = this.stage(apiId, name);
    return { ...doc, tags: this.store.tags(this.stageArn(api, name)) };
  }

  getStages(apiId: string): StageDoc[] {
    this.api(apiId);
    return this.store.resources<StageDoc>(APIGW.stage, apiId).map((r) => this.getStage(apiId, r.doc.stageName));
  }

  /** UpdateStage: the stage's own members, and method settings under `/<resource path>/<method>/<setting>`. */
  updateStage(apiId: string, name: string, patch: unknown): StageDoc {
    const current = this.stage(apiId, name);
    if (!Array.isArray(patch)) throw bad('patchOperations must be a list of {op, path, value}');
    const own: unknown[] = [];
    let settings = { ...current.methodSettings };
    for (const op of patch as Json[]) {
      const setting = typeof op?.['path'] === 'string' ? methodSettingPath(op['path'] as string) : undefined;
      if (!setting) {
        own.push(op);
        continue;
      }
      if (op['op'] === 'remove' && setting.field === undefined) {
        const { [setting.key]: _gone, ...rest } = settings;
        settings = rest;
        continue;
      }
      if (setting.field === undefined) throw bad(`Invalid method setting path: ${String(op['path']).slice(0, 128)}`);
      const [field, kind] = setting.field;
      const value = convertSetting(op['value'], kind, String(op['path']));
      settings = { ...settings, [setting.key]: { ...(settings[setting.key] ?? DEFAULT_METHOD_SETTING), [field]: value } };
    }
    const patched = applyPatch(current, own, STAGE_PATCH);
    const accessLog = patched.accessLogSettings as Json | undefined;
    if (accessLog !== undefined && typeof accessLog !== 'object') {
      const { accessLogSettings: _gone, ...rest } = patched;
      return this.finishStage(apiId, { ...(rest as StageDoc), methodSettings: settings });
    }
    return this.finishStage(apiId, { ...patched, methodSettings: settings });
  }

  deleteStage(apiId: string, name: string): void {
    const api = this.api(apiId);
    this.stage(apiId, name);
    this.store.transaction(() => {
      this.store.deleteResource(APIGW.stage, `${apiId}/${name}`);
      this.store.untag(this.stageArn(api, name));
    });
  }

  private finishStage(apiId: string, doc: StageDoc): StageDoc {
    this.deployment(apiId, doc.deploymentId);
    this.putStageDoc(apiId, { ...doc, cacheClusterStatus: doc.cacheClusterEnabled ? 'AVAILABLE' : 'NOT_AVAILABLE', lastUpdatedDate: this.seconds() });
    return this.getStage(apiId, doc.stageName);
  }

  private stage(apiId: string, name: string): StageDoc {
    this.api(apiId);
    const doc = this.store.resource<StageDoc>(APIGW.stage, `${apiId}/${name}`)?.doc;
    if (!doc) throw notFound('Invalid stage identifier specified');
    return doc;
  }

  private putStageDoc(apiId: string, doc: StageDoc): void {
    this.store.putResource({ kind: APIGW.stage, id: `${apiId}/${doc.stageName}`, parent: apiId, doc });
  }

  // ---- the web ACL of a stage (WAF's AssociateWebACL and DisassociateWebACL keep it on the stage)

  /** The stage an ARN names (`arn:aws:apigateway:<region>::/restapis/<id>/stages/<name>`), if the twin has it. */
  private stageOfArn(arn: string): { apiId: string; doc: StageDoc } | undefined {
    const m = /^arn:aws[a-z-]*:apigateway:([a-z0-9-]+)::\/restapis\/([a-z0-9]+)\/stages\/([A-Za-z0-9_-]+)$/.exec(arn);
    const api = m ? this.store.resource<RestApiDoc>(APIGW.api, m[2])?.doc : undefined;
    if (!m || !api || api._region !== m[1]) return undefined;
    const doc = this.store.resource<StageDoc>(APIGW.stage, `${api.id}/${m[3]}`)?.doc;
    return doc ? { apiId: api.id, doc } : undefined;
  }

  /** What WAF needs of the stages it protects. */
  readonly wafResources = {
    webAclOf: (arn: string): string | null | undefined => {
      const stage = this.stageOfArn(arn);
      return stage ? stage.doc.webAclArn ?? null : undefined;
    },
    setWebAcl: (arn: string, webAclArn: string | undefined): void => {
      const stage = this.stageOfArn(arn);
      if (!stage) return;
      const { webAclArn: _old, ...rest } = stage.doc;
      this.putStageDoc(stage.apiId, webAclArn === undefined ? (rest as StageDoc) : { ...rest, webAclArn } as StageDoc);
    },
    protectedBy: (webAclArn: string): string[] =>
      this.store.resources<RestApiDoc>(APIGW.api).flatMap((api) =>
        this.store.resources<StageDoc>(APIGW.stage, api.doc.id).filter((s) => s.doc.webAclArn === webAclArn).map((s) => this.stageArn(api.doc, s.doc.stageName))),
  };

  // ---- gateway responses

  putGatewayResponse(apiId: string, type: string, input: Json): GatewayResponseDoc {
    this.api(apiId);
    if (!RESPONSE_TYPES.includes(type)) throw bad(`Invalid gateway response type specified: ${type.slice(0, 64)}`);
    const status = input['statusCode'];
    if (status !== undefined && !STATUS.test(String(status))) throw bad('Invalid status code specified: must be an HTTP status code 100-599');
    const doc: GatewayResponseDoc = { ...shaped(input, SHAPES.gatewayResponse), responseType: type, defaultResponse: false };
    this.store.putResource({ kind: APIGW.gatewayResponse, id: `${apiId}/${type}`, parent: apiId, doc });
    return doc;
  }

  /** A gateway response: the API's own, or API Gateway's built-in default for the type. */
  getGatewayResponse(apiId: string, type: string): GatewayResponseDoc {
    this.api(apiId);
    if (!RESPONSE_TYPES.includes(type)) throw notFound('Invalid gateway response type specified');
    return this.store.resource<GatewayResponseDoc>(APIGW.gatewayResponse, `${apiId}/${type}`)?.doc ?? { responseType: type, defaultResponse: true, responseParameters: {}, responseTemplates: { 'application/json': '{"message":$context.error.messageString}' } };
  }

  getGatewayResponses(apiId: string): GatewayResponseDoc[] {
    return RESPONSE_TYPES.map((t) => this.getGatewayResponse(apiId, t));
  }

  updateGatewayResponse(apiId: string, type: string, patch: unknown): GatewayResponseDoc {
    const next = applyPatch({ ...this.getGatewayResponse(apiId, type), defaultResponse: false }, patch, GATEWAY_RESPONSE_PATCH);
    this.store.putResource({ kind: APIGW.gatewayResponse, id: `${apiId}/${type}`, parent: apiId, doc: next });
    return next;
  }

  deleteGatewayResponse(apiId: string, type: string): void {
    this.api(apiId);
    if (!this.store.deleteResource(APIGW.gatewayResponse, `${apiId}/${type}`)) throw notFound('Invalid gateway response type specified');
  }

  // ---- tags and account

  /** The tags of an API or stage ARN (`arn:aws:apigateway:<region>::/restapis/<id>[/stages/<name>]`). */
  tagTarget(arn: string): string {
    const m = /^arn:aws[a-z-]*:apigateway:[a-z0-9-]+::\/restapis\/([a-z0-9]+)(?:\/stages\/([A-Za-z0-9_-]+))?$/.exec(arn);
    if (!m) throw bad(`Invalid resource ARN: ${arn.slice(0, 256)}`);
    const api = this.api(m[1]);
    if (m[2] !== undefined) {
      this.stage(api.id, m[2]);
      return this.stageArn(api, m[2]);
    }
    return this.apiArn(api);
  }

  tagResources(arn: string, tags: Record<string, string>): void {
    this.store.tag(arn, tags);
  }

  untagResources(arn: string, keys: readonly string[]): void {
    this.store.untag(arn, keys);
  }

  tagsOf(arn: string): Record<string, string> {
    return this.store.tags(arn);
  }

  getAccount(call: AwsCall): Json {
    const doc = this.store.resource<Json>(APIGW.account, call.region)?.doc ?? {};
    return { ...doc, throttleSettings: { burstLimit: 5000, rateLimit: 10000.0 }, features: [], apiKeyVersion: '4' };
  }

  updateAccount(call: AwsCall, patch: unknown): Json {
    const current = this.store.resource<Json>(APIGW.account, call.region)?.doc ?? {};
    const next = applyPatch(current, patch, ACCOUNT_PATCH);
    const arn = next['cloudwatchRoleArn'];
    if (arn !== undefined && !/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(String(arn))) throw bad('The role ARN is not well formed');
    this.store.putResource({ kind: APIGW.account, id: call.region, parent: null, doc: next });
    return this.getAccount(call);
  }

  private seconds(): number {
    return Math.floor(this.clock.now() / 1000);
  }
}

function join(parentPath: string, part: string): string {
  return parentPath === '/' ? `/${part}` : `${parentPath}/${part}`;
}

function pick(input: Json, keys: readonly string[]): Json {
  return Object.fromEntries(keys.filter((k) => input[k] !== undefined && input[k] !== null).map((k) => [k, input[k]]));
}

function visibleMethod(doc: MethodDoc): MethodDoc {
  const { _resourceId: _r, ...rest } = doc;
  return rest as MethodDoc;
}

function visibleDeployment(doc: DeploymentDoc): DeploymentDoc {
  const { _snapshot: _s, ...rest } = doc;
  return rest as DeploymentDoc;
}

function checkedIntegration(doc: IntegrationDoc): IntegrationDoc {
  if (!INTEGRATION_TYPES.includes(doc.type)) throw bad(`Invalid integration type specified. Valid options are ${INTEGRATION_TYPES.join(', ')}`);
  if (doc.type !== 'MOCK') {
    if (!doc.httpMethod) throw bad('Enumeration value for HttpMethod must be non-empty');
    if (!doc.uri) throw bad(`Invalid ${doc.type.startsWith('HTTP') ? 'HTTP endpoint' : 'ARN'} specified for URI`);
  }
  if (doc.type === 'HTTP' || doc.type === 'HTTP_PROXY') {
    let url: URL | undefined;
    try {
      url = new URL(String(doc.uri).replace(/\{[^}]+\}/g, 'x'));
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw bad('Invalid HTTP endpoint specified for URI');
  }
  const timeout = doc.timeoutInMillis;
  if (!Number.isInteger(timeout) || timeout < 50 || timeout > 29000) throw bad('Timeout should be between 50 ms and 29000 ms');
  return doc;
}

function checkedIntegrationResponse(doc: IntegrationResponseDoc): IntegrationResponseDoc {
  if (doc.selectionPattern !== undefined) {
    try {
      new RegExp(`^(?:${doc.selectionPattern})$`, 's');
    } catch {
      throw bad(`Invalid selection pattern specified: ${doc.selectionPattern.slice(0, 128)}`);
    }
  }
  return doc;
}

function checkedAuthorizer(doc: AuthorizerDoc): AuthorizerDoc {
  if (typeof doc.name !== 'string' || doc.name.trim() === '') throw bad('Invalid authorizer name specified. The name must be non-empty.');
  if (!AUTHORIZER_TYPES.includes(doc.type)) throw bad(`Invalid authorizer type specified. Valid options are ${AUTHORIZER_TYPES.join(', ')}`);
  if (doc.type === 'COGNITO_USER_POOLS') {
    if (!Array.isArray(doc.providerARNs) || doc.providerARNs.length === 0) throw bad('ProviderARNs need to be specified for a COGNITO_USER_POOLS authorizer.');
    for (const arn of doc.providerARNs) if (!/^arn:aws[a-z-]*:cognito-idp:[a-z0-9-]+:\d{12}:userpool\/[\w-]+_[0-9A-Za-z]+$/.test(String(arn))) throw bad(`Invalid provider ARN specified: ${String(arn).slice(0, 256)}`);
    if (doc.identitySource !== undefined && !HEADER_SOURCE.test(doc.identitySource)) throw bad('Invalid identity source specified: a COGNITO_USER_POOLS authorizer reads one header, method.request.header.<Name>.');
  }
  const ttl = doc.authorizerResultTtlInSeconds;
  if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 0 || ttl > 3600)) throw bad('Invalid authorizerResultTtlInSeconds: must be between 0 and 3600');
  if (doc.identityValidationExpression !== undefined) {
    try {
      new RegExp(doc.identityValidationExpression);
    } catch {
      throw bad('Invalid identity validation expression specified');
    }
  }
  return doc;
}

/** A method-setting patch path (`/*\/*\/throttling/rateLimit`, `/items~1{id}/GET/metrics/enabled`, or `/*\/*` alone). */
function methodSettingPath(path: string): { key: string; field?: readonly [keyof MethodSettingDoc, 'boolean' | 'integer' | 'number' | 'string'] } | undefined {
  const segments = path.slice(1).split('/');
  const isMethod = (s: string) => s === '*' || HTTP_METHODS.includes(s);
  if (segments.length === 2 && isMethod(segments[1]) && (segments[0] === '*' || segments[0].includes('~1') || /^[^~]+$/.test(segments[0])) && (segments[0] === '*') === (segments[1] === '*') && segments[0] !== '') {
    return { key: `${unescapePointer(segments[0])}/${segments[1]}` };
  }
  if (segments.length !== 4 || !isMethod(segments[1])) return undefined;
  const field = SETTING_PATHS[`${segments[2]}/${segments[3]}`];
  if (!field) return undefined;
  return { key: `${unescapePointer(segments[0])}/${segments[1]}`, field };
}

function convertSetting(value: unknown, kind: 'boolean' | 'integer' | 'number' | 'string', path: string): unknown {
  if (typeof value !== 'string') throw bad(`Invalid null value for patch path ${path}`);
  if (kind === 'string') return value;
  if (kind === 'boolean') {
    if (value !== 'true' && value !== 'false') throw bad(`Invalid boolean value '${value.slice(0, 64)}' for patch path ${path}`);
    return value === 'true';
  }
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || (kind === 'integer' && !Number.isInteger(n))) throw bad(`Invalid ${kind} value '${value.slice(0, 64)}' for patch path ${path}`);
  return n;
}
