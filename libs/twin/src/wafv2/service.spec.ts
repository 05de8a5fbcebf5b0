import { emptyTwinForSuite } from '../test-support';
import { jsonCall, signedCall } from '../test-support/signed';

// AWS WAF (v2) as terraform-provider-aws calls it for aws_wafv2_web_acl, aws_wafv2_web_acl_association and
// aws_wafv2_web_acl_logging_configuration: AWS's shapes, optimistic locking, and AWS's errors for bad input (never a 5xx).
jest.setTimeout(30_000);

type Json = Record<string, any>;

const twin = emptyTwinForSuite();

const call = (operation: string, body: unknown, service: 'wafv2' | 'logs' = 'wafv2'): Promise<{ status: number; json: Json }> => jsonCall(twin(), service, operation, body);

async function ok(operation: string, body: unknown, service: 'wafv2' | 'logs' = 'wafv2'): Promise<Json> {
  const res = await call(operation, body, service);
  expect(res).toMatchObject({ status: 200 });
  return res.json;
}

async function apigw(method: string, path: string, body?: unknown): Promise<Json> {
  const res = await signedCall(twin(), { service: 'apigateway', method, path, body: body === undefined ? undefined : JSON.stringify(body), contentType: 'application/json' });
  expect(res.status).toBeLessThan(300);
  return res.text === '' ? {} : res.json();
}

const visibility = (name: string) => ({ SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: name });
const RATE = { Name: 'rate-limit-per-ip', Priority: 1, Action: { Block: {} }, Statement: { RateBasedStatement: { Limit: 2000, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } }, VisibilityConfig: visibility('rate') };
const SIZE = {
  Name: 'body-size-limit', Priority: 2, Action: { Block: {} },
  Statement: { SizeConstraintStatement: { ComparisonOperator: 'GT', Size: 8192, FieldToMatch: { Body: { OversizeHandling: 'MATCH' } }, TextTransformations: [{ Priority: 0, Type: 'NONE' }] } },
  VisibilityConfig: visibility('size'),
};
const MANAGED = { Name: 'AWS-AWSManagedRulesCommonRuleSet', Priority: 20, OverrideAction: { None: {} }, Statement: { ManagedRuleGroupStatement: { Name: 'AWSManagedRulesCommonRuleSet', VendorName: 'AWS' } }, VisibilityConfig: visibility('common') };
const acl = (name: string, extra: Json = {}) => ({ Name: name, Scope: 'REGIONAL', DefaultAction: { Allow: {} }, VisibilityConfig: visibility(name), Rules: [RATE, SIZE, MANAGED], ...extra });

/** A REST API with one MOCK method and a stage, made through API Gateway's control plane; answers the stage's ARN. */
async function stage(name: string): Promise<string> {
  const api = await apigw('POST', '/restapis', { name, endpointConfiguration: { types: ['REGIONAL'] } });
  await apigw('PUT', `/restapis/${api.id}/resources/${api.rootResourceId}/methods/GET`, { authorizationType: 'NONE' });
  await apigw('PUT', `/restapis/${api.id}/resources/${api.rootResourceId}/methods/GET/integration`, { type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } });
  const deployment = await apigw('POST', `/restapis/${api.id}/deployments`, {});
  await apigw('POST', `/restapis/${api.id}/stages`, { stageName: 'dev', deploymentId: deployment.id });
  return `arn:aws:apigateway:eu-west-1::/restapis/${api.id}/stages/dev`;
}

