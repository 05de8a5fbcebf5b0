import { fork, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { closeSync, existsSync, openSync, writeSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isRecord } from '../shared/records';
import { BOOTSTRAP_NAME, BOOTSTRAP_SOURCE } from './bootstrap';
import { LambdaError } from './errors';
import { extractPackage, PackageError } from './package';

/** A function as Terraform deploys it: its deployment package (the zip's exact bytes) and configuration. */
export interface FunctionConfig {
  /** Lambda's function name (`[A-Za-z0-9_-]{1,64}`). */
  readonly name: string;
  /** The function's ARN (`arn:aws:lambda:<region>:<account>:function:<name>`): the context's invokedFunctionArn, and AWS_REGION. */
  readonly arn: string;
  /** The deployment package, as uploaded. */
  readonly zip: Uint8Array;
  /** `[dir/]module.export` (`index.handler`). */
  readonly handler: string;
  readonly runtime: 'nodejs20.x' | 'nodejs22.x';
  /** 128 to 10240: sizes each instance's V8 heap as Lambda does (see {@link memoryFlags}). */
  readonly memoryMB: number;
  /** 1 to 900. */
  readonly timeoutSeconds: number;
  readonly environment?: Readonly<Record<string, string>>;
}

export interface LambdaRuntimeOptions {
  /** The twin's data directory: packages go to `<dataDir>/lambda/<name>/<sha256 prefix>/`, logs to `<dataDir>/lambda/logs/<name>.log`. */
  readonly dataDir: string;
  /** Every log line of every function, prefixed `[<functionName> <requestId>] `. */
  readonly onLog?: (line: string) => void;
  /** Instances per function (Lambda's burst concurrency here): 50 unless set. Further calls queue. */
  readonly maxConcurrency?: number;
}

export interface InvokeOptions {
  /** The invocation's awsRequestId (a fresh UUID unless set). */
  readonly requestId?: string;
  /**
   * The event is plain JSON data (strings, numbers, booleans, null, arrays and plain objects, no cycles) whose only
   * large member is `body`: it crosses to the instance as it is, encoded once on the way, instead of as JSON text
   * encoded again inside the message. API Gateway's proxy events are (its headers are bounded by the HTTP server's
   * header limit); an event whose body is over {@link PLAIN_BODY_LIMIT} is measured as any other.
   * @default false
   */
  readonly plainJson?: boolean;
}

/** The shape of the in-process handlers API Gateway's AWS_PROXY integration calls (apigw/private/integrations.ts). */
export type LambdaHandler = (event: Record<string, unknown>, context: Record<string, unknown>) => Promise<unknown>;

/** Lambda's synchronous Invoke payload quota (request). */
const MAX_REQUEST_BYTES = 6_291_456;
/** Lambda's init phase limit; past it, Lambda retries init within the invocation's own timeout. */
const INIT_LIMIT_SECONDS = 10;
/**
 * The largest body of a {@link InvokeOptions.plainJson} event sent without measuring it: escaped, it stays far below
 * the 6 MB request quota, headers included (at most 80 KB of them, twice, each character escaped to six at worst).
 */
const PLAIN_BODY_LIMIT = 512 * 1024;
/** Calls waiting for an instance beyond which invoke answers TooManyRequestsException. */
const MAX_QUEUED = 10_000;
/** After a child exits: how long its last IPC messages and output may take to arrive. */
const EXIT_DRAIN_MS = 1000;
/**
 * A function whose handler ran this long or less on average (recent invocations weigh most) is quick: its calls
 * queue on a busy instance, up to {@link QUICK_DEPTH} of them, before another instance is woken or started.
 */
const QUICK_MS = 2;
const QUICK_DEPTH = 16;
/** An instance of a quick function whose invocation has run this long gives back the calls queued behind it. */
const STALL_MS = 10;
/** A log event longer than this is cut, as CloudWatch Logs cuts events at 256 KB. */
const MAX_LOG_EVENT = 256 * 1024;
const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const ENV_KEY = /^[A-Za-z][A-Za-z0-9_]*$/;
const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;
/** Variables Lambda sets and refuses in a function's configuration. */
const RESERVED = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
]);
/** How Lambda (Go) names the signal that ended a runtime: `Runtime exited with error: signal: killed`. */
const SIGNAL_NAMES: Record<string, string> = {
  SIGKILL: 'killed',
  SIGABRT: 'aborted',
  SIGSEGV: 'segmentation fault',
  SIGTERM: 'terminated',
  SIGINT: 'interrupt',
  SIGBUS: 'bus error',
  SIGILL: 'illegal instruction',
  SIGFPE: 'floating point exception',
  SIGHUP: 'hangup',
  SIGQUIT: 'quit',
  SIGTRAP: 'trace/breakpoint trap',
  SIGPIPE: 'broken pipe',
  SIGUSR1: 'user defined signal 1',
  SIGUSR2: 'user defined signal 2',
};

/** A function's configuration as registered (the zip itself is kept on disk only). */
interface Code {
  readonly name: string;
  readonly arn: string;
  readonly region: string;
  readonly handler: string;
  readonly runtime: FunctionConfig['runtime'];
  readonly memoryMB: number;
  readonly timeoutSeconds: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly sha256: string;
}

/** One registration of a function: its instances run this code and configuration. */
interface Generation {
  readonly code: Code;
  readonly dir: string;
  retired: boolean;
  readonly instances: Set<Instance>;
}

interface FunctionState {
  readonly name: string;
  /** Undefined once unregistered. */
  current: Generation | undefined;
  /** The current generation and retired ones whose instances are still finishing. */
  readonly generations: Set<Generation>;
  readonly queue: Invocation[];
  /** How long the current code's handler runs, averaged (recent invocations weigh most): undefined until one ends. */
  handlerMs: number | undefined;
}

interface Invocation {
  readonly requestId: string;
  /** JSON text, or a plain JSON value ({@link InvokeOptions.plainJson}) that the message encodes. */
  readonly event: string | Readonly<Record<string, unknown>>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: Error) => void;
  settled: boolean;
  /** performance.now() when the instance got it. */
  startedAt: number;
  /** Its place in the order of calls (a call given back returns to its place, not behind later ones). */
  readonly seq: number;
  timer: NodeJS.Timeout | undefined;
}

type InstanceState = 'starting' | 'idle' | 'busy' | 'stopping' | 'dead';

