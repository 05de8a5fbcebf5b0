import { emptyTwinForSuite } from '../test-support';
import { jsonCall } from '../test-support/signed';

// The feature plan (UserPoolTier) and threat protection (UserPoolAddOns.AdvancedSecurityMode) of a user pool, kept and
// answered as set, with Cognito's rule that threat protection needs the Plus plan.
jest.setTimeout(30_000);

type Json = Record<string, any>;

const twin = emptyTwinForSuite();

const call = async (operation: string, body: unknown): Promise<{ status: number; json: Json }> => {
  const { status, json } = await jsonCall(twin(), 'cognito-idp', operation, body);
  return { status, json };
};
const pool = async (id: string): Promise<Json> => (await call('DescribeUserPool', { UserPoolId: id })).json.UserPool;

describe('user pool tier and threat protection', () => {
  it('keeps PLUS and ENFORCED as set; UpdateUserPool changes the mode and keeps the tier it does not name', async () => {
    const made = await call('CreateUserPool', { PoolName: 'plus', UserPoolTier: 'PLUS', UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' } });
    expect(made.status).toBe(200);
    const id = made.json.UserPool.Id;
    expect(await pool(id)).toMatchObject({ UserPoolTier: 'PLUS', UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' } });
    expect((await call('UpdateUserPool', { UserPoolId: id, UserPoolAddOns: { AdvancedSecurityMode: 'AUDIT' } })).status).toBe(200);
    expect(await pool(id)).toMatchObject({ UserPoolTier: 'PLUS', UserPoolAddOns: { AdvancedSecurityMode: 'AUDIT' } });
    expect((await call('UpdateUserPool', { UserPoolId: id, UserPoolTier: 'ESSENTIALS', UserPoolAddOns: { AdvancedSecurityMode: 'OFF' } })).status).toBe(200);
    expect(await pool(id)).toMatchObject({ UserPoolTier: 'ESSENTIALS', UserPoolAddOns: { AdvancedSecurityMode: 'OFF' } });
  });

  it('a pool created without a tier is on ESSENTIALS, as new pools are', async () => {
    const made = await call('CreateUserPool', { PoolName: 'default-tier' });
    expect((await pool(made.json.UserPool.Id)).UserPoolTier).toBe('ESSENTIALS');
  });

  it('refuses threat protection below the Plus plan with FeatureUnavailableInTierException, on create and on update', async () => {
    expect(await call('CreateUserPool', { PoolName: 'essentials', UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' } })).toEqual({
      status: 400, json: { __type: 'FeatureUnavailableInTierException', message: 'The following features need to be disabled for the ESSENTIALS pricing tier configured: Threat Protection' },
    });
    expect(await call('CreateUserPool', { PoolName: 'lite', UserPoolTier: 'LITE', UserPoolAddOns: { AdvancedSecurityMode: 'AUDIT' } })).toMatchObject({ json: { __type: 'FeatureUnavailableInTierException' } });
    const id = (await call('CreateUserPool', { PoolName: 'later' })).json.UserPool.Id;
    expect(await call('UpdateUserPool', { UserPoolId: id, UserPoolAddOns: { AdvancedSecurityMode: 'AUDIT' } })).toMatchObject({ json: { __type: 'FeatureUnavailableInTierException' } });
    expect((await call('UpdateUserPool', { UserPoolId: id, UserPoolTier: 'PLUS', UserPoolAddOns: { AdvancedSecurityMode: 'AUDIT' } })).status).toBe(200);
  });

  it('refuses an unknown mode and a malformed add-ons member', async () => {
    expect(await call('CreateUserPool', { PoolName: 'bad', UserPoolTier: 'PLUS', UserPoolAddOns: { AdvancedSecurityMode: 'STRICT' } })).toMatchObject({
      status: 400, json: { __type: 'InvalidParameterException', message: expect.stringContaining("at 'userPoolAddOns.advancedSecurityMode' failed to satisfy constraint: Member must satisfy enum value set: [OFF, AUDIT, ENFORCED]") },
    });
    expect(await call('CreateUserPool', { PoolName: 'bad', UserPoolTier: 'PLUS', UserPoolAddOns: {} })).toMatchObject({ json: { __type: 'InvalidParameterException' } });
    expect(await call('CreateUserPool', { PoolName: 'bad', UserPoolTier: 'GOLD' })).toMatchObject({ json: { __type: 'InvalidParameterException' } });
  });
});
