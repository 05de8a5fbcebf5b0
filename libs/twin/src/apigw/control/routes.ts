import { AwsError } from '../../aws/errors';
import type { RestReply, RestService } from '../../aws/front';
import { restRoute, restRouter, type RestRoute } from '../../aws/rest-router';
import type { ApiGatewayControl } from './service';
import { shaped, SHAPES } from './shapes';

type Json = Record<string, unknown>;
const ok = (body: unknown): RestReply => ({ status: 200, body });
const created = (body: unknown): RestReply => ({ status: 201, body });
const accepted: RestReply = { status: 202 };
const noContent: RestReply = { status: 204 };
const items = (list: unknown[]): RestReply => ok({ item: list });

/** The data plane's long invoke form, `/restapis/<api>/<stage>/_user_request_/...`, is the gateway's, not the control plane's. */
const USER_REQUEST = /^\/restapis\/[^/]+\/[^/]+\/_user_request_(\/|$)/;

/**
 * API Gateway's control plane over REST-JSON: `/restapis/...`, `/tags/{arn}` and `/account`, each route named by the
 * operation it is (`CreateRestApi`, `PutMethod`, ...). Status codes as the service model says: 201 for create and put,
 * 202 for most deletes, 204 (no body) for method, integration and tag deletes.
 */