/** One child process: one invocation at a time. */
interface Instance {
  readonly fn: FunctionState;
  readonly gen: Generation;
  readonly child: ChildProcess;
  readonly spawnedAt: number;
  readonly logStream: string;
  state: InstanceState;
  /** The invocation it runs (while starting: the one it was started for). */
  invocation: Invocation | undefined;
  /**
   * The invocations sent ahead while it is busy, in order: the child starts each as soon as it has reported the one
   * before, without waiting for the twin to hand it over (see {@link sendAhead}). Each is the twin's until the child
   * says it started it (or gave it back): while any is, the instance is busy, with or without an invocation.
   */
  readonly ahead: Invocation[];
  /** A cancel of every call in `ahead` is on its way to the child: no more are sent ahead to it until they are answered. */
  recalling: boolean;
  /** Messages to the child not yet sent: those of one event-loop turn go as one (see post()). */
  outbox: Record<string, unknown>[];
  /** Checks that a quick function's invocation does not hold calls queued behind it for long (see {@link STALL_MS}). */
  stallTimer: NodeJS.Timeout | undefined;
  /** The same check, moved to the end of the turn when the timer fires. */
  stallCheck: NodeJS.Immediate | undefined;
  /** The invocation found running long (see checkStall): no call goes ahead to this instance while it runs. */
  stalled: Invocation | undefined;
  lastRequestId: string | undefined;
  /** Init duration, reported in the REPORT line of its first invocation. */
  initMs: number | undefined;
  initReported: boolean;
  peakRssKiB: number;
  initTimer: NodeJS.Timeout | undefined;
  /** Output not yet ended by a newline, per source. */
  readonly partial: Map<string, string>;
  readonly exited: Promise<void>;
  markExited: () => void;
}

/**
 * Runs functions' own deployment packages in child processes, as Lambda's Node.js runtime does: an instance
 * (one child process, `child_process.fork` of a bootstrap written to the data directory) serves one invocation at
 * a time and is reused warm; concurrent calls start more instances, up to 50 per function, and further calls queue
 * (once all instances are busy, each is sent the next queued call ahead, which it starts as soon as it has reported
 * the current one: a saturated function's instances then never sleep between calls, which on 2 cores answered about
 * 50 % more requests at two thirds of the p99). A quick function's calls (its handler ran 2 ms or less, averaged)
 * queue on a busy instance first, up to 16, and the messages of one event-loop turn cross as one: waking a process
 * per call cost more than the call (the Lambda route of the dev stack answered 0.19x the MOCK route that way, 0.40x so);
 * an invocation that runs past 10 ms gives back the calls queued behind it, so that none waits behind a slow one.
 * Events and results cross as JSON; the environment is the function's own plus Lambda's reserved variables, never
 * the twin's. Timeouts, crashes, process.exit and heap exhaustion fail the one invocation they hit (as Lambda
 * reports them) and the next call starts a fresh instance. Logs go to `<dataDir>/lambda/logs/<name>.log` with
 * Lambda's START, END and REPORT lines, and to `onLog`.
 *
 * Where the twin knowingly differs from Lambda:
 * - instances run the twin's own `node` whatever the runtime (nodejs20.x or nodejs22.x);
 * - memory limits the V8 heap as Lambda's Node.js bootstrap sizes it ({@link memoryFlags}), not the whole process;
 *   exhausting it aborts the instance: `Runtime.ExitError`, `Runtime exited with error: signal: aborted`;
 * - a result JSON cannot carry fails with `Runtime.JSONStringifyError` / `Unable to stringify response body`
 *   (the current runtime client's name; the nodejs20.x client reports the same message with errorType `Error`);
 * - instances are not frozen between invocations: their timers keep running (their output goes under the last
 *   request id); they are not reclaimed when idle, only on new code, unregister, a failure, or close();
 * - there are no execution-role credentials (AWS_ACCESS_KEY_ID...), no X-Ray, no response streaming;
 * - `handler()` gives each call a fresh request id, as Lambda does: API Gateway's own id stays in
 *   `event.requestContext.requestId` (the context runAwsProxy passes is ignored);
 * - the init phase (10 s on Lambda, then retried within the invocation) has one limit: 10 s + the timeout.
 * - concurrent calls of a quick function share fewer instances than Lambda would start (see above): module-level
 *   state is shared by more calls, and a burst of them starts fewer cold instances than it would on Lambda.
 */
export class LambdaRuntime {
  private readonly root: string;
  private readonly logsDir: string;
  private readonly runtimeDir: string;
  private readonly bootstrapFile: string;
  private readonly onLog: ((line: string) => void) | undefined;
  private readonly maxConcurrency: number;
  private readonly functions = new Map<string, FunctionState>();
  private readonly instances = new Set<Instance>();
  private readonly logFiles = new Map<string, number>();
  /** Log lines not written yet, by descriptor: see write(). */
  private readonly pendingLogs = new Map<number, string>();
  private logFlush: NodeJS.Immediate | undefined;
  /** Above 0 while the messages of a batch are handled: see message(). */
  private batching = 0;
  /** Instances with messages in their outbox, sent at the end of the event-loop turn. */
  private readonly outboxes = new Set<Instance>();
  private outboxFlush: NodeJS.Immediate | undefined;
  private closed = false;
  private closing: Promise<void> | undefined;
  private exitHook: (() => void) | undefined;

  constructor(options: LambdaRuntimeOptions) {
    this.root = resolve(options.dataDir, 'lambda');
    this.logsDir = join(this.root, 'logs');
    // Function names cannot start with a dot: `.runtime` is no function's folder.
    this.runtimeDir = join(this.root, '.runtime');
    this.onLog = options.onLog;
    this.maxConcurrency = Math.max(1, Math.floor(options.maxConcurrency ?? 50));
    mkdirSync(this.runtimeDir, { recursive: true, mode: 0o700 });
    mkdirSync(this.logsDir, { recursive: true, mode: 0o700 });
    // As in /var/task, `.js` files of a package without its own package.json are CommonJS, whatever lies above.
    writeIfChanged(join(this.root, 'package.json'), '{ "type": "commonjs" }\n');
    const hash = createHash('sha256').update(BOOTSTRAP_SOURCE).digest('hex').slice(0, 12);
    this.bootstrapFile = join(this.runtimeDir, `${BOOTSTRAP_NAME}-${hash}.mjs`);
    writeIfChanged(this.bootstrapFile, BOOTSTRAP_SOURCE);
    for (const entry of readdirSync(this.runtimeDir)) {
      if (entry.startsWith(`${BOOTSTRAP_NAME}-`) && join(this.runtimeDir, entry) !== this.bootstrapFile) rmSync(join(this.runtimeDir, entry), { force: true });
    }
  }

