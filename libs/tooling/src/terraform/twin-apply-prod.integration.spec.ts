import { CognitoIdentityProviderClient, ListUserPoolsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { describeWithTerraform, EmptyTwin, expectCleanPlan, plannedActions, stackJson, TwinStack } from '../test/twin-terraform';

// The prod stack through real Terraform and the AWS provider 5.100: it applies and plans clean, and its user pool's
// deletion protection stops a destroy with AWS's own error until the stack turns it off.
jest.setTimeout(300_000);

type Json = Record<string, any>;

const pool = (json: Json): Json => Object.values(json['resource']['aws_cognito_user_pool'] as Json)[0] as Json;

describeWithTerraform('the prod stack applied to an empty twin by real Terraform', () => {
  let twin: EmptyTwin;
  let prod: TwinStack;
  let base: Json;

  beforeAll(async () => {
    twin = await EmptyTwin.start();
    base = stackJson('prod');
    prod = new TwinStack(twin, 'prod').use(base);
  }, 120_000);
  afterAll(() => twin?.stop());

  it('applies (MFA optional with TOTP, deletion protection on), and a second plan -detailed-exitcode finds no changes', () => {
    expect(pool(base)).toMatchObject({ deletion_protection: 'ACTIVE', mfa_configuration: 'OPTIONAL' });
    expect(prod.target('deploy')).toBe(0);
    expectCleanPlan(prod);
  });

  it("destroy fails at the user pool with AWS's error while deletion protection is on", () => {
    expect(prod.target('destroy')).not.toBe(0);
    const printed = prod.lines.join('\n');
    expect(printed).toMatch(/deleting Cognito user pool \(eu-west-1_\w+\): .*InvalidParameterException: The user pool cannot be deleted because deletion protection is activated\. Deletion protection must be inactivated first\./s);
    expect(prod.terraform('state', 'list').stdout).toMatch(/aws_cognito_user_pool\./);
  });

  it('turning it off plans as an update in place; then destroy leaves the account empty', async () => {
    const off = structuredClone(base);
    pool(off)['deletion_protection'] = 'INACTIVE';
    prod.use(off);
    const { json } = prod.planJson();
    const actions = plannedActions(json);
    expect([...actions].filter(([address]) => address.startsWith('aws_cognito_user_pool.'))).toEqual([[expect.any(String), 'update']]);
    expect(prod.target('deploy')).toBe(0);
    expect(prod.target('destroy')).toBe(0);
    const { endpoint, accessKeyId, secretAccessKey } = twin.account;
    const cognito = new CognitoIdentityProviderClient({ endpoint, region: 'eu-west-1', credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
    expect((await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools).toEqual([]);
  });
});
