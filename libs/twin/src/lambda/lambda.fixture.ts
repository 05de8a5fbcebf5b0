// Deployment packages and events for the Lambda runtime's tests.
import { strToU8, zipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import type { FunctionConfig } from './runtime';

/** A zip of the given files (name -> source), as a bundler would upload it. */
export function packageOf(files: Record<string, string>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(files).map(([name, text]) => [name, strToU8(text)])));
}

/** A function config around `files`, with Lambda's defaults unless overridden. */
export function functionOf(name: string, files: Record<string, string>, overrides: Partial<FunctionConfig> = {}): FunctionConfig {
  return {
    name,
    arn: `arn:aws:lambda:eu-west-1:123456789012:function:${name}`,
    zip: packageOf(files),
    handler: 'index.handler',
    runtime: 'nodejs20.x',
    memoryMB: 128,
    timeoutSeconds: 3,
    environment: {},
    ...overrides,
  };
}

/**
 * The example input of a Lambda proxy integration (payload format 1.0) from AWS's API Gateway developer guide
 * ("Input format of a Lambda function for proxy integration"), with a Cognito user pool authorizer's claims.
 */
export const PROXY_EVENT_V1 = {
  resource: '/my/path',
  path: '/my/path',
  httpMethod: 'GET',
  headers: { header1: 'value1', header2: 'value1,value2' },
  multiValueHeaders: { header1: ['value1'], header2: ['value1', 'value2'] },
  queryStringParameters: { parameter1: 'value1,value2', parameter2: 'value' },
  multiValueQueryStringParameters: { parameter1: ['value1', 'value2'], parameter2: ['value'] },
  requestContext: {
    accountId: '123456789012',
    apiId: 'id',
    authorizer: {
      claims: {
        sub: '7d8ca528-4931-4254-9273-ea5ee853f271',
        'cognito:groups': 'admins',
        email_verified: 'true',
        iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_example',
        'cognito:username': 'jane',
        aud: '3n4b5urk1ft4fl3mg5e62d9ado',
        token_use: 'id',
        auth_time: '1583349316',
        exp: 'Wed Mar 04 20:15:16 UTC 2020',
        iat: 'Wed Mar 04 19:15:16 UTC 2020',
        email: 'jane@example.com',
      },
      scopes: null,
    },
    domainName: 'id.execute-api.us-east-1.amazonaws.com',
    domainPrefix: 'id',
    extendedRequestId: 'request-id',
    httpMethod: 'GET',
    identity: {
      accessKey: null,
      accountId: null,
      caller: null,
      cognitoAuthenticationProvider: null,
      cognitoAuthenticationType: null,
      cognitoIdentityId: null,
      cognitoIdentityPoolId: null,
      principalOrgId: null,
      sourceIp: '192.0.2.1',
      user: null,
      userAgent: 'user-agent',
      userArn: null,
      clientCert: {
        clientCertPem: 'CERT_CONTENT',
        subjectDN: 'www.example.com',
        issuerDN: 'Example issuer',
        serialNumber: 'a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1',
        validity: { notBefore: 'May 28 12:30:02 2019 GMT', notAfter: 'Aug  5 09:36:04 2021 GMT' },
      },
    },
    path: '/my/path',
    protocol: 'HTTP/1.1',
    requestId: 'id=',
    requestTime: '04/Mar/2020:19:15:17 +0000',
    requestTimeEpoch: 1583349317135,
    resourceId: null,
    resourcePath: '/my/path',
    stage: '$default',
  },
  pathParameters: null,
  stageVariables: null,
  body: 'Hello from Lambda!',
  isBase64Encoded: false,
};

/** Whether a process is alive (signal 0 probes without signalling; on Linux a zombie nobody reaped yet counts as dead). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}
