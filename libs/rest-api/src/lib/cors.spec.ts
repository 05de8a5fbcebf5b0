import { Duration } from '@secure-api/core';
import { Match, Template } from '@secure-api/testing';
import { FakeAuthorizer } from '../test/fake-authorizer';
import { expectInvalid, publicMock, synthApi } from '../test/helpers';
import { Integration } from './integration';
import type { CorsOptions } from './options';
import type { RouteTable } from './routes';

const APP = 'https://app.example.com';
const withCors = (cors: CorsOptions, routes: RouteTable = { 'GET /items': publicMock }) =>
  synthApi((stack) => ({ cors, defaultAuthorizer: new FakeAuthorizer(stack, 'Auth'), routes }));

describe('RestApi CORS', () => {
  it('adds an unauthorized OPTIONS preflight on every path with routes, answering 204 with the allowed origin, methods and headers', () => {
    const t = withCors({ allowOrigins: [APP] }, { 'GET /items': { integration: Integration.mock() }, 'POST /items': { integration: Integration.mock() }, 'DELETE /items/{id}': { integration: Integration.mock() } });
    const preflights = t.resources('aws_api_gateway_method', { http_method: 'OPTIONS' });
    expect(preflights).toHaveLength(2);
    for (const p of preflights) expect(p.values).toMatchObject({ authorization: 'NONE' });
    t.hasResourceProperties('aws_api_gateway_integration', { http_method: Template.ref(preflights[0], 'http_method'), type: 'MOCK', request_templates: { 'application/json': '{"statusCode": 204}' } });
    t.hasResourceProperties('aws_api_gateway_method_response', {
      status_code: '204',
      response_parameters: Match.exact({
        'method.response.header.Access-Control-Allow-Headers': true,
        'method.response.header.Access-Control-Allow-Methods': true,
        'method.response.header.Access-Control-Allow-Origin': true,
      }),
    });
    const responses = t.resources('aws_api_gateway_integration_response', { status_code: Match.stringLike(/OPTIONS/) }).map((r) => r.values['response_parameters']);
    expect(responses).toEqual(
      expect.arrayContaining([
        { 'method.response.header.Access-Control-Allow-Headers': "'Authorization,Content-Type'", 'method.response.header.Access-Control-Allow-Methods': "'GET,POST,OPTIONS'", 'method.response.header.Access-Control-Allow-Origin': `'${APP}'` },
        { 'method.response.header.Access-Control-Allow-Headers': "'Authorization,Content-Type'", 'method.response.header.Access-Control-Allow-Methods': "'DELETE,OPTIONS'", 'method.response.header.Access-Control-Allow-Origin': `'${APP}'` },
      ]),
    );
    expect(responses).toHaveLength(2);
  });

  it('allows every method on a path with an ANY route', () => {
    const t = withCors({ allowOrigins: [APP] }, { 'ANY /items': { integration: Integration.mock() } });
    t.hasResourceProperties('aws_api_gateway_integration_response', { response_parameters: { 'method.response.header.Access-Control-Allow-Methods': "'GET,POST,PUT,PATCH,DELETE,HEAD,OPTIONS'" } });
  });

  it('adds the CORS headers to MOCK responses and to the 4XX and 5XX gateway responses', () => {
    const t = withCors({ allowOrigins: [APP] });
    t.hasResourceProperties('aws_api_gateway_method_response', { status_code: '200', response_parameters: { 'method.response.header.Access-Control-Allow-Origin': true } });
    t.hasResourceProperties('aws_api_gateway_integration_response', { response_parameters: { 'method.response.header.Access-Control-Allow-Origin': `'${APP}'` }, response_templates: { 'application/json': '{"ok":true}' } });
    for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX']) {
      t.hasResourceProperties('aws_api_gateway_gateway_response', {
        response_type: type,
        response_templates: { 'application/json': '{"message":$context.error.messageString}' },
        response_parameters: Match.exact({ 'gatewayresponse.header.Access-Control-Allow-Origin': `'${APP}'` }),
      });
    }
  });

  it('maxAge as a Duration', () => {
    withCors({ allowOrigins: [APP], maxAge: Duration.minutes(10) }).hasResourceProperties('aws_api_gateway_method_response', { response_parameters: { 'method.response.header.Access-Control-Max-Age': true } });
    expect(JSON.stringify(withCors({ allowOrigins: [APP], maxAge: Duration.minutes(10) }).json)).toContain(`"method.response.header.Access-Control-Max-Age":"'600'"`);
  });

  it('allowMethods, allowHeaders, allowCredentials and maxAgeSeconds (deprecated)', () => {
    const t = withCors({ allowOrigins: [APP], allowMethods: ['GET'], allowHeaders: ['Authorization', 'X-Request-Id'], allowCredentials: true, maxAgeSeconds: 600 });
    t.hasResourceProperties('aws_api_gateway_integration_response', {
      response_parameters: {
        'method.response.header.Access-Control-Allow-Methods': "'GET,OPTIONS'",
        'method.response.header.Access-Control-Allow-Headers': "'Authorization,X-Request-Id'",
        'method.response.header.Access-Control-Allow-Credentials': "'true'",
        'method.response.header.Access-Control-Max-Age': "'600'",
      },
    });
    t.hasResourceProperties('aws_api_gateway_gateway_response', { response_parameters: { 'gatewayresponse.header.Access-Control-Allow-Credentials': "'true'" } });
  });

  it('answers each of several origins with its own name, and varies on Origin', () => {
    const other = 'http://localhost:3000';
    const t = withCors({ allowOrigins: [APP, other] });
    const preflight = t.resources('aws_api_gateway_integration_response').find((r) => String(r.values['status_code']).includes('OPTIONS'));
    const template = (preflight?.values['response_templates'] as Record<string, string>)['application/json'];
    expect(template).toContain(`#if($origin == "${other}")`);
    expect(template).toContain('#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)');
    expect(preflight?.values['response_parameters']).toMatchObject({ 'method.response.header.Access-Control-Allow-Origin': `'${APP}'`, 'method.response.header.Vary': "'Origin'" });
    t.hasResourceProperties('aws_api_gateway_integration_response', { response_templates: { 'application/json': Match.stringLike(/#end\n\{"ok":true\}$/) } });
  });

  it('accepts the wildcard origin when written alone', () => {
    withCors({ allowOrigins: ['*'] }).hasResourceProperties('aws_api_gateway_gateway_response', { response_parameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': "'*'" } });
  });

  it('adds nothing without cors', () => {
    const t = synthApi(() => ({ routes: { 'GET /items': publicMock } }));
    t.resourceCountIs('aws_api_gateway_method', 1);
    t.hasResourceProperties('aws_api_gateway_method_response', { response_parameters: Match.absent() });
  });

  it('throws when allowOrigins is empty', () => {
    expectInvalid(() => withCors({ allowOrigins: [] }), 'cors.allowOrigins', /is empty/);
  });

  it('throws when an origin has a path, a trailing slash or is not a URL', () => {
    expectInvalid(() => withCors({ allowOrigins: ['https://app.example.com/'] }), 'cors.allowOrigins[0]', /is not an origin.*"https:\/\/app.example.com"/);
    expectInvalid(() => withCors({ allowOrigins: ['https://app.example.com/cb'] }), 'cors.allowOrigins[0]', /no path/);
    expectInvalid(() => withCors({ allowOrigins: ['app.example.com'] }), 'cors.allowOrigins[0]', /is not an origin/);
  });

  it('throws when an origin is plain http for a host other than localhost', () => {
    expectInvalid(() => withCors({ allowOrigins: ['http://app.example.com'] }), 'cors.allowOrigins[0]', /http for a host other than localhost.*https:\/\/app.example.com/);
  });

  it('throws when the wildcard is mixed with origins or with credentials', () => {
    expectInvalid(() => withCors({ allowOrigins: [APP, '*'] }), 'cors.allowOrigins[1]', /contradictory/);
    expectInvalid(() => withCors({ allowOrigins: ['*'], allowCredentials: true }), 'cors.allowOrigins[0]', /allowCredentials/);
  });

  it('throws when a method or header is malformed', () => {
    expectInvalid(() => withCors({ allowOrigins: [APP], allowMethods: ['ANY' as never] }), 'cors.allowMethods[0]', /is not an HTTP method/);
    expectInvalid(() => withCors({ allowOrigins: [APP], allowHeaders: ['X Y'] }), 'cors.allowHeaders[0]', /is not a header name/);
  });

  it('throws when maxAgeSeconds is out of range', () => {
    expectInvalid(() => withCors({ allowOrigins: [APP], maxAgeSeconds: 86401 }), 'cors.maxAgeSeconds', /from 0 to 86400/);
    expectInvalid(() => withCors({ allowOrigins: [APP], maxAge: Duration.hours(25) }), 'cors.maxAge', /"25 hours": must be a whole number of hours from 0 seconds to 1 day/);
    expectInvalid(() => withCors({ allowOrigins: [APP], maxAge: Duration.minutes(1), maxAgeSeconds: 60 }), 'cors.maxAgeSeconds', /is set together with cors\.maxAge/);
  });

  it('throws when a route is an OPTIONS route', () => {
    expectInvalid(() => withCors({ allowOrigins: [APP] }, { 'OPTIONS /items': publicMock }), 'routes["OPTIONS /items"]', /collides with the CORS preflight/);
  });
});
