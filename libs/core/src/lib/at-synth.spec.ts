import { App, TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { atSynth } from './at-synth';

describe('atSynth', () => {
  it('runs once, at synth, when constructs added after its owner are in the tree', () => {
    const stack = new TerraformStack(Testing.app() as App, 'test');
    const owner = new Construct(stack, 'Owner');
    const seen: string[][] = [];
    atSynth(owner, () => seen.push(stack.node.children.map((c) => c.node.id)));
    new Construct(stack, 'Later');
    expect(seen).toEqual([]);
    Testing.synth(stack);
    expect(seen).toEqual([['Owner', 'Later']]);
  });

  it('turns an error thrown by the action into a synth error', () => {
    const stack = new TerraformStack(Testing.app() as App, 'test');
    atSynth(new Construct(stack, 'Owner'), () => {
      throw new Error('late check failed');
    });
    expect(() => Testing.synth(stack)).toThrow('late check failed');
  });
});
