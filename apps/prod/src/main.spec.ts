import { Testing } from 'cdktf';
import { defineEnvironment } from '@secure-api/environment';
import { assertSecurityPolicy, Template } from '@secure-api/testing';
import { config } from './config';
import { defineStack } from './main';

describe('prod stack', () => {
  const stack = defineStack(Testing.app());
  const template = Template.fromStack(stack);

  it('passes the security policy (prod) with no waiver', () => {
    assertSecurityPolicy(template, { environment: 'prod', publicRoutes: Object.keys(stack.secureApi.api.publicRoutes) });
  });

  it('never allows the implicit grant, and refuses it if the config asks', () => {
    template.hasResourceProperties('aws_cognito_user_pool_client', { allowed_oauth_flows: ['code'] });
    expect(() => defineEnvironment(Testing.app(), { ...config, implicitGrant: true }, () => undefined)).toThrow(/implicit grant is forbidden in production/);
  });

  it('keeps state in S3 with a per-environment key, encryption and lock files', () => {
    expect(template.block<any>('terraform').backend.s3).toMatchObject({ key: 'secure-api/prod/terraform.tfstate', encrypt: true, use_lockfile: true });
  });

  it('protects the user pool from deletion and offers TOTP MFA', () => {
    template.hasResourceProperties('aws_cognito_user_pool', { deletion_protection: 'ACTIVE', mfa_configuration: 'OPTIONAL' });
  });

  it('matches the reviewed snapshot of the whole stack', () => {
    expect(template.json).toMatchSnapshot();
  });

  it('is the stack named after the config', () => {
    expect(stack.node.id).toBe(config.name);
  });
});
