import { readFileSync } from 'node:fs';
import { isRecord } from '../shared/records';

/** One resource block of a synthesized stack (`cdk.tf.json`). */
export interface StackResource {
  /** Terraform type, e.g. `aws_cognito_user_pool`. */
  readonly type: string;
  /** Terraform name (the cdktf logical id). */
  readonly name: string;
  /** `type.name`, as Terraform and error messages name it. */
  readonly address: string;
  /** The block as synthesized: references still unresolved (`${aws_x.y.id}`). */
  readonly config: Readonly<Record<string, unknown>>;
  /** The construct path cdktf recorded (`//.metadata.path`), when present. */
  readonly constructPath?: string;
}

/** Thrown when a stack cannot be loaded or a reference cannot be resolved. Names the resource at fault. */
export class StackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StackError';
  }
}

/** Attribute values a twin emulator computed for one address (`id`, `arn`, ...). */
export type Attributes = Readonly<Record<string, unknown>>;

const META_ARGUMENTS = new Set(['//', 'depends_on', 'lifecycle', 'provider', 'count', 'for_each', 'provisioner', 'connection']);
const REF = /\$\{([^{}]*)\}/g;
const SIMPLE_REF = /^(var|local|data\.[a-z0-9_]+|[a-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\.([A-Za-z0-9_]+))?((?:\[\d+\])*)$/;

/**
 * A synthesized stack, read once, with a registry of computed attributes that the emulators fill as they
 * build resources (`register`) and a resolver for the `${...}` references in resource blocks.
 */
export class StackModel {
  private readonly attributes = new Map<string, Attributes>();
  private readonly byType = new Map<string, StackResource[]>();

  static fromFile(file: string): StackModel {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new StackError(`cannot read the synthesized stack ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'}). Fix: run the stack's synth target first.`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new StackError(`${file} is not valid JSON. Fix: synthesize the stack again.`);
    }
    return new StackModel(json, file);
  }

  constructor(readonly json: unknown, readonly source = '<memory>') {
    if (!isRecord(json)) throw new StackError(`${source} is not a Terraform JSON document (expected an object).`);
    const resources = json['resource'];
    if (resources !== undefined && !isRecord(resources)) throw new StackError(`${source}: "resource" must be an object.`);
    for (const [type, blocks] of Object.entries(resources ?? {})) {
      if (!isRecord(blocks)) throw new StackError(`${source}: resource type ${type} must map names to blocks.`);
      const list: StackResource[] = [];
      for (const [name, config] of Object.entries(blocks)) {
        if (!isRecord(config)) throw new StackError(`${source}: ${type}.${name} must be an object.`);
        const meta = config['//'];
        const constructPath = isRecord(meta) && isRecord(meta['metadata']) && typeof meta['metadata']['path'] === 'string' ? (meta['metadata']['path'] as string) : undefined;
        list.push({ type, name, address: `${type}.${name}`, config, constructPath });
      }
      this.byType.set(type, list);
    }
  }

  /** Every resource of one type, in file order. */
  resources(type: string): readonly StackResource[] {
    return this.byType.get(type) ?? [];
  }

  /** Every resource type present in the stack. */
  types(): string[] {
    return [...this.byType.keys()];
  }

  /** The names of the stack's `data "<type>"` blocks, in file order. */
  dataSources(type: string): string[] {
    const data = isRecord(this.json) ? this.json['data'] : undefined;
    const blocks = isRecord(data) ? data[type] : undefined;
    return isRecord(blocks) ? Object.keys(blocks) : [];
  }

  /** The stack's `output` blocks: name → raw block (`value`, `sensitive`, `description`). */
  outputs(): Record<string, { value: unknown; sensitive?: boolean; description?: string }> {
    const out = isRecord(this.json) ? this.json['output'] : undefined;
    return isRecord(out) ? (out as Record<string, { value: unknown; sensitive?: boolean; description?: string }>) : {};
  }

  /** The stack's `variable` blocks. */
  variables(): Record<string, { default?: unknown; sensitive?: boolean; type?: string }> {
    const vars = isRecord(this.json) ? this.json['variable'] : undefined;
    return isRecord(vars) ? (vars as Record<string, { default?: unknown }>) : {};
  }

  /** Records the computed attributes of `address` (`type.name`) so that references to it resolve. */
  register(address: string, attributes: Attributes): void {
    this.attributes.set(address, { ...(this.attributes.get(address) ?? {}), ...attributes });
  }

  /** The registered attributes of an address, if any. */
  attributesOf(address: string): Attributes | undefined {
    return this.attributes.get(address);
  }

  /**
   * Resolves every `${type.name.attr}` (and `${var.name}`) inside `value`, deeply. A string that is exactly one
   * reference takes the referenced value's own type. `variables` supplies `var.*` values (else the default).
   * Throws a StackError naming `where` when a reference is unknown or not yet registered.
   */
  resolve<T = unknown>(value: unknown, where: string, variables: Record<string, unknown> = {}): T {
    return this.resolveDeep(value, where, variables) as T;
  }

  /**
   * Resolves a resource's own arguments: its config without Terraform's meta-arguments (`depends_on`,
   * `lifecycle`, `provider`, `count`, `for_each`, `provisioner`, `connection`), whose references are not values.
   */
  resolveArguments<T = Record<string, unknown>>(resource: StackResource, variables: Record<string, unknown> = {}): T {
    const args: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(resource.config)) if (!META_ARGUMENTS.has(k)) args[k] = v;
    return this.resolveDeep(args, resource.address, variables) as T;
  }

  private resolveDeep(value: unknown, where: string, variables: Record<string, unknown>): unknown {
    if (typeof value === 'string') return this.resolveString(value, where, variables);
    if (Array.isArray(value)) return value.map((v) => this.resolveDeep(v, where, variables));
    if (isRecord(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (k === '//') continue;
        out[k] = this.resolveDeep(v, where, variables);
      }
      return out;
    }
    return value;
  }

  private resolveString(text: string, where: string, variables: Record<string, unknown>): unknown {
    const whole = /^\$\{([^{}]*)\}$/.exec(text);
    if (whole) return this.lookup(whole[1].trim(), where, variables);
    return text.replace(REF, (_m, expr: string) => {
      const v = this.lookup(expr.trim(), where, variables);
      return typeof v === 'string' ? v : JSON.stringify(v);
    });
  }

  private lookup(expr: string, where: string, variables: Record<string, unknown>): unknown {
    const m = SIMPLE_REF.exec(expr);
    if (!m) throw new StackError(`${where}: the expression \${${expr}} is not supported by the twin (only plain references). Fix: reference attributes directly.`);
    const [, head, second, third, indexes] = m;
    let value: unknown;
    if (head === 'var') {
      if (Object.hasOwn(variables, second)) value = variables[second];
      else {
        const decl = Object.hasOwn(this.variables(), second) ? this.variables()[second] : undefined;
        if (!decl) throw new StackError(`${where}: references var.${second}, which the stack does not declare.`);
        if (decl.default === undefined) throw new StackError(`${where}: var.${second} has no value. Fix: pass it to the twin or give it a default.`);
        value = decl.default;
      }
      if (third) value = isRecord(value) && Object.hasOwn(value, third) ? value[third] : undefined;
    } else {
      const address = `${head}.${second}`;
      const attrs = this.attributes.get(address);
      if (!attrs) {
        const known = this.byType.get(head)?.some((r) => r.name === second);
        throw new StackError(known
          ? `${where}: references ${address}, a resource the twin does not emulate or has not built yet.`
          : `${where}: references ${address}, which is not in the stack.`);
      }
      if (!third) throw new StackError(`${where}: reference \${${expr}} names no attribute.`);
      if (!Object.hasOwn(attrs, third)) throw new StackError(`${where}: ${address} has no attribute "${third}" in the twin.`);
      value = attrs[third];
    }
    for (const idx of indexes.match(/\d+/g) ?? []) {
      value = Array.isArray(value) ? value[Number(idx)] : undefined;
    }
    return value;
  }
}
