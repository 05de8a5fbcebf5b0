import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { unzipSync } from 'fflate';
import { AwsError } from '../aws/errors';
import type { AwsCall } from '../aws/front';
import type { TwinClock } from '../contracts';
import type { TwinStore } from '../store/store';

type Json = Record<string, unknown>;

/** A function's configuration as `GetFunctionConfiguration` answers it (AWS's member names). */
export interface FunctionConfiguration {
  readonly FunctionName: string;
  readonly FunctionArn: string;
  readonly Runtime: string;
  readonly Role: string;
  readonly Handler: string;
  readonly CodeSize: number;
  readonly Description: string;
  readonly Timeout: number;
  readonly MemorySize: number;
  readonly LastModified: string;
  /** base64 SHA-256 of the deployment package, as `source_code_hash` and `filebase64sha256` compute it. */
  readonly CodeSha256: string;
  readonly Version: '$LATEST';
  readonly Environment?: { readonly Variables: Record<string, string> };
  readonly TracingConfig: { readonly Mode: string };
  readonly RevisionId: string;
  readonly State: 'Active';
  readonly LastUpdateStatus: 'Successful';
  readonly PackageType: 'Zip';
  readonly Architectures: readonly string[];
  readonly EphemeralStorage: { readonly Size: number };
  readonly LoggingConfig: { readonly LogFormat: string; readonly LogGroup: string; readonly ApplicationLogLevel?: string; readonly SystemLogLevel?: string };
  readonly SnapStart: { readonly ApplyOn: 'None'; readonly OptimizationStatus: 'Off' };
  readonly RuntimeVersionConfig: { readonly RuntimeVersionArn: string };
}

/** What the twin keeps of a function: its configuration, reserved concurrency and resource policy. */
interface FunctionRecord {
  readonly configuration: FunctionConfiguration;
  readonly reservedConcurrency?: number;
  readonly statements: readonly Json[];
}

/** What runs a function's package: told when one is created, its code or configuration changes, or it is deleted. */
export interface FunctionHost {
  register(fn: { name: string; arn: string; zip: Uint8Array; handler: string; runtime: string; memoryMB: number; timeoutSeconds: number; environment: Record<string, string>; region: string; reservedConcurrency?: number }): void;
  unregister(name: string): void;
}

const FUNCTION = 'lambda.function';
const NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const RUNTIMES = ['nodejs18.x', 'nodejs20.x', 'nodejs22.x'];
/** Lambda's limit on a package uploaded in the request (zipped), and on what it unpacks to. */
const MAX_ZIP = 50 * 1024 * 1024;
const MAX_UNZIPPED = 250 * 1024 * 1024;
/** Reserved concurrency the twin's account has to give (AWS's default regional quota). */
const ACCOUNT_CONCURRENCY = 1000;

/**
 * Lambda's control plane for zip-packaged Node.js functions: what the AWS provider calls for `aws_lambda_function`
 * (create with the zip bytes, read, update code and configuration, reserved concurrency, delete) and
 * `aws_lambda_permission` (the resource policy). The package is kept in the data directory by its hash and handed to
 * the `FunctionHost`, which runs it: the bytes Terraform uploaded are the bytes that answer.
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_Operations.html
 */
export class LambdaControl {
  private readonly codeDir: string;

  constructor(private readonly store: TwinStore, private readonly clock: TwinClock, dataDir: string, private readonly host?: FunctionHost) {
    // Beside the runtime's folders (`lambda/<function>/`, `lambda/logs/`), never inside them: a function may be named "code".
    this.codeDir = join(dataDir, 'lambda-code');
  }

  /** Hands every stored function to the host (at start: functions survive restarts); answers what it could not run. */
  start(): string[] {
    const problems: string[] = [];
    for (const r of this.store.resources<FunctionRecord>(FUNCTION)) {
      try {
        this.hand(r.doc);
      } catch (err) {
        problems.push(`Lambda function ${r.doc.configuration.FunctionName} cannot run: ${(err as Error).message}`);
      }
    }
    this.prune();
    return problems;
  }

  private record(region: string, name: string): FunctionRecord | undefined {
    return this.store.resource<FunctionRecord>(FUNCTION, `${region}/${name}`)?.doc;
  }

