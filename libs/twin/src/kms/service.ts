import { AwsError } from '../aws/errors';
import type { AwsCall, JsonOperation, JsonService } from '../aws/front';
import { validateInput, type InputShape } from '../aws/input';
import type { TwinClock } from '../contracts';
import { uuid } from '../shared/ids';
import type { TwinStore } from '../store/store';

/** A key as `DescribeKey` answers it (`KeyMetadata`), dates in epoch seconds as JSON 1.1 writes them. */
export interface KeyMetadata {
  readonly AWSAccountId: string;
  readonly KeyId: string;
  readonly Arn: string;
  readonly CreationDate: number;
  readonly Enabled: boolean;
  readonly Description: string;
  readonly KeyUsage: string;
  readonly KeyState: 'Enabled' | 'Disabled' | 'PendingDeletion';
  readonly DeletionDate?: number;
  readonly PendingDeletionWindowInDays?: number;
  readonly Origin: 'AWS_KMS';
  readonly KeyManager: 'CUSTOMER';
  readonly CustomerMasterKeySpec: string;
  readonly KeySpec: string;
  readonly EncryptionAlgorithms?: readonly string[];
  readonly SigningAlgorithms?: readonly string[];
  readonly MacAlgorithms?: readonly string[];
  readonly KeyAgreementAlgorithms?: readonly string[];
  readonly MultiRegion: boolean;
}

/** What the twin keeps of a key: its metadata, policy and rotation (nothing is ever encrypted with it). */
interface KeyDoc {
  readonly metadata: KeyMetadata;
  readonly policy: string;
  readonly rotationEnabled: boolean;
  readonly rotationPeriodInDays?: number;
}

/** An alias as `ListAliases` answers it. */
export interface AliasEntry {
  readonly AliasName: string;
  readonly AliasArn: string;
  readonly TargetKeyId: string;
  readonly CreationDate: number;
  readonly LastUpdatedDate: number;
}

export const KMS_KEY = 'kms.key';
export const KMS_ALIAS = 'kms.alias';

