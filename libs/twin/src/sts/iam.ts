import { randomBytes } from 'node:crypto';
import { AwsError, xml } from '../aws/errors';
import type { AwsCall, QueryAction } from '../aws/front';
import type { TwinClock } from '../contracts';
import type { TwinStore } from '../store/store';

/** A role as the twin keeps it. */
export interface RoleDoc {
  readonly RoleName: string;
  readonly RoleId: string;
  readonly Arn: string;
  readonly Path: string;
  readonly CreateDate: string;
  /** The trust policy as sent (IAM answers it URL-encoded). */
  readonly AssumeRolePolicyDocument: string;
  readonly Description?: string;
  readonly MaxSessionDuration: number;
}

/** An inline policy of a role. */
interface RolePolicyDoc {
  readonly RoleName: string;
  readonly PolicyName: string;
  readonly PolicyDocument: string;
}

const ROLE = 'iam.role';
const ROLE_POLICY = 'iam.role-policy';
const NAME = /^[\w+=,.@-]{1,64}$/;
const POLICY_NAME = /^[\w+=,.@-]{1,128}$/;

/**
 * IAM roles and their inline policies: what a function's execution role needs (`aws_iam_role`, `aws_iam_role_policy`).
 * IAM is global: roles are per account, whatever region a call is signed for. Nothing evaluates the policies (the
 * twin authorizes every signed call of its own credentials); they are kept and read back as AWS does, URL-encoded.
 * @see https://docs.aws.amazon.com/IAM/latest/APIReference/API_Operations.html
 */
export class IamRoles {
  constructor(private readonly store: TwinStore, private readonly clock: TwinClock) {}

  role(name: string): RoleDoc | undefined {
    return this.store.resource<RoleDoc>(ROLE, name.toLowerCase())?.doc;
  }

