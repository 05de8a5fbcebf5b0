import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithTerraform, stackJson, WORKSPACE } from '../test/twin-terraform';
import { runTerraformTarget } from './run';

// `nx run <stack>:validate` with real Terraform and the real AWS provider from the machine's mirror, for every stack
// of the workspace: the configuration cdktf synthesizes is one the provider accepts.
jest.setTimeout(120_000);

describeWithTerraform('terraform validate with the real AWS provider', () => {
  it.each(['dev', 'prod', 'bootstrap'])('%s is valid, in a folder of its own, against the version the stacks admit', (env) => {
    const lines: string[] = [];
    const output: string[] = [];
    const stackDir = join(mkdtempSync(join(tmpdir(), `validate-${env}-`)), env);
    mkdirSync(stackDir);
    writeFileSync(join(stackDir, 'cdk.tf.json'), JSON.stringify(stackJson(env)));
    const code = runTerraformTarget({ command: 'validate', env, root: WORKSPACE, stackDir, log: (l) => lines.push(l), output: (t) => output.push(t) });
    expect({ code, lines }).toEqual({ code: 0, lines: expect.arrayContaining([expect.stringMatching(new RegExp(`^validate ${env}: valid with hashicorp/aws 5\\.\\d+\\.\\d+$`))]) });
    const lock = readFileSync(join(stackDir, 'validate', '.terraform.lock.hcl'), 'utf8');
    expect(lock).toMatch(/registry\.terraform\.io\/hashicorp\/aws/);
    // Nothing of the run is left in the stack folder itself: no .terraform, no lock file, no state.
    expect(['.terraform', '.terraform.lock.hcl', 'terraform.tfstate'].filter((f) => existsSync(join(stackDir, f)))).toEqual([]);
  });
});
