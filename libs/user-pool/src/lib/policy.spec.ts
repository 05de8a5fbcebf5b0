import { assertSecurityPolicy, checkSecurityPolicy, Template } from '@secure-api/testing';
import { Mfa, ThreatProtection, type UserPoolProps } from './user-pool';
import { FORBID_IMPLICIT_GRANT_CONTEXT } from './user-pool-client';
import { newPool, synthPool } from '../test/helpers';

const URLS = { callbackUrls: ['https://app.example.com/callback'], logoutUrls: ['https://app.example.com/'] };

function synth(props: UserPoolProps, implicit = false): Template {
  return synthPool((pool) => {
    pool.addDomain('Domain', { domainPrefix: 'my-app' });
    pool.addClient('Web', { oAuth: { ...URLS, flows: { authorizationCodeGrant: true, implicitCodeGrant: implicit } } });
    pool.addUser('Ann', { email: 'ann@example.com' });
  }, props);
}

// The shared security policy (issue point 6) read against this library's output: which props a production
// stack must set, and that the defaults already meet every rule that applies to all stacks.
describe('security policy', () => {
  it('the defaults meet every rule for all stacks', () => {
    expect(checkSecurityPolicy(synth({}), { environment: 'nonprod' })).toEqual([]);
  });

  it('production needs deletion protection, a 12-character password and threat protection enforced; the default MFA already passes', () => {
    const rules = checkSecurityPolicy(synth({}), { environment: 'prod' }).map((f) => f.rule);
    expect(rules.sort()).toEqual(['pool-deletion-protection', 'pool-password-policy', 'pool-threat-protection']);
    expect(() => assertSecurityPolicy(synth({ deletionProtection: true, passwordPolicy: { minLength: 12 }, threatProtection: ThreatProtection.ENFORCED }), { environment: 'prod' })).not.toThrow();
    const audit = checkSecurityPolicy(synth({ deletionProtection: true, passwordPolicy: { minLength: 12 }, threatProtection: ThreatProtection.AUDIT }), { environment: 'prod' });
    expect(audit.map((f) => f.rule)).toEqual(['pool-threat-protection']);
  });

  it('MFA OFF and the implicit grant fail production', () => {
    const rules = checkSecurityPolicy(synth({ deletionProtection: true, passwordPolicy: { minLength: 12 }, mfa: Mfa.OFF, threatProtection: ThreatProtection.ENFORCED }, true), { environment: 'prod' }).map((f) => f.rule);
    expect(rules.sort()).toEqual(['client-no-implicit-grant', 'pool-mfa']);
  });

  it('self sign-up needs the stack to opt in', () => {
    expect(checkSecurityPolicy(synth({ selfSignUpEnabled: true }), { environment: 'nonprod' }).map((f) => f.rule)).toEqual(['pool-admin-only-sign-up']);
    expect(checkSecurityPolicy(synth({ selfSignUpEnabled: true }), { environment: 'nonprod', selfSignUpAllowed: true })).toEqual([]);
  });

  it('a production stack that sets the forbid-implicit context cannot even synthesize an implicit client', () => {
    expect(() =>
      newPool(undefined, { [FORBID_IMPLICIT_GRANT_CONTEXT]: true }).addClient('Web', { oAuth: { ...URLS, flows: { authorizationCodeGrant: true, implicitCodeGrant: true } } }),
    ).toThrow(/the implicit grant is forbidden in this environment/);
  });
});
