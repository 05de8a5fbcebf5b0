// A web ACL evaluated in front of a REST API stage, as AWS WAF inspects the requests of a protected resource.
//
// What is enforced (and where it is documented):
// - Rules in priority order, lowest first; the first terminating action (Block, Allow) ends the evaluation, a Count
//   action counts and goes on; no rule terminating means the default action
//   (https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-processing-order.html).
// - Rate-based statements aggregated by IP (the socket's address, what WAF calls the origin), FORWARDED_IP (the first
//   address of the configured header) or CONSTANT: requests per key are counted over the evaluation window (default
//   300 s), and the rule matches every request of a key whose count is over the limit, until the count falls back to
//   the limit or below (https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based-high-level-settings.html).
//   Every request that reaches the rule is counted, blocked ones too: a client that keeps sending stays blocked.
//   Counts are kept per protected stage ("AWS WAF doesn't aggregate across the resources" a web ACL protects).
//   The twin counts in 1/30ths of the window (10 s slices of 300 s), so a request leaves the count between 29/30 of
//   the window and the whole window after it was made; WAF itself says its counts are estimates refreshed every few
//   seconds.
// - Size constraints on the body (its first `DefaultSizeInspectionLimit` bytes, 16 KB for API Gateway unless the web
//   ACL's AssociationConfig raises it; a larger body is "oversize" and handled as OversizeHandling says), the URI
//   path, the query string, the method or one header (https://docs.aws.amazon.com/waf/latest/developerguide/web-request-body-inspection.html).
// What is not (the stage's warnings say so once): managed rule groups and rule group references (never match), the
// other statement types (never match), scope-down statements (a rate-based rule counts every request), custom keys,
// CAPTCHA and Challenge actions (counted only), custom responses (a block answers the gateway's WAF_FILTERED response).
import type { IncomingHttpHeaders } from 'node:http';
import type { WebAclDoc } from './model';

type Json = Record<string, unknown>;

/** What WAF inspects of a request. */
export interface InspectedRequest {
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly sourceIp: string;
  /** The path as sent, with the stage (`/dev/items`). */
  readonly path: string;
  readonly rawQuery: string;
}

/** The verdict for one request. */
export interface WafVerdict {
  readonly action: 'ALLOW' | 'BLOCK';
  /** The rule that terminated the evaluation, or `Default_Action`. */
  readonly rule: string;
}

type Matcher = (req: InspectedRequest, now: number) => boolean;

interface CompiledRule {
  readonly name: string;
  readonly action: 'block' | 'allow' | 'count';
  readonly match: Matcher;
}

/** Slices per evaluation window. */
const SLICES = 30;
/** API Gateway's default body inspection limit (AssociationConfig.RequestBody.API_GATEWAY.DefaultSizeInspectionLimit). */
const DEFAULT_BODY_LIMIT = 16 * 1024;
const BODY_LIMITS: Readonly<Record<string, number>> = { KB_16: 16 * 1024, KB_32: 32 * 1024, KB_48: 48 * 1024, KB_64: 64 * 1024 };

/** One key's requests over the window, in SLICES slices: O(1) per request, amortized. */
interface KeyWindow {
  readonly slices: Uint32Array;
  /** The index (time / slice length) of the newest slice. */
  newest: number;
  total: number;
}

/**
 * The counts of one rate-based rule, per key. Kept across rebuilds of the gateway's model (the twin rebuilds it when
 * any resource changes), so that an update of the web ACL does not forget who is over the limit.
 */
export class RateCounter {
  private readonly keys = new Map<string, KeyWindow>();
  private readonly sliceMs: number;
  private sweepAt = 4096;

  constructor(readonly windowSec: number) {
    this.sliceMs = (windowSec * 1000) / SLICES;
  }

  /** Counts a request of `key` at `now`; answers the key's count over the window, this request included. */
  hit(key: string, now: number): number {
    const index = Math.floor(now / this.sliceMs);
    let w = this.keys.get(key);
    if (!w) {
      if (this.keys.size >= this.sweepAt) this.sweep(index);
      w = { slices: new Uint32Array(SLICES), newest: index, total: 0 };
      this.keys.set(key, w);
    }
    advance(w, index);
    w.slices[index % SLICES]++;
    w.total++;
    return w.total;
  }

  /** The keys counted now (tests, diagnostics). */
  get size(): number {
    return this.keys.size;
  }

  /** Drops the keys with nothing left in the window; the next sweep waits until the map has doubled. */
  private sweep(index: number): void {
    for (const [key, w] of this.keys) {
      advance(w, index);
      if (w.total === 0) this.keys.delete(key);
    }
    this.sweepAt = Math.max(4096, this.keys.size * 2);
  }
}