  /** The role an ARN names, if it is one of this account's. */
  roleOfArn(arn: string, accountId: string): RoleDoc | undefined {
    const m = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]{1,64})$/.exec(arn);
    return m && m[1] === accountId ? this.role(m[2]) : undefined;
  }

  private require(name: string): RoleDoc {
    const role = this.role(name);
    if (!role) throw new AwsError('NoSuchEntity', `The role with name ${name} cannot be found.`, 404);
    return role;
  }

  createRole(call: AwsCall, p: URLSearchParams): RoleDoc {
    const name = required(p, 'RoleName');
    if (!NAME.test(name)) throw validation(`1 validation error detected: Value '${name}' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`);
    const trust = required(p, 'AssumeRolePolicyDocument');
    checkPolicy(trust, 'AssumeRolePolicyDocument');
    if (this.role(name)) throw new AwsError('EntityAlreadyExists', `Role with name ${name} already exists.`, 409);
    const path = p.get('Path') ?? '/';
    if (!/^\/([\x21-\x7e]*\/)?$/.test(path)) throw validation(`The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.`);
    const max = Number(p.get('MaxSessionDuration') ?? 3600);
    if (!Number.isInteger(max) || max < 3600 || max > 43200) throw validation(`1 validation error detected: Value '${max}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between 3600 and 43200`);
    const doc: RoleDoc = {
      RoleName: name,
      RoleId: `AROA${randomBytes(12).toString('hex').toUpperCase().slice(0, 17)}`,
      Arn: `arn:aws:iam::${call.accountId}:role${path}${name}`,
      Path: path,
      CreateDate: new Date(this.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      AssumeRolePolicyDocument: trust,
      ...(p.get('Description') ? { Description: String(p.get('Description')) } : {}),
      MaxSessionDuration: max,
    };
    this.store.transaction(() => {
      this.store.putResource({ kind: ROLE, id: name.toLowerCase(), parent: null, doc: { ...doc } });
      const tags = tagsOf(p);
      if (Object.keys(tags).length > 0) this.store.tag(doc.Arn, tags);
    });
    return doc;
  }

  private put(doc: RoleDoc): void {
    this.store.putResource({ kind: ROLE, id: doc.RoleName.toLowerCase(), parent: null, doc: { ...doc } });
  }

  updateRole(p: URLSearchParams): void {
    const role = this.require(required(p, 'RoleName'));
    const max = p.get('MaxSessionDuration');
    this.put({ ...role, ...(p.has('Description') ? { Description: String(p.get('Description')) } : {}), ...(max ? { MaxSessionDuration: Number(max) } : {}) });
  }

  updateAssumeRolePolicy(p: URLSearchParams): void {
    const role = this.require(required(p, 'RoleName'));
    const doc = required(p, 'PolicyDocument');
    checkPolicy(doc, 'PolicyDocument');
    this.put({ ...role, AssumeRolePolicyDocument: doc });
  }

  deleteRole(p: URLSearchParams): void {
    const role = this.require(required(p, 'RoleName'));
    if (this.policies(role.RoleName).length > 0) throw new AwsError('DeleteConflict', 'Cannot delete entity, must delete policies first.', 409);
    this.store.transaction(() => {
      this.store.deleteResource(ROLE, role.RoleName.toLowerCase());
      this.store.untag(role.Arn);
    });
  }

  private policies(roleName: string): RolePolicyDoc[] {
    return this.store.resources<RolePolicyDoc>(ROLE_POLICY, roleName.toLowerCase()).map((r) => r.doc);
  }

  putRolePolicy(p: URLSearchParams): void {
    const role = this.require(required(p, 'RoleName'));
    const name = required(p, 'PolicyName');
    if (!POLICY_NAME.test(name)) throw validation(`1 validation error detected: Value '${name}' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`);
    const doc = required(p, 'PolicyDocument');
    checkPolicy(doc, 'PolicyDocument');
    this.store.putResource({ kind: ROLE_POLICY, id: `${role.RoleName.toLowerCase()}/${name}`, parent: role.RoleName.toLowerCase(), doc: { RoleName: role.RoleName, PolicyName: name, PolicyDocument: doc } });
  }

  rolePolicy(p: URLSearchParams): RolePolicyDoc {
    const role = this.require(required(p, 'RoleName'));
    const name = required(p, 'PolicyName');
    const found = this.store.resource<RolePolicyDoc>(ROLE_POLICY, `${role.RoleName.toLowerCase()}/${name}`)?.doc;
    if (!found) throw new AwsError('NoSuchEntity', `The role policy with name ${name} cannot be found.`, 404);
    return found;
  }

  deleteRolePolicy(p: URLSearchParams): void {
    const found = this.rolePolicy(p);
    this.store.deleteResource(ROLE_POLICY, `${found.RoleName.toLowerCase()}/${found.PolicyName}`);
  }

  listRolePolicies(p: URLSearchParams): string[] {
    return this.policies(this.require(required(p, 'RoleName')).RoleName).map((d) => d.PolicyName).sort();
  }

  tags(p: URLSearchParams): Record<string, string> {
    return this.store.tags(this.require(required(p, 'RoleName')).Arn);
  }

  tag(p: URLSearchParams): void {
    this.store.tag(this.require(required(p, 'RoleName')).Arn, tagsOf(p));
  }

  untag(p: URLSearchParams): void {
    const keys: string[] = [];
    for (let i = 1; p.has(`TagKeys.member.${i}`); i++) keys.push(String(p.get(`TagKeys.member.${i}`)));
    this.store.untag(this.require(required(p, 'RoleName')).Arn, keys);
  }
}

