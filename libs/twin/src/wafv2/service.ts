import { AwsError } from '../aws/errors';
import type { AwsCall, JsonService } from '../aws/front';
import { validateInput, type InputShape } from '../aws/input';
import { uuid } from '../shared/ids';
import type { TwinStore } from '../store/store';
import { associatedItem, duplicate, invalidParameter, nonexistent, optimisticLock, parseWebAclArn, WAF, webAclArn, type LoggingConfigurationDoc, type WebAclDoc } from './model';
import { checkDefaultAction, checkRules, checkVisibilityConfig, MAX_CAPACITY } from './rules';

type Json = Record<string, unknown>;

/**
 * The resources of the twin a regional web ACL protects (API Gateway REST API stages): WAF finds them by ARN and keeps
 * the association on them, as API Gateway's GetStage answers `webAclArn`.
 */
export interface WafProtectedResources {
  /** The web ACL associated with the resource, `null` for none; undefined when the twin has no such resource. */
  webAclOf(arn: string): string | null | undefined;
  setWebAcl(arn: string, webAclArn: string | undefined): void;
  /** The resources a web ACL protects. */
  protectedBy(webAclArn: string): string[];
}

/** Whether the twin has a CloudWatch Logs log group of that region and name (a WAF log destination). */
export type LogGroupLookup = (region: string, name: string) => boolean;

