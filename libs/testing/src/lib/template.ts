import { App, TerraformStack, Testing } from 'cdktf';
import type { Construct } from 'constructs';
import { mismatch } from './match';

/** One resource of a synthesized stack. */
export interface SynthResource {
  readonly type: string;
  readonly name: string;
  /** `type.name`, the Terraform address. */
  readonly address: string;
  /** The synthesized block (snake_case), cdktf `//` metadata included. */
  readonly values: Record<string, unknown>;
}

/**
 * A synthesized Terraform JSON document with finders and assertions. Build one from a stack
 * (`Template.fromStack`), from a function that adds constructs to a fresh test stack (`Template.synth`), or from
 * JSON already on disk (`Template.fromJSON`).
 */
export class Template {
  /** Synthesizes `stack` (its app must be a `Testing.app()` or any App) and wraps the result. */
  static fromStack(stack: TerraformStack): Template {
    return new Template(JSON.parse(Testing.synth(stack)) as Record<string, unknown>);
  }

  /** Creates a test app and stack named `test`, lets `build` add constructs, synthesizes it. */
  static synth(build: (stack: TerraformStack) => void): Template {
    const stack = newTestStack();
    build(stack);
    return Template.fromStack(stack);
  }

  static fromJSON(json: Record<string, unknown>): Template {
    return new Template(json);
  }

  private constructor(readonly json: Record<string, unknown>) {}

  /** Every resource of `type`, optionally only those whose values partially match `props`. */
  resources(type: string, props?: Record<string, unknown>): SynthResource[] {
    const blocks = (this.json['resource'] as Record<string, Record<string, Record<string, unknown>>> | undefined)?.[type] ?? {};
    return Object.entries(blocks)
      .map(([name, values]) => ({ type, name, address: `${type}.${name}`, values }))
      .filter((r) => props === undefined || mismatch(props, r.values) === undefined);
  }

  /** Every resource of every type. */
  allResources(): SynthResource[] {
    const all = (this.json['resource'] as Record<string, unknown> | undefined) ?? {};
    return Object.keys(all).flatMap((type) => this.resources(type));
  }

  /** The one resource of `type` matching `props`; throws when there are none or several. */
  resource(type: string, props?: Record<string, unknown>): SynthResource {
    const found = this.resources(type, props);
    if (found.length !== 1) throw new Error(`expected exactly one ${type}${props ? ` matching ${JSON.stringify(props)}` : ''}, found ${found.length}`);
    return found[0];
  }

  /** Asserts that at least one resource of `type` partially matches `props`; the error shows the closest miss. */
  hasResourceProperties(type: string, props: Record<string, unknown>): void {
    const all = this.resources(type);
    if (all.length === 0) throw new Error(`no resource of type ${type} in the stack`);
    const misses = all.map((r) => `${r.address}: ${mismatch(props, r.values)}`);
    if (all.some((r) => mismatch(props, r.values) === undefined)) return;
    throw new Error(`no ${type} matches.\n${misses.join('\n')}`);
  }

  /** Asserts the number of resources of `type`. */
  resourceCountIs(type: string, count: number): void {
    const n = this.resources(type).length;
    if (n !== count) throw new Error(`expected ${count} ${type}, found ${n}`);
  }

  /** The stack's outputs, name → block. */
  outputs(): Record<string, { value: unknown; sensitive?: boolean; description?: string }> {
    return (this.json['output'] as Record<string, { value: unknown }> | undefined) ?? {};
  }

  /** A top-level block such as `terraform`, `provider`, `variable`, `data`. */
  block<T = Record<string, unknown>>(name: string): T | undefined {
    return this.json[name] as T | undefined;
  }

  /** A `${type.name.attr}` reference to a resource, as the synthesized JSON spells it. */
  static ref(resource: SynthResource, attribute: string): string {
    return `\${${resource.address}.${attribute}}`;
  }
}

/** A fresh `Testing.app()` with one stack named `test`. */
export function newTestStack(id = 'test'): TerraformStack {
  const app: App = Testing.app();
  return new TerraformStack(app as unknown as Construct, id);
}