  /** The function a name, a partial ARN or an ARN names (qualifier `$LATEST` only), in the call's region. */
  private require(call: AwsCall, nameOrArn: string): FunctionRecord {
    const name = functionNameOf(nameOrArn, call);
    const found = name ? this.record(call.region, name) : undefined;
    if (!found) throw new AwsError('ResourceNotFoundException', `Function not found: arn:aws:lambda:${call.region}:${call.accountId}:function:${(name ?? nameOrArn).slice(0, 140)}`, 404);
    return found;
  }

  private save(call: AwsCall, rec: FunctionRecord): void {
    this.store.putResource({ kind: FUNCTION, id: `${call.region}/${rec.configuration.FunctionName}`, parent: call.region, doc: { ...rec } as unknown as Json });
  }

  createFunction(call: AwsCall, input: Json): FunctionConfiguration {
    const name = str(input['FunctionName'], 'functionName');
    if (!NAME.test(name)) throw invalid(`1 validation error detected: Value '${name.slice(0, 140)}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`);
    if (this.record(call.region, name)) throw new AwsError('ResourceConflictException', `Function already exist: ${name}`, 409);
    if ((input['PackageType'] ?? 'Zip') !== 'Zip') throw invalid('The local twin runs zip packages only (PackageType Zip).');
    const code = (input['Code'] ?? {}) as Json;
    if (typeof code['ZipFile'] !== 'string') throw invalid('Code: the local twin takes the package in the request (Code.ZipFile); S3 and image packages are not emulated.');
    const zip = this.checkZip(String(code['ZipFile']));
    const configuration = this.configure(call, name, input, zip, undefined);
    const tags = input['Tags'];
    if (tags !== undefined && (typeof tags !== 'object' || tags === null || Array.isArray(tags) || Object.values(tags).some((v) => typeof v !== 'string'))) {
      throw invalid('Tags must be a map of string keys to string values.');
    }
    this.keepZip(zip);
    this.commit(call, { configuration, statements: [] }, undefined, () => {
      if (tags) this.store.tag(configuration.FunctionArn, tags as Record<string, string>);
    });
    return configuration;
  }

  /**
   * Makes `next` the function, in the runtime and in the store alike. The host takes it first: what it refuses (a
   * broken entry, zip-slip) leaves no function behind. Should the store then fail to keep it, the host goes back to
   * `before` (to nothing, for a create), so that what runs is what the store answers. Either way, packages no stored
   * function names any more are let go.
   */
  private commit(call: AwsCall, next: FunctionRecord, before: FunctionRecord | undefined, alsoStore?: () => void): void {
    try {
      this.hand(next);
      try {
        this.store.transaction(() => {
          this.save(call, next);
          alsoStore?.();
        });
      } catch (err) {
        try {
          if (before) this.register(before);
          else this.host?.unregister(next.configuration.FunctionName);
        } catch {
          // The host keeps what it has; the next start hands it what the store has.
        }
        throw err;
      }
    } finally {
      this.prune();
    }
  }

