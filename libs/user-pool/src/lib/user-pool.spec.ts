import { Duration, ValidationError } from '@secure-api/core';
import { expectInvalid, Match, newTestStack, Template } from '@secure-api/testing';
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { Mfa, ThreatProtection, UserPool, type UserPoolProps } from './user-pool';
import { stackWithProvider, synthPool, synthWithProvider } from '../test/helpers';

const POOL = 'aws_cognito_user_pool';

const synthProps = (props?: UserPoolProps): Template => synthPool(undefined, props);

describe('UserPool', () => {
  it('defaults: email username, verified email, AWS password policy, optional TOTP, admin-only sign-up, schema ignored', () => {
    const t = synthProps();
    t.resourceCountIs(POOL, 1);
    t.hasResourceProperties(POOL, {
      name: 'test-Pool',
      username_attributes: ['email'],
      auto_verified_attributes: ['email'],
      username_configuration: { case_sensitive: false },
      schema: [{ name: 'email', attribute_data_type: 'String', required: true, mutable: true }],
      password_policy: {
        minimum_length: 8,
        require_lowercase: true,
        require_uppercase: true,
        require_numbers: true,
        require_symbols: true,
        temporary_password_validity_days: 7,
      },
      mfa_configuration: 'OPTIONAL',
      software_token_mfa_configuration: { enabled: true },
      deletion_protection: 'INACTIVE',
      account_recovery_setting: { recovery_mechanism: [{ name: 'verified_email', priority: 1 }] },
      admin_create_user_config: { allow_admin_create_user_only: true },
      lifecycle: { ignore_changes: ['schema'] },
      tags: Match.absent(),
    });
  });

  it('exposes id, ARN, endpoint, issuer and JWKS URL built from the provider region', () => {
    let pool!: UserPool;
    const t = synthWithProvider((stack) => {
      pool = new UserPool(stack, 'Pool');
      for (const [name, value] of Object.entries({ id: pool.userPoolId, arn: pool.userPoolArn, endpoint: pool.userPoolEndpoint, issuer: pool.issuerUrl, jwks: pool.jwksUrl })) {
        new TerraformOutput(stack, name, { value });
      }
    });
    const ref = Template.ref(t.resource(POOL), 'id');
    expect(t.outputs()['id'].value).toBe(ref);
    expect(t.outputs()['arn'].value).toBe(Template.ref(t.resource(POOL), 'arn'));
    expect(t.outputs()['endpoint'].value).toBe(`cognito-idp.eu-west-1.amazonaws.com/${ref}`);
    expect(t.outputs()['issuer'].value).toBe(`https://cognito-idp.eu-west-1.amazonaws.com/${ref}`);
    expect(t.outputs()['jwks'].value).toBe(`https://cognito-idp.eu-west-1.amazonaws.com/${ref}/.well-known/jwks.json`);
    expect(pool.region).toBe('eu-west-1');
    expect(pool.mfa).toBe('OPTIONAL');
  });

  it('takes an explicit name', () => {
    synthProps({ name: 'secure-api-prod users' }).hasResourceProperties(POOL, { name: 'secure-api-prod users' });
  });

  it('derives a bounded, unique name from a long construct path', () => {
    const stack = stackWithProvider();
    let scope: Construct = stack;
    for (let i = 0; i < 12; i++) scope = new Construct(scope, `AVeryLongConstructIdNumber${i}`);
    const pool = new UserPool(scope, 'Pool');
    expect(pool.name.length).toBeLessThanOrEqual(128);
    expect(pool.name).toMatch(/^test-AVeryLongConstructIdNumber0-.*-[0-9a-f]{8}$/);
  });

  it('applies every password policy setting', () => {
    synthProps({
      passwordPolicy: { minLength: 14, requireLowercase: false, requireUppercase: false, requireDigits: false, requireSymbols: false, temporaryPasswordValidityDays: 3 },
    }).hasResourceProperties(POOL, {
      password_policy: Match.exact({
        minimum_length: 14,
        require_lowercase: false,
        require_numbers: false,
        require_symbols: false,
        require_uppercase: false,
        temporary_password_validity_days: 3,
      }),
    });
  });

  it('passwordPolicy.temporaryPasswordValidity as a Duration, in whole days', () => {
    synthProps({ passwordPolicy: { temporaryPasswordValidity: Duration.days(3) } }).hasResourceProperties(POOL, { password_policy: { temporary_password_validity_days: 3 } });
    synthProps({ passwordPolicy: { temporaryPasswordValidity: Duration.hours(48) } }).hasResourceProperties(POOL, { password_policy: { temporary_password_validity_days: 2 } });
  });

  it('throws when temporaryPasswordValidity is out of range, not whole days, or set with temporaryPasswordValidityDays', () => {
    expectInvalid(() => synthProps({ passwordPolicy: { temporaryPasswordValidity: Duration.days(366) } }), 'passwordPolicy.temporaryPasswordValidity', /"366 days": must be a whole number of days from 0 days to 365 days/);
    expectInvalid(() => synthProps({ passwordPolicy: { temporaryPasswordValidity: Duration.hours(36) } }), 'passwordPolicy.temporaryPasswordValidity', /is not a whole number of days/);
    expectInvalid(() => synthProps({ passwordPolicy: { temporaryPasswordValidity: Duration.days(3), temporaryPasswordValidityDays: 3 } }), 'passwordPolicy.temporaryPasswordValidityDays', /is set together with passwordPolicy\.temporaryPasswordValidity/);
  });

  it('accepts the bounds of the password ranges', () => {
    expect(() => synthProps({ passwordPolicy: { minLength: 6, temporaryPasswordValidityDays: 0 } })).not.toThrow();
    expect(() => synthProps({ passwordPolicy: { minLength: 99, temporaryPasswordValidityDays: 365 } })).not.toThrow();
  });

  it('mfa OFF sets no software token block; REQUIRED maps to ON with TOTP', () => {
    synthProps({ mfa: Mfa.OFF }).hasResourceProperties(POOL, { mfa_configuration: 'OFF', software_token_mfa_configuration: Match.absent() });
    synthProps({ mfa: Mfa.REQUIRED }).hasResourceProperties(POOL, { mfa_configuration: 'ON', software_token_mfa_configuration: { enabled: true } });
    synthProps({ mfa: 'OPTIONAL' }).hasResourceProperties(POOL, { mfa_configuration: 'OPTIONAL' });
  });

  it('deletion protection on', () => {
    synthProps({ deletionProtection: true }).hasResourceProperties(POOL, { deletion_protection: 'ACTIVE' });
  });

  it('self sign-up is an opt-in', () => {
    synthProps({ selfSignUpEnabled: true }).hasResourceProperties(POOL, { admin_create_user_config: { allow_admin_create_user_only: false } });
  });

  it('tags', () => {
    synthProps({ tags: { team: 'identity' } }).hasResourceProperties(POOL, { tags: { team: 'identity' } });
  });

  it('lists the scopes of its resource servers as they are added', () => {
    const pool = new UserPool(stackWithProvider(), 'Pool');
    expect(pool.resourceServerScopes).toEqual([]);
    pool.addResourceServer('Orders', { identifier: 'orders', scopes: [{ name: 'read', description: 'Read orders' }] });
    pool.addResourceServer('Admin', { identifier: 'https://admin.example.com', scopes: [{ name: 'all', description: 'Everything' }] });
    expect(pool.resourceServerScopes).toEqual(['orders/read', 'https://admin.example.com/all']);
  });

  describe('validation', () => {
    const build = (props: UserPoolProps) => () => new UserPool(stackWithProvider(), 'Pool', props);

    it.each([5, 100, 8.5])('throws when passwordPolicy.minLength is %p (outside 6..99)', (minLength) => {
      expect(build({ passwordPolicy: { minLength } })).toThrow(ValidationError);
      expect(build({ passwordPolicy: { minLength } })).toThrow(`test/Pool: invalid passwordPolicy.minLength ${minLength}: must be a whole number of characters from 6 to 99`);
    });

    it.each([-1, 366])('throws when passwordPolicy.temporaryPasswordValidityDays is %p (outside 0..365)', (days) => {
      expect(build({ passwordPolicy: { temporaryPasswordValidityDays: days } })).toThrow(/invalid passwordPolicy.temporaryPasswordValidityDays .*from 0 to 365/);
    });

    it('throws when the name has characters Cognito refuses', () => {
      expect(build({ name: 'team/pool' })).toThrow(/invalid name "team\/pool": must be 1 to 128/);
      expect(build({ name: 'x'.repeat(129) })).toThrow(/invalid name/);
    });

    it('throws when mfa is not an MFA setting', () => {
      expect(build({ mfa: 'ON' as Mfa })).toThrow(/invalid mfa "ON".*Mfa.OFF, Mfa.OPTIONAL or Mfa.REQUIRED/);
    });

    it('throws when the stack has no AwsProvider region', () => {
      expect(() => new UserPool(newTestStack(), 'Pool')).toThrow(/invalid region \(not set\)/);
    });
  });
});

describe('UserPool threat protection', () => {
  it('is off by default: no add-ons, and the pool keeps AWS\'s default plan', () => {
    const pool = synthProps().resource(POOL).values;
    expect(pool['user_pool_add_ons']).toBeUndefined();
    expect(pool['user_pool_tier']).toBeUndefined();
  });

  it.each([ThreatProtection.AUDIT, ThreatProtection.ENFORCED])('%s puts the pool on the Plus plan with that mode', (mode) => {
    synthProps({ threatProtection: mode }).hasResourceProperties(POOL, { user_pool_tier: 'PLUS', user_pool_add_ons: { advanced_security_mode: mode } });
  });

  it('throws when the mode is not one Cognito knows', () => {
    expectInvalid(() => synthProps({ threatProtection: 'ON' as never }), 'threatProtection', /not a threat protection mode/);
  });
});
