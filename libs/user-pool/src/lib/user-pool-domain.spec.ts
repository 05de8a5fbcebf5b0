import { ValidationError } from '@secure-api/core';
import { Match, Template } from '@secure-api/testing';
import { TerraformOutput, TerraformVariable } from 'cdktf';
import { UserPool } from './user-pool';
import type { UserPoolClient } from './user-pool-client';
import { UserPoolDomain, type UserPoolDomainOptions } from './user-pool-domain';
import { newPool, synthPool, synthWithProvider } from '../test/helpers';

const DOMAIN = 'aws_cognito_user_pool_domain';
const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
const URLS = { callbackUrls: ['https://app.example.com/callback', 'http://localhost:3000/cb?x=1'], logoutUrls: ['https://app.example.com/'] };

const synthDomain = (options: UserPoolDomainOptions): Template => synthPool((pool) => pool.addDomain('Domain', options));

describe('UserPoolDomain', () => {
  it('prefix domain: classic hosted UI on <prefix>.auth.<region>.amazoncognito.com', () => {
    let domain!: UserPoolDomain;
    const t = synthWithProvider((stack) => {
      domain = new UserPool(stack, 'Pool').addDomain('Domain', { domainPrefix: 'my-app-dev' });
    });
    t.resourceCountIs(DOMAIN, 1);
    t.hasResourceProperties(DOMAIN, {
      domain: 'my-app-dev',
      user_pool_id: Template.ref(t.resource('aws_cognito_user_pool'), 'id'),
      certificate_arn: Match.absent(),
      managed_login_version: 1,
    });
    expect(domain.baseUrl).toBe('https://my-app-dev.auth.eu-west-1.amazoncognito.com');
    expect(domain.domainName).toBe('my-app-dev');
    expect(domain.isCustomDomain).toBe(false);
  });

  it('custom domain with a us-east-1 ACM certificate', () => {
    let domain!: UserPoolDomain;
    const t = synthWithProvider((stack) => {
      domain = new UserPool(stack, 'Pool').addDomain('Domain', { customDomain: { domainName: 'auth.example.com', certificateArn: CERT } });
      new TerraformOutput(stack, 'alias', { value: domain.cloudFrontDistribution });
    });
    t.hasResourceProperties(DOMAIN, { domain: 'auth.example.com', certificate_arn: CERT });
    expect(domain.baseUrl).toBe('https://auth.example.com');
    expect(domain.isCustomDomain).toBe(true);
    expect(t.outputs()['alias'].value).toBe(Template.ref(t.resource(DOMAIN), 'cloudfront_distribution'));
  });

  it('managed login version 2', () => {
    synthDomain({ domainPrefix: 'my-app', managedLoginVersion: 2 }).hasResourceProperties(DOMAIN, { managed_login_version: 2 });
  });

  it('skips checks of unresolved tokens', () => {
    const t = synthWithProvider((stack) => {
      const prefix = new TerraformVariable(stack, 'prefix', { type: 'string' }).stringValue;
      new UserPool(stack, 'Pool').addDomain('Domain', { domainPrefix: prefix });
    });
    t.hasResourceProperties(DOMAIN, { domain: '${var.prefix}' });
  });

  describe('validation', () => {
    const add = (options: UserPoolDomainOptions) => () => newPool().addDomain('Domain', options);

    it.each([
      ['My-App', 'uppercase'],
      ['my_app', 'underscore'],
      ['-my-app', 'leading hyphen'],
      ['my-app-', 'trailing hyphen'],
      ['my.app', 'dot'],
      ['', 'empty'],
      ['a'.repeat(64), '64 characters'],
    ])('throws when the domain prefix is %p (%s)', (prefix) => {
      expect(add({ domainPrefix: prefix })).toThrow(ValidationError);
      expect(add({ domainPrefix: prefix })).toThrow(
        `test/Pool/Domain: invalid domainPrefix ${JSON.stringify(prefix)}: must be 1 to 63 lowercase letters, digits and hyphens, not starting or ending with a hyphen. Fix: use a prefix such as "my-app-dev"`,
      );
    });

    it.each([
      ['my-aws-app', 'aws'],
      ['amazonshop', 'amazon'],
      ['app-cognito', 'cognito'],
    ])('throws when the domain prefix %p contains the reserved word %p', (prefix, word) => {
      expect(add({ domainPrefix: prefix })).toThrow(`invalid domainPrefix "${prefix}": contains the reserved word "${word}" (Cognito refuses aws, amazon and cognito). Fix: choose a prefix without "${word}"`);
    });

    it('accepts the bounds of a prefix', () => {
      expect(add({ domainPrefix: 'a' })).not.toThrow();
      expect(add({ domainPrefix: `a${'-'.repeat(61)}b` })).not.toThrow();
    });

    it('throws when both or neither of prefix and custom domain are given', () => {
      expect(add({})).toThrow(/exactly one of domainPrefix and customDomain/);
      expect(add({ domainPrefix: 'x', customDomain: { domainName: 'auth.example.com', certificateArn: CERT } })).toThrow(/exactly one of domainPrefix and customDomain/);
    });

    it('throws when the custom domain name is not a hostname', () => {
      expect(add({ customDomain: { domainName: 'https://auth.example.com', certificateArn: CERT } })).toThrow(/invalid customDomain.domainName/);
      expect(add({ customDomain: { domainName: 'Auth.Example.com', certificateArn: CERT } })).toThrow(/invalid customDomain.domainName/);
    });

    it('throws when the certificate is not an ACM ARN', () => {
      expect(add({ customDomain: { domainName: 'auth.example.com', certificateArn: 'arn:aws:iam::123456789012:server-certificate/x' } })).toThrow(/invalid customDomain.certificateArn .*is not an ACM certificate ARN/);
    });

    it('throws when the certificate is outside us-east-1', () => {
      const arn = CERT.replace('us-east-1', 'eu-west-1');
      expect(add({ customDomain: { domainName: 'auth.example.com', certificateArn: arn } })).toThrow(`invalid customDomain.certificateArn "${arn}": is in eu-west-1; Cognito custom domains use CloudFront`);
    });

    it('throws when managedLoginVersion is neither 1 nor 2', () => {
      expect(add({ domainPrefix: 'my-app', managedLoginVersion: 3 as 1 })).toThrow(/invalid managedLoginVersion 3/);
    });
  });

  describe('sign-in and sign-out URLs', () => {
    function setup(flows?: { authorizationCodeGrant?: boolean; implicitCodeGrant?: boolean }): { domain: UserPoolDomain; client: UserPoolClient } {
      const pool = newPool();
      const domain = pool.addDomain('Domain', { domainPrefix: 'my-app' });
      const client = pool.addClient('Web', { oAuth: { ...URLS, flows } });
      return { domain, client };
    }

    it('signInUrl: code by default, redirect URI encoded', () => {
      const { domain, client } = setup();
      expect(domain.signInUrl(client, { redirectUri: 'http://localhost:3000/cb?x=1' })).toBe(
        `https://my-app.auth.eu-west-1.amazoncognito.com/login?client_id=${client.clientId}&response_type=code&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcb%3Fx%3D1`,
      );
    });

    it('signInUrl: implicit when asked (or when the client has only implicit), scopes and path', () => {
      const both = setup({ authorizationCodeGrant: true, implicitCodeGrant: true });
      expect(both.domain.signInUrl(both.client, { redirectUri: URLS.callbackUrls[0], responseType: 'token', scopes: ['openid', 'email'], signInPath: '/oauth2/authorize' })).toBe(
        `https://my-app.auth.eu-west-1.amazoncognito.com/oauth2/authorize?client_id=${both.client.clientId}&response_type=token&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback&scope=openid+email`,
      );
      const implicitOnly = setup({ implicitCodeGrant: true });
      expect(implicitOnly.domain.signInUrl(implicitOnly.client, { redirectUri: URLS.callbackUrls[0] })).toContain('response_type=token');
    });

    it('throws when the redirect URI is not a callback URL of the client', () => {
      const { domain, client } = setup();
      expect(() => domain.signInUrl(client, { redirectUri: 'https://app.example.com/other' })).toThrow(/test\/Pool\/Web: invalid redirectUri "https:\/\/app.example.com\/other": is not one of the client's oAuth.callbackUrls/);
    });

    it('throws when the client does not allow the response type', () => {
      const { domain, client } = setup();
      expect(() => domain.signInUrl(client, { redirectUri: URLS.callbackUrls[0], responseType: 'token' })).toThrow(/does not allow response_type=token/);
      const implicitOnly = setup({ implicitCodeGrant: true });
      expect(() => implicitOnly.domain.signInUrl(implicitOnly.client, { redirectUri: URLS.callbackUrls[0], responseType: 'code' })).toThrow(/does not allow response_type=code/);
    });

    it('signOutUrl: a registered logout URL only', () => {
      const { domain, client } = setup();
      expect(domain.signOutUrl(client, 'https://app.example.com/')).toBe(`https://my-app.auth.eu-west-1.amazoncognito.com/logout?client_id=${client.clientId}&logout_uri=https%3A%2F%2Fapp.example.com%2F`);
      expect(() => domain.signOutUrl(client, 'https://evil.example.com/')).toThrow(/invalid logoutUri .*oAuth.logoutUrls/);
    });
  });
});