const USAGES = ['ENCRYPT_DECRYPT', 'SIGN_VERIFY', 'GENERATE_VERIFY_MAC', 'KEY_AGREEMENT'];
/** Which usages each key spec allows, and the algorithms `KeyMetadata` lists for it. */
const SPECS: Readonly<Record<string, Readonly<Partial<Record<string, Pick<KeyMetadata, 'EncryptionAlgorithms' | 'SigningAlgorithms' | 'MacAlgorithms' | 'KeyAgreementAlgorithms'>>>>>> = {
  SYMMETRIC_DEFAULT: { ENCRYPT_DECRYPT: { EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'] } },
  RSA_2048: rsa(),
  RSA_3072: rsa(),
  RSA_4096: rsa(),
  ECC_NIST_P256: ecc('ECDSA_SHA_256'),
  ECC_NIST_P384: ecc('ECDSA_SHA_384'),
  ECC_NIST_P521: ecc('ECDSA_SHA_512'),
  ECC_SECG_P256K1: { SIGN_VERIFY: { SigningAlgorithms: ['ECDSA_SHA_256'] } },
  HMAC_224: { GENERATE_VERIFY_MAC: { MacAlgorithms: ['HMAC_SHA_224'] } },
  HMAC_256: { GENERATE_VERIFY_MAC: { MacAlgorithms: ['HMAC_SHA_256'] } },
  HMAC_384: { GENERATE_VERIFY_MAC: { MacAlgorithms: ['HMAC_SHA_384'] } },
  HMAC_512: { GENERATE_VERIFY_MAC: { MacAlgorithms: ['HMAC_SHA_512'] } },
  SM2: { ENCRYPT_DECRYPT: { EncryptionAlgorithms: ['SM2PKE'] }, SIGN_VERIFY: { SigningAlgorithms: ['SM2DSA'] }, KEY_AGREEMENT: { KeyAgreementAlgorithms: ['ECDH'] } },
};

function rsa() {
  return {
    ENCRYPT_DECRYPT: { EncryptionAlgorithms: ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'] },
    SIGN_VERIFY: { SigningAlgorithms: ['RSASSA_PSS_SHA_256', 'RSASSA_PSS_SHA_384', 'RSASSA_PSS_SHA_512', 'RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PKCS1_V1_5_SHA_384', 'RSASSA_PKCS1_V1_5_SHA_512'] },
  };
}

function ecc(signing: string) {
  return { SIGN_VERIFY: { SigningAlgorithms: [signing] }, KEY_AGREEMENT: { KeyAgreementAlgorithms: ['ECDH'] } };
}

const KEY_ID = { type: 'string', min: 1, max: 2048 } as const;
const ALIAS_NAME = { type: 'string', min: 1, max: 256, pattern: /^[a-zA-Z0-9:/_-]+$/, patternText: '^[a-zA-Z0-9:/_-]+$' } as const;
const POLICY = { type: 'string', min: 1, max: 131072 } as const;
const ROTATION = { type: 'integer', min: 90, max: 2560 } as const;
const DAY = 24 * 3600;

/**
 * AWS KMS keys and aliases, accepted and kept, never used: a key has metadata, a key policy, rotation settings and tags,
 * read back as KMS answers them, and goes through KMS's states (Enabled, Disabled, PendingDeletion). A scheduled
 * deletion stays pending, as on AWS, where a key is gone only when its waiting period is over.
 * @see https://docs.aws.amazon.com/kms/latest/APIReference/API_Operations.html
 */
export class KmsService {
  constructor(private readonly store: TwinStore, private readonly clock: TwinClock) {}

  private seconds(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  /** The key a key id, key ARN, alias name or alias ARN names, in the call's region. */
  find(call: Pick<AwsCall, 'region' | 'accountId'>, keyId: string): KeyDoc | undefined {
    const arn = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):(key|alias)\/(.+)$/.exec(keyId);
    if (arn) {
      if (arn[2] !== call.accountId) return undefined;
      return arn[3] === 'key' ? this.key(arn[1], arn[4]) : this.viaAlias(arn[1], `alias/${arn[4]}`);
    }
    if (keyId.startsWith('alias/')) return this.viaAlias(call.region, keyId);
    return this.key(call.region, keyId);
  }

  private key(region: string, id: string): KeyDoc | undefined {
    return this.store.resource<KeyDoc>(KMS_KEY, `${region}/${id}`)?.doc;
  }

  private viaAlias(region: string, name: string): KeyDoc | undefined {
    const alias = this.store.resource<AliasEntry>(KMS_ALIAS, `${region}/${name}`)?.doc;
    return alias ? this.key(region, alias.TargetKeyId) : undefined;
  }

  private require(call: AwsCall, keyId: string): KeyDoc {
    const key = this.find(call, keyId);
    if (key) return key;
    if (keyId.startsWith('alias/') || keyId.includes(':alias/')) throw new AwsError('NotFoundException', `Alias ${aliasArn(call, keyId)} is not found.`);
    throw new AwsError('NotFoundException', `Key '${keyId.startsWith('arn:') ? keyId.slice(0, 256) : `arn:aws:kms:${call.region}:${call.accountId}:key/${keyId.slice(0, 64)}`}' does not exist`);
  }

  /** A key that is not pending deletion (what every change of a key needs). */
  private live(call: AwsCall, keyId: string): KeyDoc {
    const key = this.require(call, keyId);
    if (key.metadata.KeyState === 'PendingDeletion') throw new AwsError('KMSInvalidStateException', `${key.metadata.Arn} is pending deletion.`);
    return key;
  }

  private put(doc: KeyDoc): void {
    const region = doc.metadata.Arn.split(':')[3];
    this.store.putResource({ kind: KMS_KEY, id: `${region}/${doc.metadata.KeyId}`, parent: region, doc: { ...doc } });
  }

  createKey(call: AwsCall, input: CreateKeyInput): { KeyMetadata: KeyMetadata } {
    const spec = input.KeySpec ?? input.CustomerMasterKeySpec ?? 'SYMMETRIC_DEFAULT';
    if (input.KeySpec && input.CustomerMasterKeySpec && input.KeySpec !== input.CustomerMasterKeySpec) {
      throw new AwsError('ValidationException', 'KeySpec and CustomerMasterKeySpec must not both be set to different values; use KeySpec.');
    }
    const usage = input.KeyUsage ?? 'ENCRYPT_DECRYPT';
    const algorithms = SPECS[spec]?.[usage];
    if (!algorithms) throw new AwsError('ValidationException', `KeyUsage ${usage} is not compatible with KeySpec ${spec}.`);
    if (input.Origin !== undefined && input.Origin !== 'AWS_KMS') throw new AwsError('UnsupportedOperationException', `The local twin makes AWS_KMS keys only, not ${input.Origin.slice(0, 32)} keys.`);
    const policy = input.Policy ?? defaultPolicy(call.accountId);
    checkPolicy(policy);
    const tags = tagsOf(input.Tags);
    const keyId = uuid();
    const metadata: KeyMetadata = {
      AWSAccountId: call.accountId, KeyId: keyId, Arn: `arn:aws:kms:${call.region}:${call.accountId}:key/${keyId}`, CreationDate: this.seconds(), Enabled: true,
      Description: input.Description ?? '', KeyUsage: usage, KeyState: 'Enabled', Origin: 'AWS_KMS', KeyManager: 'CUSTOMER', CustomerMasterKeySpec: spec, KeySpec: spec,
      ...algorithms, MultiRegion: input.MultiRegion ?? false,
    };
    this.store.transaction(() => {
      this.put({ metadata, policy, rotationEnabled: false });
      if (Object.keys(tags).length > 0) this.store.tag(metadata.Arn, tags);
    });
    return { KeyMetadata: metadata };
  }

  describeKey(call: AwsCall, keyId: string): { KeyMetadata: KeyMetadata } {
    return { KeyMetadata: this.require(call, keyId).metadata };
  }

  getKeyPolicy(call: AwsCall, keyId: string, name = 'default'): { Policy: string; PolicyName: string } {
    const key = this.require(call, keyId);
    if (name !== 'default') throw new AwsError('NotFoundException', `No such policy exists: ${name.slice(0, 64)}`);
    return { Policy: key.policy, PolicyName: 'default' };
  }

  putKeyPolicy(call: AwsCall, keyId: string, policy: string, name = 'default'): void {
    const key = this.live(call, keyId);
    if (name !== 'default') throw new AwsError('NotFoundException', `No such policy exists: ${name.slice(0, 64)}`);
    checkPolicy(policy);
    this.put({ ...key, policy });
  }

  rotationStatus(call: AwsCall, keyId: string): Record<string, unknown> {
    const key = this.require(call, keyId);
    return {
      KeyId: key.metadata.KeyId, KeyRotationEnabled: key.rotationEnabled,
      ...(key.rotationEnabled ? { RotationPeriodInDays: key.rotationPeriodInDays ?? 365, NextRotationDate: this.seconds() + (key.rotationPeriodInDays ?? 365) * DAY } : {}),
    };
  }

  setRotation(call: AwsCall, keyId: string, enabled: boolean, periodInDays?: number): void {
    const key = this.live(call, keyId);
    if (key.metadata.KeyState === 'Disabled') throw new AwsError('DisabledException', `${key.metadata.Arn} is disabled.`);
    if (key.metadata.KeySpec !== 'SYMMETRIC_DEFAULT') throw new AwsError('UnsupportedOperationException', `${key.metadata.Arn} key spec ${key.metadata.KeySpec} does not support automatic rotation.`);
    this.put({ ...key, rotationEnabled: enabled, rotationPeriodInDays: enabled ? periodInDays ?? key.rotationPeriodInDays ?? 365 : key.rotationPeriodInDays });
  }

  updateDescription(call: AwsCall, keyId: string, description: string): void {
    const key = this.live(call, keyId);
    this.put({ ...key, metadata: { ...key.metadata, Description: description } });
  }

  setEnabled(call: AwsCall, keyId: string, enabled: boolean): void {
    const key = this.live(call, keyId);
    this.put({ ...key, metadata: { ...key.metadata, Enabled: enabled, KeyState: enabled ? 'Enabled' : 'Disabled' } });
  }

  scheduleDeletion(call: AwsCall, keyId: string, days = 30): Record<string, unknown> {
    const key = this.live(call, keyId);
    const deletion = this.seconds() + days * DAY;
    this.put({ ...key, metadata: { ...key.metadata, Enabled: false, KeyState: 'PendingDeletion', DeletionDate: deletion, PendingDeletionWindowInDays: days } });
    return { KeyId: key.metadata.Arn, DeletionDate: deletion, KeyState: 'PendingDeletion', PendingWindowInDays: days };
  }

  cancelDeletion(call: AwsCall, keyId: string): { KeyId: string } {
    const key = this.require(call, keyId);
    if (key.metadata.KeyState !== 'PendingDeletion') throw new AwsError('KMSInvalidStateException', `${key.metadata.Arn} is not pending deletion.`);
    const { DeletionDate: _d, PendingDeletionWindowInDays: _w, ...metadata } = key.metadata;
    // A cancelled deletion leaves the key disabled, as KMS does.
    this.put({ ...key, metadata: { ...metadata, Enabled: false, KeyState: 'Disabled' } });
    return { KeyId: key.metadata.Arn };
  }

  listKeys(call: AwsCall, limit = 1000, marker?: string): Record<string, unknown> {
    const keys = this.store.resources<KeyDoc>(KMS_KEY, call.region).map((r) => ({ KeyId: r.doc.metadata.KeyId, KeyArn: r.doc.metadata.Arn }));
    return page(keys, 'Keys', limit, marker);
  }

  tags(call: AwsCall, keyId: string, limit = 50, marker?: string): Record<string, unknown> {
    const key = this.require(call, keyId);
    const tags = Object.entries(this.store.tags(key.metadata.Arn)).map(([TagKey, TagValue]) => ({ TagKey, TagValue }));
    return page(tags, 'Tags', limit, marker);
  }

  tag(call: AwsCall, keyId: string, tags: readonly unknown[]): void {
    this.store.tag(this.live(call, keyId).metadata.Arn, tagsOf(tags));
  }

  untag(call: AwsCall, keyId: string, keys: readonly string[]): void {
    this.store.untag(this.live(call, keyId).metadata.Arn, keys);
  }

  private alias(call: AwsCall, name: string): AliasEntry | undefined {
    return this.store.resource<AliasEntry>(KMS_ALIAS, `${call.region}/${name}`)?.doc;
  }

  /** The key an alias may point at: a key id or key ARN (not another alias), of a key that is not pending deletion. */
  private target(call: AwsCall, targetKeyId: string): KeyDoc {
    if (targetKeyId.startsWith('alias/') || targetKeyId.includes(':alias/')) throw new AwsError('ValidationException', 'TargetKeyId must be a key id or key ARN, not an alias.');
    return this.live(call, targetKeyId);
  }

  createAlias(call: AwsCall, name: string, targetKeyId: string): void {
    checkAliasName(name);
    const key = this.target(call, targetKeyId);
    if (this.alias(call, name)) throw new AwsError('AlreadyExistsException', `An alias with the name ${aliasArn(call, name)} already exists`);
    const now = this.seconds();
    const doc: AliasEntry = { AliasName: name, AliasArn: aliasArn(call, name), TargetKeyId: key.metadata.KeyId, CreationDate: now, LastUpdatedDate: now };
    this.store.putResource({ kind: KMS_ALIAS, id: `${call.region}/${name}`, parent: call.region, doc: { ...doc } });
  }

  updateAlias(call: AwsCall, name: string, targetKeyId: string): void {
    const alias = this.alias(call, name);
    if (!alias) throw new AwsError('NotFoundException', `Alias ${aliasArn(call, name)} is not found.`);
    const key = this.target(call, targetKeyId);
    this.store.putResource({ kind: KMS_ALIAS, id: `${call.region}/${name}`, parent: call.region, doc: { ...alias, TargetKeyId: key.metadata.KeyId, LastUpdatedDate: this.seconds() } });
  }

  deleteAlias(call: AwsCall, name: string): void {
    if (!this.store.deleteResource(KMS_ALIAS, `${call.region}/${name}`)) throw new AwsError('NotFoundException', `Alias ${aliasArn(call, name)} is not found.`);
  }

  listAliases(call: AwsCall, keyId?: string, limit = 50, marker?: string): Record<string, unknown> {
    const target = keyId === undefined ? undefined : this.require(call, keyId).metadata.KeyId;
    const aliases = this.store.resources<AliasEntry>(KMS_ALIAS, call.region).map((r) => r.doc).filter((a) => target === undefined || a.TargetKeyId === target);
    return page(aliases.sort((a, b) => (a.AliasName < b.AliasName ? -1 : 1)), 'Aliases', limit, marker);
  }
}

interface CreateKeyInput {
  Policy?: string;
  Description?: string;
  KeyUsage?: string;
  KeySpec?: string;
  CustomerMasterKeySpec?: string;
  Origin?: string;
  MultiRegion?: boolean;
  Tags?: unknown[];
}

function aliasArn(call: Pick<AwsCall, 'region' | 'accountId'>, name: string): string {
  return name.startsWith('arn:') ? name.slice(0, 256) : `arn:aws:kms:${call.region}:${call.accountId}:${name.slice(0, 256)}`;
}

/** The policy KMS gives a key created without one: the account may do everything, through IAM. */
function defaultPolicy(accountId: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Id: 'key-default-1',
    Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'kms:*', Resource: '*' }],
  });
}

