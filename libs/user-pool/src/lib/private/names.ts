import { createHash } from 'node:crypto';
import type { IConstruct } from 'constructs';

/**
 * A Cognito-safe name derived from the construct path (`dev/SecureApi/UserPool` → `dev-SecureApi-UserPool`).
 * Pool, client and resource-server names allow only `[\w\s+=,.@-]`; a path too long for `maxLength` keeps its
 * start and gains a short hash of the whole path, so that two long paths never collapse into one name.
 */
export function nameFromPath(scope: IConstruct, maxLength: number): string {
  const path = scope.node.path;
  const name = path.split('/').filter(Boolean).join('-').replace(/[^\w\s+=,.@-]/g, '-');
  if (name.length <= maxLength) return name;
  const hash = createHash('sha256').update(path).digest('hex').slice(0, 8);
  return `${name.slice(0, maxLength - hash.length - 1)}-${hash}`;
}

/** Cognito's pattern for pool, client and resource-server names. */
export const COGNITO_NAME = /^[\w\s+=,.@-]+$/;
