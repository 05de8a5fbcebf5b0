import type { RestReply, RestService } from '../aws/front';
import { restRoute as r, restRouter } from '../aws/rest-router';
import type { LambdaControl } from './control';

const ok = (body: unknown): RestReply => ({ status: 200, body });
const created = (body: unknown): RestReply => ({ status: 201, body });
const noContent: RestReply = { status: 204 };

/** The API versions in Lambda's paths (each operation keeps the version it was introduced with). */
const PREFIXES = ['/2015-03-31/functions', '/2017-10-31/functions', '/2019-09-30/functions', '/2020-06-30/functions', '/2017-03-31/tags/'];

/**
 * Lambda's control plane over REST-JSON, as the AWS SDK and the AWS provider call it; statuses as the service model
 * says (201 for CreateFunction and AddPermission, 204 for deletes).
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_Operations.html
 */
export function lambdaRestService(c: LambdaControl): RestService {
  const F = '/2015-03-31/functions/{fn}';
  const routes = [
    r('POST', '/2015-03-31/functions', 'CreateFunction', (_p, b, _q, call) => created(c.createFunction(call, b))),
    r('GET', F, 'GetFunction', (p, _b, q, call) => ok(c.getFunction(call, p['fn'], q.get('Qualifier')))),
    r('DELETE', F, 'DeleteFunction', (p, _b, _q, call) => (c.deleteFunction(call, p['fn']), noContent)),
    r('GET', `${F}/configuration`, 'GetFunctionConfiguration', (p, _b, _q, call) => ok(c.configuration(call, p['fn']))),
    r('PUT', `${F}/configuration`, 'UpdateFunctionConfiguration', (p, b, _q, call) => ok(c.updateConfiguration(call, p['fn'], b))),
    r('PUT', `${F}/code`, 'UpdateFunctionCode', (p, b, _q, call) => ok(c.updateCode(call, p['fn'], b))),
    r('GET', `${F}/versions`, 'ListVersionsByFunction', (p, _b, _q, call) => ok(c.listVersions(call, p['fn']))),
    r('POST', `${F}/policy`, 'AddPermission', (p, b, _q, call) => created(c.addPermission(call, p['fn'], b))),
    r('GET', `${F}/policy`, 'GetPolicy', (p, _b, _q, call) => ok(c.getPolicy(call, p['fn']))),
    r('DELETE', `${F}/policy/{sid}`, 'RemovePermission', (p, _b, _q, call) => (c.removePermission(call, p['fn'], p['sid']), noContent)),
    r('PUT', '/2017-10-31/functions/{fn}/concurrency', 'PutFunctionConcurrency', (p, b, _q, call) => ok(c.putConcurrency(call, p['fn'], b))),
    r('DELETE', '/2017-10-31/functions/{fn}/concurrency', 'DeleteFunctionConcurrency', (p, _b, _q, call) => (c.deleteConcurrency(call, p['fn']), noContent)),
    r('GET', '/2019-09-30/functions/{fn}/concurrency', 'GetFunctionConcurrency', (p, _b, _q, call) => ok(c.getConcurrency(call, p['fn']))),
    // Code signing is not emulated: a function has no code signing config.
    r('GET', '/2020-06-30/functions/{fn}/code-signing-config', 'GetFunctionCodeSigningConfig', (p, _b, _q, call) => ok({ FunctionName: c.configuration(call, p['fn']).FunctionName })),
    r('GET', '/2017-03-31/tags/{arn}', 'ListTags', (p, _b, _q, call) => ok({ Tags: c.tags(c.tagTarget(call, p['arn'])) })),
    r('POST', '/2017-03-31/tags/{arn}', 'TagResource', (p, b, _q, call) => (c.tag(c.tagTarget(call, p['arn']), (b['Tags'] ?? {}) as Record<string, string>), noContent)),
    r('DELETE', '/2017-03-31/tags/{arn}', 'UntagResource', (p, _b, q, call) => (c.untag(c.tagTarget(call, p['arn']), q.getAll('tagKeys')), noContent)),
  ];
  return {
    signingName: 'lambda',
    // A package comes base64 in the JSON body: 50 MB zipped is about 67 MB encoded.
    bodyLimit: 70 * 1024 * 1024,
    handles: (path) => PREFIXES.some((p) => path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`)),
    ...restRouter('Lambda', routes),
  };
}