  /**
   * Deploys a function, or new code or configuration of a registered one: instances of the previous code that are
   * idle stop at once, busy ones finish their invocation and stop; queued and later calls run the new code (a call
   * sent ahead to a busy instance is given back, unless that instance has started it already).
   * Registering the same bytes and configuration again changes nothing. Throws {@link LambdaError}
   * `InvalidParameterValueException` where Lambda would refuse the function (zip-slip entry, over 250 MB unzipped,
   * reserved environment variable, ...).
   */
  register(fn: FunctionConfig): void {
    if (this.closed) throw new LambdaError('ServiceException', 'ServiceException', 'The Lambda runtime is closed.');
    const code = validate(fn);
    let state = this.functions.get(code.name);
    if (state?.current && sameCode(state.current.code, code)) return;
    const dir = this.unpack(code.name, code.sha256, fn.zip);
    if (!state) {
      state = { name: code.name, current: undefined, generations: new Set(), queue: [], handlerMs: undefined };
      this.functions.set(code.name, state);
    }
    const gen: Generation = { code, dir, retired: false, instances: new Set() };
    const previous = state.current;
    state.current = gen;
    state.handlerMs = undefined;
    state.generations.add(gen);
    if (previous) this.retire(state, previous);
    this.sweep(state);
    this.pump(state);
  }

  /**
   * Deletes a function: queued calls fail with ResourceNotFoundException, running invocations finish. Returns
   * whether it was registered.
   */
  unregister(name: string): boolean {
    const state = this.functions.get(name);
    if (!state?.current) return false;
    const gen = state.current;
    state.current = undefined;
    this.retire(state, gen);
    for (const inv of state.queue.splice(0)) this.settle(inv, notFound(name));
    this.sweep(state);
    return true;
  }

  /** A handler for API Gateway's AWS_PROXY integration: each call is an invocation with a fresh request id. */
  handler(name: string): LambdaHandler & { readonly serializesEvent: true } {
    let h = this.handlers.get(name);
    if (!h) {
      // The event crosses as JSON (invoke): a caller need not copy what it hands over.
      h = Object.assign((event: Record<string, unknown>) => this.invoke(name, event, { plainJson: true }), { serializesEvent: true as const });
      this.handlers.set(name, h);
    }
    return h;
  }
  private seq = 0;
  private readonly handlers = new Map<string, LambdaHandler & { readonly serializesEvent: true }>();

  /**
   * Invokes a function synchronously (RequestResponse): resolves with the handler's result as it crosses JSON
   * (`undefined` arrives as null), or rejects with a {@link LambdaError}.
   */
  invoke(name: string, event: unknown, options: InvokeOptions = {}): Promise<unknown> {
    if (this.closed) return Promise.reject(new LambdaError('ServiceException', 'ServiceException', 'The Lambda runtime is closed.'));
    const state = this.functions.get(name);
    if (!state?.current) return Promise.reject(notFound(name));
    const requestId = options.requestId ?? randomUUID();
    if (!REQUEST_ID.test(requestId)) return Promise.reject(new LambdaError('InvalidRequestContentException', 'InvalidRequestContentException', 'requestId must be 1 to 128 printable characters without spaces.'));
    if (options.plainJson === true && isPlainEvent(event)) return this.enqueue(state, requestId, event);
    let eventJson: string | undefined;
    try {
      eventJson = JSON.stringify(event === undefined ? {} : event);
    } catch (err) {
      return Promise.reject(new LambdaError('InvalidRequestContentException', 'InvalidRequestContentException', `Could not parse request body into json: ${(err as Error).message}`, { requestId }));
    }
    if (eventJson === undefined) eventJson = '{}';
    if (Buffer.byteLength(eventJson, 'utf8') > MAX_REQUEST_BYTES) {
      return Promise.reject(new LambdaError('RequestEntityTooLargeException', 'RequestEntityTooLargeException', `Request must be smaller than ${MAX_REQUEST_BYTES} bytes for the InvokeFunction operation`, { requestId }));
    }
    return this.enqueue(state, requestId, eventJson);
  }

  private enqueue(state: FunctionState, requestId: string, event: Invocation['event']): Promise<unknown> {
    if (state.queue.length >= MAX_QUEUED) return Promise.reject(new LambdaError('TooManyRequestsException', 'TooManyRequestsException', 'Rate Exceeded.', { requestId }));
    return new Promise((resolvePromise, rejectPromise) => {
      state.queue.push({ requestId, event, resolve: resolvePromise, reject: rejectPromise, settled: false, startedAt: 0, timer: undefined, seq: this.seq++ });
      this.pump(state);
    });
  }

  /** Stops every instance (SIGKILL) and waits until each process has exited; calls in flight or queued fail. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closed = true;
    const closedError = () => new LambdaError('ServiceException', 'ServiceException', 'The Lambda runtime was closed.');
    for (const state of this.functions.values()) {
      for (const inv of state.queue.splice(0)) this.settle(inv, closedError());
    }
    const exits: Promise<void>[] = [];
    for (const inst of this.instances) {
      if (inst.invocation) this.settle(inst.invocation, closedError());
      for (const inv of inst.ahead) this.settle(inv, closedError());
      this.stop(inst);
      exits.push(inst.exited);
    }
    this.closing = Promise.all(exits).then(() => {
      this.flushLogs();
      for (const fd of this.logFiles.values()) closeSync(fd);
      this.logFiles.clear();
      if (this.exitHook) process.removeListener('exit', this.exitHook);
      this.exitHook = undefined;
    });
    return this.closing;
  }

  // ---- scheduling

  /**
   * Hands queued calls to idle instances of the current code, then to new instances while under the limit, then
   * ahead to busy ones. A quick function's calls go ahead to a busy instance first (see {@link QUICK_MS}): the calls
   * of one turn then reach one instance as one message, and it runs them one after the other without sleeping in
   * between, where each woken instance would cost more than the call itself.
   */
  private pump(state: FunctionState): void {
    while (state.queue.length > 0 && !this.closed) {
      const gen = state.current;
      if (!gen) {
        for (const inv of state.queue.splice(0)) this.settle(inv, notFound(state.name));
        return;
      }
      const quick = state.handlerMs !== undefined && state.handlerMs <= QUICK_MS;
      const queued = quick ? this.aheadTarget(gen, true) : undefined;
      if (queued) {
        this.sendAhead(queued, state.queue.shift() as Invocation);
        continue;
      }
      let idle: Instance | undefined;
      for (const inst of gen.instances) {
        if (inst.state === 'idle') {
          idle = inst;
          break;
        }
      }
      if (idle) {
        this.start(idle, state.queue.shift() as Invocation);
        continue;
      }
      if (this.liveInstances(state) < this.maxConcurrency) {
        this.spawn(state, gen, state.queue.shift() as Invocation);
        continue;
      }
      const ahead = quick ? undefined : this.aheadTarget(gen, false);
      if (!ahead) return;
      this.sendAhead(ahead, state.queue.shift() as Invocation);
    }
  }

  /**
   * A busy instance that may take one more call ahead: any (one call each) when every instance is busy and no more
   * may start; for a quick function, the first with fewer than {@link QUICK_DEPTH} whose invocation was not found
   * running long.
   */
  private aheadTarget(gen: Generation, quick: boolean): Instance | undefined {
    for (const inst of gen.instances) {
      if (inst.state !== 'busy' || inst.recalling) continue;
      if (!quick) {
        if (inst.ahead.length === 0) return inst;
        continue;
      }
      if (inst.ahead.length >= QUICK_DEPTH) continue;
      if (inst.invocation !== undefined && inst.invocation === inst.stalled) continue;
      return inst;
    }
    return undefined;
  }