/** A key policy must be a JSON object with a Statement (KMS's MalformedPolicyDocumentException). Nothing evaluates it. */
function checkPolicy(text: string): void {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new AwsError('MalformedPolicyDocumentException', 'The new key policy will not allow you to update the key policy in the future: it is not valid JSON.');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || !('Statement' in doc)) throw new AwsError('MalformedPolicyDocumentException', 'Policy contains a statement with no Statement element.');
}

function checkAliasName(name: string): void {
  if (!name.startsWith('alias/') || name.length <= 'alias/'.length) throw new AwsError('ValidationException', `Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html`);
  if (name.startsWith('alias/aws/')) throw new AwsError('NotAuthorizedException', `Cannot create alias with the reserved prefix "alias/aws/".`);
}

/** `[{TagKey, TagValue}]` as a map; KMS's TagException for anything else. */
function tagsOf(list: readonly unknown[] | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const t of list ?? []) {
    const tag = t as { TagKey?: unknown; TagValue?: unknown };
    if (typeof tag.TagKey !== 'string' || typeof tag.TagValue !== 'string' || tag.TagKey.length < 1 || tag.TagKey.length > 128 || tag.TagValue.length > 256) {
      throw new AwsError('TagException', 'Each tag needs a TagKey of 1 to 128 characters and a TagValue of at most 256 characters.');
    }
    if (tag.TagKey.startsWith('aws:')) throw new AwsError('TagException', 'Tag keys must not begin with aws:.');
    tags[tag.TagKey] = tag.TagValue;
  }
  return tags;
}

