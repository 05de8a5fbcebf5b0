import { StackError, StackModel } from './stack-model';

/** One output in the shape `terraform output -json` prints. */
export interface TerraformOutput {
  readonly sensitive: boolean;
  readonly type: unknown;
  readonly value: unknown;
}

export type TerraformOutputs = Record<string, TerraformOutput>;

/** Maps the URLs inside one string (AWS endpoint URLs to the twin's, say). */
export type UrlRewrite = (text: string) => string;

/**
 * The stack's outputs resolved against what the twin built, with every string passed through `rewrite`, in
 * `terraform output -json` shape. An output the twin cannot resolve is left out and named in `warnings`.
 */
export function outputsOf(stack: StackModel, rewrite: UrlRewrite, warnings: string[]): TerraformOutputs {
  const out: TerraformOutputs = {};
  for (const [name, block] of Object.entries(stack.outputs())) {
    let value: unknown;
    try {
      value = stack.resolve(block.value, `output.${name}`);
    } catch (err) {
      if (!(err instanceof StackError)) throw err;
      const line = `output ${name} is left out of the outputs file: ${err.message}`;
      if (!warnings.includes(line)) warnings.push(line);
      continue;
    }
    value = rewriteDeep(value, rewrite);
    out[name] = output(value, block.sensitive === true);
  }
  return out;
}

/** An output of `value`, with its Terraform type. */
export function output(value: unknown, sensitive = false): TerraformOutput {
  return { sensitive, type: typeOf(value), value };
}

/** Applies `rewrite` to every string inside a value, deeply. */
export function rewriteDeep(value: unknown, rewrite: UrlRewrite): unknown {
  if (typeof value === 'string') return rewrite(value);
  if (Array.isArray(value)) return value.map((v) => rewriteDeep(v, rewrite));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewriteDeep(v, rewrite)]));
  return value;
}

/** Several rewrites, applied in turn. */
export function chain(...rewrites: UrlRewrite[]): UrlRewrite {
  return (text) => rewrites.reduce((s, r) => r(s), text);
}

/** Terraform's JSON type notation of a value. */
function typeOf(value: unknown): unknown {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return ['tuple', value.map(typeOf)];
  if (value && typeof value === 'object') return ['object', Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeOf(v)]))];
  return 'dynamic';
}
