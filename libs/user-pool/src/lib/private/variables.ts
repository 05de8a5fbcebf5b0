import { DefaultTokenResolver, StringConcat, TerraformStack, TerraformVariable, Tokenization } from 'cdktf';
import type { IConstruct } from 'constructs';

const VARIABLE_REFERENCE = /^\$\{var\.([A-Za-z0-9_-]+)\}$/;

/**
 * The variable of `scope`'s stack that `token` is a plain reference to (`${var.name}`), or undefined for any other
 * token (a function of a variable, a resource attribute, a string with literal text around the reference).
 * Resolving outside synthesis (`preparing: false`) has no side effect: no cross-stack output is created.
 */
export function variableReferencedBy(scope: IConstruct, token: string): TerraformVariable | undefined {
  const stack = TerraformStack.of(scope);
  const resolved: unknown = Tokenization.resolve(token, { scope: stack, preparing: false, resolver: new DefaultTokenResolver(new StringConcat()) });
  const name = typeof resolved === 'string' ? VARIABLE_REFERENCE.exec(resolved)?.[1] : undefined;
  if (name === undefined) return undefined;
  return stack.node.findAll().find((c): c is TerraformVariable => c instanceof TerraformVariable && c.friendlyUniqueId === name);
}
