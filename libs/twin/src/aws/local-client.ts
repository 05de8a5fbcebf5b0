import type { AwsCall, JsonService, QueryService, RestService } from './front';

type Json = Record<string, unknown>;

/**
 * The twin's AWS APIs called in process, through the very operations an SDK reaches over HTTP (same input checks,
 * same documents, same errors), minus the wire: what the stack loader uses to build a stack, so that the two ways in
 * cannot drift apart. Errors are thrown as the operations throw them (AwsError).
 */
export class LocalAwsClient {
  private calls = 0;

  constructor(
    private readonly services: { readonly json: readonly JsonService[]; readonly rest: readonly RestService[]; readonly query?: readonly QueryService[] },
    private readonly call: Pick<AwsCall, 'region' | 'accountId'>,
  ) {}

  /** A JSON 1.1 operation (`<targetPrefix>.<operation>`); `reuse` passes recorded ids to a create. */
  async json(targetPrefix: string, operation: string, input: Json, reuse?: Readonly<Record<string, string>>): Promise<Json> {
    const service = this.services.json.find((s) => s.targetPrefix === targetPrefix);
    const op = service && Object.hasOwn(service.operations, operation) ? service.operations[operation] : undefined;
    if (!op) throw new Error(`${targetPrefix}.${operation} is not an operation of the twin`);
    const out = await op.run(structuredClone(input), this.context(reuse));
    return (out ?? {}) as Json;
  }

  /** A REST-JSON call; path segments are given unencoded and encoded here, as an SDK would. */
  async rest(method: string, segments: readonly string[], body?: Json, reuse?: Readonly<Record<string, string>>, query: Record<string, string | string[]> = {}): Promise<Json | undefined> {
    const path = `/${segments.map(encodeURIComponent).join('/')}`;
    const service = this.services.rest.find((s) => s.handles(path));
    if (!service) throw new Error(`no REST service of the twin serves ${path}`);
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) for (const x of Array.isArray(v) ? v : [v]) params.append(k, x);
    const reply = await service.route(method, path, params, body === undefined ? undefined : structuredClone(body), this.context(reuse));
    return reply.body as Json | undefined;
  }

  /** A Query action (IAM, STS) by the service's signing name; answers the inner XML of its `<Action>Result>`. */
  async query(signingName: string, action: string, params: Record<string, string | undefined>): Promise<string> {
    const service = this.services.query?.find((s) => s.signingName === signingName);
    const act = service && Object.hasOwn(service.actions, action) ? service.actions[action] : undefined;
    if (!act) throw new Error(`${signingName}:${action} is not an action of the twin`);
    const form = new URLSearchParams({ Action: action, Version: service?.version ?? '' });
    for (const [k, v] of Object.entries(params)) if (v !== undefined) form.set(k, v);
    return act.run(form, this.context(undefined));
  }

  /** How many operations this client has run. */
  get count(): number {
    return this.calls;
  }

  private context(reuse: Readonly<Record<string, string>> | undefined): AwsCall {
    this.calls++;
    return { region: this.call.region, accountId: this.call.accountId, requestId: `local-${this.calls}`, signed: true, headers: {}, reuse };
  }
}
