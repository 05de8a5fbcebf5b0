// The documents WAFv2 keeps in the twin's store, and the errors it answers.
import { AwsError } from '../aws/errors';

type Json = Record<string, unknown>;

/** The kinds of WAFv2 resources in the store (web ACLs by ARN, logging configurations by the web ACL's ARN). */
export const WAF = { acl: 'wafv2.webacl', logging: 'wafv2.logging' } as const;

/** A web ACL as GetWebACL answers it (`WebACL`), plus the lock token of its current version. */
export interface WebAclDoc extends Json {
  readonly Name: string;
  readonly Id: string;
  readonly ARN: string;
  readonly DefaultAction: Json;
  readonly Description?: string;
  readonly Rules: Json[];
  readonly VisibilityConfig: Json;
  readonly Capacity: number;
  readonly ManagedByFirewallManager: boolean;
  readonly LabelNamespace: string;
  readonly RetrofittedByFirewallManager: boolean;
  readonly AssociationConfig?: Json;
  readonly _scope: string;
  readonly _region: string;
  readonly _lockToken: string;
}

/** A logging configuration as GetLoggingConfiguration answers it. */
export interface LoggingConfigurationDoc extends Json {
  readonly ResourceArn: string;
  readonly LogDestinationConfigs: string[];
  readonly RedactedFields: Json[];
  readonly ManagedByFirewallManager: boolean;
  readonly LogType: string;
  readonly LogScope: string;
  readonly LoggingFilter?: Json;
}

/** `arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>` (`global/...` for CLOUDFRONT). */
export function webAclArn(region: string, accountId: string, scope: string, name: string, id: string): string {
  return `arn:aws:wafv2:${region}:${accountId}:${scope === 'CLOUDFRONT' ? 'global' : 'regional'}/webacl/${name}/${id}`;
}

const WEB_ACL_ARN = /^arn:aws[a-z-]*:wafv2:([a-z0-9-]+):(\d{12}):(regional|global)\/webacl\/([\w-]{1,128})\/([0-9a-f-]{36})$/;

/** The parts of a web ACL ARN, when it is one. */
export function parseWebAclArn(arn: string): { region: string; accountId: string; scope: string; name: string; id: string } | undefined {
  const m = WEB_ACL_ARN.exec(arn);
  return m ? { region: m[1], accountId: m[2], scope: m[3] === 'global' ? 'CLOUDFRONT' : 'REGIONAL', name: m[4], id: m[5] } : undefined;
}

// The messages of the WAFv2 API reference (https://docs.aws.amazon.com/waf/latest/APIReference/CommonErrors.html and
// each operation's Errors section); WAFInvalidParameterException names the field and the parameter, as AWS does
// (`Error reason: ..., field: ..., parameter: ...`).

export function invalidParameter(field: string, parameter: unknown, reason = 'The parameter contains formatting that is not valid.'): AwsError {
  const text = typeof parameter === 'string' ? parameter : JSON.stringify(parameter) ?? 'null';
  return new AwsError('WAFInvalidParameterException', `Error reason: ${reason}, field: ${field}, parameter: ${text.slice(0, 256)}`);
}

export function nonexistent(what = 'your resource'): AwsError {
  return new AwsError('WAFNonexistentItemException', `AWS WAF couldn't perform the operation because ${what} doesn't exist.`);
}

export function duplicate(): AwsError {
  return new AwsError('WAFDuplicateItemException', "AWS WAF couldn't perform the operation because some resource in your request is a duplicate of an existing one.");
}

export function optimisticLock(): AwsError {
  return new AwsError(
    'WAFOptimisticLockException',
    "AWS WAF couldn't save your changes because you tried to update or delete a resource that has changed since you last retrieved it. Get the resource again, make any changes you need to make to the new copy, and retry your operation.",
  );
}

export function associatedItem(): AwsError {
  return new AwsError('WAFAssociatedItemException', "AWS WAF couldn't perform the operation because your resource is being used by another resource or it's associated with another resource.");
}
