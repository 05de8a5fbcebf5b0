import type { TwinClock, TwinPoolView, PoolDirectory } from '../../contracts';
import type { TwinStore } from '../../store/store';
import { APIGW, type AuthorizerDoc, type DeploymentDoc, type GatewayResponseDoc, type MethodDoc, type RestApiDoc, type StageDoc } from '../control/docs';
import { CognitoAuthorizer } from './authorizer';
import { templateDirectives } from './template';
import { StageThrottle, parseMethodPath, type MethodThrottleSetting } from './throttle';
import type { TokenVerifierOptions } from './token-verifier';
import { WAF, type WebAclDoc } from '../../wafv2/model';
import { RateCounters, WebAclEnforcer } from '../../wafv2/enforce';

export interface IntegrationResponseModel {
  /** Where it is, for messages: `GET /items 404`. */
  readonly address: string;
  readonly statusCode: number;
  /** Full-match regex of `selectionPattern`; absent for the default response. */
  readonly pattern?: RegExp;
  readonly templates: Readonly<Record<string, string>>;
  readonly parameters: Readonly<Record<string, string>>;
}

export interface IntegrationModel {
  readonly address: string;
  readonly type: 'MOCK' | 'HTTP_PROXY' | 'HTTP' | 'AWS_PROXY' | 'AWS';
  readonly uri: string;
  readonly httpMethod?: string;
  readonly requestTemplates: Readonly<Record<string, string>>;
  readonly requestParameters: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** For AWS_PROXY: the names a local handler may be mapped under (Terraform address, function name, ARN). */
  readonly functionKeys: readonly string[];
}

export interface MethodModel {
  readonly address: string;
  readonly httpMethod: string;
  readonly authorization: string;
  readonly authorizer?: CognitoAuthorizer;
  readonly scopes: readonly string[];
  readonly apiKeyRequired: boolean;
  integration?: IntegrationModel;
  readonly integrationResponses: IntegrationResponseModel[];
}

export interface ResourceModel {
  readonly id: string;
  /** `/`, `/items`, `/items/{id}`, `/{proxy+}`. */
  readonly path: string;
  readonly pathPart: string;
  readonly children: ResourceModel[];
  readonly methods: Map<string, MethodModel>;
}

export interface GatewayResponseModel {
  readonly type: string;
  readonly statusCode?: number;
  readonly templates: Readonly<Record<string, string>>;
  readonly parameters: Readonly<Record<string, string>>;
}

/** A stage as it serves: its settings, and the deployment it serves (resources, methods and gateway responses). */
export interface StageModel {
  readonly name: string;
  readonly variables: Readonly<Record<string, string>>;
  readonly accessLogFormat?: string;
  readonly xray: boolean;
  readonly throttle: StageThrottle;
  /** The web ACL associated with the stage, evaluated before anything else; absent when the stage has none. */
  readonly waf?: WebAclEnforcer;
  readonly deploymentId: string;
  readonly root: ResourceModel;
  readonly resources: ReadonlyMap<string, ResourceModel>;
  readonly gatewayResponses: ReadonlyMap<string, GatewayResponseModel>;
}

export interface RestApiModel {
  readonly id: string;
  readonly name: string;
  readonly region: string;
  readonly accountId: string;
  readonly stages: Map<string, StageModel>;
}

/** Every REST API that has a stage, as the gateway serves it. */
export interface GatewayModel {
  readonly apis: Map<string, RestApiModel>;
  /** What the twin does not emulate in what the stages serve, one line each. */
  readonly warnings: readonly string[];
}

const DEFAULT_TIMEOUT_MS = 29_000;

/** What the gateway model is built from. */
export interface GatewaySource {
  readonly store: TwinStore;
  readonly pools: PoolDirectory;
  readonly clock: TwinClock;
  readonly verifier?: TokenVerifierOptions;
}

/**
 * The gateway as the store says it is now: each REST API with its stages, each stage serving the snapshot its
 * deployment took (as on API Gateway, a change to the API is served once it is deployed). Authorizers of one
 * deployment keep their result caches for as long as the deployment is served.
 */
