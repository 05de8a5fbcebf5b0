import { Testing } from 'cdktf';
import { assertSecurityPolicy, Match, Template } from '@secure-api/testing';
import { config } from './config';
import { defineStack } from './main';

describe('dev stack', () => {
  const stack = defineStack(Testing.app());
  const template = Template.fromStack(stack);

  it('passes the security policy (nonprod) with no waiver', () => {
    assertSecurityPolicy(template, { environment: 'nonprod', publicRoutes: Object.keys(stack.secureApi.api.publicRoutes) });
  });

  it('allows the implicit grant beside code + PKCE, as the walk-through did', () => {
    template.hasResourceProperties('aws_cognito_user_pool_client', { allowed_oauth_flows: ['code', 'implicit'] });
  });

  it('creates the demo user with a verified email and no password in code', () => {
    template.hasResourceProperties('aws_cognito_user', { username: 'demo@example.com', attributes: { email_verified: 'true' }, temporary_password: Match.absent() });
  });

  it('matches the reviewed snapshot of the whole stack', () => {
    expect(template.json).toMatchSnapshot();
  });

  it('is the stack named after the config', () => {
    expect(stack.node.id).toBe(config.name);
  });
});
