import type { IConstruct } from 'constructs';

/** True for `true` and `"true"`: context set on the command line arrives as a string. */
export function contextFlag(scope: IConstruct, key: string): boolean {
  const v: unknown = scope.node.tryGetContext(key);
  return v === true || v === 'true';
}
