import type { IConstruct } from 'constructs';

/** A readable, per-environment unique name from the construct path: `dev/SecureApi/Api` → `dev-SecureApi-Api`. */
export function nameFromPath(scope: IConstruct): string {
  return scope.node.path.split('/').filter(Boolean).join('-');
}

/** The AWS partition of a region, for ARNs built at synth time. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  return 'aws';
}

/** CloudWatch Logs allows `[.-_/#A-Za-z0-9]` in group names; anything else becomes `-`. */
export function logGroupSafe(text: string): string {
  return text.replace(/[^.\-_/#A-Za-z0-9]/g, '-');
}