  /** A new configuration from a create or an update, checked as Lambda checks it. */
  private configure(call: AwsCall, name: string, input: Json, zip: { sha256: string; size: number } | undefined, before: FunctionConfiguration | undefined): FunctionConfiguration {
    const pick = <T>(key: string, fallback: T): T => (input[key] !== undefined ? (input[key] as T) : fallback);
    const runtime = pick('Runtime', before?.Runtime ?? '');
    if (!RUNTIMES.includes(runtime)) throw invalid(`Value ${runtime || 'null'} at 'runtime' failed to satisfy constraint: the local twin runs ${RUNTIMES.join(', ')}.`);
    const role = pick('Role', before?.Role ?? '');
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+/.test(role)) throw invalid(`1 validation error detected: Value '${role.slice(0, 140)}' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+`);
    const handler = pick('Handler', before?.Handler ?? '');
    if (!/^[^\s]{1,128}$/.test(handler)) throw invalid(`Value '${handler}' at 'handler' failed to satisfy constraint: Member must satisfy regular expression pattern: [^\\s]+`);
    const timeout = pick('Timeout', before?.Timeout ?? 3);
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > 900) throw invalid(`1 validation error detected: Value '${timeout}' at 'timeout' failed to satisfy constraint: Member must have value between 1 and 900`);
    const memory = pick('MemorySize', before?.MemorySize ?? 128);
    if (!Number.isInteger(memory) || memory < 128 || memory > 10240) throw invalid(`1 validation error detected: Value '${memory}' at 'memorySize' failed to satisfy constraint: Member must have value between 128 and 10240`);
    const environment = input['Environment'] !== undefined ? ((input['Environment'] as Json)['Variables'] as Record<string, string> | undefined) : before?.Environment?.Variables;
    const tracing = input['TracingConfig'] !== undefined ? String((input['TracingConfig'] as Json)['Mode'] ?? 'PassThrough') : (before?.TracingConfig.Mode ?? 'PassThrough');
    const logging = (input['LoggingConfig'] ?? before?.LoggingConfig ?? {}) as Json;
    const architectures = pick<readonly string[]>('Architectures', before?.Architectures ?? ['x86_64']);
    const arn = `arn:aws:lambda:${call.region}:${call.accountId}:function:${name}`;
    return {
      FunctionName: name,
      FunctionArn: arn,
      Runtime: runtime,
      Role: role,
      Handler: handler,
      CodeSize: zip?.size ?? before?.CodeSize ?? 0,
      Description: pick('Description', before?.Description ?? ''),
      Timeout: timeout,
      MemorySize: memory,
      LastModified: new Date(this.clock.now()).toISOString().replace('Z', '+0000'),
      CodeSha256: zip?.sha256 ?? before?.CodeSha256 ?? '',
      Version: '$LATEST',
      ...(environment && Object.keys(environment).length > 0 ? { Environment: { Variables: { ...environment } } } : {}),
      TracingConfig: { Mode: tracing },
      RevisionId: randomUUID(),
      State: 'Active',
      LastUpdateStatus: 'Successful',
      PackageType: 'Zip',
      Architectures: [...architectures],
      EphemeralStorage: { Size: Number(((input['EphemeralStorage'] as Json | undefined)?.['Size']) ?? before?.EphemeralStorage.Size ?? 512) },
      LoggingConfig: {
        LogFormat: String(logging['LogFormat'] ?? 'Text'),
        LogGroup: String(logging['LogGroup'] ?? `/aws/lambda/${name}`),
        ...(logging['ApplicationLogLevel'] ? { ApplicationLogLevel: String(logging['ApplicationLogLevel']) } : {}),
        ...(logging['SystemLogLevel'] ? { SystemLogLevel: String(logging['SystemLogLevel']) } : {}),
      },
      SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
      RuntimeVersionConfig: { RuntimeVersionArn: `arn:aws:lambda:${call.region}::runtime:${createHash('sha256').update(runtime).digest('hex')}` },
    };
  }

  /** Checks a base64 package as Lambda does; answers its bytes, hash (base64, as Lambda's CodeSha256) and size. */
  private checkZip(base64: string): { bytes: Buffer; sha256: string; size: number } {
    const bytes = Buffer.from(base64, 'base64');
    if (bytes.length === 0) throw invalid('Code.ZipFile is empty.');
    if (bytes.length > MAX_ZIP) throw new AwsError('RequestEntityTooLargeException', `Request must be smaller than ${MAX_ZIP} bytes for the CreateFunction operation`, 413);
    // The zip's directory only: the runtime inflates the package once, when it unpacks it (register).
    let total = 0;
    let entries = 0;
    try {
      unzipSync(bytes, { filter: (f) => ((total += f.originalSize), entries++, false) });
    } catch {
      throw invalid('Could not unzip uploaded file. Please check your file, then try to upload again.');
    }
    if (entries === 0) throw invalid('Could not unzip uploaded file. Please check your file, then try to upload again.');
    if (total > MAX_UNZIPPED) throw invalid(`Unzipped size must be smaller than ${MAX_UNZIPPED} bytes`);
    return { bytes, sha256: createHash('sha256').update(bytes).digest('base64'), size: bytes.length };
  }

  /** The file a package is kept in, by its hash. */
  private zipFile(sha256: string): string {
    return join(this.codeDir, `${Buffer.from(sha256, 'base64').toString('hex')}.zip`);
  }

  /** Keeps a checked package in the data directory (once per content), for the host now and at every start. */
  private keepZip(zip: { bytes: Buffer; sha256: string }): void {
    mkdirSync(this.codeDir, { recursive: true });
    const file = this.zipFile(zip.sha256);
    if (!existsSync(file)) {
      writeFileSync(`${file}.tmp`, zip.bytes);
      renameSync(`${file}.tmp`, file);
    }
  }

  /**
   * Deletes the kept packages no stored function names: a refused one, a replaced one, a deleted function's. Best
   * effort: it runs after a change is committed, so what it cannot delete (or a store it cannot read) stays on disk
   * until the next change or start, and the call that changed the function still answers as it succeeded.
   */
  private prune(): void {
    let named: Set<string>;
    let files: string[];
    try {
      files = readdirSync(this.codeDir);
      named = new Set(this.store.resources<FunctionRecord>(FUNCTION).map((r) => basename(this.zipFile(r.doc.configuration.CodeSha256))));
    } catch {
      return;
    }
    for (const f of files) {
      if (named.has(f)) continue;
      try {
        rmSync(join(this.codeDir, f), { force: true });
      } catch {
        // Left for the next prune.
      }
    }
  }

  private zipOf(c: FunctionConfiguration): Uint8Array {
    return readFileSync(this.zipFile(c.CodeSha256));
  }

  /** Gives the host the function's package and configuration; what it refuses is Lambda's InvalidParameterValueException. */
  private hand(rec: FunctionRecord): void {
    try {
      this.register(rec);
    } catch (err) {
      if (err instanceof AwsError) throw err;
      throw invalid((err as Error).message);
    }
  }

  private register(rec: FunctionRecord): void {
    const c = rec.configuration;
    const region = c.FunctionArn.split(':')[3];
    this.host?.register({
      name: c.FunctionName, arn: c.FunctionArn, zip: this.zipOf(c), handler: c.Handler, runtime: c.Runtime, memoryMB: c.MemorySize, timeoutSeconds: c.Timeout,
      environment: { ...(c.Environment?.Variables ?? {}) }, region, ...(rec.reservedConcurrency !== undefined ? { reservedConcurrency: rec.reservedConcurrency } : {}),
    });
  }

  getFunction(call: AwsCall, nameOrArn: string, qualifier: string | null): Json {
    if (qualifier !== null && qualifier !== '$LATEST') throw new AwsError('ResourceNotFoundException', `Function not found: ${nameOrArn}:${qualifier} (the local twin keeps $LATEST only)`, 404);
    const rec = this.require(call, nameOrArn);
    const tags = this.store.tags(rec.configuration.FunctionArn);
    return {
      Configuration: rec.configuration,
      Code: { RepositoryType: 'S3', Location: `https://awslambda-${call.region}-tasks.s3.${call.region}.amazonaws.com/snapshots/${call.accountId}/${rec.configuration.FunctionName}` },
      Tags: tags,
      ...(rec.reservedConcurrency !== undefined ? { Concurrency: { ReservedConcurrentExecutions: rec.reservedConcurrency } } : {}),
    };
  }

  configuration(call: AwsCall, nameOrArn: string): FunctionConfiguration {
    return this.require(call, nameOrArn).configuration;
  }

  listVersions(call: AwsCall, nameOrArn: string): Json {
    return { Versions: [this.require(call, nameOrArn).configuration] };
  }

  updateCode(call: AwsCall, nameOrArn: string, input: Json): FunctionConfiguration {
    const rec = this.require(call, nameOrArn);
    if (typeof input['ZipFile'] !== 'string') throw invalid('The local twin takes the new package in the request (ZipFile); S3 and image packages are not emulated.');
    const zip = this.checkZip(String(input['ZipFile']));
    const next = { ...rec, configuration: this.configure(call, rec.configuration.FunctionName, {}, zip, rec.configuration) };
    this.keepZip(zip);
    this.commit(call, next, rec);
    return next.configuration;
  }

  updateConfiguration(call: AwsCall, nameOrArn: string, input: Json): FunctionConfiguration {
    const rec = this.require(call, nameOrArn);
    const next = { ...rec, configuration: this.configure(call, rec.configuration.FunctionName, input, undefined, rec.configuration) };
    this.commit(call, next, rec);
    return next.configuration;
  }

  deleteFunction(call: AwsCall, nameOrArn: string): void {
    const rec = this.require(call, nameOrArn);
    this.store.transaction(() => {
      this.store.deleteResource(FUNCTION, `${call.region}/${rec.configuration.FunctionName}`);
      this.store.untag(rec.configuration.FunctionArn);
    });
    this.host?.unregister(rec.configuration.FunctionName);
    this.prune();
  }

  putConcurrency(call: AwsCall, nameOrArn: string, input: Json): Json {
    const rec = this.require(call, nameOrArn);
    const n = input['ReservedConcurrentExecutions'];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw invalid(`1 validation error detected: Value '${String(n)}' at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 0`);
    const others = this.store.resources<FunctionRecord>(FUNCTION).filter((r) => r.doc.configuration.FunctionArn !== rec.configuration.FunctionArn).reduce((a, r) => a + (r.doc.reservedConcurrency ?? 0), 0);
    // AWS keeps 100 unreserved for the functions that reserve nothing.
    if (others + n > ACCOUNT_CONCURRENCY - 100) throw invalid(`Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].`);
    this.commit(call, { ...rec, reservedConcurrency: n }, rec);
    return { ReservedConcurrentExecutions: n };
  }

  deleteConcurrency(call: AwsCall, nameOrArn: string): void {
    const rec = this.require(call, nameOrArn);
    const { reservedConcurrency: _dropped, ...rest } = rec;
    this.commit(call, rest, rec);
  }

  getConcurrency(call: AwsCall, nameOrArn: string): Json {
    const rec = this.require(call, nameOrArn);
    return rec.reservedConcurrency !== undefined ? { ReservedConcurrentExecutions: rec.reservedConcurrency } : {};
  }

  addPermission(call: AwsCall, nameOrArn: string, input: Json): Json {
    const rec = this.require(call, nameOrArn);
    const sid = str(input['StatementId'], 'statementId');
    if (!/^([a-zA-Z0-9-_.]+)$/.test(sid) || sid.length > 100) throw invalid(`1 validation error detected: Value '${sid.slice(0, 100)}' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_.]+)`);
    if (rec.statements.some((s) => s['Sid'] === sid)) throw new AwsError('ResourceConflictException', `The statement id (${sid}) provided already exists. Please provide a new statement id, or remove the existing statement.`, 409);
    const action = str(input['Action'], 'action');
    const principal = str(input['Principal'], 'principal');
    const condition: Json = {};
    if (typeof input['SourceArn'] === 'string') condition['ArnLike'] = { 'AWS:SourceArn': input['SourceArn'] };
    if (typeof input['SourceAccount'] === 'string') condition['StringEquals'] = { 'AWS:SourceAccount': input['SourceAccount'] };
    const statement: Json = {
      Sid: sid,
      Effect: 'Allow',
      Principal: /^\d{12}$/.test(principal) ? { AWS: `arn:aws:iam::${principal}:root` } : principal.includes('.') ? { Service: principal } : { AWS: principal },
      Action: action,
      Resource: rec.configuration.FunctionArn,
      ...(Object.keys(condition).length ? { Condition: condition } : {}),
    };
    this.save(call, { ...rec, statements: [...rec.statements, statement] });
    return { Statement: JSON.stringify(statement) };
  }

  getPolicy(call: AwsCall, nameOrArn: string): Json {
    const rec = this.require(call, nameOrArn);
    if (rec.statements.length === 0) throw new AwsError('ResourceNotFoundException', 'The resource you requested does not exist.', 404);
    return { Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: rec.statements }), RevisionId: rec.configuration.RevisionId };
  }

  removePermission(call: AwsCall, nameOrArn: string, sid: string): void {
    const rec = this.require(call, nameOrArn);
    if (!rec.statements.some((s) => s['Sid'] === sid)) throw new AwsError('ResourceNotFoundException', 'Statement not found', 404);
    this.save(call, { ...rec, statements: rec.statements.filter((s) => s['Sid'] !== sid) });
  }

  /** The function a tag ARN names. */
  tagTarget(call: AwsCall, arn: string): string {
    return this.require(call, arn).configuration.FunctionArn;
  }

  tags(arn: string): Record<string, string> {
    return this.store.tags(arn);
  }

  tag(arn: string, tags: Record<string, string>): void {
    this.store.tag(arn, tags);
  }

  untag(arn: string, keys: readonly string[]): void {
    this.store.untag(arn, keys);
  }

  /** The function an integration names: by ARN (its region), or by name in any region. */
  private find(key: string): { region: string; name: string } | undefined {
    const arn = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):\d{12}:function:([a-zA-Z0-9_-]{1,64})(?::\$LATEST)?$/.exec(key);
    if (arn) return this.record(arn[1], arn[2]) ? { region: arn[1], name: arn[2] } : undefined;
    const found = this.store.resources<FunctionRecord>(FUNCTION).find((r) => r.doc.configuration.FunctionName === key);
    return found ? { region: found.doc.configuration.FunctionArn.split(':')[3], name: key } : undefined;
  }

  /**
   * The function an API Gateway integration calls from `sourceArn`, as {@link find} and {@link allowsInvoke} decide
   * (`'forbidden'` when its resource policy does not let API Gateway in). Every call of a Lambda route asks, so the
   * decision is remembered until the next write to the store: a created, changed or deleted function or permission
   * is such a write, and the next call decides afresh.
   */
  invokeTarget(key: string, sourceArn: string): { region: string; name: string } | 'forbidden' | undefined {
    if (this.decidedAt !== this.store.generation) {
      this.decided.clear();
      this.decidedAt = this.store.generation;
    }
    const memo = `${key}\n${sourceArn}`;
    if (this.decided.has(memo)) return this.decided.get(memo);
    const fn = this.find(key);
    const decision = !fn ? undefined : this.allowsInvoke(fn.region, fn.name, sourceArn) ? fn : 'forbidden';
    // Source ARNs carry the request's path: a bound keeps a crawl of many paths from growing the map.
    if (this.decided.size >= 1024) this.decided.clear();
    this.decided.set(memo, decision);
    return decision;
  }
  private readonly decided = new Map<string, { region: string; name: string } | 'forbidden' | undefined>();
  private decidedAt = -1;

  /** Whether an API Gateway integration may invoke the function from `sourceArn`, by the function's resource policy. */
  private allowsInvoke(region: string, name: string, sourceArn: string): boolean {
    const rec = this.record(region, name);
    if (!rec) return false;
    return rec.statements.some((s) => {
      const principal = (s['Principal'] ?? {}) as Json;
      if (s['Action'] !== 'lambda:InvokeFunction' && s['Action'] !== 'lambda:*') return false;
      if (principal['Service'] !== 'apigateway.amazonaws.com') return false;
      const like = (((s['Condition'] ?? {}) as Json)['ArnLike'] as Json | undefined)?.['AWS:SourceArn'];
      return like === undefined || arnLike(String(like), sourceArn);
    });
  }
}

/** IAM's ArnLike: `*` matches any run of characters, `?` one. */
function arnLike(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&'))).join('')}$`);
  return re.test(value);
}

/** The function name in a name, a partial ARN (`123456789012:function:name`) or an ARN, if it is this account's. */
function functionNameOf(value: string, call: AwsCall): string | undefined {
  const m = /^(?:arn:aws[a-z-]*:lambda:([a-z0-9-]+):)?(?:(\d{12}):)?(?:function:)?([a-zA-Z0-9_-]{1,64})(?::(\$LATEST))?$/.exec(value);
  if (!m) return undefined;
  if (m[1] !== undefined && m[1] !== call.region) return undefined;
  if (m[2] !== undefined && m[2] !== call.accountId) return undefined;
  return m[3];
}

function str(value: unknown, member: string): string {
  if (typeof value !== 'string' || value === '') throw invalid(`1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
  return value;
}

function invalid(message: string): AwsError {
  return new AwsError('InvalidParameterValueException', message, 400);
}
