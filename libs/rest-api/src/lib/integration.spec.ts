import { Template, Match } from '@secure-api/testing';
import { Duration, ValidationError } from '@secure-api/core';
import { FakeAuthorizer } from '../test/fake-authorizer';
import { expectInvalid, synthApi } from '../test/helpers';
import { Integration } from './integration';
import { RestApi } from './rest-api';

const FN = 'arn:aws:lambda:eu-west-1:123456789012:function:orders';
const route = (integration: Integration, key = 'GET /x/{id}') => synthApi(() => ({ routes: { [key]: { integration, public: 'test' } } }));

describe('Integration.mock', () => {
  it('answers 200 with the JSON body through a request template, a method response and an integration response', () => {
    const t = route(Integration.mock({ body: { hello: 'world', n: 1 } }));
    t.hasResourceProperties('aws_api_gateway_integration', {
      type: 'MOCK',
      request_templates: { 'application/json': '{"statusCode": 200}' },
      passthrough_behavior: 'NEVER',
      uri: Match.absent(),
    });
    const methodResponse = t.resource('aws_api_gateway_method_response', { status_code: '200', response_parameters: Match.absent() });
    t.hasResourceProperties('aws_api_gateway_integration_response', {
      status_code: Template.ref(methodResponse, 'status_code'),
      selection_pattern: Match.absent(),
      response_templates: { 'application/json': '{"hello":"world","n":1}' },
      response_parameters: Match.absent(),
    });
  });

  it('defaults to an empty JSON object', () => {
    route(Integration.mock()).hasResourceProperties('aws_api_gateway_integration_response', { response_templates: { 'application/json': '{}' } });
  });

  it('uses the given status code and static headers', () => {
    const t = route(Integration.mock({ statusCode: 201, body: [], headers: { 'Cache-Control': 'no-store' } }));
    t.hasResourceProperties('aws_api_gateway_integration', { request_templates: { 'application/json': '{"statusCode": 201}' } });
    t.hasResourceProperties('aws_api_gateway_method_response', { status_code: '201', response_parameters: { 'method.response.header.Cache-Control': true } });
    t.hasResourceProperties('aws_api_gateway_integration_response', { response_parameters: { 'method.response.header.Cache-Control': "'no-store'" }, response_templates: { 'application/json': '[]' } });
  });

  it('creates the integration response after the integration', () => {
    const t = route(Integration.mock());
    const integration = t.resource('aws_api_gateway_integration');
    t.hasResourceProperties('aws_api_gateway_integration_response', { depends_on: [integration.address] });
  });

  it('throws when the status code is not an HTTP status', () => {
    expectInvalid(() => route(Integration.mock({ statusCode: 42 })), 'routes["GET /x/{id}"].integration.statusCode', /is not an HTTP status code/);
  });

  it('throws when the body holds mapping-template syntax', () => {
    expectInvalid(() => route(Integration.mock({ body: { price: '$5' } })), 'routes["GET /x/{id}"].integration.body', /"\$" or "#"/);
    expectInvalid(() => route(Integration.mock({ body: { tag: '##x' } })), 'routes["GET /x/{id}"].integration.body', /mapping-template syntax/);
  });

  it('throws when the body cannot be serialized', () => {
    expectInvalid(() => route(Integration.mock({ body: () => 1 })), 'routes["GET /x/{id}"].integration.body', /cannot be serialized as JSON/);
    expectInvalid(() => route(Integration.mock({ body: { n: BigInt(1) } })), 'routes["GET /x/{id}"].integration.body', /cannot be serialized/);
  });

  it('throws when a header name or value is malformed', () => {
    expectInvalid(() => route(Integration.mock({ headers: { 'Bad Header': 'x' } })), 'routes["GET /x/{id}"].integration.headers', /is not a header name/);
    expectInvalid(() => route(Integration.mock({ headers: { 'X-A': "it's" } })), 'routes["GET /x/{id}"].integration.headers["X-A"]', /without quotes or line breaks/);
  });
});

