import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StackError } from '../stack/stack-model';
import { fixtureStack, ids, startTwin, type FixtureOptions, type RunningTwin } from '../test-support';

// The stack loader on a second start: what changed in the stack is brought about as `terraform apply` would, through
// the same operations, and what did not change keeps its ids.
jest.setTimeout(30_000);

type Resources = Record<string, Record<string, Record<string, unknown>>>;

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'twin-provision-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

async function start(options: FixtureOptions = {}): Promise<RunningTwin> {
  return startTwin({ listen: false, dataDir, json: fixtureStack(options) });
}

async function twice(first: FixtureOptions, second: FixtureOptions): Promise<{ before: ReturnType<typeof ids>; after: ReturnType<typeof ids>; t: RunningTwin }> {
  const one = await start(first);
  const before = ids(one.twin);
  await one.close({ keepData: true });
  const t = await start(second);
  return { before, after: ids(t.twin), t };
}

describe('a second start of the same data directory', () => {
  it('changes in place what AWS changes in place: the same client id serves the new callback URLs', async () => {
    const { before, after, t } = await twice({}, { edit: (r) => void ((r['aws_cognito_user_pool_client']['Web']['callback_urls'] as string[]).push('http://localhost:3001/cb')) });
    try {
      expect(after).toEqual(before);
      expect(t.twin.cognito.directory.client(after.web)?.settings.callbackUrls).toContain('http://localhost:3001/cb');
    } finally {
      await t.close({ keepData: true });
    }
  });

  it('replaces the pool when its name changes, as terraform apply does (a new id; its users go with it)', async () => {
    const open = { pool: { deletion_protection: 'INACTIVE' } };
    const { before, after, t } = await twice(open, { pool: { ...open.pool, name: 'fixture-renamed' } });
    try {
      expect(after.pool).not.toBe(before.pool);
      expect(after.other).toBe(before.other);
      expect(t.twin.cognito.directory.all().map((p) => p.settings.name).sort()).toEqual(['fixture-renamed', 'fixture-self-service']);
      expect(t.twin.stackUsers[0]).toMatchObject({ generated: true, poolId: after.pool });
    } finally {
      await t.close({ keepData: true });
    }
  });

  it("refuses to replace a pool with deletion protection, with AWS's error and the fix", async () => {
    const first = await start();
    await first.close({ keepData: true });
    const refused = await start({ pool: { name: 'fixture-renamed' } }).then(() => undefined, (err: unknown) => err);
    expect(refused).toBeInstanceOf(StackError);
    expect((refused as Error).message).toMatch(/^aws_cognito_user_pool\.Pool \(fixture\/SecureApi\/UserPool\/Resource\): AWS would refuse this resource at apply time with InvalidParameterException: The user pool cannot be deleted because deletion protection is activated\..* Fix: set deletion_protection to "INACTIVE" and start once/);
  });

  it('deletes what the stack no longer declares, and survives a renamed deployment of a REST API it keeps', async () => {
    const rename = (r: Resources) => {
      r['aws_api_gateway_deployment'] = { Deployment2: r['aws_api_gateway_deployment']['Deployment'] };
      r['aws_api_gateway_stage']['Dev']['deployment_id'] = '${aws_api_gateway_deployment.Deployment2.id}';
      delete r['aws_cognito_user_pool_client']['Legacy'];
    };
    const { before, after, t } = await twice({}, { edit: rename });
    try {
      expect(after.pool).toBe(before.pool);
      expect(t.twin.cognito.directory.client(before.legacy)).toBeUndefined();
      expect(t.twin.apiGateway.apis()[0].stages.map((s) => s.name)).toEqual(['dev']);
    } finally {
      await t.close({ keepData: true });
    }
  });

  it('a start refused half-way leaves nothing it does not know of: the fixed stack finds its pool again', async () => {
    const refused = await start({ pool: { mfa_configuration: 'ON' } }).then(() => undefined, (err: unknown) => err);
    expect((refused as Error).message).toMatch(/Invalid MFA configuration given/);
    const t = await start();
    try {
      expect(t.twin.cognito.directory.all().map((p) => p.settings.name).sort()).toEqual(['fixture-self-service', 'fixture-users']);
    } finally {
      await t.close({ keepData: true });
    }
  });
});
