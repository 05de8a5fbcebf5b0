import { Aspects } from 'cdktf';
import type { IConstruct } from 'constructs';

/**
 * Runs `action` once the construct tree is complete, at synth, before anything is rendered: the one way this
 * workspace binds what depends on constructs added later (a resource server declared after the client that takes its
 * scopes, a scope checked against the pool's servers). An Aspect, as CDK binds late; an error thrown here is a synth
 * error, like one thrown by a constructor.
 * @see https://developer.hashicorp.com/terraform/cdktf/concepts/aspects
 */
export function atSynth(construct: IConstruct, action: () => void): void {
  Aspects.of(construct).add({ visit: (node: IConstruct) => (node === construct ? action() : undefined) });
}
