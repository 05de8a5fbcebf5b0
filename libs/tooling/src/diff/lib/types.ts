/** A synthesized Terraform JSON document, as cdktf writes it to `cdktf.out/stacks/<stack>/cdk.tf.json`. */
export type TerraformJson = Record<string, unknown>;

/**
 * What applying the head configuration does to one resource, as far as the configuration alone tells.
 * `replace` is an update that changes an attribute the provider cannot update in place (force-new).
 */
export type ChangeAction = 'create' | 'update' | 'replace' | 'delete' | 'move';

/** One changed attribute of a resource, at a leaf path such as `password_policy.minimum_length`. */
export interface AttributeChange {
  /** Dotted path with `[i]` list indexes, e.g. `schema[0].name`. */
  readonly path: string;
  /** Value in the base configuration; `undefined` when the attribute was not set. */
  readonly before: unknown;
  /** Value in the head configuration; `undefined` when the attribute is no longer set. */
  readonly after: unknown;
  /** The provider replaces the resource when this attribute changes. */
  readonly forceNew: boolean;
  /** Matched by the resource's `lifecycle.ignore_changes`: Terraform will not act on it. */
  readonly ignored: boolean;
  /**
   * The configuration did not change here, but the attribute refers to a computed attribute (an id, an ARN) of a
   * resource that is replaced: its value is new after the apply, as Terraform plans it ("known after apply").
   */
  readonly replacedWith?: string;
}

/** A Terraform address that disappeared in the head and another of the same type that appeared. */
export interface Rename {
  readonly from: string;
  readonly to: string;
  readonly fromPath?: string;
  readonly toPath?: string;
  /** Why the two were paired: identical bodies, or construct paths that differ in one construct id. */
  readonly evidence: 'same-body' | 'construct-path';
}

export type Severity = 'danger' | 'warning';

/** A finding a reviewer must see. DANGER findings fail the diff unless acknowledged. */
export interface Finding {
  readonly severity: Severity;
  readonly address: string;
  readonly message: string;
}

/** One resource whose configuration differs between base and head. */
export interface ResourceChange {
  readonly action: ChangeAction;
  /** Terraform address `type.name` in the head (for a delete: in the base). */
  readonly address: string;
  readonly type: string;
  readonly name: string;
  /** The construct path from cdktf's `//` metadata, e.g. `dev/SecureApi/UserPool`. */
  readonly constructPath?: string;
  /** Changed attributes (update, replace and move only). */
  readonly attributes: readonly AttributeChange[];
  /** Set on both halves of a rename: the delete of the old address and the create of the new one. */
  readonly rename?: Rename;
  /** The base address when a `moved` block in the head maps it to this one. */
  readonly movedFrom?: string;
  /** The resource holds data or identity that a delete or replacement loses. */
  readonly stateful: boolean;
}

export interface OutputChanges {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
}

/** The diff of one stack between two synthesized configurations. */
export interface StackDiff {
  /** False when the base has no such stack: every resource is a create. */
  readonly baseExists: boolean;
  readonly changes: readonly ResourceChange[];
  /** Resources present and identical on both sides. */
  readonly unchanged: number;
  readonly outputs: OutputChanges;
  /** DANGER first, then warnings; each names the address and the reason. */
  readonly findings: readonly Finding[];
  readonly danger: boolean;
  readonly counts: Readonly<Record<ChangeAction, number>>;
}
