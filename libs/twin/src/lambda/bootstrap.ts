// The program each function instance runs: the twin's stand-in for Lambda's Node.js runtime interface client.
//
// It is plain JavaScript kept as a string and written to the data directory at start (runtime.ts), so that it runs
// the same whether the twin itself runs from TypeScript sources under jest or from an esbuild bundle: no path of
// this file is ever needed at run time. It follows the runtime interface client of the nodejs20.x/22.x runtimes
// (aws-lambda-nodejs-runtime-interface-client: UserFunction.js, Runtime.js, CallbackContext.js, LogPatch.js):
//
// - the handler is resolved as Lambda resolves `_HANDLER` (`dir/module.export.path`: extensionless, `.js` by
//   require unless the nearest package.json says `"type": "module"`, then `.js`/`.mjs` by import, then `.cjs`);
//   load failures are `Runtime.ImportModuleError`, `Runtime.HandlerNotFound`, `Runtime.UserCodeSyntaxError`,
//   `Runtime.MalformedHandlerName`, reported for the first invocation before the instance exits (status 129);
// - the handler is called with (event, context, callback); a promise result settles the invocation as soon as it
//   settles; a callback result waits for the event loop to empty unless `context.callbackWaitsForEmptyEventLoop`
//   is false; a handler that neither settles nor calls back ends with the event loop (null, or
//   `Runtime.NodeJsExit` for an async handler);
// - errors are reported as `{ errorType, errorMessage, trace }` (Errors.toRapidResponse) and logged as
//   `Invoke Error`; an uncaught exception or unhandled rejection fails the running invocation and ends the instance
//   (exit status 129/128), as on Lambda;
// - console.* writes Lambda's text format (`<time>\t<requestId>\t<LEVEL>\t<message>`), process.stdout/stderr
//   writes pass as they are; both travel over the IPC channel, in order with the result, so that every line lands
//   under the invocation that wrote it.
//
// Wire protocol (JSON over the IPC channel; either side may send an array of messages, handled in order: what one
// side writes in one event-loop turn crosses as one message, so that a busy instance is woken once for many calls):
//   parent -> child  { t: 'invoke', id, event: <JSON text, or the event itself>, mv?, deadline?: <epoch ms>, timeoutMs, arn }
//                    (mv: [[multi, single], ...], each multi-value map of the event sent as null because it held
//                    exactly its single-value map, each name once; the child makes it again before the handler runs)
//                    (without a deadline, the invocation was sent ahead: it waits behind those sent before it, in
//                    order, and starts, with its deadline timeoutMs from then, the moment the one before it is
//                    reported, and that result says so with started: <its id>; one that finds the instance idle
//                    starts at once and says so with { t: 'started', id }. Unless the one before ended too close to
//                    its own deadline, see aheadGraceMs: then each waiting one is given back with 'cancelled'. Every
//                    invocation sent ahead is answered by exactly one of started or cancelled, or by the exit.)
//                    { t: 'cancel', id } (gives back an invocation sent ahead, unless it has started)
//   child -> parent  { t: 'ready', rss } | { t: 'initError', e } | { t: 'cancelled', id } | { t: 'started', id }
//                    { t: 'result', id, ok, body | e, rss, ms, fatal?, started? }
//                    { t: 'console', ts, rid, level, msg } | { t: 'out', s: 'out' | 'err', x }
// `ms` is how long the handler ran (the twin learns from it which functions are quick).
// `rss` is the peak resident set size in KiB (Lambda's "Max Memory Used").
//
// The source below must contain no backtick and no dollar-brace: it sits in a template literal.

/** File name of the bootstrap in `<dataDir>/lambda/.runtime/` (versioned by content in runtime.ts). */
export const BOOTSTRAP_NAME = 'bootstrap';