describe('web ACLs', () => {
  it('CreateWebACL answers the summary; GetWebACL answers the ACL as sent, with its ARN, id, capacity, label namespace and lock token', async () => {
    const made = (await ok('CreateWebACL', { ...acl('api-one'), Description: 'the API', Tags: [{ Key: 'env', Value: 'test' }] })).Summary;
    expect(made).toEqual({ Name: 'api-one', Id: expect.stringMatching(/^[0-9a-f-]{36}$/), ARN: `arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/api-one/${made.Id}`, LockToken: expect.any(String), Description: 'the API' });
    const got = await ok('GetWebACL', { Name: 'api-one', Scope: 'REGIONAL', Id: made.Id });
    expect(got).toEqual({
      LockToken: made.LockToken,
      WebACL: {
        Name: 'api-one', Id: made.Id, ARN: made.ARN, Description: 'the API', DefaultAction: { Allow: {} }, VisibilityConfig: visibility('api-one'), Rules: [RATE, SIZE, MANAGED],
        // WCUs: rate-based 2, size constraint 1, the common rule set 700.
        Capacity: 703, ManagedByFirewallManager: false, RetrofittedByFirewallManager: false, LabelNamespace: 'awswaf:123456789012:webacl:api-one:',
      },
    });
    expect(await ok('GetWebACL', { ARN: made.ARN })).toEqual(got);
    expect(await ok('ListTagsForResource', { ResourceARN: made.ARN })).toEqual({ TagInfoForResource: { ResourceARN: made.ARN, TagList: [{ Key: 'env', Value: 'test' }] } });
    expect((await ok('ListWebACLs', { Scope: 'REGIONAL' })).WebACLs).toContainEqual(made);
  });

  it('UpdateWebACL needs the current lock token and answers the next one; DeleteWebACL too', async () => {
    const made = (await ok('CreateWebACL', acl('api-lock'))).Summary;
    const changed = { ...RATE, Statement: { RateBasedStatement: { Limit: 500, AggregateKeyType: 'IP', EvaluationWindowSec: 60 } } };
    const update = { Name: 'api-lock', Scope: 'REGIONAL', Id: made.Id, DefaultAction: { Block: {} }, VisibilityConfig: visibility('api-lock'), Rules: [changed] };
    const next = (await ok('UpdateWebACL', { ...update, LockToken: made.LockToken })).NextLockToken;
    expect(next).not.toBe(made.LockToken);
    const got = await ok('GetWebACL', { Name: 'api-lock', Scope: 'REGIONAL', Id: made.Id });
    expect(got).toMatchObject({ LockToken: next, WebACL: { DefaultAction: { Block: {} }, Rules: [changed], Capacity: 2 } });
    expect(got.WebACL.Description).toBeUndefined();
    expect(await call('UpdateWebACL', { ...update, LockToken: made.LockToken })).toMatchObject({ status: 400, json: { __type: 'WAFOptimisticLockException', message: expect.stringContaining('changed since you last retrieved it') } });
    expect(await call('DeleteWebACL', { Name: 'api-lock', Scope: 'REGIONAL', Id: made.Id, LockToken: made.LockToken })).toMatchObject({ json: { __type: 'WAFOptimisticLockException' } });
    await ok('DeleteWebACL', { Name: 'api-lock', Scope: 'REGIONAL', Id: made.Id, LockToken: next });
    expect(await call('GetWebACL', { Name: 'api-lock', Scope: 'REGIONAL', Id: made.Id })).toMatchObject({ status: 400, json: { __type: 'WAFNonexistentItemException' } });
    expect(await call('DeleteWebACL', { Name: 'api-lock', Scope: 'REGIONAL', Id: made.Id, LockToken: next })).toMatchObject({ json: { __type: 'WAFNonexistentItemException' } });
  });

  it('tags: TagResource and UntagResource change them; an unknown ARN is WAFNonexistentItemException', async () => {
    const made = (await ok('CreateWebACL', { ...acl('api-tags'), Tags: [{ Key: 'a', Value: '1' }] })).Summary;
    await ok('TagResource', { ResourceARN: made.ARN, Tags: [{ Key: 'b', Value: '2' }, { Key: 'a', Value: '3' }] });
    await ok('UntagResource', { ResourceARN: made.ARN, TagKeys: ['b'] });
    expect((await ok('ListTagsForResource', { ResourceARN: made.ARN })).TagInfoForResource.TagList).toEqual([{ Key: 'a', Value: '3' }]);
    const unknown = made.ARN.replace(/[0-9a-f]{12}$/, '000000000000');
    expect(await call('ListTagsForResource', { ResourceARN: unknown })).toMatchObject({ json: { __type: 'WAFNonexistentItemException' } });
    expect(await call('TagResource', { ResourceARN: 'arn:aws:wafv2:eu-west-1:123456789012:nothing', Tags: [] })).toMatchObject({ json: { __type: 'WAFInvalidParameterException', message: expect.stringContaining('field: RESOURCE_ARN') } });
  });

  it('refuses a duplicate name and an unknown id', async () => {
    await ok('CreateWebACL', acl('api-dup'));
    expect(await call('CreateWebACL', acl('api-dup'))).toMatchObject({ status: 400, json: { __type: 'WAFDuplicateItemException' } });
    expect(await call('GetWebACL', { Name: 'api-dup', Scope: 'REGIONAL', Id: '00000000-0000-4000-8000-000000000000' })).toMatchObject({ json: { __type: 'WAFNonexistentItemException' } });
  });

  it.each([
    ['no default action', { DefaultAction: undefined }, "Value null at 'defaultAction'"],
    ['two default actions', { DefaultAction: { Allow: {}, Block: {} } }, 'field: DEFAULT_ACTION'],
    ['a bad name', { Name: 'has space' }, "at 'name'|field: WEB_ACL"],
    ['a bad scope', { Scope: 'GLOBAL' }, 'field: SCOPE_VALUE'],
    ['CLOUDFRONT outside us-east-1', { Scope: 'CLOUDFRONT' }, 'field: SCOPE_VALUE'],
    ['no visibility config', { VisibilityConfig: undefined }, "Value null at 'visibilityConfig'"],
    ['a statement with two types', { Rules: [{ ...RATE, Statement: { RateBasedStatement: RATE.Statement.RateBasedStatement, SizeConstraintStatement: SIZE.Statement.SizeConstraintStatement } }] }, 'field: STATEMENT'],
    ['a rule without a statement', { Rules: [{ ...RATE, Statement: undefined }] }, 'field: STATEMENT'],
    ['a rate limit under 10', { Rules: [{ ...RATE, Statement: { RateBasedStatement: { Limit: 5, AggregateKeyType: 'IP' } } }] }, 'field: RATE_BASED_STATEMENT, parameter: 5'],
    ['an evaluation window of 30 s', { Rules: [{ ...RATE, Statement: { RateBasedStatement: { Limit: 100, AggregateKeyType: 'IP', EvaluationWindowSec: 30 } } }] }, 'field: RATE_BASED_STATEMENT, parameter: 30'],
    ['an unknown aggregate key', { Rules: [{ ...RATE, Statement: { RateBasedStatement: { Limit: 100, AggregateKeyType: 'COOKIE' } } }] }, 'field: RATE_BASED_STATEMENT, parameter: COOKIE'],
    ['FORWARDED_IP without its config', { Rules: [{ ...RATE, Statement: { RateBasedStatement: { Limit: 100, AggregateKeyType: 'FORWARDED_IP' } } }] }, 'field: FORWARDED_IP_CONFIG'],
    ['a size constraint without text transformations', { Rules: [{ ...SIZE, Statement: { SizeConstraintStatement: { ...SIZE.Statement.SizeConstraintStatement, TextTransformations: [] } } }] }, 'field: TEXT_TRANSFORMATION'],
    ['an unknown comparison', { Rules: [{ ...SIZE, Statement: { SizeConstraintStatement: { ...SIZE.Statement.SizeConstraintStatement, ComparisonOperator: 'BIGGER' } } }] }, 'field: SIZE_CONSTRAINT_STATEMENT, parameter: BIGGER'],
    ['two fields to match', { Rules: [{ ...SIZE, Statement: { SizeConstraintStatement: { ...SIZE.Statement.SizeConstraintStatement, FieldToMatch: { Body: {}, UriPath: {} } } } }] }, 'field: FIELD_TO_MATCH'],
    ['a bad oversize handling', { Rules: [{ ...SIZE, Statement: { SizeConstraintStatement: { ...SIZE.Statement.SizeConstraintStatement, FieldToMatch: { Body: { OversizeHandling: 'TRUNCATE' } } } } }] }, 'field: OVERSIZE_HANDLING'],
    ['a managed group with an Action', { Rules: [{ ...MANAGED, Action: { Block: {} } }] }, 'field: RULE_ACTION'],
    ['a managed group without an OverrideAction', { Rules: [{ ...MANAGED, OverrideAction: undefined }] }, 'field: OVERRIDE_ACTION'],
    ['a rule without an action', { Rules: [{ ...RATE, Action: undefined }] }, 'field: RULE_ACTION'],
    ['two priorities alike', { Rules: [RATE, { ...SIZE, Priority: 1 }] }, 'field: RULE'],
    ['a rule without visibility', { Rules: [{ ...RATE, VisibilityConfig: undefined }] }, 'field: METRIC_NAME'],
    ['rules that are not a list', { Rules: { rule: RATE } }, 'SerializationException'],
  ])('refuses %s with an AWS error naming the field', async (_what, change, message) => {
    const res = await call('CreateWebACL', { ...acl(`bad-${Math.random().toString(36).slice(2, 8)}`), ...change });
    expect(res.status).toBe(400);
    expect(`${res.json.__type} ${res.json.message}`).toMatch(new RegExp(message));
  });

  it('refuses two rules of one name as a duplicate', async () => {
    expect(await call('CreateWebACL', { ...acl('api-two-names'), Rules: [RATE, { ...SIZE, Name: RATE.Name }] })).toMatchObject({ json: { __type: 'WAFDuplicateItemException' } });
  });
});