export function apiGatewayRestService(control: ApiGatewayControl): RestService {
  const c = control;
  const r = restRoute;
  const M = '/restapis/{api}/resources/{resource}/methods/{verb}';
  const routes: RestRoute[] = [
    r('POST', '/restapis', 'CreateRestApi', (_p, b, _q, call) => created(c.createRestApi(call, b, { id: call.reuse?.['id'], rootId: call.reuse?.['rootId'] }))),
    r('GET', '/restapis', 'GetRestApis', () => items(c.getRestApis())),
    r('GET', '/restapis/{api}', 'GetRestApi', (p) => ok(c.getRestApi(p['api']))),
    r('PATCH', '/restapis/{api}', 'UpdateRestApi', (p, b) => ok(c.updateRestApi(p['api'], b['patchOperations']))),
    r('DELETE', '/restapis/{api}', 'DeleteRestApi', (p) => (c.deleteRestApi(p['api']), accepted)),
    r('GET', '/restapis/{api}/resources', 'GetResources', (p) => items(c.getResources(p['api']))),
    r('POST', '/restapis/{api}/resources/{resource}', 'CreateResource', (p, b, _q, call) => created(c.createResource(p['api'], p['resource'], b, call.reuse?.['id']))),
    r('GET', '/restapis/{api}/resources/{resource}', 'GetResource', (p) => ok(c.getResource(p['api'], p['resource']))),
    r('PATCH', '/restapis/{api}/resources/{resource}', 'UpdateResource', (p, b) => ok(c.updateResource(p['api'], p['resource'], b['patchOperations']))),
    r('DELETE', '/restapis/{api}/resources/{resource}', 'DeleteResource', (p) => (c.deleteResource(p['api'], p['resource']), accepted)),
    r('PUT', M, 'PutMethod', (p, b) => created(c.putMethod(p['api'], p['resource'], p['verb'], b))),
    r('GET', M, 'GetMethod', (p) => ok(c.getMethod(p['api'], p['resource'], p['verb']))),
    r('PATCH', M, 'UpdateMethod', (p, b) => ok(c.updateMethod(p['api'], p['resource'], p['verb'], b['patchOperations']))),
    r('DELETE', M, 'DeleteMethod', (p) => (c.deleteMethod(p['api'], p['resource'], p['verb']), noContent)),
    r('PUT', `${M}/responses/{status}`, 'PutMethodResponse', (p, b) => created(c.putMethodResponse(p['api'], p['resource'], p['verb'], p['status'], b))),
    r('GET', `${M}/responses/{status}`, 'GetMethodResponse', (p) => ok(c.getMethodResponse(p['api'], p['resource'], p['verb'], p['status']))),
    r('PATCH', `${M}/responses/{status}`, 'UpdateMethodResponse', (p, b) => ok(c.updateMethodResponse(p['api'], p['resource'], p['verb'], p['status'], b['patchOperations']))),
    r('DELETE', `${M}/responses/{status}`, 'DeleteMethodResponse', (p) => (c.deleteMethodResponse(p['api'], p['resource'], p['verb'], p['status']), noContent)),
    r('PUT', `${M}/integration`, 'PutIntegration', (p, b) => created(c.putIntegration(p['api'], p['resource'], p['verb'], b))),
    r('GET', `${M}/integration`, 'GetIntegration', (p) => ok(c.getIntegration(p['api'], p['resource'], p['verb']))),
    r('PATCH', `${M}/integration`, 'UpdateIntegration', (p, b) => ok(c.updateIntegration(p['api'], p['resource'], p['verb'], b['patchOperations']))),
    r('DELETE', `${M}/integration`, 'DeleteIntegration', (p) => (c.deleteIntegration(p['api'], p['resource'], p['verb']), noContent)),
    r('PUT', `${M}/integration/responses/{status}`, 'PutIntegrationResponse', (p, b) => created(c.putIntegrationResponse(p['api'], p['resource'], p['verb'], p['status'], b))),
    r('GET', `${M}/integration/responses/{status}`, 'GetIntegrationResponse', (p) => ok(c.getIntegrationResponse(p['api'], p['resource'], p['verb'], p['status']))),
    r('PATCH', `${M}/integration/responses/{status}`, 'UpdateIntegrationResponse', (p, b) => ok(c.updateIntegrationResponse(p['api'], p['resource'], p['verb'], p['status'], b['patchOperations']))),
    r('DELETE', `${M}/integration/responses/{status}`, 'DeleteIntegrationResponse', (p) => (c.deleteIntegrationResponse(p['api'], p['resource'], p['verb'], p['status']), noContent)),
    r('POST', '/restapis/{api}/authorizers', 'CreateAuthorizer', (p, b, _q, call) => created(c.createAuthorizer(p['api'], b, call.reuse?.['id']))),
    r('GET', '/restapis/{api}/authorizers', 'GetAuthorizers', (p) => items(c.getAuthorizers(p['api']))),
    r('GET', '/restapis/{api}/authorizers/{id}', 'GetAuthorizer', (p) => ok(c.getAuthorizer(p['api'], p['id']))),
    r('PATCH', '/restapis/{api}/authorizers/{id}', 'UpdateAuthorizer', (p, b) => ok(c.updateAuthorizer(p['api'], p['id'], b['patchOperations']))),
    r('DELETE', '/restapis/{api}/authorizers/{id}', 'DeleteAuthorizer', (p) => (c.deleteAuthorizer(p['api'], p['id']), accepted)),
    r('POST', '/restapis/{api}/deployments', 'CreateDeployment', (p, b, _q, call) => created(c.createDeployment(call, p['api'], b, call.reuse?.['id']))),
    r('GET', '/restapis/{api}/deployments', 'GetDeployments', (p) => items(c.getDeployments(p['api']))),
    r('GET', '/restapis/{api}/deployments/{id}', 'GetDeployment', (p) => ok(c.getDeployment(p['api'], p['id']))),
    r('PATCH', '/restapis/{api}/deployments/{id}', 'UpdateDeployment', (p, b) => ok(c.updateDeployment(p['api'], p['id'], b['patchOperations']))),
    r('DELETE', '/restapis/{api}/deployments/{id}', 'DeleteDeployment', (p) => (c.deleteDeployment(p['api'], p['id']), accepted)),
    r('POST', '/restapis/{api}/stages', 'CreateStage', (p, b, _q, call) => created(c.createStage(call, p['api'], b))),
    r('GET', '/restapis/{api}/stages', 'GetStages', (p) => ok({ item: c.getStages(p['api']) })),
    r('GET', '/restapis/{api}/stages/{stage}', 'GetStage', (p) => ok(c.getStage(p['api'], p['stage']))),
    r('PATCH', '/restapis/{api}/stages/{stage}', 'UpdateStage', (p, b) => ok(c.updateStage(p['api'], p['stage'], b['patchOperations']))),
    r('DELETE', '/restapis/{api}/stages/{stage}', 'DeleteStage', (p) => (c.deleteStage(p['api'], p['stage']), accepted)),
    r('PUT', '/restapis/{api}/gatewayresponses/{type}', 'PutGatewayResponse', (p, b) => created(c.putGatewayResponse(p['api'], p['type'], b))),
    r('GET', '/restapis/{api}/gatewayresponses', 'GetGatewayResponses', (p) => items(c.getGatewayResponses(p['api']))),
    r('GET', '/restapis/{api}/gatewayresponses/{type}', 'GetGatewayResponse', (p) => ok(c.getGatewayResponse(p['api'], p['type']))),
    r('PATCH', '/restapis/{api}/gatewayresponses/{type}', 'UpdateGatewayResponse', (p, b) => ok(c.updateGatewayResponse(p['api'], p['type'], b['patchOperations']))),
    r('DELETE', '/restapis/{api}/gatewayresponses/{type}', 'DeleteGatewayResponse', (p) => (c.deleteGatewayResponse(p['api'], p['type']), accepted)),
    r('PUT', '/tags/{arn}', 'TagResource', (p, b) => (c.tagTarget(p['arn']) && tagResource(c, p['arn'], b), noContent)),
    r('DELETE', '/tags/{arn}', 'UntagResource', (p, _b, q) => (untagResource(c, p['arn'], q.getAll('tagKeys')), noContent)),
    r('GET', '/tags/{arn}', 'GetTags', (p) => ok({ tags: tagsOf(c, p['arn']) })),
    r('GET', '/account', 'GetAccount', (_p, _b, _q, call) => ok(c.getAccount(call))),
    r('PATCH', '/account', 'UpdateAccount', (_p, b, _q, call) => ok(c.updateAccount(call, b['patchOperations']))),
  ];

  return {
    signingName: 'apigateway',
    bodyLimit: 10 * 1024 * 1024,
    handles: (path) => (path === '/restapis' || path.startsWith('/restapis/') || path.startsWith('/tags/') || path === '/account') && !USER_REQUEST.test(path),
    ...restRouter('API Gateway', routes),
  };
}

function tagResource(c: ApiGatewayControl, arn: string, body: Json): boolean {
  const { tags } = shaped(body, SHAPES.tags);
  if (tags === undefined) throw new AwsError('BadRequestException', 'tags must be a map of strings');
  c.tagResources(c.tagTarget(arn), tags as Record<string, string>);
  return true;
}

function untagResource(c: ApiGatewayControl, arn: string, keys: string[]): void {
  c.untagResources(c.tagTarget(arn), keys);
}

function tagsOf(c: ApiGatewayControl, arn: string): Record<string, string> {
  return c.tagsOf(c.tagTarget(arn));
}