  private liveInstances(state: FunctionState): number {
    let n = 0;
    for (const gen of state.generations) for (const inst of gen.instances) if (inst.state !== 'stopping' && inst.state !== 'dead') n++;
    return n;
  }

  private retire(state: FunctionState, gen: Generation): void {
    gen.retired = true;
    for (const inst of gen.instances) {
      if (inst.state === 'idle') this.stop(inst);
      // A call sent ahead runs the new code: the child gives it back unless it has started it already.
      else this.cancelAhead(inst);
    }
    if (gen.instances.size === 0) state.generations.delete(gen);
  }

  // ---- instances

  private spawn(state: FunctionState, gen: Generation, inv: Invocation): void {
    const code = gen.code;
    const now = new Date();
    const logStream = `${now.getUTCFullYear()}/${pad(now.getUTCMonth() + 1)}/${pad(now.getUTCDate())}/[$LATEST]${randomBytes(16).toString('hex')}`;
    const nodeArgs = [...memoryFlags(code.memoryMB), '--expose-gc', '--max-http-header-size=81920'];
    // A heap exhaustion aborts the process: no core file lands in the task root (the shell execs node, same pid).
    const viaShell = process.platform !== 'win32' && existsSync('/bin/sh');
    let child: ChildProcess;
    try {
      child = fork(this.bootstrapFile, [], {
        cwd: gen.dir,
        env: this.environment(code, gen.dir, logStream),
        execPath: viaShell ? '/bin/sh' : process.execPath,
        execArgv: viaShell ? ['-c', 'ulimit -c 0 2>/dev/null; exec "$0" "$@"', process.execPath, ...nodeArgs] : nodeArgs,
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        serialization: 'json',
        // Its own process group: stopping an instance stops whatever its handler started, as a sandbox's end does.
        detached: process.platform !== 'win32',
      });
    } catch (err) {
      this.settle(inv, new LambdaError('ServiceException', 'ServiceException', `could not start an instance of ${code.name}: ${(err as Error).message}`, { requestId: inv.requestId }));
      return;
    }
    let markExited: () => void = noop;
    const exited = new Promise<void>((r) => (markExited = r));
    const inst: Instance = {
      fn: state,
      gen,
      child,
      spawnedAt: performance.now(),
      logStream,
      state: 'starting',
      invocation: inv,
      ahead: [],
      recalling: false,
      outbox: [],
      stallTimer: undefined,
      stallCheck: undefined,
      stalled: undefined,
      lastRequestId: undefined,
      initMs: undefined,
      initReported: false,
      peakRssKiB: 0,
      initTimer: undefined,
      partial: new Map(),
      exited,
      markExited,
    };
    gen.instances.add(inst);
    this.instances.add(inst);
    this.hookExit();
    inst.initTimer = setTimeout(() => this.initTimedOut(inst), (INIT_LIMIT_SECONDS + code.timeoutSeconds) * 1000);

    let exitedWith: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let channelOpen = true;
    const streamsOpen = new Set(['out', 'err']);
    let drainTimer: NodeJS.Timeout | undefined;
    const maybeDead = () => {
      if (exitedWith && !channelOpen && streamsOpen.size === 0) {
        clearTimeout(drainTimer);
        this.died(inst, exitedWith.code, exitedWith.signal);
      }
    };
    child.on('message', (m) => this.message(inst, m));
    child.on('disconnect', () => {
      channelOpen = false;
      maybeDead();
    });
    child.on('error', (err) => {
      // Spawning failed (no exit follows), or a message could not be sent to a dying child (its exit follows).
      if (child.pid === undefined && !exitedWith) {
        this.line(inst, `twin: could not start the instance: ${err.message}`);
        exitedWith = { code: 1, signal: null };
        channelOpen = false;
        streamsOpen.clear();
        maybeDead();
      }
    });
    child.once('exit', (exitCode, signal) => {
      exitedWith = { code: exitCode, signal };
      drainTimer = setTimeout(() => this.died(inst, exitCode, signal), EXIT_DRAIN_MS);
      maybeDead();
    });
    for (const [key, stream] of [
      ['out', child.stdout],
      ['err', child.stderr],
    ] as const) {
      if (!stream) {
        streamsOpen.delete(key);
        continue;
      }
      stream.setEncoding('utf8');
      stream.on('data', (text: string) => this.raw(inst, `pipe-${key}`, text));
      stream.on('error', noop);
      stream.on('close', () => {
        streamsOpen.delete(key);
        maybeDead();
      });
    }
  }