describe('associations with REST API stages', () => {
  it('AssociateWebACL puts the ACL on the stage (GetStage answers webAclArn); GetWebACLForResource answers it; DisassociateWebACL takes it off', async () => {
    const stageArn = await stage('waf-assoc');
    const apiId = stageArn.split('/')[2];
    const made = (await ok('CreateWebACL', acl('api-assoc'))).Summary;
    expect(await ok('GetWebACLForResource', { ResourceArn: stageArn })).toEqual({});
    await ok('AssociateWebACL', { WebACLArn: made.ARN, ResourceArn: stageArn });
    expect((await apigw('GET', `/restapis/${apiId}/stages/dev`)).webAclArn).toBe(made.ARN);
    expect((await ok('GetWebACLForResource', { ResourceArn: stageArn })).WebACL).toMatchObject({ ARN: made.ARN, Name: 'api-assoc' });
    expect(await ok('ListResourcesForWebACL', { WebACLArn: made.ARN, ResourceType: 'API_GATEWAY' })).toEqual({ ResourceArns: [stageArn] });
    // A web ACL that protects a stage cannot be deleted.
    expect(await call('DeleteWebACL', { Name: 'api-assoc', Scope: 'REGIONAL', Id: made.Id, LockToken: made.LockToken })).toMatchObject({ json: { __type: 'WAFAssociatedItemException' } });
    await ok('DisassociateWebACL', { ResourceArn: stageArn });
    expect((await apigw('GET', `/restapis/${apiId}/stages/dev`)).webAclArn).toBeUndefined();
    expect(await ok('GetWebACLForResource', { ResourceArn: stageArn })).toEqual({});
    await ok('DeleteWebACL', { Name: 'api-assoc', Scope: 'REGIONAL', Id: made.Id, LockToken: made.LockToken });
  });

  it('refuses a stage that does not exist, an unknown web ACL and a resource type the twin does not protect', async () => {
    const made = (await ok('CreateWebACL', acl('api-assoc-bad'))).Summary;
    const stageArn = await stage('waf-assoc-bad');
    const missing = stageArn.replace(/stages\/dev$/, 'stages/nope');
    expect(await call('AssociateWebACL', { WebACLArn: made.ARN, ResourceArn: missing })).toMatchObject({ status: 400, json: { __type: 'WAFNonexistentItemException' } });
    expect(await call('AssociateWebACL', { WebACLArn: made.ARN.replace(/[0-9a-f]{12}$/, '000000000000'), ResourceArn: stageArn })).toMatchObject({ json: { __type: 'WAFNonexistentItemException' } });
    expect(await call('GetWebACLForResource', { ResourceArn: missing })).toMatchObject({ json: { __type: 'WAFNonexistentItemException' } });
    expect(await call('DisassociateWebACL', { ResourceArn: missing })).toMatchObject({ json: { __type: 'WAFNonexistentItemException' } });
    expect(await call('AssociateWebACL', { WebACLArn: made.ARN, ResourceArn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/x/y' })).toMatchObject({
      json: { __type: 'WAFInvalidParameterException', message: expect.stringContaining('REST API stages only') },
    });
    expect(await call('AssociateWebACL', { WebACLArn: made.ARN })).toMatchObject({ json: { __type: 'WAFInvalidParameterException', message: expect.stringContaining("'resourceArn'") } });
  });
});

describe('logging configurations', () => {
  it('PutLoggingConfiguration keeps the log group and the redacted fields (header names in lower case); Get answers it; Delete removes it', async () => {
    const made = (await ok('CreateWebACL', acl('api-logs'))).Summary;
    await ok('CreateLogGroup', { logGroupName: 'aws-waf-logs-api' }, 'logs');
    const group = 'arn:aws:logs:eu-west-1:123456789012:log-group:aws-waf-logs-api';
    const put = await ok('PutLoggingConfiguration', { LoggingConfiguration: { ResourceArn: made.ARN, LogDestinationConfigs: [group], RedactedFields: [{ SingleHeader: { Name: 'Authorization' } }, { UriPath: {} }] } });
    const expected = { ResourceArn: made.ARN, LogDestinationConfigs: [group], RedactedFields: [{ SingleHeader: { Name: 'authorization' } }, { UriPath: {} }], ManagedByFirewallManager: false, LogType: 'WAF_LOGS', LogScope: 'CUSTOMER' };
    expect(put).toEqual({ LoggingConfiguration: expected });
    expect(await ok('GetLoggingConfiguration', { ResourceArn: made.ARN })).toEqual({ LoggingConfiguration: expected });
    await ok('DeleteLoggingConfiguration', { ResourceArn: made.ARN });
    expect(await call('GetLoggingConfiguration', { ResourceArn: made.ARN })).toMatchObject({ json: { __type: 'WAFNonexistentItemException' } });
    expect(await call('DeleteLoggingConfiguration', { ResourceArn: made.ARN })).toMatchObject({ json: { __type: 'WAFNonexistentItemException' } });
  });

  it('refuses a destination not named aws-waf-logs-, a group that does not exist, two destinations and an unknown web ACL', async () => {
    const made = (await ok('CreateWebACL', acl('api-logs-bad'))).Summary;
    await ok('CreateLogGroup', { logGroupName: '/not/waf' }, 'logs');
    const put = (config: Json) => call('PutLoggingConfiguration', { LoggingConfiguration: { ResourceArn: made.ARN, ...config } });
    expect(await put({ LogDestinationConfigs: ['arn:aws:logs:eu-west-1:123456789012:log-group:/not/waf'] })).toMatchObject({ json: { __type: 'WAFInvalidParameterException', message: expect.stringContaining('aws-waf-logs-') } });
    expect(await put({ LogDestinationConfigs: ['arn:aws:logs:eu-west-1:123456789012:log-group:aws-waf-logs-none'] })).toMatchObject({ json: { __type: 'WAFInvalidParameterException', message: expect.stringContaining('does not exist') } });
    expect(await put({ LogDestinationConfigs: [] })).toMatchObject({ json: { __type: 'WAFInvalidParameterException', message: expect.stringContaining('field: LOG_DESTINATION') } });
    expect(await put({ LogDestinationConfigs: ['arn:aws:firehose:eu-west-1:123456789012:deliverystream/aws-waf-logs-a'], RedactedFields: [{ Body: {} }] })).toMatchObject({ json: { __type: 'WAFInvalidParameterException', message: expect.stringContaining('REDACTED_FIELDS') } });
    expect(await call('PutLoggingConfiguration', { LoggingConfiguration: { ResourceArn: made.ARN.replace(/[0-9a-f]{12}$/, '000000000000'), LogDestinationConfigs: ['arn:aws:s3:::aws-waf-logs-bucket'] } })).toMatchObject({ json: { __type: 'WAFNonexistentItemException' } });
  });
});