/** One page of a KMS list: `Marker` is the index of the next item, `Truncated` says whether there is one. */
function page<T>(items: readonly T[], member: string, limit: number, marker?: string): Record<string, unknown> {
  const start = marker === undefined ? 0 : Number.parseInt(Buffer.from(marker, 'base64url').toString('utf8'), 10);
  if (!Number.isInteger(start) || start < 0) throw new AwsError('InvalidMarkerException', 'The marker is not valid.');
  const next = start + limit;
  return { [member]: items.slice(start, next), Truncated: next < items.length, ...(next < items.length ? { NextMarker: Buffer.from(String(next)).toString('base64url') } : {}) };
}

const op = <I>(shape: InputShape, run: (input: I, call: AwsCall) => unknown): JsonOperation => ({
  auth: 'sigv4',
  run: (body, call) => run(validateInput(body, shape, 'ValidationException') as I, call),
});

const keyOnly = { KeyId: { ...KEY_ID, required: true } } as const;
const limit = (max: number) => ({ type: 'integer', min: 1, max }) as const;

/** The JSON 1.1 operations of KMS (`X-Amz-Target: TrentService.<Operation>`) that keys, aliases and their tags need. */
export function kmsJsonService(kms: KmsService): JsonService {
  const tagList = { type: 'list', items: 'object', max: 50 } as const;
  return {
    targetPrefix: 'TrentService',
    signingName: 'kms',
    bodyLimit: 256 * 1024,
    operations: {
      CreateKey: op<CreateKeyInput>(
        {
          Policy: POLICY, Description: { type: 'string', max: 8192 }, KeyUsage: { type: 'string', enum: USAGES }, KeySpec: { type: 'string', enum: Object.keys(SPECS) },
          CustomerMasterKeySpec: { type: 'string', enum: Object.keys(SPECS) }, Origin: { type: 'string', enum: ['AWS_KMS', 'EXTERNAL', 'AWS_CLOUDHSM', 'EXTERNAL_KEY_STORE'] },
          MultiRegion: { type: 'boolean' }, BypassPolicyLockoutSafetyCheck: { type: 'boolean' }, Tags: tagList,
        },
        (i, call) => kms.createKey(call, i),
      ),
      DescribeKey: op<{ KeyId: string }>({ ...keyOnly, GrantTokens: { type: 'stringList' } }, (i, call) => kms.describeKey(call, i.KeyId)),
      GetKeyPolicy: op<{ KeyId: string; PolicyName?: string }>({ ...keyOnly, PolicyName: { type: 'string', min: 1, max: 128 } }, (i, call) => kms.getKeyPolicy(call, i.KeyId, i.PolicyName)),
      PutKeyPolicy: op<{ KeyId: string; Policy: string; PolicyName?: string }>(
        { ...keyOnly, Policy: { ...POLICY, required: true }, PolicyName: { type: 'string', min: 1, max: 128 }, BypassPolicyLockoutSafetyCheck: { type: 'boolean' } },
        (i, call) => (kms.putKeyPolicy(call, i.KeyId, i.Policy, i.PolicyName), {}),
      ),
      ListKeyPolicies: op<{ KeyId: string }>({ ...keyOnly, Limit: limit(1000), Marker: { type: 'string', min: 1 } }, (i, call) => (kms.describeKey(call, i.KeyId), { PolicyNames: ['default'], Truncated: false })),
      GetKeyRotationStatus: op<{ KeyId: string }>(keyOnly, (i, call) => kms.rotationStatus(call, i.KeyId)),
      EnableKeyRotation: op<{ KeyId: string; RotationPeriodInDays?: number }>({ ...keyOnly, RotationPeriodInDays: ROTATION }, (i, call) => (kms.setRotation(call, i.KeyId, true, i.RotationPeriodInDays), {})),
      DisableKeyRotation: op<{ KeyId: string }>(keyOnly, (i, call) => (kms.setRotation(call, i.KeyId, false), {})),
      UpdateKeyDescription: op<{ KeyId: string; Description: string }>({ ...keyOnly, Description: { type: 'string', max: 8192, required: true } }, (i, call) => (kms.updateDescription(call, i.KeyId, i.Description), {})),
      EnableKey: op<{ KeyId: string }>(keyOnly, (i, call) => (kms.setEnabled(call, i.KeyId, true), {})),
      DisableKey: op<{ KeyId: string }>(keyOnly, (i, call) => (kms.setEnabled(call, i.KeyId, false), {})),
      ScheduleKeyDeletion: op<{ KeyId: string; PendingWindowInDays?: number }>({ ...keyOnly, PendingWindowInDays: { type: 'integer', min: 7, max: 30 } }, (i, call) => kms.scheduleDeletion(call, i.KeyId, i.PendingWindowInDays)),
      CancelKeyDeletion: op<{ KeyId: string }>(keyOnly, (i, call) => kms.cancelDeletion(call, i.KeyId)),
      ListKeys: op<{ Limit?: number; Marker?: string }>({ Limit: limit(1000), Marker: { type: 'string', min: 1 } }, (i, call) => kms.listKeys(call, i.Limit, i.Marker)),
      ListResourceTags: op<{ KeyId: string; Limit?: number; Marker?: string }>({ ...keyOnly, Limit: limit(50), Marker: { type: 'string', min: 1 } }, (i, call) => kms.tags(call, i.KeyId, i.Limit, i.Marker)),
      TagResource: op<{ KeyId: string; Tags: unknown[] }>({ ...keyOnly, Tags: { ...tagList, required: true } }, (i, call) => (kms.tag(call, i.KeyId, i.Tags), {})),
      UntagResource: op<{ KeyId: string; TagKeys: string[] }>({ ...keyOnly, TagKeys: { type: 'stringList', required: true, max: 50 } }, (i, call) => (kms.untag(call, i.KeyId, i.TagKeys), {})),
      CreateAlias: op<{ AliasName: string; TargetKeyId: string }>({ AliasName: { ...ALIAS_NAME, required: true }, TargetKeyId: { ...KEY_ID, required: true } }, (i, call) => (kms.createAlias(call, i.AliasName, i.TargetKeyId), {})),
      UpdateAlias: op<{ AliasName: string; TargetKeyId: string }>({ AliasName: { ...ALIAS_NAME, required: true }, TargetKeyId: { ...KEY_ID, required: true } }, (i, call) => (kms.updateAlias(call, i.AliasName, i.TargetKeyId), {})),
      DeleteAlias: op<{ AliasName: string }>({ AliasName: { ...ALIAS_NAME, required: true } }, (i, call) => (kms.deleteAlias(call, i.AliasName), {})),
      ListAliases: op<{ KeyId?: string; Limit?: number; Marker?: string }>({ KeyId: KEY_ID, Limit: limit(100), Marker: { type: 'string', min: 1 } }, (i, call) => kms.listAliases(call, i.KeyId, i.Limit, i.Marker)),
    },
  };
}
