import { renderTemplate, templateDirectives } from './template';

const scope = {
  context: {
    requestId: 'req-1',
    stage: 'dev',
    authorizer: { claims: { sub: 'u1', 'cognito:username': 'demo', 'custom:tier': 'gold' } },
    error: { message: 'Unauthorized', messageString: '"Unauthorized"' },
  },
  input: { params: (name: string) => ({ id: '42' })[name] ?? '', body: '{"a":1}' },
  util: { escapeJavaScript: (s: string) => s.replace(/"/g, '\\"') },
  stageVariables: { greeting: 'hi' },
};

describe('mapping templates', () => {
  it('renders references, braced and quiet references', () => {
    expect(renderTemplate('$context.requestId/${context.stage}/$!context.nothing/$context.nothing', scope)).toBe('req-1/dev//');
  });

  it('renders bracket access and method calls with string and reference arguments', () => {
    expect(renderTemplate(`$context.authorizer.claims['cognito:username'] $context.authorizer.claims["custom:tier"] $input.params('id')`, scope)).toBe('demo gold 42');
    expect(renderTemplate('$util.escapeJavaScript($input.body)', scope)).toBe('{\\"a\\":1}');
  });

  it('renders the gateway-response message as a JSON string', () => {
    expect(JSON.parse(renderTemplate('{"message":$context.error.messageString}', scope))).toEqual({ message: 'Unauthorized' });
  });

  it('writes "-" for missing values in access-log mode', () => {
    expect(renderTemplate('$context.requestId $context.status $context.authorizer.claims.email', scope, { missing: '-' })).toBe('req-1 - -');
  });

  it('leaves text that is not a reference alone', () => {
    expect(renderTemplate('cost: $5, ${ not a ref }, $ alone, $$', scope)).toBe('cost: $5, ${ not a ref }, $ alone, $$');
    expect(renderTemplate('{"statusCode": 200}', scope)).toBe('{"statusCode": 200}');
  });

  it('reports unevaluated directives', () => {
    expect(templateDirectives('#set($x = 1)\n#if($x)a#end')).toEqual(['#set', '#if', '#end']);
    expect(templateDirectives('{"a": "#1"}')).toEqual([]);
  });

  it('does not reach prototype members', () => {
    expect(renderTemplate('$context.constructor $context.__proto__ $context.toString', scope)).toBe('  ');
  });
});