export class GatewayModels {
  private model: GatewayModel = { apis: new Map(), warnings: [] };
  private readAt = -1;
  private readonly authorizers = new Map<string, CognitoAuthorizer>();
  /** The rate-based rules' counts, kept across rebuilds as the authorizers' caches are. */
  private readonly rates = new RateCounters();

  constructor(private readonly source: GatewaySource) {}

  /** The model of now (built again only when the store changed). */
  current(): GatewayModel {
    const generation = this.source.store.generation;
    if (generation !== this.readAt) {
      this.readAt = generation;
      this.model = this.build();
    }
    return this.model;
  }

  private build(): GatewayModel {
    const { store } = this.source;
    const apis = new Map<string, RestApiModel>();
    const warnings: string[] = [];
    const liveAuthorizers = new Set<string>();
    const waf: WafNotes = { managed: new Set(), notEmulated: new Set() };
    this.rates.beginBuild();
    for (const { doc: api } of store.resources<RestApiDoc>(APIGW.api)) {
      const model: RestApiModel = { id: api.id, name: api.name, region: api._region, accountId: api._account, stages: new Map() };
      for (const { doc: stage } of store.resources<StageDoc>(APIGW.stage, api.id)) {
        const deployment = store.resource<DeploymentDoc>(APIGW.deployment, `${api.id}/${stage.deploymentId}`)?.doc;
        if (!deployment) continue;
        // One stage the twin cannot make sense of costs that stage only, never the gateway (or the process).
        try {
          model.stages.set(stage.stageName, this.stageModel(api, stage, deployment, warnings, liveAuthorizers, waf));
        } catch (err) {
          warnings.push(`REST API ${api.name} (${api.id}), stage ${stage.stageName} is not served: ${(err as Error).message}`);
        }
      }
      apis.set(api.id, model);
    }
    for (const key of [...this.authorizers.keys()]) if (!liveAuthorizers.has(key)) this.authorizers.delete(key);
    this.rates.endBuild();
    if (waf.managed.size > 0) warnings.push(`WAF managed rule groups are not emulated (${[...waf.managed].sort().join(', ')}): requests are not inspected by them.`);
    warnings.push(...waf.notEmulated);
    return { apis, warnings };
  }

  /** The stage's web ACL compiled for the data plane, when it has one. */
  private webAcl(api: RestApiDoc, stage: StageDoc, notes: WafNotes): WebAclEnforcer | undefined {
    if (stage.webAclArn === undefined) return undefined;
    const acl = this.source.store.resource<WebAclDoc>(WAF.acl, stage.webAclArn)?.doc;
    if (!acl) return undefined;
    return WebAclEnforcer.compile(acl, `${api.id}/${stage.stageName}`, this.rates, (what) => notes.notEmulated.add(`WAF web ACL ${acl.Name}: ${what} are not emulated.`), (name) => notes.managed.add(name));
  }