const NAME = /^[\w-]{1,128}$/;
const ID = /^[0-9a-f-]{36}$/;
const STAGE_ARN = /^arn:aws[a-z-]*:apigateway:[a-z0-9-]+::\/restapis\/[a-z0-9]+\/stages\/[A-Za-z0-9_-]+$/;
const REGIONAL_TYPES = /^arn:aws[a-z-]*:(elasticloadbalancing|appsync|cognito-idp|apprunner|ec2):/;
/** What WAF takes as a log destination: a log group, a Firehose stream or an S3 bucket, named `aws-waf-logs-...`. */
const LOG_GROUP = /^arn:aws[a-z-]*:logs:([a-z0-9-]+):(\d{12}):log-group:(aws-waf-logs-[\w.\-/#]+)$/;
const OTHER_DESTINATION = /^arn:aws[a-z-]*:(firehose:[a-z0-9-]+:\d{12}:deliverystream\/aws-waf-logs-[\w.-]+|s3:::aws-waf-logs-[a-z0-9.-]+(\/.*)?)$/;
const REDACTABLE = ['SingleHeader', 'Method', 'QueryString', 'UriPath'];

/**
 * AWS WAF (v2) for web ACLs, their associations with REST API stages, and their logging configurations, as
 * terraform-provider-aws creates, reads, updates and deletes `aws_wafv2_web_acl`, `aws_wafv2_web_acl_association`
 * and `aws_wafv2_web_acl_logging_configuration`: WAF's ids, ARNs, lock tokens (optimistic locking on every update
 * and delete), capacities and errors. The rules are kept as sent; the API Gateway data plane enforces them.
 * @see https://docs.aws.amazon.com/waf/latest/APIReference/API_Operations_AWS_WAFV2.html
 */
export class WafService {
  constructor(
    private readonly store: TwinStore,
    private readonly resources: WafProtectedResources,
    private readonly logGroupExists?: LogGroupLookup,
  ) {}

  /** The web ACL of an ARN, if any. */
  find(arn: string): WebAclDoc | undefined {
    return this.store.resource<WebAclDoc>(WAF.acl, arn)?.doc;
  }

  createWebAcl(call: AwsCall, input: Json): Json {
    const scope = this.scope(call, input['Scope']);
    const name = String(input['Name']);
    if (!NAME.test(name)) throw invalidParameter('WEB_ACL', name);
    const capacity = this.check(input);
    if (this.store.resources<WebAclDoc>(WAF.acl, this.parent(call, scope)).some((r) => r.doc.Name === name)) throw duplicate();
    const id = call.reuse?.['id'] && ID.test(call.reuse['id']) ? call.reuse['id'] : uuid();
    const arn = webAclArn(call.region, call.accountId, scope, name, id);
    const doc: WebAclDoc = {
      ...this.members(input),
      Name: name, Id: id, ARN: arn, Capacity: capacity, ManagedByFirewallManager: false, RetrofittedByFirewallManager: false,
      LabelNamespace: `awswaf:${call.accountId}:webacl:${name}:`, _scope: scope, _region: call.region, _lockToken: uuid(),
    } as WebAclDoc;
    const tags = this.tagList(input['Tags']);
    this.store.transaction(() => {
      this.store.putResource({ kind: WAF.acl, id: arn, parent: this.parent(call, scope), doc });
      if (Object.keys(tags).length > 0) this.store.tag(arn, tags);
    });
    return { Summary: summary(doc) };
  }

  getWebAcl(call: AwsCall, input: Json): Json {
    const doc = this.require(call, input);
    return { WebACL: visible(doc), LockToken: doc._lockToken };
  }

  updateWebAcl(call: AwsCall, input: Json): Json {
    const doc = this.require(call, input);
    if (input['LockToken'] !== doc._lockToken) throw optimisticLock();
    const capacity = this.check(input);
    const next: WebAclDoc = {
      ...this.members(input),
      Name: doc.Name, Id: doc.Id, ARN: doc.ARN, Capacity: capacity, ManagedByFirewallManager: doc.ManagedByFirewallManager, RetrofittedByFirewallManager: doc.RetrofittedByFirewallManager,
      LabelNamespace: doc.LabelNamespace, _scope: doc._scope, _region: doc._region, _lockToken: uuid(),
    } as WebAclDoc;
    this.store.putResource({ kind: WAF.acl, id: doc.ARN, parent: this.parent(call, doc._scope), doc: next });
    return { NextLockToken: next._lockToken };
  }

  deleteWebAcl(call: AwsCall, input: Json): void {
    const doc = this.require(call, input);
    if (input['LockToken'] !== doc._lockToken) throw optimisticLock();
    // "Before deleting any web ACL, first disassociate it from all resources" (DeleteWebACL).
    if (this.resources.protectedBy(doc.ARN).length > 0) throw associatedItem();
    this.store.transaction(() => {
      this.store.deleteResource(WAF.logging, doc.ARN);
      this.store.deleteResource(WAF.acl, doc.ARN);
      this.store.untag(doc.ARN);
    });
  }

  listWebAcls(call: AwsCall, input: Json): Json {
    const scope = this.scope(call, input['Scope']);
    const all = this.store.resources<WebAclDoc>(WAF.acl, this.parent(call, scope)).map((r) => summary(r.doc));
    const start = input['NextMarker'] === undefined ? 0 : Number(input['NextMarker']);
    if (!Number.isInteger(start) || start < 0) throw invalidParameter('NEXT_MARKER', input['NextMarker']);
    const limit = (input['Limit'] as number | undefined) ?? 100;
    return { WebACLs: all.slice(start, start + limit), ...(start + limit < all.length ? { NextMarker: String(start + limit) } : {}) };
  }

  // ---- tags (of web ACLs)

  listTags(arn: string): Json {
    this.aclOfArn(arn);
    return { TagInfoForResource: { ResourceARN: arn, TagList: Object.entries(this.store.tags(arn)).map(([Key, Value]) => ({ Key, Value })) } };
  }

  tag(arn: string, tags: unknown): void {
    this.aclOfArn(arn);
    const map = this.tagList(tags);
    if (Object.keys({ ...this.store.tags(arn), ...map }).length > 50) throw limits('A resource has at most 50 tags.');
    this.store.tag(arn, map);
  }

  untag(arn: string, keys: string[]): void {
    this.aclOfArn(arn);
    this.store.untag(arn, keys);
  }

  // ---- associations

  associate(call: AwsCall, aclArn: string, resourceArn: string): void {
    const acl = this.aclOfArn(aclArn);
    this.protectable(resourceArn);
    if (acl._scope !== 'REGIONAL') throw invalidParameter('RESOURCE_ARN', resourceArn, 'A CLOUDFRONT web ACL is associated through the distribution, not AssociateWebACL.');
    if (!resourceArn.includes(`:apigateway:${acl._region}::`)) throw invalidParameter('RESOURCE_ARN', resourceArn, 'The resource is in another region than the web ACL.');
    if (this.resources.webAclOf(resourceArn) === undefined) throw nonexistent('the resource');
    void call;
    this.resources.setWebAcl(resourceArn, acl.ARN);
  }

  disassociate(resourceArn: string): void {
    this.protectable(resourceArn);
    if (this.resources.webAclOf(resourceArn) === undefined) throw nonexistent('the resource');
    this.resources.setWebAcl(resourceArn, undefined);
  }

  webAclForResource(resourceArn: string): Json {
    this.protectable(resourceArn);
    const aclArn = this.resources.webAclOf(resourceArn);
    if (aclArn === undefined) throw nonexistent('the resource');
    const doc = aclArn === null ? undefined : this.find(aclArn);
    return doc ? { WebACL: visible(doc) } : {};
  }

  resourcesForWebAcl(aclArn: string): Json {
    this.aclOfArn(aclArn);
    return { ResourceArns: this.resources.protectedBy(aclArn) };
  }

  // ---- logging configurations

  putLogging(call: AwsCall, config: Json): Json {
    const aclArn = config['ResourceArn'];
    if (typeof aclArn !== 'string') throw invalidParameter('RESOURCE_ARN', 'null', 'Your request is missing a required parameter.');
    this.aclOfArn(aclArn);
    const destinations = config['LogDestinationConfigs'];
    // "You can associate one logging destination to a web ACL" (PutLoggingConfiguration).
    if (!Array.isArray(destinations) || destinations.length !== 1 || typeof destinations[0] !== 'string') throw invalidParameter('LOG_DESTINATION', destinations ?? 'null', 'A web ACL logs to exactly one destination.');
    const destination = destinations[0];
    const group = LOG_GROUP.exec(destination);
    if (!group && !OTHER_DESTINATION.test(destination)) {
      throw invalidParameter('LOG_DESTINATION', destination, 'The destination must be the ARN of a log group (without :*), a Firehose delivery stream or an S3 bucket whose name starts with aws-waf-logs-.');
    }
    // AWS documents no error for a missing log group; the twin names it rather than log nowhere.
    if (group && this.logGroupExists && (group[2] !== call.accountId || !this.logGroupExists(group[1], group[3]))) throw invalidParameter('LOG_DESTINATION', destination, 'The log group does not exist.');
    const redacted = config['RedactedFields'] ?? [];
    if (!Array.isArray(redacted) || redacted.length > 100) throw invalidParameter('REDACTED_FIELDS', redacted);
    const fields = redacted.map((f) => {
      if (typeof f !== 'object' || f === null) throw invalidParameter('REDACTED_FIELDS', f);
      const present = Object.keys(f).filter((k) => (f as Json)[k] !== undefined && (f as Json)[k] !== null);
      if (present.length !== 1 || !REDACTABLE.includes(present[0])) throw invalidParameter('REDACTED_FIELDS', present.join(',') || '{}', 'You have used none or multiple values for a field that requires exactly one value.');
      if (present[0] !== 'SingleHeader') return { [present[0]]: {} };
      const name = ((f as Json)['SingleHeader'] as Json | undefined)?.['Name'];
      if (typeof name !== 'string' || name.trim() === '' || name.length > 64) throw invalidParameter('SINGLE_HEADER', name ?? 'null');
      // The provider notes that "the value is returned in lower case by the API" (web_acl_logging_configuration.go).
      return { SingleHeader: { Name: name.toLowerCase() } };
    });
    const logType = (config['LogType'] as string | undefined) ?? 'WAF_LOGS';
    const logScope = (config['LogScope'] as string | undefined) ?? 'CUSTOMER';
    if (logType !== 'WAF_LOGS') throw invalidParameter('LOG_TYPE', logType);
    if (!['CUSTOMER', 'SECURITY_LAKE'].includes(logScope)) throw invalidParameter('LOG_SCOPE', logScope);
    const doc: LoggingConfigurationDoc = {
      ResourceArn: aclArn, LogDestinationConfigs: [destination], RedactedFields: fields, ManagedByFirewallManager: false, LogType: logType, LogScope: logScope,
      ...(config['LoggingFilter'] !== undefined ? { LoggingFilter: config['LoggingFilter'] as Json } : {}),
    };
    this.store.putResource({ kind: WAF.logging, id: aclArn, parent: null, doc });
    return { LoggingConfiguration: doc };
  }

  getLogging(aclArn: string): Json {
    const doc = this.store.resource<LoggingConfigurationDoc>(WAF.logging, aclArn)?.doc;
    if (!doc) throw nonexistent();
    return { LoggingConfiguration: doc };
  }

  deleteLogging(aclArn: string): void {
    if (!this.store.deleteResource(WAF.logging, aclArn)) throw nonexistent();
  }

  listLogging(call: AwsCall): Json {
    const prefix = `arn:aws:wafv2:${call.region}:${call.accountId}:`;
    return { LoggingConfigurations: this.store.resources<LoggingConfigurationDoc>(WAF.logging).map((r) => r.doc).filter((d) => d.ResourceArn.startsWith(prefix)) };
  }

  // ---- helpers

  private scope(call: AwsCall, value: unknown): string {
    if (value !== 'REGIONAL' && value !== 'CLOUDFRONT') throw invalidParameter('SCOPE_VALUE', value ?? 'null');
    // CloudFront's web ACLs live in US East (N. Virginia) only.
    if (value === 'CLOUDFRONT' && call.region !== 'us-east-1') throw invalidParameter('SCOPE_VALUE', value, 'A CLOUDFRONT web ACL must be made in us-east-1.');
    return value;
  }

  private parent(call: AwsCall, scope: string): string {
    return `${call.region}/${scope}`;
  }

  /** The web ACL a request names by Name, Scope and Id (or ARN), as GetWebACL finds it. */
  private require(call: AwsCall, input: Json): WebAclDoc {
    if (typeof input['ARN'] === 'string') return this.aclOfArn(input['ARN']);
    const scope = this.scope(call, input['Scope']);
    const name = input['Name'];
    const id = input['Id'];
    if (typeof name !== 'string' || !NAME.test(name)) throw invalidParameter('WEB_ACL', name ?? 'null');
    if (typeof id !== 'string' || !ID.test(id)) throw invalidParameter('WEB_ACL', id ?? 'null');
    const doc = this.find(webAclArn(call.region, call.accountId, scope, name, id));
    if (!doc) throw nonexistent();
    return doc;
  }

  private aclOfArn(arn: string): WebAclDoc {
    if (!parseWebAclArn(arn)) throw invalidParameter('RESOURCE_ARN', arn);
    const doc = this.find(arn);
    if (!doc) throw nonexistent();
    return doc;
  }

  /** A resource ARN WAF can protect; the twin emulates the association for REST API stages only. */
  private protectable(arn: string): void {
    if (STAGE_ARN.test(arn)) return;
    if (REGIONAL_TYPES.test(arn)) throw invalidParameter('RESOURCE_ARN', arn, 'The local twin associates web ACLs with API Gateway REST API stages only (arn:aws:apigateway:<region>::/restapis/<id>/stages/<name>).');
    throw invalidParameter('RESOURCE_ARN', arn);
  }

  /** Checks the members a create and an update share; answers the rules' capacity. */
  private check(input: Json): number {
    checkDefaultAction(input['DefaultAction']);
    checkVisibilityConfig(input['VisibilityConfig']);
    if (input['Description'] !== undefined && (typeof input['Description'] !== 'string' || input['Description'].length < 1 || input['Description'].length > 256)) throw invalidParameter('WEB_ACL', input['Description']);
    const capacity = checkRules(input['Rules']);
    if (capacity > MAX_CAPACITY) throw limits(`The web ACL needs ${capacity} WCUs; a web ACL has at most ${MAX_CAPACITY}.`);
    return capacity;
  }

  /** The members of a web ACL a create or update sets, as sent. */
  private members(input: Json): Json {
    const out: Json = { Rules: (input['Rules'] as Json[] | undefined) ?? [] };
    for (const k of ['DefaultAction', 'Description', 'VisibilityConfig', 'CustomResponseBodies', 'CaptchaConfig', 'ChallengeConfig', 'TokenDomains', 'AssociationConfig', 'DataProtectionConfig']) {
      if (input[k] !== undefined) out[k] = input[k];
    }
    return out;
  }

  /** WAF's tag list (`[{Key, Value}]`) as a map. */
  private tagList(value: unknown): Record<string, string> {
    if (value === undefined) return {};
    if (!Array.isArray(value)) throw invalidParameter('TAGS', value);
    const out: Record<string, string> = {};
    for (const t of value) {
      if (typeof t !== 'object' || t === null) throw invalidParameter('TAGS', t);
      const { Key: key, Value: val } = t as Json;
      if (typeof key !== 'string' || key.length < 1 || key.length > 128) throw invalidParameter('TAG_KEYS', key ?? 'null');
      if (typeof val !== 'string' || val.length > 256) throw invalidParameter('TAGS', val ?? 'null');
      out[key] = val;
    }
    return out;
  }
}

/** WAFLimitsExceededException: more tags or capacity than a web ACL may have. */
function limits(message: string): AwsError {
  return new AwsError('WAFLimitsExceededException', `AWS WAF couldn't perform the operation because you exceeded your resource limit. ${message}`);
}

/** GetWebACL's `WebACL`: the document without the twin's own members. */
function visible(doc: WebAclDoc): Json {
  return Object.fromEntries(Object.entries(doc).filter(([k]) => !k.startsWith('_')));
}

function summary(doc: WebAclDoc): Json {
  return { Name: doc.Name, Id: doc.Id, ARN: doc.ARN, LockToken: doc._lockToken, ...(doc.Description !== undefined ? { Description: doc.Description } : {}) };
}

const string = { type: 'string' } as const;
const required = { type: 'string', required: true } as const;
const ACL_MEMBERS: InputShape = {
  DefaultAction: { type: 'object', required: true }, Description: string, Rules: { type: 'list', items: 'object' }, VisibilityConfig: { type: 'object', required: true },
  CustomResponseBodies: { type: 'map' }, CaptchaConfig: { type: 'object' }, ChallengeConfig: { type: 'object' }, TokenDomains: { type: 'stringList' },
  AssociationConfig: { type: 'object' }, DataProtectionConfig: { type: 'object' },
};
const NAMED: InputShape = { Name: { ...required, min: 1, max: 128 }, Scope: required, Id: { ...required, min: 1, max: 36 } };
const RESOURCE: InputShape = { ResourceArn: { ...required, min: 20, max: 2048 } };

export function wafJsonService(waf: WafService): JsonService {
  const op = (shape: InputShape, run: (input: Json, call: AwsCall) => unknown) => ({
    auth: 'sigv4' as const,
    run: (body: Record<string, unknown>, call: AwsCall) => run(validateInput(body, shape, 'WAFInvalidParameterException'), call),
  });
  return {
    targetPrefix: 'AWSWAF_20190729',
    signingName: 'wafv2',
    bodyLimit: 1024 * 1024,
    operations: {
      CreateWebACL: op({ Name: { ...required, min: 1, max: 128 }, Scope: required, Tags: { type: 'list', items: 'object' }, ...ACL_MEMBERS }, (i, call) => waf.createWebAcl(call, i)),
      GetWebACL: op({ Name: { type: 'string', min: 1, max: 128 }, Scope: string, Id: { type: 'string', min: 1, max: 36 }, ARN: { type: 'string', min: 20, max: 2048 } }, (i, call) => waf.getWebAcl(call, i)),
      UpdateWebACL: op({ ...NAMED, LockToken: { ...required, min: 1, max: 36 }, ...ACL_MEMBERS }, (i, call) => waf.updateWebAcl(call, i)),
      DeleteWebACL: op({ ...NAMED, LockToken: { ...required, min: 1, max: 36 } }, (i, call) => (waf.deleteWebAcl(call, i), {})),
      ListWebACLs: op({ Scope: required, NextMarker: { type: 'string', min: 1, max: 256 }, Limit: { type: 'integer', min: 1, max: 100 } }, (i, call) => waf.listWebAcls(call, i)),
      ListTagsForResource: op({ ResourceARN: { ...required, min: 20, max: 2048 }, NextMarker: string, Limit: { type: 'integer', min: 1, max: 100 } }, (i) => waf.listTags(String(i['ResourceARN']))),
      TagResource: op({ ResourceARN: { ...required, min: 20, max: 2048 }, Tags: { type: 'list', items: 'object', required: true } }, (i) => (waf.tag(String(i['ResourceARN']), i['Tags']), {})),
      UntagResource: op({ ResourceARN: { ...required, min: 20, max: 2048 }, TagKeys: { type: 'stringList', required: true } }, (i) => (waf.untag(String(i['ResourceARN']), i['TagKeys'] as string[]), {})),
      AssociateWebACL: op({ WebACLArn: { ...required, min: 20, max: 2048 }, ...RESOURCE }, (i, call) => (waf.associate(call, String(i['WebACLArn']), String(i['ResourceArn'])), {})),
      DisassociateWebACL: op(RESOURCE, (i) => (waf.disassociate(String(i['ResourceArn'])), {})),
      GetWebACLForResource: op(RESOURCE, (i) => waf.webAclForResource(String(i['ResourceArn']))),
      ListResourcesForWebACL: op({ WebACLArn: { ...required, min: 20, max: 2048 }, ResourceType: string }, (i) => waf.resourcesForWebAcl(String(i['WebACLArn']))),
      PutLoggingConfiguration: op({ LoggingConfiguration: { type: 'object', required: true } }, (i, call) => waf.putLogging(call, i['LoggingConfiguration'] as Json)),
      GetLoggingConfiguration: op({ ...RESOURCE, LogType: string, LogScope: string }, (i) => waf.getLogging(String(i['ResourceArn']))),
      DeleteLoggingConfiguration: op({ ...RESOURCE, LogType: string, LogScope: string }, (i) => (waf.deleteLogging(String(i['ResourceArn'])), {})),
      ListLoggingConfigurations: op({ Scope: required, NextMarker: string, Limit: { type: 'integer', min: 1, max: 100 }, LogScope: string }, (_i, call) => waf.listLogging(call)),
    },
  };
}
