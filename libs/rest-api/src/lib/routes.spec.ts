import { Match } from '@secure-api/testing';
import { FakeAuthorizer } from '../test/fake-authorizer';
import { expectInvalid, publicMock, synthApi } from '../test/helpers';
import { Integration } from './integration';
import type { RestApi } from './rest-api';
import type { RouteTable } from './routes';

const mock = Integration.mock();
const ref = (type: string, name: string, attr = 'id') => `\${${type}.${name}.${attr}}`;

describe('RestApi routes', () => {
  it('builds one resource per path segment, shared between routes, under the root', () => {
    const t = synthApi(() => ({
      routes: { 'GET /items': publicMock, 'POST /items': publicMock, 'GET /items/{id}': publicMock, 'GET /items/{id}/parts': publicMock },
    }));
    t.resourceCountIs('aws_api_gateway_resource', 3);
    const items = t.resource('aws_api_gateway_resource', { path_part: 'items' });
    expect(items.values['parent_id']).toBe(rootRef(t));
    const id = t.resource('aws_api_gateway_resource', { path_part: '{id}', parent_id: ref('aws_api_gateway_resource', items.name) });
    t.resource('aws_api_gateway_resource', { path_part: 'parts', parent_id: ref('aws_api_gateway_resource', id.name) });
    t.resourceCountIs('aws_api_gateway_method', 4);
    t.resource('aws_api_gateway_method', { http_method: 'POST', resource_id: ref('aws_api_gateway_resource', items.name) });
  });

  it('puts a route on the root path on the root resource', () => {
    const t = synthApi(() => ({ routes: { 'GET /': publicMock } }));
    t.resourceCountIs('aws_api_gateway_resource', 0);
    t.hasResourceProperties('aws_api_gateway_method', { http_method: 'GET', resource_id: rootRef(t) });
  });

  it('supports ANY and every other method', () => {
    const routes = Object.fromEntries(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'].map((m) => [`${m} /x`, publicMock])) as RouteTable;
    const t = synthApi(() => ({ routes }));
    expect(t.resources('aws_api_gateway_method').map((m) => m.values['http_method']).sort()).toEqual(['ANY', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);
  });

  it('declares path parameters, greedy ones included, as required method request parameters', () => {
    const t = synthApi(() => ({ routes: { 'GET /a/{id}/b/{rest+}': publicMock } }));
    t.hasResourceProperties('aws_api_gateway_method', { request_parameters: { 'method.request.path.id': true, 'method.request.path.rest': true } });
    t.hasResourceProperties('aws_api_gateway_resource', { path_part: '{rest+}' });
  });

  it('gives construct ids that follow the path, whatever the order of the table', () => {
    let paths: string[] = [];
    synthApi(() => ({ routes: { 'GET /b': publicMock, 'GET /a/{id}': publicMock, 'GET /a': publicMock } }), (api) => {
      paths = api.node.findAll().map((c) => c.node.path).filter((p) => p.endsWith('/Resource') && p.includes('Routes'));
    });
    expect(paths).toEqual(['test/Api/Routes/a/Resource', 'test/Api/Routes/a/GET/Resource', 'test/Api/Routes/a/{id}/Resource', 'test/Api/Routes/a/{id}/GET/Resource', 'test/Api/Routes/b/Resource', 'test/Api/Routes/b/GET/Resource']);
  });

  it('lists the routes and the public ones with their reasons', () => {
    let api: RestApi | undefined;
    synthApi(
      (stack) => ({ defaultAuthorizer: new FakeAuthorizer(stack, 'Auth'), routes: { 'GET /health': { integration: mock, public: 'load balancer health check' }, 'GET /items': { integration: mock } } }),
      (a) => (api = a),
    );
    expect(api?.routes).toEqual(['GET /health', 'GET /items']);
    expect(api?.publicRoutes).toEqual({ 'GET /health': 'load balancer health check' });
  });
});

describe('RestApi authorization (deny by default)', () => {
  it('uses the default authorizer on every route that is not public', () => {
    const t = synthApi((stack) => ({ defaultAuthorizer: new FakeAuthorizer(stack, 'Auth'), routes: { 'GET /a': { integration: mock }, 'POST /b': { integration: mock } } }));
    const authorizer = t.resource('aws_api_gateway_authorizer');
    for (const m of t.resources('aws_api_gateway_method')) {
      expect(m.values).toMatchObject({ authorization: 'COGNITO_USER_POOLS', authorizer_id: ref('aws_api_gateway_authorizer', authorizer.name) });
      expect(m.values['authorization_scopes']).toBeUndefined();
    }
  });

  it('binds each authorizer once per API, and not at all when no route uses it', () => {
    let used: FakeAuthorizer | undefined;
    let unused: FakeAuthorizer | undefined;
    const t = synthApi((stack) => {
      used = new FakeAuthorizer(stack, 'Used');
      unused = new FakeAuthorizer(stack, 'Unused');
      return { routes: { 'GET /a': { integration: mock, authorizer: used }, 'GET /b': { integration: mock, authorizer: used }, 'GET /c': publicMock } };
    });
    expect(used?.binds).toBe(1);
    expect(unused?.binds).toBe(0);
    t.resourceCountIs('aws_api_gateway_authorizer', 1);
  });

  it('lets a route name its own authorizer instead of the default', () => {
    const t = synthApi((stack) => ({
      defaultAuthorizer: new FakeAuthorizer(stack, 'Default'),
      routes: { 'GET /iam': { integration: mock, authorizer: new FakeAuthorizer(stack, 'Iam', 'AWS_IAM') }, 'GET /a': { integration: mock } },
    }));
    t.hasResourceProperties('aws_api_gateway_method', { http_method: 'GET', authorization: 'AWS_IAM', authorizer_id: Match.absent() });
    t.hasResourceProperties('aws_api_gateway_method', { authorization: 'COGNITO_USER_POOLS', authorizer_id: Match.anyValue() });
  });

  it('leaves a public route without authorization, even with a default authorizer', () => {
    const t = synthApi((stack) => ({ defaultAuthorizer: new FakeAuthorizer(stack, 'Auth'), routes: { 'GET /health': { integration: mock, public: 'health check' } } }));
    t.hasResourceProperties('aws_api_gateway_method', { authorization: 'NONE', authorizer_id: Match.absent() });
    t.resourceCountIs('aws_api_gateway_authorizer', 0);
  });

  it('sets authorization scopes on a route with a Cognito authorizer', () => {
    const t = synthApi((stack) => ({ defaultAuthorizer: new FakeAuthorizer(stack, 'Auth', 'COGNITO_USER_POOLS', ['orders/write', 'orders/admin']), routes: { 'POST /orders': { integration: mock, authorizationScopes: ['orders/write', 'orders/admin'] } } }));
    t.hasResourceProperties('aws_api_gateway_method', { authorization: 'COGNITO_USER_POOLS', authorization_scopes: ['orders/write', 'orders/admin'] });
  });

  it('checks scopes at synth, so a scope defined after the API is declared is accepted', () => {
    const t = synthApi(
      (stack) => ({ defaultAuthorizer: new FakeAuthorizer(stack, 'Auth'), routes: { 'POST /orders': { integration: mock, authorizationScopes: ['orders/write'] } } }),
      (_api, stack) => (stack.node.findChild('Auth') as FakeAuthorizer).knownScopes.push('orders/write'),
    );
    t.hasResourceProperties('aws_api_gateway_method', { authorization_scopes: ['orders/write'] });
  });

  it('throws when a method has no authorizer and is not marked public', () => {
    expectInvalid(() => synthApi(() => ({ routes: { 'GET /items': { integration: mock } } })), 'routes["GET /items"]', /test\/Api: invalid routes\["GET \/items"\] "GET \/items": has no authorizer and is not marked public.*defaultAuthorizer/);
  });

  it('throws when a method scope is one the authorizer cannot grant (checked at synth)', () => {
    expectInvalid(
      () => synthApi((stack) => ({ defaultAuthorizer: new FakeAuthorizer(stack, 'Auth', 'COGNITO_USER_POOLS', ['orders/read']), routes: { 'POST /orders': { integration: mock, authorizationScopes: ['orders/write'] } } })),
      'authorizationScopes',
      /test\/Api\/Routes\/orders\/POST: invalid authorizationScopes "orders\/write"/,
    );
  });

  it('throws when a public route gives no reason', () => {
    expectInvalid(() => synthApi(() => ({ routes: { 'GET /a': { integration: mock, public: ' ' } } })), 'routes["GET /a"].public', /must say why the route is public/);
  });

  it('throws when a public route also names an authorizer', () => {
    expectInvalid(() => synthApi((stack) => ({ routes: { 'GET /a': { integration: mock, public: 'why', authorizer: new FakeAuthorizer(stack, 'A') } } })), 'routes["GET /a"].authorizer', /is set on a public route/);
  });

  it('throws when a public route has scopes', () => {
    expectInvalid(() => synthApi(() => ({ routes: { 'GET /a': { integration: mock, public: 'why', authorizationScopes: ['x/y'] } } })), 'routes["GET /a"].authorizationScopes', /public route/);
  });

  it('throws when scopes are set with an authorizer other than COGNITO_USER_POOLS', () => {
    expectInvalid(
      () => synthApi((stack) => ({ defaultAuthorizer: new FakeAuthorizer(stack, 'Iam', 'AWS_IAM'), routes: { 'GET /a': { integration: mock, authorizationScopes: ['x/y'] } } })),
      'routes["GET /a"].authorizationScopes',
      /need a COGNITO_USER_POOLS authorizer, but the route's authorizer is AWS_IAM/,
    );
  });

  it('throws when a scope is not a scope name', () => {
    expectInvalid(
      () => synthApi((stack) => ({ defaultAuthorizer: new FakeAuthorizer(stack, 'Auth'), routes: { 'GET /a': { integration: mock, authorizationScopes: ['orders write'] } } })),
      'routes["GET /a"].authorizationScopes[0]',
      /is not a scope name/,
    );
  });
});

describe('RestApi route table validation', () => {
  const invalidKeys: [string, RegExp][] = [
    ['GET/items', /is not "<METHOD> <path>"/],
    ['GET  /items', /is not "<METHOD> <path>"/],
    ['get /items', /unknown method "get".*upper case: "GET \/items"/],
    ['FETCH /items', /unknown method "FETCH".*use one of GET, POST/],
    ['GET items', /does not start with "\/"/],
    ['GET /items/', /ending in "\/".*"GET \/items"/],
    ['GET /items//parts', /empty path segment/],
    ['GET /items?x=1', /characters API Gateway refuses/],
    ['GET /it ems', /is not "<METHOD> <path>"/],
    ['GET /{proxy+}/parts', /greedy parameter \{proxy\+\} before the last segment/],
    ['GET /{id}/x/{id}', /names the path parameter "id" twice/],
    ['GET /{}', /characters API Gateway refuses/],
    ['GET /a/Resource', /reserves for its methods/],
  ];
  it.each(invalidKeys)('throws when the route key is %s', (key, message) => {
    expectInvalid(() => synthApi(() => ({ routes: { [key]: publicMock } as RouteTable })), `routes[${JSON.stringify(key)}]`, message);
  });

  it('throws when two routes are the same method on the same resource', () => {
    expectInvalid(() => synthApi(() => ({ routes: { 'GET /items/{id}': publicMock, 'GET /items/{itemId}': publicMock } })), 'routes["GET /items/{itemId}"]', /duplicates the route "GET \/items\/\{id\}"/);
  });

  it('throws when sibling parameter segments have different names', () => {
    expectInvalid(() => synthApi(() => ({ routes: { 'GET /items/{id}': publicMock, 'DELETE /items/{itemId}': publicMock } })), 'routes["DELETE /items/{itemId}"]', /has the parameter segment \{itemId\} where "GET \/items\/\{id\}" has \{id\}.*one parameter segment per level/);
  });

  it('throws when a greedy parameter sits beside another parameter', () => {
    expectInvalid(() => synthApi(() => ({ routes: { 'GET /files/{name}': publicMock, 'GET /files/{proxy+}': publicMock } })), 'routes["GET /files/{proxy+}"]', /one parameter segment per level/);
  });

  it('throws when the table is empty', () => {
    expectInvalid(() => synthApi(() => ({ routes: {} })), 'routes', /has no route/);
  });

  it('throws when a route has no integration', () => {
    expectInvalid(() => synthApi(() => ({ routes: { 'GET /a': { public: 'x' } } as unknown as RouteTable })), 'routes["GET /a"]', /has no integration/);
  });
});

/** The reference to the API's root resource id. */
function rootRef(t: { resource(type: string): { name: string } }): string {
  return ref('aws_api_gateway_rest_api', t.resource('aws_api_gateway_rest_api').name, 'root_resource_id');
}