  /** The child's environment: the function's variables and Lambda's, nothing of the twin's. */
  private environment(code: Code, taskRoot: string, logStream: string): Record<string, string> {
    return {
      PATH: [dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(delimiter),
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      NODE_PATH: taskRoot,
      ...code.environment,
      // Lambda's runtime starts from a shell script in the task root (so does ours, where a shell exists).
      PWD: taskRoot,
      AWS_LAMBDA_FUNCTION_NAME: code.name,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(code.memoryMB),
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${code.name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: logStream,
      AWS_EXECUTION_ENV: `AWS_Lambda_${code.runtime}`,
      AWS_REGION: code.region,
      AWS_DEFAULT_REGION: code.region,
      LAMBDA_TASK_ROOT: taskRoot,
      LAMBDA_RUNTIME_DIR: this.runtimeDir,
      _HANDLER: code.handler,
    };
  }

  /** Gives an invocation to an instance that is ready (warm, or just initialised). */
  private start(inst: Instance, inv: Invocation): void {
    if (inv.settled) {
      inst.invocation = undefined;
      this.becomeIdle(inst);
      return;
    }
    const deadline = Date.now() + inst.gen.code.timeoutSeconds * 1000;
    this.begin(inst, inv);
    this.send(inst, inv, deadline);
  }

  /** The instance runs `inv` from now on: its START line, and its timeout from now. */
  private begin(inst: Instance, inv: Invocation): void {
    const code = inst.gen.code;
    inst.state = 'busy';
    inst.invocation = inv;
    inv.startedAt = performance.now();
    this.line(inst, `START RequestId: ${inv.requestId} Version: $LATEST`);
    if (!inv.settled) inv.timer = setTimeout(() => this.timedOut(inst, inv, code.timeoutSeconds), code.timeoutSeconds * 1000);
  }

  /**
   * Hands `inv` to a busy instance ahead of time. Every instance busy and no more allowed to start, the call would
   * wait for the next result anyway; sent now, the child finds it waiting when it reports the current one, and starts
   * it at once (its deadline counted from then), instead of going to sleep and being woken for it. The twin begins it
   * (START line, timeout) when the child says it started it. Should the instance fail first, the call goes back to
   * its place in the queue, untouched.
   */
  private sendAhead(inst: Instance, inv: Invocation): void {
    inst.ahead.push(inv);
    this.send(inst, inv, undefined);
    if (inst.stallTimer === undefined && inst.fn.handlerMs !== undefined && inst.fn.handlerMs <= QUICK_MS) {
      inst.stallTimer = setTimeout(() => this.checkStall(inst), STALL_MS);
      inst.stallTimer.unref();
    }
  }

  /**
   * A quick function's invocation that runs long gives back the calls queued behind it, for other instances. Judged
   * after the turn has read what the instances sent (a timer runs before that): a twin slow to read a result must not
   * take an instance for stalled that has answered.
   */
  private checkStall(inst: Instance): void {
    inst.stallCheck = setImmediate(() => this.judgeStall(inst));
  }

  private judgeStall(inst: Instance): void {
    inst.stallTimer = undefined;
    inst.stallCheck = undefined;
    if (inst.state !== 'busy' || inst.ahead.length === 0 || inst.recalling) return;
    const ran = inst.invocation ? performance.now() - inst.invocation.startedAt : 0;
    if (ran >= STALL_MS) {
      inst.stalled = inst.invocation;
      this.cancelAhead(inst);
      return;
    }
    inst.stallTimer = setTimeout(() => this.checkStall(inst), Math.max(1, STALL_MS - ran));
    inst.stallTimer.unref();
  }

  /** Asks the child to give back every call sent ahead that it has not started (each answered by 'cancelled'). */
  private cancelAhead(inst: Instance): void {
    if (inst.recalling || inst.ahead.length === 0) return;
    inst.recalling = true;
    for (const inv of inst.ahead) this.post(inst, { t: 'cancel', id: inv.requestId });
  }

  private send(inst: Instance, inv: Invocation, deadline: number | undefined): void {
    const code = inst.gen.code;
    const wire = wireEvent(inv.event);
    this.post(inst, { t: 'invoke', id: inv.requestId, event: wire.event, ...(wire.mv ? { mv: wire.mv } : {}), deadline, timeoutMs: code.timeoutSeconds * 1000, arn: code.arn });
  }

  /**
   * A message to the child. Those of one event-loop turn go together at its end, as one message (an array): the
   * child is woken once, and the twin writes once, for all of them. One that cannot be sent stops the instance (its
   * failure handling follows).
   */
  private post(inst: Instance, message: Record<string, unknown>): void {
    inst.outbox.push(message);
    this.outboxes.add(inst);
    this.outboxFlush ??= setImmediate(() => this.flushOutboxes());
  }

  private flushOutboxes(): void {
    this.outboxFlush = undefined;
    for (const inst of this.outboxes) {
      const batch = inst.outbox;
      inst.outbox = [];
      if (inst.state === 'stopping' || inst.state === 'dead' || batch.length === 0) continue;
      try {
        inst.child.send(batch.length === 1 ? batch[0] : batch, (err) => {
          if (err) this.stop(inst);
        });
      } catch {
        this.stop(inst);
      }
    }
    this.outboxes.clear();
  }

  /** A call sent ahead to an instance that will not run it, back to its place in the queue (ahead of later calls). */
  private requeue(state: FunctionState, inv: Invocation): void {
    if (inv.settled) return;
    const queue = state.queue;
    let at = queue.length;
    while (at > 0 && queue[at - 1].seq > inv.seq) at--;
    queue.splice(at, 0, inv);
  }

  /** Every call sent ahead to an instance that will not run them, back to the queue. */
  private recall(inst: Instance): void {
    inst.recalling = false;
    for (const inv of inst.ahead.splice(0)) this.requeue(inst.fn, inv);
  }

  private becomeIdle(inst: Instance): void {
    inst.invocation = undefined;
    if (inst.gen.retired || this.closed) {
      this.stop(inst);
      return;
    }
    inst.state = 'idle';
    this.pump(inst.fn);
    if (inst.state === 'idle' && inst.fn.queue.length === 0) {
      // Idle with nothing queued while a call waits on a busy instance (behind a slow call, or a call of the function
      // to itself): that instance is asked to give it back, and this one takes it (see 'cancelled'). A quick
      // function's queued calls start soon anyway (or are given back when they do not, see checkStall).
      const quick = inst.fn.handlerMs !== undefined && inst.fn.handlerMs <= QUICK_MS;
      for (const other of quick ? [] : inst.gen.instances) {
        if (other.ahead.length > 0 && !other.recalling) {
          this.cancelAhead(other);
          break;
        }
      }
    }
  }

  /** A message from a child; anything malformed is ignored. */
  private message(inst: Instance, raw: unknown): void {
    if (Array.isArray(raw)) {
      // The results of a batch reach their callers after this turn's code has run (a promise's continuation): the
      // log lines of all of them are written once, after the last, and still before any caller hears its result.
      this.batching++;
      try {
        for (const one of raw) this.message(inst, one);
      } finally {
        this.batching--;
      }
      if (this.batching === 0) this.flushLogs();
      return;
    }
    if (typeof raw !== 'object' || raw === null || inst.state === 'dead') return;
    const m = raw as Record<string, unknown>;
    switch (m['t']) {
      case 'console': {
        const level = String(m['level']).slice(0, 8);
        const msg = cut(String(m['msg']));
        const ts = typeof m['ts'] === 'string' ? m['ts'].slice(0, 40) : new Date().toISOString();
        this.write(inst.fn.name, this.logId(inst), `${ts}\t${String(m['rid']).slice(0, 128)}\t${level}\t${msg}`, `${level}\t${msg}`);
        return;
      }
      case 'out':
        this.raw(inst, m['s'] === 'err' ? 'ipc-err' : 'ipc-out', String(m['x']));
        return;
      case 'ready': {
        if (inst.state !== 'starting') return;
        clearTimeout(inst.initTimer);
        inst.initMs = performance.now() - inst.spawnedAt;
        this.noteRss(inst, m['rss']);
        const inv = inst.invocation;
        if (!inv) {
          this.becomeIdle(inst);
          return;
        }
        this.start(inst, inv);
        this.pump(inst.fn);
        return;
      }
      case 'initError': {
        if (inst.state !== 'starting') return;
        clearTimeout(inst.initTimer);
        const e = errorPayload(m['e']);
        const initMs = performance.now() - inst.spawnedAt;
        this.line(inst, `INIT_REPORT Init Duration: ${initMs.toFixed(2)} ms\tPhase: init\tStatus: error\tError Type: ${e.errorType}`);
        const inv = inst.invocation;
        if (inv && !inv.settled) {
          inv.startedAt = performance.now();
          this.line(inst, `START RequestId: ${inv.requestId} Version: $LATEST`);
          this.finishLines(inst, inv, `\tStatus: error\tError Type: ${e.errorType}`);
          this.settle(inv, new LambdaError('FunctionError', e.errorType, e.errorMessage, { trace: e.trace, requestId: inv.requestId }));
        }
        inst.invocation = undefined;
        this.stop(inst);
        return;
      }
      case 'cancelled': {
        // A call sent ahead, given back before it started: back to its place in the queue.
        const at = inst.ahead.findIndex((inv) => inv.requestId === m['id']);
        if (at < 0) return;
        const [given] = inst.ahead.splice(at, 1);
        if (inst.ahead.length === 0) inst.recalling = false;
        this.requeue(inst.fn, given);
        if (inst.state === 'busy' && !inst.invocation && inst.ahead.length === 0) this.becomeIdle(inst);
        else this.pump(inst.fn);
        return;
      }
      case 'started': {
        // The first call sent ahead found the instance idle, and started.
        const next = inst.ahead[0];
        if (inst.state !== 'busy' || inst.invocation || !next || m['id'] !== next.requestId) return;
        this.beginAhead(inst);
        return;
      }
      case 'result': {
        const inv = inst.invocation;
        if (inst.state !== 'busy' || !inv || m['id'] !== inv.requestId) return;
        clearTimeout(inv.timer);
        this.noteRss(inst, m['rss']);
        let outcome: { ok: true; value: unknown } | { ok: false; error: LambdaError };
        if (m['ok'] === true) {
          try {
            outcome = { ok: true, value: JSON.parse(String(m['body'])) };
          } catch {
            outcome = { ok: false, error: new LambdaError('FunctionError', 'Runtime.JSONStringifyError', 'Unable to stringify response body', { requestId: inv.requestId }) };
          }
        } else {
          const e = errorPayload(m['e']);
          outcome = { ok: false, error: new LambdaError('FunctionError', e.errorType, e.errorMessage, { trace: e.trace, requestId: inv.requestId }) };
        }
        this.finishLines(inst, inv, outcome.ok ? '' : `\tStatus: error\tError Type: ${outcome.error.errorType}`);
        inst.lastRequestId = inv.requestId;
        if (outcome.ok) this.settle(inv, undefined, outcome.value);
        else this.settle(inv, outcome.error);
        inst.invocation = undefined;
        if (m['fatal'] === true) {
          // The instance was about to exit (uncaught exception, unhandled rejection): no call goes to it.
          this.stop(inst);
          return;
        }
        const ms = m['ms'];
        if (typeof ms === 'number' && Number.isFinite(ms) && ms >= 0) {
          const fn = inst.fn;
          fn.handlerMs = fn.handlerMs === undefined ? ms : fn.handlerMs * 0.8 + ms * 0.2;
        }
        const next = inst.ahead[0];
        // The child has started the first call sent ahead (a settled one too: its result is dropped).
        if (next && m['started'] === next.requestId) this.beginAhead(inst);
        // Those sent ahead are answered next ('started' or 'cancelled'); with none, the instance is idle.
        else if (inst.ahead.length === 0) this.becomeIdle(inst);
        return;
      }
      default:
        return;
    }
  }

  /** The child has started the first call sent ahead. */
  private beginAhead(inst: Instance): void {
    const next = inst.ahead.shift() as Invocation;
    if (inst.ahead.length === 0) inst.recalling = false;
    this.begin(inst, next);
    this.pump(inst.fn);
  }

  private timedOut(inst: Instance, inv: Invocation, seconds: number): void {
    if (inv.settled || inst.invocation !== inv) return;
    const message = `${new Date().toISOString()} ${inv.requestId} Task timed out after ${seconds.toFixed(2)} seconds`;
    this.flush(inst);
    this.write(inst.fn.name, inv.requestId, message, `Task timed out after ${seconds.toFixed(2)} seconds`);
    this.finishLines(inst, inv, '\tStatus: timeout');
    this.settle(inv, new LambdaError('FunctionTimeout', 'Sandbox.Timedout', message, { requestId: inv.requestId }));
    inst.invocation = undefined;
    this.stop(inst);
  }

  private initTimedOut(inst: Instance): void {
    if (inst.state !== 'starting') return;
    const seconds = INIT_LIMIT_SECONDS + inst.gen.code.timeoutSeconds;
    const inv = inst.invocation;
    if (inv && !inv.settled) {
      inv.startedAt = inst.spawnedAt;
      const message = `${new Date().toISOString()} ${inv.requestId} Task timed out after ${seconds.toFixed(2)} seconds`;
      this.flush(inst);
      this.line(inst, `INIT_REPORT Init Duration: ${(seconds * 1000).toFixed(2)} ms\tPhase: init\tStatus: timeout`);
      this.write(inst.fn.name, inv.requestId, message, `Task timed out after ${seconds.toFixed(2)} seconds`);
      this.finishLines(inst, inv, '\tStatus: timeout');
      this.settle(inv, new LambdaError('FunctionTimeout', 'Sandbox.Timedout', message, { requestId: inv.requestId }));
    }
    inst.invocation = undefined;
    this.stop(inst);
  }

  /** The child has exited and its last messages and output are in (or EXIT_DRAIN_MS passed). */
  private died(inst: Instance, exitCode: number | null, signal: NodeJS.Signals | null): void {
    if (inst.state === 'dead') return;
    clearTimeout(inst.initTimer);
    clearTimeout(inst.stallTimer);
    clearImmediate(inst.stallCheck);
    this.flush(inst);
    const inv = inst.invocation;
    if (inv) clearTimeout(inv.timer);
    if (inv && !inv.settled) {
      const reason = exitCode === 0 ? 'Runtime exited without providing a reason' : `Runtime exited with error: ${signal ? `signal: ${SIGNAL_NAMES[signal] ?? signal}` : `exit status ${exitCode}`}`;
      const message = `RequestId: ${inv.requestId} Error: ${reason}`;
      if (inst.state === 'starting') {
        inv.startedAt = inst.spawnedAt;
        this.line(inst, `INIT_REPORT Init Duration: ${(performance.now() - inst.spawnedAt).toFixed(2)} ms\tPhase: init\tStatus: error\tError Type: Runtime.ExitError`);
        this.line(inst, `START RequestId: ${inv.requestId} Version: $LATEST`);
      }
      this.line(inst, message);
      this.line(inst, 'Runtime.ExitError');
      this.finishLines(inst, inv, '\tStatus: error\tError Type: Runtime.ExitError');
      this.settle(inv, new LambdaError('FunctionError', 'Runtime.ExitError', message, { requestId: inv.requestId }));
    }
    inst.invocation = undefined;
    this.recall(inst);
    inst.state = 'dead';
    inst.gen.instances.delete(inst);
    this.instances.delete(inst);
    const state = inst.fn;
    if (inst.gen.retired && inst.gen.instances.size === 0) {
      state.generations.delete(inst.gen);
      this.sweep(state);
    }
    inst.markExited();
    this.pump(state);
  }

  private stop(inst: Instance): void {
    if (inst.state === 'stopping' || inst.state === 'dead') return;
    inst.state = 'stopping';
    clearTimeout(inst.initTimer);
    killGroup(inst.child);
  }

  /** Kills every child if the twin exits without close() (a crash, process.exit): none outlives it. */
  private hookExit(): void {
    if (this.exitHook) return;
    this.exitHook = () => {
      this.flushLogs();
      for (const inst of this.instances) killGroup(inst.child);
    };
    process.on('exit', this.exitHook);
  }

  private settle(inv: Invocation, err: Error | undefined, value?: unknown): void {
    if (inv.settled) return;
    inv.settled = true;
    clearTimeout(inv.timer);
    if (err) inv.reject(err);
    else inv.resolve(value);
  }

  private noteRss(inst: Instance, rss: unknown): void {
    if (typeof rss === 'number' && Number.isFinite(rss)) inst.peakRssKiB = Math.max(inst.peakRssKiB, rss);
  }

  // ---- logs

  /** END and REPORT, as Lambda writes them. */
  private finishLines(inst: Instance, inv: Invocation, status: string): void {
    this.flush(inst);
    const code = inst.gen.code;
    const duration = Math.max(0, performance.now() - inv.startedAt);
    let init = '';
    if (!inst.initReported && inst.initMs !== undefined) {
      inst.initReported = true;
      init = `\tInit Duration: ${inst.initMs.toFixed(2)} ms`;
    }
    this.write(inst.fn.name, inv.requestId, `${new Date().toISOString()}\tEND RequestId: ${inv.requestId}`, `END RequestId: ${inv.requestId}`);
    const report =
      `REPORT RequestId: ${inv.requestId}\tDuration: ${duration.toFixed(2)} ms\tBilled Duration: ${Math.max(1, Math.ceil(duration))} ms` +
      `\tMemory Size: ${code.memoryMB} MB\tMax Memory Used: ${Math.ceil(inst.peakRssKiB / 1024)} MB${init}${status}`;
    this.write(inst.fn.name, inv.requestId, `${new Date().toISOString()}\t${report}`, report);
    // The invocation's lines (START, its output, END, REPORT) are in the file before its caller hears the result (for
    // the results of one batch, once after the last: see message()).
    if (this.batching === 0) this.flushLogs();
  }

  /** The request id output is filed under: the running invocation's, else the last one's. */
  private logId(inst: Instance): string {
    return inst.invocation?.requestId ?? inst.lastRequestId ?? 'undefined';
  }

  /** A line the runtime writes (START, END, errors): timestamped in the file. */
  private line(inst: Instance, text: string): void {
    this.write(inst.fn.name, this.logId(inst), `${new Date().toISOString()}\t${text}`, text);
  }

  /** Output the child wrote without console (process.stdout.write, native writes, V8's fatal errors). */
  private raw(inst: Instance, source: string, text: string): void {
    let buffer = (inst.partial.get(source) ?? '') + text;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      this.line(inst, cut(buffer.slice(0, nl)));
      buffer = buffer.slice(nl + 1);
    }
    if (buffer.length > MAX_LOG_EVENT) {
      this.line(inst, cut(buffer));
      buffer = '';
    }
    inst.partial.set(source, buffer);
  }

  private flush(inst: Instance): void {
    for (const [source, buffer] of inst.partial) {
      if (buffer.length > 0) this.line(inst, buffer);
      inst.partial.set(source, '');
    }
  }

  private write(fnName: string, requestId: string, fileText: string, display: string): void {
    // One descriptor per function, opened once for appending (not open, write and close for every line). Lines are
    // gathered and written together at the end of the event loop turn, and at the end of each invocation before its
    // caller hears the result (its END and REPORT with what that turn gathered); on exit too. A full disk must not
    // fail invocations.
    try {
      let fd = this.logFiles.get(fnName);
      if (fd === undefined) {
        fd = openSync(join(this.logsDir, `${fnName}.log`), 'a', 0o600);
        this.logFiles.set(fnName, fd);
      }
      this.pendingLogs.set(fd, `${this.pendingLogs.get(fd) ?? ''}${fileText}\n`);
      this.logFlush ??= setImmediate(() => this.flushLogs());
    } catch {
      // dropped, as Lambda drops what CloudWatch Logs cannot take
    }
    if (!this.onLog) return;
    for (const text of display.split('\n')) {
      try {
        this.onLog(`[${fnName} ${requestId}] ${text}`);
      } catch {
        // A throwing listener must not fail invocations.
      }
    }
  }

  /** Writes the gathered log lines of every function. */
  private flushLogs(): void {
    if (this.logFlush) clearImmediate(this.logFlush);
    this.logFlush = undefined;
    for (const [fd, text] of this.pendingLogs) {
      try {
        writeSync(fd, text);
      } catch {
        // dropped, as above
      }
    }
    this.pendingLogs.clear();
  }

  // ---- packages

  /** `<root>/<name>/<sha256 prefix>/`, unzipped once (into a temporary folder, then renamed). */
  private unpack(name: string, sha256: string, zip: Uint8Array): string {
    const parent = join(this.root, name);
    const dir = join(parent, sha256.slice(0, 16));
    if (existsSync(dir)) return dir;
    mkdirSync(parent, { recursive: true, mode: 0o700 });
    const tmp = join(parent, `.tmp-${sha256.slice(0, 16)}-${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      extractPackage(zip, tmp);
      renameSync(tmp, dir);
    } catch (err) {
      rmSync(tmp, { recursive: true, force: true });
      if (existsSync(dir)) return dir;
      if (err instanceof PackageError) throw new LambdaError('InvalidParameterValueException', 'InvalidParameterValueException', `${name}: ${err.message}`);
      throw new LambdaError('ServiceException', 'ServiceException', `${name}: could not unpack the deployment package: ${(err as Error).message}`);
    }
    return dir;
  }

  /** Removes unpacked code no generation uses any more (also what earlier runs left). */
  private sweep(state: FunctionState): void {
    const parent = join(this.root, state.name);
    const used = new Set([...state.generations].map((g) => g.dir));
    let entries: string[];
    try {
      entries = readdirSync(parent);
    } catch {
      return;
    }
    for (const entry of entries) {
      // Only what unpack() makes: `<root>/logs/` is a function's folder too if one is named `logs`.
      if (!/^[0-9a-f]{16}$/.test(entry) && !entry.startsWith('.tmp-')) continue;
      const path = join(parent, entry);
      if (!used.has(path)) rmSync(path, { recursive: true, force: true });
    }
  }
}

/**
 * The heap flags Lambda's Node.js bootstrap (`/var/runtime/bootstrap`) starts `node` with for a memory size, in
 * whole MB as its shell arithmetic computes them: a tenth of the memory is the young generation (half of it per
 * semi-space), the rest the old generation. 256 MB gives `--max-semi-space-size=12 --max-old-space-size=231`.
 */
export function memoryFlags(memoryMB: number): [string, string] {
  const newSpace = Math.floor(memoryMB / 10);
  return [`--max-semi-space-size=${Math.floor(newSpace / 2)}`, `--max-old-space-size=${memoryMB - newSpace}`];
}

function validate(fn: FunctionConfig): Code {
  const bad = (message: string) => new LambdaError('InvalidParameterValueException', 'InvalidParameterValueException', message);
  if (typeof fn.name !== 'string' || !NAME.test(fn.name)) throw bad(`function name ${JSON.stringify(fn.name)} must be 1 to 64 letters, digits, hyphens or underscores`);
  if (typeof fn.arn !== 'string' || !/^arn:[^:\s]+:lambda:[^:\s]*:[^:\s]*:function:[^\s]+$/.test(fn.arn)) throw bad(`${fn.name}: ${JSON.stringify(fn.arn)} is not a function ARN`);
  if (!(fn.zip instanceof Uint8Array)) throw bad(`${fn.name}: the deployment package must be the zip's bytes`);
  if (typeof fn.handler !== 'string' || !/^[^\s]{1,128}$/.test(fn.handler)) throw bad(`${fn.name}: handler ${JSON.stringify(fn.handler)} must be 1 to 128 characters without spaces`);
  if (fn.runtime !== 'nodejs20.x' && fn.runtime !== 'nodejs22.x') throw bad(`${fn.name}: runtime ${JSON.stringify(fn.runtime)} is not emulated (nodejs20.x, nodejs22.x)`);
  if (!Number.isInteger(fn.memoryMB) || fn.memoryMB < 128 || fn.memoryMB > 10240) throw bad(`${fn.name}: memory size ${fn.memoryMB} must be an integer from 128 to 10240 MB`);
  if (!Number.isInteger(fn.timeoutSeconds) || fn.timeoutSeconds < 1 || fn.timeoutSeconds > 900) throw bad(`${fn.name}: timeout ${fn.timeoutSeconds} must be an integer from 1 to 900 seconds`);
  const environment: Record<string, string> = {};
  const reserved: string[] = [];
  for (const [key, value] of Object.entries(fn.environment ?? {})) {
    if (!ENV_KEY.test(key)) throw bad(`${fn.name}: environment variable name ${JSON.stringify(key)} is invalid`);
    if (typeof value !== 'string' || value.includes('\0')) throw bad(`${fn.name}: environment variable ${key} must be a string without NUL characters`);
    if (RESERVED.has(key)) reserved.push(key);
    environment[key] = value;
  }
  if (reserved.length > 0) {
    throw bad(
      `${fn.name}: Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`,
    );
  }
  return {
    name: fn.name,
    arn: fn.arn,
    region: fn.arn.split(':')[3] || 'us-east-1',
    handler: fn.handler,
    runtime: fn.runtime,
    memoryMB: fn.memoryMB,
    timeoutSeconds: fn.timeoutSeconds,
    environment,
    sha256: createHash('sha256').update(fn.zip).digest('hex'),
  };
}

function sameCode(a: Code, b: Code): boolean {
  const envKey = (c: Code) => JSON.stringify(Object.entries(c.environment).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
  return (
    a.sha256 === b.sha256 && a.arn === b.arn && a.handler === b.handler && a.runtime === b.runtime && a.memoryMB === b.memoryMB && a.timeoutSeconds === b.timeoutSeconds && envKey(a) === envKey(b)
  );
}

function errorPayload(raw: unknown): { errorType: string; errorMessage: string; trace: string[] } {
  const e = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  return {
    errorType: cut(String(e['errorType'] ?? 'Error')),
    errorMessage: cut(String(e['errorMessage'] ?? '')),
    trace: Array.isArray(e['trace']) ? e['trace'].slice(0, 200).map((l) => cut(String(l))) : [],
  };
}

function notFound(name: string): LambdaError {
  return new LambdaError('ResourceNotFoundException', 'ResourceNotFoundException', `Function not found: ${name}`);
}

function cut(text: string): string {
  return text.length > MAX_LOG_EVENT ? `${text.slice(0, MAX_LOG_EVENT)}... [truncated]` : text;
}

/** SIGKILL to the instance's process group (the child and what it started), else to the child alone. */
function killGroup(child: ChildProcess): void {
  if (child.pid !== undefined && process.platform !== 'win32') {
    try {
      process.kill(-child.pid, 'SIGKILL');
      return;
    } catch {
      // Not a group leader (yet), or gone.
    }
  }
  try {
    child.kill('SIGKILL');
  } catch {
    // Gone: its exit event follows.
  }
}

function noop(): void {
  // Nothing to do.
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function writeIfChanged(file: string, content: string): void {
  try {
    if (readFileSync(file, 'utf8') === content) return;
  } catch {
    // Absent.
  }
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  renameSync(tmp, file);
}

/** An object event whose body (if any) is a string within {@link PLAIN_BODY_LIMIT}: sent without measuring. */
function isPlainEvent(event: unknown): event is Readonly<Record<string, unknown>> {
  if (!isRecord(event)) return false;
  const body = event['body'];
  return body === undefined || body === null || (typeof body === 'string' && body.length <= PLAIN_BODY_LIMIT);
}

/** Each multi-value map of a proxy event beside the single-value map it repeats when every name appears once. */
const MULTI_VALUE_PAIRS = [
  ['multiValueHeaders', 'headers'],
  ['multiValueQueryStringParameters', 'queryStringParameters'],
] as const;

/**
 * The event as the invoke message carries it. A multi-value map that holds exactly its single-value map (the same
 * names in the same order, each with one value, that value) crosses as null, named in `mv` as [multi, single], and
 * the instance rebuilds it, in place and in order, before the handler sees the event: on a route behind the
 * authorizer the caller's token is most of the event, and would otherwise cross twice.
 */
function wireEvent(event: Invocation['event']): { event: Invocation['event']; mv?: [string, string][] } {
  if (typeof event === 'string') return { event };
  let mv: [string, string][] | undefined;
  for (const [multi, single] of MULTI_VALUE_PAIRS) {
    if (repeats(event[multi], event[single])) (mv ??= []).push([multi, single]);
  }
  if (!mv) return { event };
  const copy: Record<string, unknown> = { ...event };
  for (const [multi] of mv) copy[multi] = null;
  return { event: copy, mv };
}

function repeats(multi: unknown, single: unknown): boolean {
  if (!isRecord(multi) || !isRecord(single)) return false;
  const names = Object.keys(multi);
  const singles = Object.keys(single);
  if (names.length === 0 || names.length !== singles.length) return false;
  for (const [i, name] of names.entries()) {
    const values = multi[name];
    const value = single[name];
    if (name !== singles[i] || typeof value !== 'string' || !Array.isArray(values) || values.length !== 1 || values[0] !== value) return false;
  }
  return true;
}
