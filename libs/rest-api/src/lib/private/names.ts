import type { IConstruct } from 'constructs';

/** A readable, per-environment unique name from the construct path: `dev/SecureApi/Api` → `dev-SecureApi-Api`. */
export function nameFromPath(scope: IConstruct): string {
  return scope.node.path.split('/').filter(Boolean).join('-');
}

/** CloudWatch Logs allows `[.-_/#A-Za-z0-9]` in group names; anything else becomes `-`. */
export function logGroupSafe(text: string): string {
  return text.replace(/[^.\-_/#A-Za-z0-9]/g, '-');
}