/** The Query actions of IAM roles, answering the inner XML of each `<Action>Result>`. */
export function iamRoleActions(roles: IamRoles): Record<string, QueryAction> {
  const act = (run: (p: URLSearchParams, call: AwsCall) => string): QueryAction => ({ auth: 'sigv4', run });
  const members = (items: readonly string[]) => items.map((i) => `<member>${xml(i)}</member>`).join('');
  return {
    CreateRole: act((p, call) => `<Role>${roleXml(roles.createRole(call, p), {})}</Role>`),
    GetRole: act((p) => {
      const role = roles.role(required(p, 'RoleName'));
      if (!role) throw new AwsError('NoSuchEntity', `The role with name ${String(p.get('RoleName'))} cannot be found.`, 404);
      return `<Role>${roleXml(role, roles.tags(p))}<RoleLastUsed/></Role>`;
    }),
    UpdateRole: act((p) => (roles.updateRole(p), '')),
    UpdateRoleDescription: act((p) => (roles.updateRole(p), `<Role>${roleXml(roles.role(String(p.get('RoleName'))) as RoleDoc, roles.tags(p))}</Role>`)),
    UpdateAssumeRolePolicy: act((p) => (roles.updateAssumeRolePolicy(p), '')),
    DeleteRole: act((p) => (roles.deleteRole(p), '')),
    PutRolePolicy: act((p) => (roles.putRolePolicy(p), '')),
    GetRolePolicy: act((p) => {
      const doc = roles.rolePolicy(p);
      return `<RoleName>${xml(doc.RoleName)}</RoleName><PolicyName>${xml(doc.PolicyName)}</PolicyName><PolicyDocument>${xml(encodeURIComponent(doc.PolicyDocument))}</PolicyDocument>`;
    }),
    DeleteRolePolicy: act((p) => (roles.deleteRolePolicy(p), '')),
    ListRolePolicies: act((p) => `<PolicyNames>${members(roles.listRolePolicies(p))}</PolicyNames><IsTruncated>false</IsTruncated>`),
    // Managed policies and instance profiles are not emulated: a role has none.
    ListAttachedRolePolicies: act((p) => (roles.tags(p), '<AttachedPolicies/><IsTruncated>false</IsTruncated>')),
    ListInstanceProfilesForRole: act((p) => (roles.tags(p), '<InstanceProfiles/><IsTruncated>false</IsTruncated>')),
    ListRoleTags: act((p) => `<Tags>${tagsXml(roles.tags(p))}</Tags><IsTruncated>false</IsTruncated>`),
    TagRole: act((p) => (roles.tag(p), '')),
    UntagRole: act((p) => (roles.untag(p), '')),
  };
}

function roleXml(role: RoleDoc, tags: Record<string, string>): string {
  return [
    `<Path>${xml(role.Path)}</Path><RoleName>${xml(role.RoleName)}</RoleName><RoleId>${role.RoleId}</RoleId><Arn>${xml(role.Arn)}</Arn>`,
    `<CreateDate>${role.CreateDate}</CreateDate><AssumeRolePolicyDocument>${xml(encodeURIComponent(role.AssumeRolePolicyDocument))}</AssumeRolePolicyDocument>`,
    role.Description !== undefined ? `<Description>${xml(role.Description)}</Description>` : '',
    `<MaxSessionDuration>${role.MaxSessionDuration}</MaxSessionDuration>`,
    Object.keys(tags).length ? `<Tags>${tagsXml(tags)}</Tags>` : '',
  ].join('');
}

function tagsXml(tags: Record<string, string>): string {
  return Object.entries(tags).map(([k, v]) => `<member><Key>${xml(k)}</Key><Value>${xml(v)}</Value></member>`).join('');
}

function tagsOf(p: URLSearchParams): Record<string, string> {
  const tags: Record<string, string> = {};
  for (let i = 1; p.has(`Tags.member.${i}.Key`); i++) tags[String(p.get(`Tags.member.${i}.Key`))] = String(p.get(`Tags.member.${i}.Value`) ?? '');
  return tags;
}

function required(p: URLSearchParams, name: string): string {
  const v = p.get(name);
  if (v === null || v === '') throw validation(`1 validation error detected: Value null at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`);
  return v;
}

function validation(message: string): AwsError {
  return new AwsError('ValidationError', message, 400);
}

/** A policy document must be JSON with a Statement, as IAM's MalformedPolicyDocument says. */
function checkPolicy(text: string, field: string): void {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new AwsError('MalformedPolicyDocument', `${field}: This policy contains invalid Json`, 400);
  }
  if (typeof doc !== 'object' || doc === null || !('Statement' in doc)) throw new AwsError('MalformedPolicyDocument', `${field}: Syntax errors in policy.`, 400);
}
