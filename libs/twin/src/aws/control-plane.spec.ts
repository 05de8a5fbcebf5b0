import {
  CognitoIdentityProviderClient, CreateUserPoolClientCommand, CreateUserPoolCommand, CreateUserPoolDomainCommand, DescribeUserPoolClientCommand, DescribeUserPoolCommand, DescribeUserPoolDomainCommand, ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { APIGatewayClient, CreateResourceCommand, CreateRestApiCommand, GetRestApiCommand, GetResourcesCommand, UpdateRestApiCommand } from '@aws-sdk/client-api-gateway';
import { CloudWatchLogsClient, CreateLogGroupCommand, DescribeLogGroupsCommand, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { createHash } from 'node:crypto';
import { RunningTwin, startTwin } from '../test-support';
import { signedCall } from '../test-support/signed';

// The twin as an AWS account: the official SDK clients of Cognito, API Gateway, CloudWatch Logs and STS against its
// one endpoint, signed with the credentials it issued, and what each service answers to what AWS refuses.
jest.setTimeout(30_000);

let t: RunningTwin;
const config = (credentials = t.twin.account.credentials(), extra: Record<string, unknown> = {}) => ({ endpoint: t.base, region: 'eu-west-1', credentials, maxAttempts: 1, ...extra });

beforeAll(async () => {
  t = await startTwin({ empty: true });
});
afterAll(() => t.close());

/** No answer to bad input is a 5xx, or carries a stack trace. */
function clean(res: { status: number; text: string }): void {
  expect(res.status).toBeLessThan(500);
  expect(res.text).not.toMatch(/\bat .*\.(ts|js):\d+|node_modules/);
}

describe('SigV4: only requests signed with the credentials the twin issued may act on the account', () => {
  it('STS GetCallerIdentity names the twin account; IAM-signed and STS-signed calls both verify', async () => {
    const me = await new STSClient(config()).send(new GetCallerIdentityCommand({}));
    expect(me).toMatchObject({ Account: '000000000000', Arn: 'arn:aws:iam::000000000000:user/twin' });
  });

  it('an unsigned call: MissingAuthenticationTokenException (JSON 1.1 400, REST 403, Query 403 in XML)', async () => {
    const json = await fetch(`${t.base}/`, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.CreateUserPool' }, body: '{"PoolName":"x"}' });
    expect(json.status).toBe(400);
    expect(await json.json()).toEqual({ __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
    const rest = await fetch(`${t.base}/restapis`);
    expect(rest.status).toBe(403);
    expect(rest.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(await rest.json()).toEqual({ message: 'Missing Authentication Token' });
    const query = await fetch(`${t.base}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=GetCallerIdentity&Version=2011-06-15' });
    expect(query.status).toBe(403);
    expect(await query.text()).toMatch(/<Code>MissingAuthenticationToken<\/Code>/);
  });

  it("a key the twin never issued: UnrecognizedClientException (STS: InvalidClientTokenId); a wrong secret: InvalidSignatureException (STS: SignatureDoesNotMatch)", async () => {
    const stranger = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
    await expect(new CognitoIdentityProviderClient(config(stranger)).send(new ListUserPoolsCommand({ MaxResults: 10 }))).rejects.toMatchObject({ name: 'UnrecognizedClientException', $metadata: { httpStatusCode: 400 } });
    await expect(new APIGatewayClient(config(stranger)).send(new GetRestApiCommand({ restApiId: 'abcdefghij' }))).rejects.toMatchObject({ name: 'UnrecognizedClientException', $metadata: { httpStatusCode: 403 } });
    await expect(new STSClient(config(stranger)).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
    const wrongSecret = { ...t.twin.account.credentials(), secretAccessKey: 'not-the-secret' };
    await expect(new CloudWatchLogsClient(config(wrongSecret)).send(new DescribeLogGroupsCommand({}))).rejects.toMatchObject({ name: 'InvalidSignatureException', message: expect.stringMatching(/does not match the signature you provided/) });
    await expect(new STSClient(config(wrongSecret)).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
  });

  it('a signature more than 15 minutes old: "Signature expired"', async () => {
    const res = await signedCall(t, { service: 'cognito-idp', target: 'AWSCognitoIdentityProviderService.ListUserPools', body: '{"MaxResults":1}', at: Date.now() - 20 * 60_000 });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ __type: 'InvalidSignatureException', message: expect.stringMatching(/^Signature expired: \d{8}T\d{6}Z is now earlier than/) });
  });

  it('a body swapped under a signature, with the old body\'s hash declared, is refused; so are UNSIGNED-PAYLOAD and an impossible date', async () => {
    const signed = '{"MaxResults":1}';
    const swapped = await signedCall(t, {
      service: 'cognito-idp', target: 'AWSCognitoIdentityProviderService.CreateUserPool', body: signed,
      tamper: { body: '{"PoolName":"planted"}', headers: { 'x-amz-content-sha256': createHash('sha256').update(signed).digest('hex') } },
    });
    expect(swapped.status).toBe(400);
    expect(swapped.json()).toMatchObject({ __type: 'InvalidSignatureException', message: 'The provided x-amz-content-sha256 header does not match what was computed.' });
    const unsigned = await signedCall(t, { service: 'sts', body: 'Action=GetCallerIdentity&Version=2011-06-15', contentType: 'application/x-www-form-urlencoded', tamper: { headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } } });
    expect(unsigned.status).toBe(403);
    expect(unsigned.text).toMatch(/signed payloads only/);
    const never = await signedCall(t, { service: 'cognito-idp', target: 'AWSCognitoIdentityProviderService.ListUserPools', body: '{"MaxResults":1}', amzDate: '20991399T999999Z' });
    expect(never.json()).toMatchObject({ __type: 'IncompleteSignatureException', message: expect.stringMatching(/Invalid X-Amz-Date: 20991399T999999Z is not a date/) });
    expect((await new CognitoIdentityProviderClient(config()).send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools?.some((p) => p.Name === 'planted')).toBe(false);
  });

  it('a signature for another service (logs scope on a Cognito call) is refused', async () => {
    const res = await signedCall(t, { service: 'logs', target: 'AWSCognitoIdentityProviderService.ListUserPools', body: '{"MaxResults":1}' });
    expect(res.json()).toMatchObject({ __type: 'InvalidSignatureException', message: expect.stringMatching(/Credential should be scoped to correct service: 'cognito-idp'/) });
  });

  it("an operation the twin does not implement answers AWS's unknown-operation error naming it, never a 5xx", async () => {
    const json = await signedCall(t, { service: 'cognito-idp', target: 'AWSCognitoIdentityProviderService.CreateIdentityProvider', body: '{}' });
    expect(json.status).toBe(400);
    expect(json.json()).toMatchObject({ __type: 'UnknownOperationException', message: expect.stringMatching(/does not emulate CreateIdentityProvider/) });
    const rest = await signedCall(t, { service: 'apigateway', method: 'GET', path: '/restapis/abc/documentation/parts' });
    expect(rest.status).toBe(404);
    expect(rest.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    const query = await signedCall(t, { service: 'sts', body: 'Action=AssumeRole&Version=2011-06-15', contentType: 'application/x-www-form-urlencoded' });
    expect(query.status).toBe(400);
    expect(query.text).toMatch(/<Code>InvalidAction<\/Code><Message>The action AssumeRole is not valid/);
    for (const r of [json, rest, query]) clean(r);
  });
});

describe("bad input to the control plane gets AWS's error", () => {
  const cognito = (body: string | Buffer, op = 'CreateUserPool') => signedCall(t, { service: 'cognito-idp', target: `AWSCognitoIdentityProviderService.${op}`, body });

  it('malformed JSON and a body that is not an object: SerializationException', async () => {
    for (const body of ['{"PoolName":', '[1,2]', 'null']) {
      const res = await cognito(body);
      clean(res);
      expect(res.status).toBe(400);
      expect(res.json()['__type']).toBe('SerializationException');
    }
    const rest = await signedCall(t, { service: 'apigateway', path: '/restapis', body: '{"name": ', contentType: 'application/json' });
    clean(rest);
    expect(rest.status).toBe(400);
    expect(rest.headers.get('x-amzn-errortype')).toBe('SerializationException');
  });

  it('a missing required member: InvalidParameterException listing it; a mistyped one: SerializationException', async () => {
    const missing = await cognito('{}');
    expect(missing.json()).toEqual({ __type: 'InvalidParameterException', message: "1 validation error detected: Value null at 'poolName' failed to satisfy constraint: Member must not be null" });
    const mistyped = await cognito('{"PoolName": 42}');
    expect(mistyped.json()['__type']).toBe('SerializationException');
    const logs = await signedCall(t, { service: 'logs', target: 'Logs_20140328.PutRetentionPolicy', body: '{"logGroupName":"/x","retentionInDays":"thirty"}' });
    expect(logs.json()['__type']).toBe('SerializationException');
    for (const r of [missing, mistyped, logs]) clean(r);
  });

  it('structures of the wrong type (schema items, custom attributes, the password policy): SerializationException; a secret is never taken from input', async () => {
    for (const [op, body] of [
      ['CreateUserPool', { PoolName: 'p', Schema: [null] }],
      ['CreateUserPool', { PoolName: 'p', Policies: { PasswordPolicy: 'abc' } }],
      ['CreateUserPool', { PoolName: 'p', Policies: { PasswordPolicy: { MinimumLength: '12' } } }],
    ] as const) {
      const res = await cognito(JSON.stringify(body), op);
      clean(res);
      expect(res.json()['__type']).toBe('SerializationException');
    }
    const c = new CognitoIdentityProviderClient(config());
    const pool = (await c.send(new CreateUserPoolCommand({ PoolName: 'structures' }))).UserPool!.Id!;
    const custom = await cognito(JSON.stringify({ UserPoolId: pool, CustomAttributes: [null] }), 'AddCustomAttributes');
    expect(custom.json()['__type']).toBe('SerializationException');
    const unnamed = await cognito(JSON.stringify({ UserPoolId: pool, CustomAttributes: [{ AttributeDataType: 'String' }] }), 'AddCustomAttributes');
    expect(unnamed.json()).toMatchObject({ __type: 'InvalidParameterException', message: expect.stringMatching(/at 'customAttributes\.member\.name' failed to satisfy constraint: Member must not be null/) });
    const client = (await c.send(new CreateUserPoolClientCommand({ UserPoolId: pool, ClientName: 'public' }))).UserPoolClient!;
    const planted = await cognito(JSON.stringify({ UserPoolId: pool, ClientId: client.ClientId, ClientName: 'public', ClientSecret: 'chosen', AllowedOAuthFlows: ['client_credentials'] }), 'UpdateUserPoolClient');
    expect(planted.json()).toMatchObject({ __type: 'InvalidOAuthFlowException', message: 'client_credentials flow can not be selected if client does not have a client secret.' });
    expect((await c.send(new DescribeUserPoolClientCommand({ UserPoolId: pool, ClientId: client.ClientId! }))).UserPoolClient?.ClientSecret).toBeUndefined();
  });

  it('names outside AWS patterns: pool name, domain prefix, resource path part, log group name, retention days', async () => {
    const c = new CognitoIdentityProviderClient(config());
    await expect(c.send(new CreateUserPoolCommand({ PoolName: 'no/slashes' }))).rejects.toMatchObject({ name: 'InvalidParameterException', message: expect.stringMatching(/Member must satisfy regular expression pattern: \[\\w\\s\+=,\.@-\]\+/) });
    const { UserPool } = await c.send(new CreateUserPoolCommand({ PoolName: 'names' }));
    await expect(c.send(new CreateUserPoolDomainCommand({ UserPoolId: UserPool!.Id!, Domain: 'Bad_Prefix' }))).rejects.toMatchObject({ name: 'InvalidParameterException', message: expect.stringMatching(/The domain name contains an invalid character/) });
    await expect(c.send(new CreateUserPoolDomainCommand({ UserPoolId: UserPool!.Id!, Domain: 'my-cognito' }))).rejects.toMatchObject({ message: 'Domain cannot contain reserved word: cognito' });
    const a = new APIGatewayClient(config());
    const api = await a.send(new CreateRestApiCommand({ name: 'names', endpointConfiguration: { types: ['REGIONAL'] } }));
    await expect(a.send(new CreateResourceCommand({ restApiId: api.id!, parentId: api.rootResourceId!, pathPart: 'a/b' }))).rejects.toMatchObject({ name: 'BadRequestException', $metadata: { httpStatusCode: 400 } });
    const l = new CloudWatchLogsClient(config());
    await expect(l.send(new CreateLogGroupCommand({ logGroupName: 'no spaces' }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await l.send(new CreateLogGroupCommand({ logGroupName: '/names' }));
    await expect(l.send(new PutRetentionPolicyCommand({ logGroupName: '/names', retentionInDays: 31 }))).rejects.toMatchObject({ name: 'InvalidParameterException', message: expect.stringMatching(/retentionInDays.*enum value set: \[1, 3, 5, 7, 14, 30/) });
  });

  it('a domain prefix another pool holds: InvalidParameterException', async () => {
    const c = new CognitoIdentityProviderClient(config());
    const one = (await c.send(new CreateUserPoolCommand({ PoolName: 'one' }))).UserPool!.Id!;
    const two = (await c.send(new CreateUserPoolCommand({ PoolName: 'two' }))).UserPool!.Id!;
    await c.send(new CreateUserPoolDomainCommand({ UserPoolId: one, Domain: 'taken-prefix' }));
    await expect(c.send(new CreateUserPoolDomainCommand({ UserPoolId: two, Domain: 'taken-prefix' }))).rejects.toMatchObject({ name: 'InvalidParameterException', message: 'Domain already associated with another user pool.' });
    expect((await c.send(new DescribeUserPoolDomainCommand({ Domain: 'taken-prefix' }))).DomainDescription).toMatchObject({ UserPoolId: one, Status: 'ACTIVE' });
    expect((await c.send(new DescribeUserPoolDomainCommand({ Domain: 'nobody-has-this' }))).DomainDescription).toEqual({});
  });

  it('patch operations on unknown paths, of unknown kinds, or with values of the wrong type: BadRequestException', async () => {
    const a = new APIGatewayClient(config());
    const api = await a.send(new CreateRestApiCommand({ name: 'patched' }));
    await expect(a.send(new UpdateRestApiCommand({ restApiId: api.id!, patchOperations: [{ op: 'replace', path: '/nope', value: 'x' }] }))).rejects.toMatchObject({ name: 'BadRequestException', message: expect.stringMatching(/^Invalid patch path \/nope specified for op 'replace'\. Must be one of: \[\/name, /) });
    await expect(a.send(new UpdateRestApiCommand({ restApiId: api.id!, patchOperations: [{ op: 'test' as never, path: '/name', value: 'x' }] }))).rejects.toMatchObject({ name: 'BadRequestException' });
    await expect(a.send(new UpdateRestApiCommand({ restApiId: api.id!, patchOperations: [{ op: 'replace', path: '/disableExecuteApiEndpoint', value: 'maybe' }] }))).rejects.toMatchObject({ message: "Invalid boolean value 'maybe' for patch path /disableExecuteApiEndpoint" });
    const renamed = await a.send(new UpdateRestApiCommand({ restApiId: api.id!, patchOperations: [{ op: 'replace', path: '/name', value: 'renamed' }] }));
    expect(renamed.name).toBe('renamed');
  });

  it("an unknown id: ResourceNotFoundException / NotFoundException with AWS's text", async () => {
    await expect(new CognitoIdentityProviderClient(config()).send(new DescribeUserPoolCommand({ UserPoolId: 'eu-west-1_Nowhere00' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException', message: 'User pool eu-west-1_Nowhere00 does not exist.' });
    await expect(new APIGatewayClient(config()).send(new GetRestApiCommand({ restApiId: 'abcdefghij' }))).rejects.toMatchObject({ name: 'NotFoundException', message: 'Invalid API identifier specified', $metadata: { httpStatusCode: 404 } });
    await expect(new APIGatewayClient(config()).send(new GetResourcesCommand({ restApiId: 'abcdefghij' }))).rejects.toMatchObject({ name: 'NotFoundException' });
  });

  it('oversize bodies: 413 RequestEntityTooLargeException, and the twin goes on answering', async () => {
    const big = await cognito(JSON.stringify({ PoolName: 'x'.repeat(200_000) }));
    expect(big.status).toBe(413);
    expect(big.json()['__type']).toBe('RequestEntityTooLargeException');
    const bigRest = await signedCall(t, { service: 'apigateway', path: '/restapis', body: Buffer.alloc(11 * 1024 * 1024, 0x20), contentType: 'application/json' });
    expect(bigRest.status).toBe(413);
    expect(bigRest.headers.get('x-amzn-errortype')).toBe('RequestEntityTooLargeException');
    expect((await new STSClient(config()).send(new GetCallerIdentityCommand({}))).Account).toBe('000000000000');
  });
});

describe('API Gateway stores only what each operation takes, with the JSON types AWS gives them', () => {
  const rest = (method: string, path: string, body?: unknown) => signedCall(t, { service: 'apigateway', method, path, body: body === undefined ? undefined : JSON.stringify(body), contentType: 'application/json' });

  it('refuses members of the wrong type (no document the gateway cannot serve is ever stored), and ignores members no operation takes', async () => {
    const api = (await rest('POST', '/restapis', { name: 'typed', endpointConfiguration: { types: ['REGIONAL'] } })).json() as { id: string; rootResourceId: string };
    const m = `/restapis/${api.id}/resources/${api.rootResourceId}/methods/GET`;
    const scopes = await rest('PUT', m, { authorizationType: 'NONE', authorizationScopes: 5 });
    expect(scopes.status).toBe(400);
    expect(scopes.json()).toEqual({ message: 'Invalid value for authorizationScopes: expected a list of strings.' });
    expect((await rest('PUT', m, { authorizationType: 'NONE', methodIntegration: { type: 'MOCK', requestTemplates: { x: 5 } } })).status).toBe(201);
    expect((await rest('GET', m)).json()).not.toHaveProperty('methodIntegration');
    expect((await rest('PUT', m, { authorizationType: 'NONE' })).json()).toEqual({ message: 'Method already exists for this resource' });
    for (const [body, message] of [
      [{ type: 'MOCK', httpMethod: 1 }, 'Invalid value for httpMethod: expected a string.'],
      [{ type: 'MOCK', requestTemplates: { 'application/json': 5 } }, 'Invalid value for requestTemplates: expected a map of strings.'],
      [{ type: 'MOCK', timeoutInMillis: '29000' }, 'Invalid value for timeoutInMillis: expected an integer.'],
      [{ type: 'MOCK', tlsConfig: { insecureSkipVerification: 'yes' } }, 'Invalid value for tlsConfig.insecureSkipVerification: expected a boolean.'],
    ] as const) {
      const res = await rest('PUT', `${m}/integration`, body);
      clean(res);
      expect({ status: res.status, body: res.json() }).toEqual({ status: 400, body: { message } });
    }
    const tags = await rest('POST', '/restapis', { name: 'tagged', tags: { team: {} } });
    expect(tags.json()).toEqual({ message: 'Invalid value for tags: expected a map of strings.' });
    const twin = await fetch(`${t.base}/oauth2/authorize`);
    expect(twin.status).toBe(404);
  });

  it('binary media types: set at create, then add and remove by path as the provider patches them', async () => {
    const api = (await rest('POST', '/restapis', { name: 'binary', binaryMediaTypes: ['image/png'] })).json() as { id: string };
    const patched = await rest('PATCH', `/restapis/${api.id}`, { patchOperations: [{ op: 'add', path: '/binaryMediaTypes/application~1pdf' }, { op: 'remove', path: '/binaryMediaTypes/image~1png' }] });
    expect(patched.status).toBe(200);
    expect(patched.json()['binaryMediaTypes']).toEqual(['application/pdf']);
    expect((await rest('GET', `/restapis/${api.id}`)).json()).not.toHaveProperty('_region');
  });

  it('deleting a REST API takes its stages\' tags with it', async () => {
    const api = (await rest('POST', '/restapis', { name: 'staged' })).json() as { id: string; rootResourceId: string };
    const m = `/restapis/${api.id}/resources/${api.rootResourceId}/methods/GET`;
    await rest('PUT', m, { authorizationType: 'NONE' });
    await rest('PUT', `${m}/integration`, { type: 'MOCK' });
    const deployment = (await rest('POST', `/restapis/${api.id}/deployments`, {})).json() as { id: string };
    expect((await rest('POST', `/restapis/${api.id}/stages`, { stageName: 'v1', deploymentId: deployment.id, tags: { team: 'platform' } })).status).toBe(201);
    const stageArn = `arn:aws:apigateway:eu-west-1::/restapis/${api.id}/stages/v1`;
    expect(t.twin.ctx.store.tags(stageArn)).toEqual({ team: 'platform' });
    expect((await rest('DELETE', `/restapis/${api.id}`)).status).toBe(202);
    expect(t.twin.ctx.store.tags(stageArn)).toEqual({});
  });
});

describe('what the control plane makes is served at once', () => {
  it('a pool made through the API publishes its keys and OpenID configuration; a REST API made through it lists its root', async () => {
    const c = new CognitoIdentityProviderClient(config());
    const id = (await c.send(new CreateUserPoolCommand({ PoolName: 'served' }))).UserPool!.Id!;
    const jwks = (await (await fetch(`${t.base}/${id}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys).toHaveLength(2);
    const discovery = (await (await fetch(`${t.base}/${id}/.well-known/openid-configuration`)).json()) as { issuer: string };
    expect(discovery.issuer).toBe(`${t.base}/${id}`);
    const a = new APIGatewayClient(config());
    const api = await a.send(new CreateRestApiCommand({ name: 'served' }));
    expect((await a.send(new GetResourcesCommand({ restApiId: api.id! }))).items).toEqual([{ id: api.rootResourceId, path: '/' }]);
  });
});