describe('Integration.httpProxy', () => {
  it('passes the method through to the URL and maps the path parameters the URL names', () => {
    const t = route(Integration.httpProxy('https://files.example.com/{proxy}'), 'ANY /files/{proxy+}');
    t.hasResourceProperties('aws_api_gateway_integration', {
      type: 'HTTP_PROXY',
      integration_http_method: 'ANY',
      uri: 'https://files.example.com/{proxy}',
      request_parameters: { 'integration.request.path.proxy': 'method.request.path.proxy' },
      timeout_milliseconds: 29000,
    });
    t.hasResourceProperties('aws_api_gateway_method', { http_method: 'ANY', request_parameters: { 'method.request.path.proxy': true } });
    t.resourceCountIs('aws_api_gateway_method_response', 0);
    t.resourceCountIs('aws_api_gateway_integration_response', 0);
  });

  it('maps nothing when the URL names no parameter', () => {
    const t = route(Integration.httpProxy('https://api.example.com/items'), 'POST /items');
    t.hasResourceProperties('aws_api_gateway_integration', { integration_http_method: 'POST', request_parameters: Match.absent() });
  });

  it('takes a timeout as a Duration', () => {
    route(Integration.httpProxy('https://api.example.com/{id}', { timeout: Duration.seconds(5) })).hasResourceProperties('aws_api_gateway_integration', { timeout_milliseconds: 5000 });
    route(Integration.lambdaProxy(FN, { timeout: Duration.millis(750) })).hasResourceProperties('aws_api_gateway_integration', { timeout_milliseconds: 750 });
  });

  it('takes a timeout in milliseconds (deprecated)', () => {
    route(Integration.httpProxy('https://api.example.com/{id}', { timeoutMs: 5000 })).hasResourceProperties('aws_api_gateway_integration', { timeout_milliseconds: 5000 });
  });

  it('allows plain http only when asked to', () => {
    route(Integration.httpProxy('http://api.example.com/{id}', { allowInsecureHttp: true })).hasResourceProperties('aws_api_gateway_integration', { uri: 'http://api.example.com/{id}' });
  });

  it('throws when the URL is plain http without the opt-in', () => {
    expectInvalid(() => route(Integration.httpProxy('http://api.example.com/{id}')), 'routes["GET /x/{id}"].integration.url', /plain http.*allowInsecureHttp/);
  });

  it('throws when the URL is not absolute, has a fragment or an unusable scheme', () => {
    const prop = 'routes["GET /x/{id}"].integration.url';
    expectInvalid(() => route(Integration.httpProxy('/items/{id}')), prop, /not an absolute URL/);
    expectInvalid(() => route(Integration.httpProxy('https://a.example.com/{id}#x')), prop, /has a fragment/);
    expectInvalid(() => route(Integration.httpProxy('ftp://a.example.com/{id}')), prop, /scheme ftp:/);
  });

  it('throws when the URL names a parameter the route does not have', () => {
    expectInvalid(() => route(Integration.httpProxy('https://a.example.com/{proxy}')), 'routes["GET /x/{id}"].integration.url', /names \{proxy\}.*use one of the route's parameters: \{id\}/);
  });

  it('throws when the timeout is out of range', () => {
    expectInvalid(() => route(Integration.httpProxy('https://a.example.com', { timeoutMs: 30000 })), 'routes["GET /x/{id}"].integration.timeoutMs', /from 50 to 29000/);
    expectInvalid(() => route(Integration.httpProxy('https://a.example.com', { timeout: Duration.seconds(30) })), 'routes["GET /x/{id}"].integration.timeout', /"30 seconds": must be a whole number of seconds from 50 milliseconds to 29 seconds/);
    expectInvalid(() => route(Integration.httpProxy('https://a.example.com', { timeout: Duration.seconds(5), timeoutMs: 5000 })), 'routes["GET /x/{id}"].integration.timeoutMs', /is set together with routes\["GET \/x\/\{id\}"\]\.integration\.timeout/);
  });
});

describe('Integration.lambdaProxy', () => {
  it('invokes the function with POST through the region-specific invoke URI, and grants API Gateway the invoke from this stage, method and path only', () => {
    const t = route(Integration.lambdaProxy(FN), 'GET /orders/{id}');
    t.hasResourceProperties('aws_api_gateway_integration', {
      type: 'AWS_PROXY',
      integration_http_method: 'POST',
      uri: `arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/${FN}/invocations`,
      timeout_milliseconds: 29000,
    });
    const api = t.resource('aws_api_gateway_rest_api');
    t.hasResourceProperties('aws_lambda_permission', {
      action: 'lambda:InvokeFunction',
      function_name: FN,
      principal: 'apigateway.amazonaws.com',
      source_arn: `${Template.ref(api, 'execution_arn')}/v1/GET/orders/*`,
    });
  });

  it('grants every method for ANY (and the root path as "/"), still on the one stage', () => {
    const t = route(Integration.lambdaProxy(FN), 'ANY /');
    const api = t.resource('aws_api_gateway_rest_api');
    t.hasResourceProperties('aws_lambda_permission', { source_arn: `${Template.ref(api, 'execution_arn')}/v1/*/` });
  });

  it('takes a function resource, a timeout, and leaves the permission out when asked', () => {
    const t = route(Integration.lambdaProxy({ arn: FN }, { grantInvoke: false, timeoutMs: 3000 }));
    t.hasResourceProperties('aws_api_gateway_integration', { uri: Match.stringLike(/function:orders\/invocations$/), timeout_milliseconds: 3000 });
    t.resourceCountIs('aws_lambda_permission', 0);
  });

  it('throws when the function ARN is not a Lambda ARN', () => {
    expectInvalid(() => route(Integration.lambdaProxy('orders')), 'routes["GET /x/{id}"].integration.functionArn', /is not a Lambda function ARN/);
  });

  it("throws when the function's own timeout is above the 29 s integration limit; 29 s itself is allowed", () => {
    expectInvalid(() => route(Integration.lambdaProxy({ arn: FN, timeout: Duration.seconds(30) })), 'routes["GET /x/{id}"].integration.function.timeout', /is above API Gateway's 29 s integration limit.*Fix: set the function's timeout to at most Duration\.seconds\(29\)/);
    expect(() => route(Integration.lambdaProxy({ arn: FN, timeout: Duration.seconds(29) }))).not.toThrow();
  });

  it('throws when the timeout is out of range', () => {
    expectInvalid(() => route(Integration.lambdaProxy(FN, { timeoutMs: 10 })), 'routes["GET /x/{id}"].integration.timeoutMs', /from 50 to 29000/);
  });

  it('throws when the stack has no provider region to build the invoke URI from', () => {
    expect(() =>
      Template.synth((stack) => new RestApi(stack, 'Api', { routes: { 'GET /a': { integration: Integration.lambdaProxy(FN), public: 'x' } } })),
    ).toThrow(ValidationError);
  });
});

describe('integrations with a stage cache', () => {
  it('key the cache on the path parameters and, on protected routes, on the Authorization header', () => {
    const t = synthApi((stack) => ({
      defaultAuthorizer: new FakeAuthorizer(stack, 'Auth'),
      cache: {},
      routes: { 'GET /items/{id}': { integration: Integration.httpProxy('https://a.example.com/{id}') }, 'GET /public/{id}': { integration: Integration.mock(), public: 'x' } },
    }));
    t.hasResourceProperties('aws_api_gateway_integration', { type: 'HTTP_PROXY', cache_key_parameters: ['method.request.path.id', 'method.request.header.Authorization'] });
    t.hasResourceProperties('aws_api_gateway_method', { authorization: 'COGNITO_USER_POOLS', request_parameters: { 'method.request.path.id': true, 'method.request.header.Authorization': true } });
    t.hasResourceProperties('aws_api_gateway_integration', { type: 'MOCK', cache_key_parameters: ['method.request.path.id'] });
  });

  it('have no cache key without a cache', () => {
    route(Integration.httpProxy('https://a.example.com/{id}')).hasResourceProperties('aws_api_gateway_integration', { cache_key_parameters: Match.absent() });
  });
});