  private stageModel(api: RestApiDoc, stage: StageDoc, deployment: DeploymentDoc, warnings: string[], live: Set<string>, waf: WafNotes): StageModel {
    const snapshot = deployment._snapshot;
    const where = (text: string) => `REST API ${api.name} (${api.id}), stage ${stage.stageName}: ${text}`;
    const authorizers = new Map<string, CognitoAuthorizer | undefined>();
    for (const a of snapshot.authorizers) {
      const key = `${api.id}/${deployment.id}/${a.id}`;
      live.add(key);
      if (a.type !== 'COGNITO_USER_POOLS') {
        warnings.push(where(`authorizer ${a.name} of type ${a.type} is not emulated; methods using it answer 500.`));
        authorizers.set(a.id, undefined);
        continue;
      }
      let authorizer = this.authorizers.get(key);
      if (!authorizer) {
        authorizer = cognitoAuthorizer(a, this.source);
        this.authorizers.set(key, authorizer);
      }
      for (const arn of a.providerARNs ?? []) if (!this.source.pools.byArn(arn)) warnings.push(where(`authorizer ${a.name}: provider ARN ${arn} is not a user pool of the twin; its tokens are refused.`));
      authorizers.set(a.id, authorizer);
    }
    const resources = new Map<string, ResourceModel>();
    for (const r of snapshot.resources) resources.set(r.id, { id: r.id, path: r.path, pathPart: r.pathPart ?? '', children: [], methods: new Map() });
    let root: ResourceModel | undefined;
    for (const r of snapshot.resources) {
      const node = resources.get(r.id) as ResourceModel;
      if (r.parentId === undefined) root = node;
      else resources.get(r.parentId)?.children.push(node);
    }
    for (const m of snapshot.methods) {
      const resource = resources.get(m._resourceId);
      if (resource) resource.methods.set(m.httpMethod, methodModel(m, resource, authorizers, (w) => warnings.push(where(w))));
    }
    const settings: MethodThrottleSetting[] = [];
    for (const [path, s] of Object.entries(stage.methodSettings ?? {})) {
      const parsed = parseMethodPath(path);
      if (parsed) settings.push({ ...parsed, rate: s.throttlingRateLimit, burst: s.throttlingBurstLimit });
    }
    const gatewayResponses = new Map<string, GatewayResponseModel>();
    for (const g of snapshot.gatewayResponses) {
      const templates = { ...(g.responseTemplates ?? {}) };
      warnDirectives(templates, `gateway response ${g.responseType}`, (w) => warnings.push(where(w)));
      gatewayResponses.set(g.responseType, gatewayResponseModel(g));
    }
    return {
      name: stage.stageName,
      variables: { ...(stage.variables ?? {}) },
      accessLogFormat: stage.accessLogSettings?.destinationArn ? stage.accessLogSettings.format : undefined,
      xray: stage.tracingEnabled,
      throttle: new StageThrottle(settings, this.source.clock),
      waf: this.webAcl(api, stage, waf),
      deploymentId: deployment.id,
      root: root ?? { id: '', path: '/', pathPart: '', children: [], methods: new Map() },
      resources,
      gatewayResponses,
    };
  }
}

/** What a rebuild found of the web ACLs that the twin does not evaluate, said once for all stages. */
interface WafNotes {
  readonly managed: Set<string>;
  readonly notEmulated: Set<string>;
}

function cognitoAuthorizer(a: AuthorizerDoc, source: GatewaySource): CognitoAuthorizer {
  const arns = [...(a.providerARNs ?? [])];
  const header = /^method\.request\.header\.(.+)$/.exec(a.identitySource ?? 'method.request.header.Authorization')?.[1] ?? 'Authorization';
  return new CognitoAuthorizer(
    {
      id: a.id,
      name: a.name,
      header: header.toLowerCase(),
      ttlSeconds: a.authorizerResultTtlInSeconds ?? 300,
      validation: a.identityValidationExpression ? new RegExp(`^(?:${a.identityValidationExpression})$`, 's') : undefined,
      pools: () => arns.map((arn) => source.pools.byArn(arn)).filter((p): p is TwinPoolView => p !== undefined),
      poolsVersion: () => source.pools.version?.() ?? 0,
    },
    source.clock,
    source.verifier,
  );
}

