import type { TwinContext } from '../../contracts';
import { StackError, StackModel } from '../../stack/stack-model';
import { FakePool, TestClock, poolDirectory, fixtureStack } from '../../test-support';
import { runMock } from './integrations';
import { buildGatewayModel } from './model';

type Json = Record<string, Record<string, Record<string, unknown>>>;

let pool: FakePool;
beforeAll(async () => {
  pool = await FakePool.create('eu-west-1_Fixture01', () => 'http://127.0.0.1:4566');
});

function context(mutate: (resources: Json) => void = () => undefined, base: () => string = () => 'http://127.0.0.1:4566'): TwinContext {
  const json = fixtureStack() as { resource: Json };
  mutate(json.resource);
  const stack = new StackModel(json, 'fixture');
  stack.register('aws_cognito_user_pool.Pool', { id: pool.id, arn: pool.arn });
  return { stack, clock: new TestClock(), baseUrl: base, pools: poolDirectory([pool]), warnings: [] };
}

const resolveIn = (ctx: TwinContext, ref: string) => ctx.stack.resolve<string>(`\${${ref}}`, 'test');

describe('building the gateway from the stack', () => {
  it('registers ids in AWS formats, ARNs and the stage invoke URL in twin form', () => {
    const ctx = context();
    const model = buildGatewayModel(ctx);
    const apiId = resolveIn(ctx, 'aws_api_gateway_rest_api.Api.id');
    expect(apiId).toMatch(/^[a-z0-9]{10}$/);
    expect(model.apis.get(apiId)?.name).toBe('fixture-api');
    expect(resolveIn(ctx, 'aws_api_gateway_rest_api.Api.root_resource_id')).toMatch(/^[a-z0-9]{10}$/);
    expect(resolveIn(ctx, 'aws_api_gateway_rest_api.Api.execution_arn')).toBe(`arn:aws:execute-api:eu-west-1:123456789012:${apiId}`);
    expect(resolveIn(ctx, 'aws_api_gateway_resource.Item.id')).toMatch(/^[a-z0-9]{6}$/);
    expect(resolveIn(ctx, 'aws_api_gateway_resource.Item.path')).toBe('/items/{id}');
    expect(resolveIn(ctx, 'aws_api_gateway_authorizer.Auth.arn')).toMatch(new RegExp(`^arn:aws:apigateway:eu-west-1::/restapis/${apiId}/authorizers/[a-z0-9]{6}$`));
    expect(resolveIn(ctx, 'aws_api_gateway_stage.Dev.invoke_url')).toBe(`http://127.0.0.1:4566/${apiId}/dev`);
    expect(resolveIn(ctx, 'aws_api_gateway_stage.Dev.execution_arn')).toBe(`arn:aws:execute-api:eu-west-1:123456789012:${apiId}/dev`);
    expect(resolveIn(ctx, 'aws_cloudwatch_log_group.Logs.arn')).toBe('arn:aws:logs:eu-west-1:123456789012:log-group:/aws/apigateway/fixture');
    expect(ctx.stack.resolve(ctx.stack.outputs()['invoke_url'].value, 'output')).toBe(`http://127.0.0.1:4566/${apiId}/dev`);
  });

  it('registers the AWS-form invoke URL while the base URL is not known yet, and the twin form again later', () => {
    const state: { base?: string } = {};
    const ctx = context(undefined, () => {
      if (!state.base) throw new Error('not listening yet');
      return state.base;
    });
    const model = buildGatewayModel(ctx);
    const apiId = resolveIn(ctx, 'aws_api_gateway_rest_api.Api.id');
    expect(resolveIn(ctx, 'aws_api_gateway_stage.Dev.invoke_url')).toBe(`https://${apiId}.execute-api.eu-west-1.amazonaws.com/dev`);
    state.base = 'http://127.0.0.1:9999';
    for (const [address, attrs] of model.attributes) ctx.stack.register(address, attrs(ctx.baseUrl()));
    expect(resolveIn(ctx, 'aws_api_gateway_stage.Dev.invoke_url')).toBe(`http://127.0.0.1:9999/${apiId}/dev`);
  });

  it('keeps ids stable across builds', () => {
    expect(resolveIn(((c) => (buildGatewayModel(c), c))(context()), 'aws_api_gateway_resource.Item.id')).toBe(
      resolveIn(((c) => (buildGatewayModel(c), c))(context()), 'aws_api_gateway_resource.Item.id'),
    );
  });

  it('reads throttling, access-log format, X-Ray and stage variables', () => {
    const ctx = context();
    const api = [...buildGatewayModel(ctx).apis.values()][0];
    const stage = api.stages.get('dev');
    expect(stage).toMatchObject({ xray: true, variables: { greeting: 'hi' }, accessLogFormat: expect.stringContaining('$context.requestId') });
    expect(stage?.throttle.limitsFor('/public', 'GET')).toEqual({ rate: 1000, burst: 2000 });
  });

  it('warns about what it does not emulate, once', () => {
    const ctx = context((r) => {
      r['aws_api_gateway_method']['PublicGet']['authorization'] = 'AWS_IAM';
      r['aws_api_gateway_integration']['RootGet']['request_templates'] = { 'application/json': '#set($x = 1){"statusCode": 200}' };
      r['aws_api_gateway_authorizer']['Auth']['provider_arns'] = ['${aws_cognito_user_pool.Pool.arn}', 'arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Elsewhere'];
      delete r['aws_api_gateway_integration']['ItemsSpecialGet'];
      delete r['aws_api_gateway_integration_response']['ItemsSpecialGet'];
    });
    buildGatewayModel(ctx);
    expect(ctx.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/aws_api_gateway_method\.PublicGet: authorization AWS_IAM is not emulated/),
        expect.stringMatching(/aws_api_gateway_integration\.RootGet: the application\/json template uses #set/),
        expect.stringMatching(/eu-west-1_Elsewhere is not a user pool of this stack/),
        expect.stringMatching(/aws_api_gateway_method\.ItemsSpecialGet: GET \/items\/special has no integration/),
      ]),
    );
  });

  describe('refuses a stack AWS would refuse, naming the resource', () => {
    const cases: [string, (r: Json) => void, RegExp][] = [
      ['an unknown parent', (r) => void (r['aws_api_gateway_resource']['Item']['parent_id'] = 'nope'), /aws_api_gateway_resource\.Item: parent_id "nope" is not a resource/],
      ['a parent cycle', (r) => void (r['aws_api_gateway_resource']['Items']['parent_id'] = '${aws_api_gateway_resource.Item.id}'), /forms a cycle/],
      ['a bad path part', (r) => void (r['aws_api_gateway_resource']['Items']['path_part'] = 'a/b'), /aws_api_gateway_resource\.Items: path_part "a\/b"/],
      ['two path variables at one level', (r) => void (r['aws_api_gateway_resource']['ItemsSpecial']['path_part'] = '{other}'), /already has a path variable child/],
      ['a child under a greedy variable', (r) => void (r['aws_api_gateway_resource']['Lambda']['parent_id'] = '${aws_api_gateway_resource.Proxy.id}'), /greedy path variable/],
      ['a duplicate stage', (r) => void (r['aws_api_gateway_stage']['Dev2'] = { ...r['aws_api_gateway_stage']['Dev'] }), /already has a stage named "dev"/],
      ['a bad selection pattern', (r) => void (r['aws_api_gateway_integration_response']['ItemGet404']['selection_pattern'] = '4(('), /selection_pattern "4\(\(" is not a valid regular expression/],
      ['an authorizer without provider ARNs', (r) => void (r['aws_api_gateway_authorizer']['Auth']['provider_arns'] = []), /needs provider_arns/],
      ['a TTL over 3600', (r) => void (r['aws_api_gateway_authorizer']['Auth']['authorizer_result_ttl_in_seconds'] = 7200), /outside 0\.\.3600/],
      ['an identity source that is not a header', (r) => void (r['aws_api_gateway_authorizer']['Auth']['identity_source'] = 'method.request.querystring.token'), /is not a request header/],
      ['a Cognito method without authorizer', (r) => void delete r['aws_api_gateway_method']['ItemsGet']['authorizer_id'], /aws_api_gateway_method\.ItemsGet: authorization COGNITO_USER_POOLS needs authorizer_id/],
      ['an unknown integration type', (r) => void (r['aws_api_gateway_integration']['PublicGet']['type'] = 'SOAP'), /integration type "SOAP"/],
      ['an HTTP_PROXY URI that is not http(s)', (r) => void (r['aws_api_gateway_integration']['BackendAny']['uri'] = 'ftp://x/{proxy}'), /is not an http\(s\) URL/],
      ['a method on an unknown HTTP verb', (r) => void (r['aws_api_gateway_method']['PublicGet']['http_method'] = 'BREW'), /http_method "BREW"/],
      ['an integration without its method', (r) => void (r['aws_api_gateway_integration']['PublicGet']['http_method'] = 'POST'), /there is no aws_api_gateway_method POST on \/public/],
      ['a stage on an unknown deployment', (r) => void (r['aws_api_gateway_stage']['Dev']['deployment_id'] = 'abc'), /deployment_id "abc"/],
    ];
    it.each(cases)('%s', (_what, mutate, message) => {
      const ctx = context(mutate);
      expect(() => buildGatewayModel(ctx)).toThrow(StackError);
      expect(() => buildGatewayModel(context(mutate))).toThrow(message);
    });
  });

  it('MOCK: answers API_CONFIGURATION_ERROR when no integration response matches and none is the default', () => {
    const ctx = context((r) => {
      r['aws_api_gateway_integration_response']['ItemGet']['selection_pattern'] = '2\\d\\d';
    });
    const api = [...buildGatewayModel(ctx).apis.values()][0];
    const resource = [...api.resources.values()].find((x) => x.path === '/items/{id}');
    const method = resource?.methods.get('GET');
    if (!method?.integration) throw new Error('fixture lacks GET /items/{id}');
    const req = { httpMethod: 'GET', path: '/items/1', rawQuery: 'code=302', query: { code: '302' }, multiQuery: {}, headers: {}, body: Buffer.alloc(0), pathParams: { id: '1' }, stageVariables: {}, context: {} };
    expect(runMock(method, method.integration, req)).toMatchObject({ kind: 'error', type: 'API_CONFIGURATION_ERROR' });
    expect(runMock(method, method.integration, { ...req, query: { code: '404' } })).toMatchObject({ kind: 'response', statusCode: 404 });
    expect(runMock(method, method.integration, { ...req, query: { code: '201' } })).toMatchObject({ kind: 'response', statusCode: 200 });
    expect(runMock(method, method.integration, { ...req, query: { code: 'abc' } })).toMatchObject({ kind: 'error', type: 'API_CONFIGURATION_ERROR' });
  });
});