function advance(w: KeyWindow, index: number): void {
  if (index <= w.newest) return;
  const steps = Math.min(index - w.newest, SLICES);
  for (let k = 1; k <= steps; k++) {
    const slot = (w.newest + k) % SLICES;
    w.total -= w.slices[slot];
    w.slices[slot] = 0;
  }
  w.newest = index;
}

/** Where the gateway keeps the rate counters of every web ACL, across model rebuilds. */
export class RateCounters {
  private readonly counters = new Map<string, RateCounter>();
  private live = new Set<string>();

  /** The counter of one rule on one protected resource (a new one when the window or the key type changed). */
  counter(aclArn: string, resource: string, rule: string, windowSec: number, key: string): RateCounter {
    const id = `${aclArn}\n${resource}\n${rule}\n${windowSec}\n${key}`;
    this.live.add(id);
    let c = this.counters.get(id);
    if (!c) {
      c = new RateCounter(windowSec);
      this.counters.set(id, c);
    }
    return c;
  }

  /** Starts a rebuild: counters not asked for again before `endBuild` are dropped. */
  beginBuild(): void {
    this.live = new Set();
  }

  endBuild(): void {
    for (const id of [...this.counters.keys()]) if (!this.live.has(id)) this.counters.delete(id);
  }
}

/** A web ACL compiled for the data plane: its rules in priority order, each a matcher and an action. */
export class WebAclEnforcer {
  readonly arn: string;
  private readonly rules: readonly CompiledRule[];
  private readonly defaultBlock: boolean;

  private constructor(acl: WebAclDoc, rules: CompiledRule[]) {
    this.arn = acl.ARN;
    this.rules = rules;
    this.defaultBlock = (acl.DefaultAction as Json)['Block'] !== undefined;
  }

  /**
   * Compiles a web ACL; what the twin does not evaluate is reported through `notEmulated` (one phrase each) and
   * `managedGroups` (the names of the managed rule groups).
   */
  static compile(acl: WebAclDoc, resource: string, counters: RateCounters, notEmulated: (what: string) => void, managedGroups: (name: string) => void): WebAclEnforcer {
    const bodyLimit = BODY_LIMITS[String(((((acl.AssociationConfig as Json | undefined)?.['RequestBody'] as Json | undefined)?.['API_GATEWAY'] as Json | undefined)?.['DefaultSizeInspectionLimit']))] ?? DEFAULT_BODY_LIMIT;
    const sorted = [...acl.Rules].sort((a, b) => Number(a['Priority']) - Number(b['Priority']));
    const rules: CompiledRule[] = [];
    for (const rule of sorted) {
      const name = String(rule['Name']);
      const statement = rule['Statement'] as Json;
      const managed = statement['ManagedRuleGroupStatement'] as Json | undefined;
      if (managed) {
        managedGroups(String(managed['Name']));
        continue;
      }
      if (statement['RuleGroupReferenceStatement'] !== undefined) {
        notEmulated(`rule ${name}: rule groups`);
        continue;
      }
      const action = ruleAction(rule, name, notEmulated);
      const match = compileStatement(statement, { acl: acl.ARN, resource, rule: name, counters, bodyLimit, notEmulated: (what) => notEmulated(`rule ${name}: ${what}`) });
      if (match) rules.push({ name, action, match });
    }
    return new WebAclEnforcer(acl, rules);
  }

  /** Evaluates the rules for one request; O(1) per rule. */
  inspect(req: InspectedRequest, now: number): WafVerdict {
    for (const rule of this.rules) {
      if (!rule.match(req, now) || rule.action === 'count') continue;
      return { action: rule.action === 'block' ? 'BLOCK' : 'ALLOW', rule: rule.name };
    }
    return { action: this.defaultBlock ? 'BLOCK' : 'ALLOW', rule: 'Default_Action' };
  }
}

function ruleAction(rule: Json, name: string, notEmulated: (what: string) => void): CompiledRule['action'] {
  const action = (rule['Action'] ?? {}) as Json;
  if (action['Block'] !== undefined) {
    if ((action['Block'] as Json)['CustomResponse'] !== undefined) notEmulated(`rule ${name}: custom responses (a block answers 403 Forbidden)`);
    return 'block';
  }
  if (action['Allow'] !== undefined) return 'allow';
  if (action['Captcha'] !== undefined || action['Challenge'] !== undefined) notEmulated(`rule ${name}: CAPTCHA and Challenge actions (the rule only counts)`);
  return 'count';
}

interface CompileContext {
  readonly acl: string;
  readonly resource: string;
  readonly rule: string;
  readonly counters: RateCounters;
  readonly bodyLimit: number;
  readonly notEmulated: (what: string) => void;
}