function methodModel(m: MethodDoc, resource: ResourceModel, authorizers: ReadonlyMap<string, CognitoAuthorizer | undefined>, warn: (text: string) => void): MethodModel {
  const address = `${m.httpMethod} ${resource.path}`;
  if (m.authorizationType === 'AWS_IAM' || m.authorizationType === 'CUSTOM' && !authorizers.get(m.authorizerId ?? '')) {
    if (m.authorizationType === 'AWS_IAM') warn(`${address}: authorization AWS_IAM is not emulated; the twin refuses every request to it.`);
  }
  if (m.apiKeyRequired) warn(`${address}: API keys are not emulated; the twin refuses every request to it with 403.`);
  const integration = m.methodIntegration;
  if (!integration) warn(`${address} has no integration (AWS refuses to deploy it); the twin answers 500.`);
  const model: MethodModel = {
    address,
    httpMethod: m.httpMethod,
    authorization: m.authorizationType,
    authorizer: m.authorizerId ? authorizers.get(m.authorizerId) : undefined,
    scopes: [...(m.authorizationScopes ?? [])],
    apiKeyRequired: m.apiKeyRequired,
    integrationResponses: [],
  };
  if (integration) {
    const type = integration.type as IntegrationModel['type'];
    const uri = integration.uri ?? '';
    if (type === 'AWS') warn(`${address}: integration type AWS is not emulated; the twin answers 500.`);
    if (type === 'HTTP') warn(`${address}: HTTP (non-proxy) integrations are served like HTTP_PROXY; mapping templates are not applied.`);
    const templates = { ...(integration.requestTemplates ?? {}) };
    warnDirectives(templates, `${address} integration`, warn);
    model.integration = {
      address: `${address} integration`,
      type,
      uri,
      httpMethod: integration.httpMethod?.toUpperCase(),
      requestTemplates: templates,
      requestParameters: { ...(integration.requestParameters ?? {}) },
      timeoutMs: integration.timeoutInMillis >= 50 ? integration.timeoutInMillis : DEFAULT_TIMEOUT_MS,
      functionKeys: type === 'AWS_PROXY' || type === 'AWS' ? functionKeysOf(uri) : [],
    };
    for (const r of Object.values(integration.integrationResponses ?? {})) {
      const responseTemplates = { ...(r.responseTemplates ?? {}) };
      warnDirectives(responseTemplates, `${address} integration response ${r.statusCode}`, warn);
      model.integrationResponses.push({
        address: `${address} ${r.statusCode}`,
        statusCode: Number(r.statusCode),
        pattern: r.selectionPattern ? new RegExp(`^(?:${r.selectionPattern})$`, 's') : undefined,
        templates: responseTemplates,
        parameters: { ...(r.responseParameters ?? {}) },
      });
    }
  }
  return model;
}

/**
 * The names a local Lambda handler may be mapped under, from an AWS_PROXY URI: the Terraform address when the URI
 * still carries the unresolved reference (`${aws_lambda_function.fn.invoke_arn}`), else the function's ARN, then its name.
 */
function functionKeysOf(uri: string): string[] {
  const keys: string[] = [];
  const ref = /\$\{(aws_lambda_function\.[A-Za-z0-9_-]+)\./.exec(uri);
  if (ref) keys.push(ref[1]);
  const arn = /functions\/(arn:aws[a-z-]*:lambda:[^/]+)\/invocations/.exec(uri);
  // The ARN before the bare name: the twin's functions are found by ARN in one lookup, by name only across regions.
  if (arn) keys.push(arn[1], arn[1].split(':')[6] ?? '');
  return keys.filter(Boolean);
}

function gatewayResponseModel(g: GatewayResponseDoc): GatewayResponseModel {
  return {
    type: g.responseType,
    statusCode: g.statusCode !== undefined ? Number(g.statusCode) : undefined,
    templates: { ...(g.responseTemplates ?? {}) },
    parameters: { ...(g.responseParameters ?? {}) },
  };
}

function warnDirectives(templates: Readonly<Record<string, string>>, where: string, warn: (text: string) => void): void {
  for (const [type, template] of Object.entries(templates)) {
    const found = templateDirectives(template);
    if (found.length > 0) warn(`${where}: the ${type} template uses ${found.join(', ')}, which the twin does not evaluate (references only).`);
  }
}

/** `<base>/<apiId>` in the twin; AWS's `https://<apiId>.execute-api.<region>.amazonaws.com` before the base is known. */
export function invokeBase(base: string | undefined, apiId: string, region: string): string {
  return base ? `${base}/${apiId}` : `https://${apiId}.execute-api.${region}.amazonaws.com`;
}