export const BOOTSTRAP_SOURCE = String.raw`// Written by the twin's Lambda runtime (libs/twin/src/lambda/bootstrap.ts). Regenerated at every start.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { format, types } from 'node:util';
import { Worker } from 'node:worker_threads';

// What user code could replace, kept before it runs.
const send = process.send.bind(process);
const channel = process.channel;
const stringify = JSON.stringify;
const parse = JSON.parse;
const now = Date.now;
const clock = performance.now.bind(performance);
const later = setImmediate;
const exit = process.exit.bind(process);
const requireHere = createRequire(import.meta.url);
const env = process.env;
const TASK_ROOT = env.LAMBDA_TASK_ROOT;
const HANDLER = env._HANDLER;
const CONTEXT_DATA = {
  functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
  functionName: env.AWS_LAMBDA_FUNCTION_NAME,
  memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
  logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
  logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
};
const MAX_RESPONSE_BYTES = 6291556;
const NODEJS_EXIT_MESSAGE = 'The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a Promise that was never settled. For more information, see https://nodejs.org/docs/latest/api/process.html#exit-codes';

// The instance (and its process group) dies with the twin: a handler stuck in a loop never sees the channel close,
// so a thread watches for the parent to go away.
try {
  const watchdog = new Worker(
    "const { workerData } = require('node:worker_threads'); setInterval(() => { if (process.ppid !== workerData.ppid) { try { process.kill(-workerData.pid, 'SIGKILL'); } catch {} try { process.kill(workerData.pid, 'SIGKILL'); } catch {} } }, 500);",
    { eval: true, workerData: { ppid: process.ppid, pid: process.pid }, stdout: true, stderr: true },
  );
  watchdog.on('error', () => {});
  watchdog.unref();
} catch {}
process.on('disconnect', () => exit(0));

// What this turn sends, sent as one message at its end (or at exit: process.exit in a handler must not lose the lines
// it logged first).
let outbox = [];
let afters = [];
let flushing = false;
function flush() {
  flushing = false;
  if (outbox.length === 0) return;
  const batch = outbox.length === 1 ? outbox[0] : outbox;
  const callbacks = afters;
  outbox = [];
  afters = [];
  const after = (err) => {
    for (const f of callbacks) f(err);
  };
  try {
    send(batch, after);
  } catch (err) {
    after(err);
  }
}
process.on('exit', flush);
function post(message, after) {
  outbox.push(message);
  if (after) afters.push(after);
  if (!flushing) {
    flushing = true;
    later(flush);
  }
}

function peakRss() {
  try {
    return process.resourceUsage().maxRSS;
  } catch {
    return 0;
  }
}

// Logging, as LogPatch.js (text format).
let requestId;
function log(level, args) {
  let msg;
  try {
    msg = format(...args);
  } catch (err) {
    msg = '[unformattable log message: ' + String(err) + ']';
  }
  post({ t: 'console', ts: new Date().toISOString(), rid: String(requestId), level, msg });
}
const levels = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', log: 'INFO', warn: 'WARN', error: 'ERROR', fatal: 'FATAL' };
for (const method of Object.keys(levels)) {
  const level = levels[method];
  console[method] = (msg, ...params) => log(level, [msg, ...params]);
}
for (const [name, stream] of [['stdout', 'out'], ['stderr', 'err']]) {
  process[name].write = function (chunk, encoding, cb) {
    if (typeof encoding === 'function') {
      cb = encoding;
      encoding = undefined;
    }
    let text;
    try {
      if (typeof chunk === 'string') text = encoding && !/^utf-?8$/i.test(encoding) ? Buffer.from(chunk, encoding).toString('utf8') : chunk;
      else if (chunk instanceof Uint8Array) text = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8');
      else text = String(chunk);
    } catch {
      text = String(chunk);
    }
    post({ t: 'out', s: stream, x: text });
    if (typeof cb === 'function') process.nextTick(cb);
    return true;
  };
}

// Errors, as Errors.js.
class RuntimeError extends Error {
  constructor(type, message, stack) {
    super(message);
    this.name = type;
    if (stack !== undefined) this.stack = stack;
  }
}
function isErrorLike(e) {
  return Boolean(e && e.name && e.message && e.stack && typeof e.name === 'string' && typeof e.message === 'string' && typeof e.stack === 'string');
}
function toResponse(error) {
  try {
    if (types.isNativeError(error) || isErrorLike(error)) {
      return { errorType: String(error.name), errorMessage: String(error.message), trace: error.stack.split('\n') };
    }
    return { errorType: typeof error, errorMessage: error.toString(), trace: [] };
  } catch {
    return { errorType: 'handled', errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack', trace: [] };
  }
}
function withEnumerableProperties(value) {
  if (value instanceof Error) {
    const out = Object.assign({ errorType: value.name, errorMessage: value.message, code: value.code }, value);
    if (typeof value.stack === 'string') out.stack = value.stack.split('\n');
    return out;
  }
  return value;
}
function formatted(error) {
  try {
    return '\t' + stringify(error, (_k, v) => withEnumerableProperties(v));
  } catch {
    return '\t' + stringify(toResponse(error));
  }
}
function logError(label, err) {
  log('ERROR', [label, formatted(err instanceof Error ? err : new Error(err))]);
}

// The handler, as UserFunction.js.
function hasTypeModule(folder) {
  for (;;) {
    if (folder.endsWith('/node_modules')) return false;
    const pj = join(folder, 'package.json');
    if (existsSync(pj)) {
      try {
        const pkg = parse(readFileSync(pj, 'utf8'));
        if (pkg) return pkg.type === 'module';
      } catch (e) {
        console.warn(pj + ' cannot be read, it will be ignored for ES module detection purposes.', e);
        return false;
      }
    }
    const up = dirname(folder);
    if (up === folder) return false;
    folder = up;
  }
}
function tryRequire(file) {
  return existsSync(file) ? requireHere(file) : undefined;
}
async function tryImport(file) {
  return existsSync(file) ? await import(pathToFileURL(file).href) : undefined;
}
async function loadModule(moduleRoot, module) {
  const base = resolve(TASK_ROOT, moduleRoot, module);
  const extensionless = tryRequire(base);
  if (extensionless) return extensionless;
  const typeModule = hasTypeModule(dirname(base));
  if (!typeModule) {
    const loaded = tryRequire(base + '.js');
    if (loaded) return loaded;
  }
  const loaded = (typeModule && (await tryImport(base + '.js'))) || (await tryImport(base + '.mjs')) || tryRequire(base + '.cjs');
  if (loaded) return loaded;
  return requireHere(requireHere.resolve(module, { paths: [TASK_ROOT, moduleRoot] }));
}
async function loadHandler(full) {
  if (typeof full !== 'string' || full.includes('..')) {
    throw new RuntimeError('Runtime.MalformedHandlerName', "'" + full + "' is not a valid handler name. Use absolute paths when specifying root directories in handler names.");
  }
  const handlerString = basename(full);
  const moduleRoot = full.substring(0, full.indexOf(handlerString));
  const match = /^([^.]*)\.(.*)$/.exec(handlerString);
  if (!match) throw new RuntimeError('Runtime.MalformedHandlerName', 'Bad handler');
  let app;
  try {
    app = await loadModule(moduleRoot, match[1]);
  } catch (e) {
    if (e instanceof SyntaxError) throw new RuntimeError('Runtime.UserCodeSyntaxError', String(e), e.stack);
    if (e && (e.code === 'MODULE_NOT_FOUND' || e.code === 'ERR_MODULE_NOT_FOUND')) throw new RuntimeError('Runtime.ImportModuleError', String(e));
    throw e;
  }
  const fn = match[2].split('.').reduce((nested, key) => nested && nested[key], app);
  if (!fn) throw new RuntimeError('Runtime.HandlerNotFound', full + ' is undefined or not exported');
  if (typeof fn !== 'function') throw new RuntimeError('Runtime.HandlerNotFound', full + ' is not a function');
  return fn;
}

// Invocations, as Runtime.js and CallbackContext.js.
let handler;
let isAsync = false;
let initializing = true;
let current;
let exitListener;
process.on('beforeExit', () => {
  const listener = exitListener;
  exitListener = undefined;
  if (listener) listener();
});

function fatal(label, err, code) {
  logError(label, err);
  const done = () => exit(code);
  setTimeout(done, 1000);
  if (current) current.fail(err, done);
  else if (initializing) post({ t: 'initError', e: toResponse(err) }, done);
  else done();
}
process.on('uncaughtException', (err) => fatal('Uncaught Exception', err, 129));
process.on('unhandledRejection', (reason) => {
  let message;
  try {
    message = reason === undefined ? '' : String(reason);
  } catch {
    message = 'unhandled rejection';
  }
  fatal('Unhandled Promise Rejection', new RuntimeError('Runtime.UnhandledPromiseRejection', message), 128);
});

// context.callbackWaitsForEmptyEventLoop: an own, enumerable accessor as the runtime client defines it, whose getter
// and setter are the same two functions for every invocation and keep the value on the context itself (hidden). An
// accessor pair of fresh closures gave each context a hidden class of its own, held in old space: every invocation's
// event then survived young-generation collections until a full one (scavenges of 4 to 7 ms, a full collection every
// third of a second under load).
const WAITS = Symbol('callbackWaitsForEmptyEventLoop');
function getWaits() {
  return this[WAITS];
}
function setWaits(value) {
  this[WAITS] = value;
}
function withWaitsAccessor() {
  const context = {};
  Object.defineProperty(context, 'callbackWaitsForEmptyEventLoop', { get: getWaits, set: setWaits, enumerable: true, configurable: true });
  Object.defineProperty(context, WAITS, { value: true, writable: true });
  return context;
}

// The invocations sent ahead, in the order they came.
const waiting = [];
// The deadline and timeout of the invocation last reported.
let lastDeadline;
let lastTimeoutMs = 0;
// An invocation sent ahead starts only if the one before ended at least this long before its deadline: the twin's
// timer for that one runs out at the deadline, and must never kill an instance that has begun the next (which would
// then run twice). A twin slower than this to read a result is the one case left; it gives the invocation back.
function aheadGraceMs(timeoutMs) {
  return Math.min(1000, timeoutMs / 4);
}
function mayStartNext() {
  return lastDeadline === undefined || lastDeadline - now() > aheadGraceMs(lastTimeoutMs);
}
function invoke(m) {
  const id = String(m.id);
  const deadline = m.deadline === undefined || m.deadline === null ? now() + Number(m.timeoutMs) : Number(m.deadline);
  requestId = id;
  const began = clock();
  let posted = false;
  let completeInvoked = false;
  let finished = false;

  const postResult = (message, after) => {
    if (posted) return;
    posted = true;
    exitListener = undefined;
    current = undefined;
    try {
      if (channel) channel.ref();
    } catch {}
    message.rss = peakRss();
    message.ms = clock() - began;
    lastDeadline = deadline;
    lastTimeoutMs = Number(m.timeoutMs);
    // An instance about to exit starts nothing: the twin gives the waiting ones to another when it has exited.
    let next;
    if (!message.fatal && waiting.length > 0) {
      if (mayStartNext()) {
        next = waiting.shift();
        message.started = next.id;
      }
    }
    post(message, after);
    if (!message.fatal && next === undefined) for (const given of waiting.splice(0)) post({ t: 'cancelled', id: given.id });
    // At once, in the same turn: no leftover of the one before can fail it before it has started.
    if (next !== undefined) invoke(next);
  };
  const postError = (err, logged, after, fatalExit) => {
    if (logged !== false) logError('Invoke Error', err);
    postResult({ t: 'result', id, ok: false, e: toResponse(err), fatal: fatalExit === true }, after);
  };
  const complete = (result) => {
    if (completeInvoked) {
      log('ERROR', ['Invocation has already been reported as done. Cannot call complete more than once per invocation.']);
      return;
    }
    completeInvoked = true;
    let body;
    try {
      body = stringify(result === undefined ? null : result);
    } catch {
      postError(new RuntimeError('Runtime.JSONStringifyError', 'Unable to stringify response body'));
      return;
    }
    if (body === undefined) body = 'null';
    if (Buffer.byteLength(body, 'utf8') > MAX_RESPONSE_BYTES) {
      postError(new RuntimeError('Function.ResponseSizeTooLarge', 'Response payload size exceeded maximum allowed payload size (' + MAX_RESPONSE_BYTES + ' bytes).'), false);
      return;
    }
    postResult({ t: 'result', id, ok: true, body });
  };
  const callbackRaw = (err, result) => {
    exitListener = undefined;
    if (err !== undefined && err !== null) postError(err);
    else if (!context[WAITS]) complete(result);
    else exitListener = () => setImmediate(() => complete(result));
  };
  const doneRaw = (err, result) => {
    exitListener = undefined;
    if (err !== undefined && err !== null) postError(err);
    else complete(result);
  };
  const once = (f) =>
    function (...args) {
      if (!finished) {
        f(...args);
        finished = true;
      }
    };
  const callback = once(callbackRaw);
  const done = once(doneRaw);
  const succeed = once((result) => doneRaw(null, result));
  const fail = once((err) => (err === undefined || err === null ? doneRaw('handled') : doneRaw(err, null)));
  const context = Object.assign(
    withWaitsAccessor(),
    {
      succeed,
      fail,
      done,
    },
    CONTEXT_DATA,
    {
      clientContext: undefined,
      identity: undefined,
      invokedFunctionArn: m.arn,
      awsRequestId: id,
      getRemainingTimeInMillis() {
        return deadline - now();
      },
    },
  );

  current = { fail: (err, after) => postError(err, false, after, true) };
  // Without a callback or a settled promise, the invocation ends with the event loop (the channel must not hold it).
  exitListener = () => {
    completeInvoked = true;
    if (isAsync) postError(new RuntimeError('Runtime.NodeJsExit', NODEJS_EXIT_MESSAGE));
    else postResult({ t: 'result', id, ok: true, body: 'null' });
  };
  try {
    if (channel) channel.unref();
  } catch {}
  try {
    const result = handler(typeof m.event === 'string' ? parse(m.event) : rebuild(m.event, m.mv), context, callback);
    if (result && result.then && typeof result.then === 'function') result.then(succeed, fail).catch(fail);
  } catch (err) {
    callback(err);
  }
}

// A multi-value map sent as null because it held exactly its single-value map (runtime.ts, wireEvent), made again in
// place: the same names in the same order, each with its one value.
function rebuild(event, mv) {
  if (!Array.isArray(mv)) return event;
  for (const [multi, single] of mv) {
    const values = event[single];
    event[multi] = Object.fromEntries(Object.keys(values).map((name) => [name, [values[name]]]));
  }
  return event;
}

function receive(m) {
  if (!m || typeof m !== 'object') return;
  if (m.t === 'cancel') {
    const at = waiting.findIndex((w) => w.id === m.id);
    if (at >= 0) {
      waiting.splice(at, 1);
      post({ t: 'cancelled', id: m.id });
    }
    return;
  }
  if (m.t !== 'invoke' || initializing) return;
  if (m.deadline !== undefined && m.deadline !== null) {
    if (current === undefined) invoke(m);
    return;
  }
  // Sent ahead: it waits for those before it; one that finds this instance idle starts now, as the result before it
  // would have started it.
  if (current !== undefined) {
    waiting.push(m);
  } else if (mayStartNext()) {
    post({ t: 'started', id: m.id });
    invoke(m);
  } else {
    post({ t: 'cancelled', id: m.id });
  }
}
process.on('message', (m) => {
  if (!Array.isArray(m)) return receive(m);
  for (const one of m) receive(one);
});

try {
  handler = await loadHandler(HANDLER);
  try {
    isAsync = Boolean(handler.constructor && handler.constructor.name === 'AsyncFunction');
  } catch {}
  initializing = false;
  post({ t: 'ready', rss: peakRss() });
} catch (err) {
  fatal('Uncaught Exception', err, 129);
}
`;
