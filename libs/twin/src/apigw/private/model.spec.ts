import { StackError } from '../../stack/stack-model';
import { gatewayContext, type FixtureOptions } from '../../test-support';
import { GatewayModels } from './model';
import { runMock } from './integrations';

type Resources = Record<string, Record<string, Record<string, unknown>>>;

/** The fixture's REST API loaded into a fresh store, and the gateway model built from that store. */
async function built(edit?: (r: Resources) => void, options: FixtureOptions = {}) {
  const { ctx } = await gatewayContext({ ...options, edit });
  const models = new GatewayModels({ store: ctx.store, pools: ctx.pools, clock: ctx.clock });
  const resolve = (ref: string) => ctx.stack.resolve<string>(`\${${ref}}`, 'test');
  return { ctx, models, model: models.current(), resolve };
}

describe('the gateway model, built from what the stack loader put in the store', () => {
  it('registers ids in AWS formats, ARNs and the invoke URL as Terraform computes them', async () => {
    const { model, resolve } = await built();
    const apiId = resolve('aws_api_gateway_rest_api.Api.id');
    expect(apiId).toMatch(/^[a-z0-9]{10}$/);
    expect(model.apis.get(apiId)?.name).toBe('fixture-api');
    expect(resolve('aws_api_gateway_rest_api.Api.root_resource_id')).toMatch(/^[a-z0-9]{10}$/);
    expect(resolve('aws_api_gateway_rest_api.Api.execution_arn')).toBe(`arn:aws:execute-api:eu-west-1:123456789012:${apiId}`);
    expect(resolve('aws_api_gateway_resource.Item.id')).toMatch(/^[a-z0-9]{6}$/);
    expect(resolve('aws_api_gateway_resource.Item.path')).toBe('/items/{id}');
    expect(resolve('aws_api_gateway_authorizer.Auth.arn')).toMatch(new RegExp(`^arn:aws:apigateway:eu-west-1::/restapis/${apiId}/authorizers/[a-z0-9]{6}$`));
    expect(resolve('aws_api_gateway_stage.Dev.invoke_url')).toBe(`https://${apiId}.execute-api.eu-west-1.amazonaws.com/dev`);
    expect(resolve('aws_api_gateway_stage.Dev.execution_arn')).toBe(`arn:aws:execute-api:eu-west-1:123456789012:${apiId}/dev`);
    expect(resolve('aws_cloudwatch_log_group.Logs.arn')).toBe('arn:aws:logs:eu-west-1:123456789012:log-group:/aws/apigateway/fixture');
  });

  it('serves each stage the deployment it points at: a change to the API is not served until it is deployed', async () => {
    const { ctx, models, model } = await built();
    const [api] = model.apis.values();
    const before = api.stages.get('dev');
    expect(before?.resources.size).toBeGreaterThan(0);
    const { APIGW } = await import('../control/docs');
    const method = ctx.store.resources<Record<string, unknown>>(APIGW.method, api.id).find((m) => m.doc['httpMethod'] === 'GET');
    ctx.store.deleteResource(APIGW.method, String(method?.id));
    const after = models.current();
    expect(after).not.toBe(model);
    expect(after.apis.get(api.id)?.stages.get('dev')?.resources.size).toBe(before?.resources.size);
  });

  it('reads throttling, access-log format, X-Ray and stage variables', async () => {
    const { model } = await built();
    const stage = [...model.apis.values()][0].stages.get('dev');
    expect(stage).toMatchObject({ xray: true, variables: { greeting: 'hi' }, accessLogFormat: expect.stringContaining('$context.requestId') });
    expect(stage?.throttle.limitsFor('/public', 'GET')).toEqual({ rate: 1000, burst: 2000 });
  });

  it('warns about what it does not emulate', async () => {
    const { model } = await built((r) => {
      r['aws_api_gateway_method']['PublicGet']['authorization'] = 'AWS_IAM';
      r['aws_api_gateway_integration']['RootGet']['request_templates'] = { 'application/json': '#set($x = 1){"statusCode": 200}' };
      r['aws_api_gateway_authorizer']['Auth']['provider_arns'] = ['${aws_cognito_user_pool.Pool.arn}', 'arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Elsewhere'];
    });
    expect(model.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/stage dev: GET \/public: authorization AWS_IAM is not emulated/),
        expect.stringMatching(/stage dev: GET \/ integration: the application\/json template uses #set/),
        expect.stringMatching(/eu-west-1_Elsewhere is not a user pool of the twin/),
      ]),
    );
  });

  describe('refuses a stack AWS would refuse, naming the resource and AWS error', () => {
    const cases: [string, (r: Resources) => void, RegExp][] = [
      ['an unknown parent', (r) => void (r['aws_api_gateway_resource']['Item']['parent_id'] = 'nope'), /aws_api_gateway_resource\.Item: AWS would refuse this resource at apply time with NotFoundException: Invalid Resource identifier specified/],
      ['a parent cycle', (r) => void (r['aws_api_gateway_resource']['Items']['parent_id'] = '${aws_api_gateway_resource.Item.id}'), /form a cycle/],
      ['a bad path part', (r) => void (r['aws_api_gateway_resource']['Items']['path_part'] = 'a/b'), /aws_api_gateway_resource\.Items: .*BadRequestException: Resource's path part only allow/],
      ['two path variables at one level', (r) => void (r['aws_api_gateway_resource']['ItemsSpecial']['path_part'] = '{other}'), /already has a variable path part -- only one is allowed/],
      ['a child under a greedy variable', (r) => void (r['aws_api_gateway_resource']['Lambda']['parent_id'] = '${aws_api_gateway_resource.Proxy.id}'), /greedy path variable/],
      ['a duplicate stage', (r) => void (r['aws_api_gateway_stage']['Dev2'] = { ...r['aws_api_gateway_stage']['Dev'] }), /aws_api_gateway_stage\.Dev2: .*ConflictException: Stage already exists/],
      ['a bad selection pattern', (r) => void (r['aws_api_gateway_integration_response']['ItemGet404']['selection_pattern'] = '4(('), /Invalid selection pattern specified: 4\(\(/],
      ['an authorizer without provider ARNs', (r) => void (r['aws_api_gateway_authorizer']['Auth']['provider_arns'] = []), /ProviderARNs need to be specified/],
      ['a TTL over 3600', (r) => void (r['aws_api_gateway_authorizer']['Auth']['authorizer_result_ttl_in_seconds'] = 7200), /authorizerResultTtlInSeconds: must be between 0 and 3600/],
      ['an identity source that is not a header', (r) => void (r['aws_api_gateway_authorizer']['Auth']['identity_source'] = 'method.request.querystring.token'), /Invalid identity source specified/],
      ['a Cognito method without authorizer', (r) => void delete r['aws_api_gateway_method']['ItemsGet']['authorizer_id'], /aws_api_gateway_method\.ItemsGet: .*Invalid authorizer ID specified/],
      ['an unknown integration type', (r) => void (r['aws_api_gateway_integration']['PublicGet']['type'] = 'SOAP'), /Invalid integration type specified/],
      ['an HTTP_PROXY URI that is not http(s)', (r) => void (r['aws_api_gateway_integration']['BackendAny']['uri'] = 'ftp://x/{proxy}'), /Invalid HTTP endpoint specified for URI/],
      ['a method on an unknown HTTP verb', (r) => void (r['aws_api_gateway_method']['PublicGet']['http_method'] = 'BREW'), /aws_api_gateway_method\.PublicGet: .*BadRequestException/],
      ['an integration without its method', (r) => void (r['aws_api_gateway_integration']['PublicGet']['http_method'] = 'POST'), /aws_api_gateway_integration\.PublicGet: .*NotFoundException: Invalid Method identifier specified/],
      ['a method without integration, deployed', (r) => void (delete r['aws_api_gateway_integration']['ItemsSpecialGet'], delete r['aws_api_gateway_integration_response']['ItemsSpecialGet']), /aws_api_gateway_deployment\.Deployment: .*No integration defined for method GET/],
      ['a stage on an unknown deployment', (r) => void (r['aws_api_gateway_stage']['Dev']['deployment_id'] = 'abc'), /aws_api_gateway_stage\.Dev: .*Invalid Deployment identifier specified/],
    ];
    it.each(cases)('%s', async (_what, edit, message) => {
      const failure = await built(edit).then(() => undefined, (err: unknown) => err);
      expect(failure).toBeInstanceOf(StackError);
      expect((failure as Error).message).toMatch(message);
    });
  });

  it('MOCK: answers API_CONFIGURATION_ERROR when no integration response matches and none is the default', async () => {
    const { model } = await built((r) => {
      r['aws_api_gateway_integration_response']['ItemGet']['selection_pattern'] = '2\\d\\d';
    });
    const stage = [...model.apis.values()][0].stages.get('dev');
    const resource = [...(stage?.resources.values() ?? [])].find((x) => x.path === '/items/{id}');
    const method = resource?.methods.get('GET');
    if (!method?.integration) throw new Error('fixture lacks GET /items/{id}');
    const req = { httpMethod: 'GET', path: '/items/1', rawQuery: 'code=302', query: { code: '302' }, multiQuery: {}, headers: {}, body: Buffer.alloc(0), pathParams: { id: '1' }, stageVariables: {}, context: {} };
    expect(runMock(method, method.integration, req)).toMatchObject({ kind: 'error', type: 'API_CONFIGURATION_ERROR' });
    expect(runMock(method, method.integration, { ...req, query: { code: '404' } })).toMatchObject({ kind: 'response', statusCode: 404 });
    expect(runMock(method, method.integration, { ...req, query: { code: '201' } })).toMatchObject({ kind: 'response', statusCode: 200 });
    expect(runMock(method, method.integration, { ...req, query: { code: 'abc' } })).toMatchObject({ kind: 'error', type: 'API_CONFIGURATION_ERROR' });
  });
});