function compileStatement(statement: Json, ctx: CompileContext): Matcher | undefined {
  const rate = statement['RateBasedStatement'] as Json | undefined;
  if (rate) return rateMatcher(rate, ctx);
  const size = statement['SizeConstraintStatement'] as Json | undefined;
  if (size) return sizeMatcher(size, ctx);
  const kind = Object.keys(statement)[0] ?? 'an empty statement';
  ctx.notEmulated(`${kind.replace(/Statement$/, '')} statements (never match)`);
  return undefined;
}

function rateMatcher(rate: Json, ctx: CompileContext): Matcher | undefined {
  const limit = Number(rate['Limit']);
  const windowSec = Number(rate['EvaluationWindowSec'] ?? 300);
  const keyType = String(rate['AggregateKeyType']);
  if (rate['ScopeDownStatement'] !== undefined) ctx.notEmulated('scope-down statements (the rule counts every request)');
  const counter = ctx.counters.counter(ctx.acl, ctx.resource, ctx.rule, windowSec, keyType);
  switch (keyType) {
    case 'IP':
      return (req, now) => counter.hit(originIp(req.sourceIp), now) > limit;
    case 'CONSTANT':
      return (_req, now) => counter.hit('', now) > limit;
    case 'FORWARDED_IP': {
      const config = (rate['ForwardedIPConfig'] ?? {}) as Json;
      const header = String(config['HeaderName']).toLowerCase();
      const fallback = config['FallbackBehavior'] === 'MATCH';
      return (req, now) => {
        const ip = forwardedIp(req.headers[header]);
        return ip === undefined ? fallback : counter.hit(ip, now) > limit;
      };
    }
    default:
      ctx.notEmulated('rate-based rules on custom keys (never match)');
      return undefined;
  }
}

/** `::ffff:127.0.0.1` is the IPv4 client 127.0.0.1. */
function originIp(ip: string): string {
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

const IPV4 = /^(\d{1,3}\.){3}\d{1,3}$/;
const IPV6 = /^[0-9a-f:]+$/i;

/** The first address of a forwarded-IP header (`X-Forwarded-For: client, proxy1`), if it is an address. */
function forwardedIp(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return undefined;
  const first = text.split(',')[0].trim();
  return IPV4.test(first) || (first.includes(':') && IPV6.test(first)) ? first : undefined;
}

const COMPARE: Readonly<Record<string, (a: number, b: number) => boolean>> = {
  EQ: (a, b) => a === b, NE: (a, b) => a !== b, LE: (a, b) => a <= b, LT: (a, b) => a < b, GE: (a, b) => a >= b, GT: (a, b) => a > b,
};

/** Transformations that leave a value's length as it is (the size constraint compares lengths). */
const LENGTH_PRESERVING = ['NONE', 'LOWERCASE'];

function sizeMatcher(size: Json, ctx: CompileContext): Matcher | undefined {
  const compare = COMPARE[String(size['ComparisonOperator'])];
  const limit = Number(size['Size']);
  const transforms = ((size['TextTransformations'] as Json[] | undefined) ?? []).map((t) => String(t['Type']));
  if (transforms.some((t) => !LENGTH_PRESERVING.includes(t))) ctx.notEmulated(`text transformations ${transforms.filter((t) => !LENGTH_PRESERVING.includes(t)).join(', ')} (sizes are of the raw value)`);
  const field = (size['FieldToMatch'] ?? {}) as Json;
  const [kind, spec] = Object.entries(field)[0] ?? [];
  switch (kind) {
    case 'Body': {
      const oversize = String((spec as Json)['OversizeHandling'] ?? 'CONTINUE');
      const inspected = ctx.bodyLimit;
      return (req) => {
        const length = req.body.length;
        if (length > inspected) {
          if (oversize === 'MATCH') return true;
          if (oversize === 'NO_MATCH') return false;
          return compare(inspected, limit);
        }
        return compare(length, limit);
      };
    }
    case 'UriPath':
      return (req) => compare(Buffer.byteLength(req.path), limit);
    case 'QueryString':
      return (req) => compare(Buffer.byteLength(req.rawQuery), limit);
    case 'Method':
      return (req) => compare(req.method.length, limit);
    case 'SingleHeader': {
      const name = String((spec as Json)['Name']).toLowerCase();
      return (req) => {
        const v = req.headers[name];
        if (v === undefined) return false;
        return compare(Buffer.byteLength(Array.isArray(v) ? v.join(', ') : v), limit);
      };
    }
    default:
      ctx.notEmulated(`size constraints on ${kind ?? 'no field'} (never match)`);
      return undefined;
  }
}
