import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { httpsOnlyServer } from './tls/https-only';
import { ensureTls, type TwinTls } from './tls/local-ca';
import Fastify, { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { ApiGatewayOptions, ApiGatewayTwin, buildApiGateway } from './apigw/api-gateway';
import { ApiGatewayControl } from './apigw/control/service';
import { apiGatewayRestService } from './apigw/control/routes';
import { twinAccount } from './aws/account';
import { AwsFront, type AwsAccount, type AwsCallRecord } from './aws/front';
import { LocalAwsClient } from './aws/local-client';
import { cognitoJsonService } from './cognito/api';
import { CognitoControl, threatProtectionWarnings } from './cognito/control';
import { demoPlugin } from './demo/demo';
import { opaque } from './shared/ids';
import { CodeStore, oauthPlugin } from './cognito/oauth';
import { oidcPlugin } from './cognito/oidc';
import type { ScryptParams } from './cognito/passwords';
import { CognitoDirectory } from './cognito/pools';
import { CognitoService, DeliveredMessage } from './cognito/service';
import { TwinClock, TwinContext, TwinErrorStyle, TwinHttpError } from './contracts';
import { errorPage } from './hosted-ui/html';
import { hostedUiPlugin, SessionStore } from './hosted-ui';
import { LambdaControl } from './lambda/control';
import { LambdaRuntime, type FunctionConfig } from './lambda/runtime';
import { lambdaRestService } from './lambda/routes';
import { LogsService, logsJsonService } from './logs/service';
import { CloudWatchService, cloudWatchService } from './cloudwatch/service';
import { KmsService, kmsJsonService } from './kms/service';
import { SnsService, snsService } from './sns/service';
import { WafService, wafJsonService } from './wafv2/service';
import { provisionStack, type StackUserReport } from './provision/provisioner';
import { accountOutputs, twinUrls } from './outputs';
import { outputsOf, TerraformOutputs } from './stack/outputs';
import { StackError, StackModel } from './stack/stack-model';
import { TwinStore } from './store/store';
import { IamRoles } from './sts/iam';
import { iamService, stsService } from './sts/service';

/** Configuration of one twin. */
export interface TwinConfig {
  /**
   * The synthesized stack to load (a path to `cdk.tf.json`, or a loaded model), as `terraform apply` would. Without
   * one, the twin is an empty AWS account that Terraform (or any AWS SDK) deploys to with the twin's credentials.
   * @default - none: an empty twin
   */
  readonly stack?: string | StackModel;
  /** Directory of the durable state (AWS resources, users, refresh tokens, keys, credentials); created when absent, refused when foreign. */
  readonly dataDir: string;
  /**
   * The clock every part reads.
   * @default - the system clock
   */
  readonly clock?: TwinClock;
  /**
   * The twin's base URL (`http://127.0.0.1:<port>`, `https://` with `tls`), when known before listening; the CLI
   * sets it after listen with `setBaseUrl`.
   * @default 'http://127.0.0.1' ('https://127.0.0.1' with `tls`)
   */
  readonly baseUrl?: string;
  /**
   * Serve HTTPS only, as AWS does, with a certificate for `127.0.0.1`, `::1` and `localhost` issued by a local CA
   * made once per data directory (`<dataDir>/tls`, private keys mode 0600). Issuers, JWKS, hosted UI and invoke URLs
   * then carry `https://`; clients trust the CA through `NODE_EXTRA_CA_CERTS` or `AWS_CA_BUNDLE`. A plain-HTTP
   * request on the port gets a 400 naming the https URL.
   * @default false
   */
  readonly tls?: boolean;
  /**
   * scrypt cost of password hashes. Tests may lower it; the default is OWASP-equivalent.
   * @default DEFAULT_SCRYPT ({ N: 32768, r: 8, p: 3 })
   */
  readonly scrypt?: ScryptParams;
  /**
   * Values of the stack's Terraform variables.
   * @default - `TF_VAR_<name>` environment variables, else each variable's default
   */
  readonly variables?: Record<string, unknown>;
  /**
   * Account id in the ARNs the twin makes.
   * @default - the stack provider's first `allowed_account_ids`, else the id recorded in the data directory ('000000000000')
   */
  readonly accountId?: string;
  /**
   * The region of an empty twin's unsigned calls and outputs (signed calls act in the region they are signed for).
   * @default - the stack provider's region, else 'us-east-1'
   */
  readonly region?: string;
  /**
   * Receives what Cognito would email (temporary passwords, confirmation codes).
   * @default - dropped
   */
  readonly onMessage?: (message: DeliveredMessage) => void;
  /**
   * Fastify request logging.
   * @default false
   */
  readonly logger?: boolean;
  /**
   * Makes each new signing key (one per pool and token use, kept in the data directory). Tests may hand out keys
   * made once per process: generating RSA keys dominated their run time.
   * @default - a fresh RSA 2048 key
   */
  readonly generateKey?: () => { kid: string; privateJwk: string };
  /**
   * Options of the API Gateway part.
   * @default {}
   */
  readonly apiGateway?: ApiGatewayOptions;
  /**
   * Receives every line the Lambda functions log, prefixed `[<function> <request id>]`.
   * @default - the twin's standard output
   */
  readonly onLambdaLog?: (line: string) => void;
  /**
   * Instances a function runs at most at once (each one invocation at a time, as on Lambda); further calls queue.
   * Lambda scales far beyond; on a developer's machine more processes than its cores only contend for them
   * (measured with `npm run bench:twin` on 2 cores: 50 instances answered about half the requests 8 did, and 3
   * instances about 30 % more than 8, at two thirds of the p99). Handlers that mostly wait (on a slow downstream
   * call, say) serve more calls at once with more: `twin --lambda-instances N`.
   * @default - the machine's cores + 1 (`os.availableParallelism()`), at most 8
   */
  readonly lambdaMaxInstances?: number;
  /**
   * Receives every answered call of the AWS APIs (service, operation, status, milliseconds): the control-plane
   * benchmark's figures.
   * @default - none
   */
  readonly onAwsCall?: (record: AwsCallRecord) => void;
}

/** A built twin: the Fastify app (not listening), its context and handles for the CLI and tests. */
export interface TwinApp {
  readonly app: FastifyInstance;
  readonly ctx: TwinContext;
  readonly cognito: { readonly service: CognitoService; readonly directory: CognitoDirectory };
  readonly apiGateway: ApiGatewayTwin;
  /** The AWS account the twin is: its id, default region and the credentials every control-plane call is signed with. */
  readonly account: AwsAccount;
  /** Users the stack declares, with the temporary password generated for them at this start, if any. */
  readonly stackUsers: readonly StackUserReport[];
  /** With `tls`: the CA file clients trust, the certificate's SPKI pin and expiry (never the private key). */
  readonly tls?: Pick<TwinTls, 'caFile' | 'spki' | 'notAfter' | 'made'>;
  /** Sets the base URL (after listen). */
  setBaseUrl(url: string): void;
  /**
   * The stack's outputs resolved to twin values, in `terraform output -json` shape, plus the twin's own: its endpoint,
   * region, account id and credentials (`twin_*`), `cognito_idp_endpoint` and the stack users' temporary passwords.
   */
  outputs(): TerraformOutputs;
  /**
   * Applies the stack again (the file, re-read, or a model), as a second start would: what changed is updated in place
   * or replaced, what is gone deleted; a function whose package changed runs the new code at its next call. Answers
   * the stack's warnings; a stack AWS would refuse is a StackError and leaves what was applied before.
   */
  reload(stack: string | StackModel): Promise<readonly string[]>;
  /** Closes the app and the store. */
  close(): Promise<void>;
}

const SYSTEM_CLOCK: TwinClock = { now: () => Date.now() };

/**
 * Builds a twin: opens the store, puts the AWS APIs (Cognito, API Gateway, CloudWatch Logs, STS) on one endpoint,
 * loads the stack (if any) through those APIs as `terraform apply` would, and returns a Fastify app with one error
 * handler. Never listens.
 */
export async function buildApp(config: TwinConfig): Promise<TwinApp> {
  const stack = config.stack === undefined ? undefined : typeof config.stack === 'string' ? StackModel.fromFile(config.stack) : config.stack;
  const clock = config.clock ?? SYSTEM_CLOCK;
  let base = (config.baseUrl ?? (config.tls ? 'https://127.0.0.1' : 'http://127.0.0.1')).replace(/\/+$/, '');
  const variables = stack ? variablesOf(stack, config) : {};
  const provider = stack ? providerOf(stack, variables) : {};
  const store = TwinStore.open(config.dataDir);
  const closers: (() => Promise<void>)[] = [];
  try {
    store.prune(clock.now());
    // Certificates are checked by clients against the real time, not the twin's clock.
    const tls = config.tls ? ensureTls(config.dataDir) : undefined;
    const account = twinAccount(store, { accountId: config.accountId ?? provider.accountId, region: config.region ?? provider.region ?? 'us-east-1' });
    const directory = new CognitoDirectory(store, { baseUrl: () => base, now: () => clock.now(), generateKey: config.generateKey });
    const service = new CognitoService(directory, store, clock, { scrypt: config.scrypt, onMessage: config.onMessage });
    const kms = new KmsService(store, clock);
    const logs = new LogsService(store, clock, (call, arn) => kms.find(call, arn)?.metadata.KeyState === 'Enabled');
    const apiGatewayControl = new ApiGatewayControl(store, clock);
    const waf = new WafService(store, apiGatewayControl.wafResources, (region, name) => logs.group(region, name) !== undefined);
    const json = [cognitoJsonService(service, new CognitoControl(store, clock, directory)), logsJsonService(logs), kmsJsonService(kms), wafJsonService(waf)];
    const runtime = new LambdaRuntime({ dataDir: config.dataDir, maxConcurrency: config.lambdaMaxInstances ?? defaultLambdaInstances(), onLog: config.onLambdaLog ?? ((line) => process.stdout.write(`${line}\n`)) });
    closers.push(() => runtime.close());
    const lambda = new LambdaControl(store, clock, config.dataDir, {
      register: (fn) => runtime.register({ name: fn.name, arn: fn.arn, zip: fn.zip, handler: fn.handler, runtime: fn.runtime as FunctionConfig['runtime'], memoryMB: fn.memoryMB, timeoutSeconds: fn.timeoutSeconds, environment: fn.environment }),
      unregister: (name) => void runtime.unregister(name),
    });
    const rest = [apiGatewayRestService(apiGatewayControl), lambdaRestService(lambda)];
    const roles = new IamRoles(store, clock);
    const query = [stsService(account), iamService(account, roles), snsService(new SnsService(store)), cloudWatchService(new CloudWatchService(store, clock))];
    const front = new AwsFront({ account, clock, json, rest, query, onCall: config.onAwsCall });
    const warnings: string[] = [];
    let stackUsers: readonly StackUserReport[] = [];
    const load = (model: StackModel) => provisionStack({
      stack: model, store, users: service, directory, variables: variablesOf(model, config), region: account.defaultRegion, accountId: account.accountId,
      aws: new LocalAwsClient({ json, rest, query }, { region: account.defaultRegion, accountId: account.accountId }),
    });
    let current = stack;
    if (stack) {
      const loaded = await load(stack);
      warnings.push(...loaded.warnings);
      stackUsers = loaded.stackUsers;
    }
    let reloading: Promise<unknown> = Promise.resolve();
    warnings.push(...lambda.start());
    const ctx: TwinContext = { stack, store, clock, baseUrl: () => base, pools: directory, warnings };
    const apiGateway = buildApiGateway(ctx, {
      ...config.apiGateway,
      // The functions the twin runs, found by ARN or name and allowed by their resource policy, as API Gateway calls them.
      lambda: (key, sourceArn) => {
        const fn = lambda.invokeTarget(key, sourceArn);
        return fn === undefined || fn === 'forbidden' ? fn : runtime.handler(fn.name);
      },
    });
    warnings.push(...apiGateway.warnings(), ...threatProtectionWarnings(store));

    const app = Fastify({
      logger: config.logger ?? false,
      forceCloseConnections: true,
      return503OnClosing: true,
      bodyLimit: 1024 * 1024,
      // AWS API calls and API calls to the stages take their own paths ahead of Fastify's routing; the hosted UI,
      // OAuth and OIDC go through Fastify. `inject` (tests) always goes through Fastify, where the same two plugins
      // answer the same way.
      serverFactory: (handler) => {
        const serve = (req: IncomingMessage, res: ServerResponse) => {
          if (!front.serve(req, res) && !apiGateway.serve(req, res)) handler(req, res);
        };
        return tls ? httpsOnlyServer(tls, serve) : createServer(serve);
      },
    });
    app.setErrorHandler(handleError);
    app.setNotFoundHandler(notFound);
    await app.register(front.plugin());
    await app.register(apiGateway.plugin());
    await app.register(oidcPlugin, { directory });
    const oauth = { service, codes: new CodeStore(clock), sessions: new SessionStore(clock, () => base.startsWith('https://')) };
    await app.register(oauthPlugin, oauth);
    await app.register(hostedUiPlugin, oauth);
    await app.register(demoPlugin(directory, () => base, apiGateway));

    let closed = false;
    return {
      app,
      ctx,
      cognito: { service, directory },
      apiGateway,
      account,
      stackUsers,
      tls: tls ? { caFile: tls.caFile, spki: tls.spki, notAfter: tls.notAfter, made: tls.made } : undefined,
      setBaseUrl(url: string) {
        base = url.replace(/\/+$/, '');
      },
      outputs: () => twinOutputs(current, base, account, directory, stackUsers, warnings, tls),
      reload(next: string | StackModel) {
        // One at a time, in the order asked: each brings the account to what its stack says.
        const run = reloading.then(async () => {
          const model = typeof next === 'string' ? StackModel.fromFile(next) : next;
          const loaded = await load(model);
          current = model;
          stackUsers = loaded.stackUsers;
          return loaded.warnings;
        });
        reloading = run.catch(() => undefined);
        return run;
      },
      async close() {
        if (closed) return;
        closed = true;
        try {
          await app.close();
          for (const close of closers) await close();
        } finally {
          store.close();
        }
      },
    };
  } catch (err) {
    for (const close of closers) await close().catch(() => undefined);
    store.close();
    throw err;
  }
}

/**
 * The stack's outputs resolved to twin values (AWS URLs mapped to the twin's), plus the twin's own: `twin_endpoint_url`,
 * `twin_region`, `twin_account_id`, `twin_access_key_id` and `twin_secret_access_key` (sensitive), what an AWS SDK or
 * Terraform needs to act on the twin; `twin_ca_file` with `tls`; `cognito_idp_endpoint` (the base URL); and `temporary_passwords` (sensitive:
 * user name → the temporary password valid now, for the stack's users that have not yet replaced theirs).
 */
function twinOutputs(stack: StackModel | undefined, base: string, account: AwsAccount, directory: CognitoDirectory, users: readonly StackUserReport[], warnings: string[], tls: TwinTls | undefined): TerraformOutputs {
  const customDomains = directory.domains().filter((d) => d.custom).map((d) => d.domain);
  const out = { ...(stack ? outputsOf(stack, twinUrls(base, customDomains), warnings) : {}), ...accountOutputs(base, account, tls?.caFile) };
  const passwords: Record<string, string> = {};
  for (const u of users) if (u.temporaryPassword !== undefined) passwords[u.username] = u.temporaryPassword;
  if (Object.keys(passwords).length > 0) out['temporary_passwords'] = { sensitive: true, type: ['map', 'string'], value: passwords };
  return out;
}

/** The stack provider's region and first allowed account, when it names them. */
function providerOf(stack: StackModel, variables: Record<string, unknown>): { region?: string; accountId?: string } {
  const json = stack.json as Record<string, unknown>;
  const provider = (json['provider'] as Record<string, unknown> | undefined)?.['aws'];
  const first = (Array.isArray(provider) ? provider[0] : provider) as Record<string, unknown> | undefined;
  let region: string | undefined;
  if (first && first['region'] !== undefined) {
    const resolved = stack.resolve(first['region'], 'provider.aws', variables);
    if (typeof resolved !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(resolved)) {
      throw new StackError(`provider.aws: region ${JSON.stringify(resolved)} is not an AWS region. Fix: set the provider's region, e.g. us-east-1.`);
    }
    region = resolved;
  }
  const allowed = first?.['allowed_account_ids'];
  const accountId = Array.isArray(allowed) && typeof allowed[0] === 'string' && /^\d{12}$/.test(allowed[0]) ? allowed[0] : undefined;
  return { region, accountId };
}

function variablesOf(stack: StackModel, config: TwinConfig): Record<string, unknown> {
  if (config.variables) return config.variables;
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(stack.variables())) {
    const env = process.env[`TF_VAR_${name}`];
    if (env !== undefined) out[name] = env;
  }
  return out;
}

function styleOf(request: FastifyRequest): TwinErrorStyle {
  const config = request.routeOptions?.config as { errorStyle?: TwinErrorStyle } | undefined;
  if (config?.errorStyle) return config.errorStyle;
  return request.url.startsWith('/auth/') ? 'html' : 'aws-json';
}

/** The one error handler: typed errors answer as they say; framework errors get the route's style; 5xx never carry internals. */
function handleError(err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (err instanceof TwinHttpError) {
    const r = err.response();
    return reply.code(r.statusCode).headers({ ...r.headers, ...(styleOf(request) === 'aws-json' ? { 'x-amzn-requestid': randomUUID() } : {}) }).send(Buffer.from(r.body));
  }
  const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
  if (status === 500) request.log.error({ err }, 'twin request failed');
  const detail = status === 500 ? 'Internal error.' : clientMessage(err);
  const style = styleOf(request);
  switch (style) {
    case 'aws-json': {
      const type = status === 500 ? 'InternalErrorException'
        : status === 413 ? 'RequestEntityTooLargeException'
          : err.validation && err.validationContext === 'body' ? 'SerializationException'
            : status === 415 ? 'SerializationException'
              : 'InvalidParameterException';
      return reply.code(status).headers({ 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type, 'x-amzn-requestid': randomUUID() }).send(Buffer.from(JSON.stringify({ __type: type, message: detail })));
    }
    case 'oauth': {
      const code = status === 500 ? 500 : status === 413 ? 413 : 400;
      return reply.code(code).headers({ 'content-type': 'application/json;charset=UTF-8', 'cache-control': 'no-store' }).send(JSON.stringify({ error: status === 500 ? 'server_error' : 'invalid_request', error_description: detail }));
    }
    case 'html': {
      const nonce = opaque(16);
      return reply
        .code(status)
        .headers({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': `default-src 'none'; style-src 'nonce-${nonce}'; frame-ancestors 'none'` })
        .send(errorPage(nonce, status === 500 ? 'server_error' : 'invalid_request', detail));
    }
    case 'apigw':
      return reply.code(status).headers({ 'content-type': 'application/json', 'x-amzn-errortype': status === 500 ? 'InternalServerErrorException' : 'BadRequestException', 'x-amzn-requestid': randomUUID() }).send(JSON.stringify({ message: detail }));
  }
}

function clientMessage(err: FastifyError): string {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'Request body is too large.';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Unsupported Content-Type.';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'The request body is not valid JSON.';
    default:
      if (err.validation) return `Invalid request: ${err.message}.`.replace(/\.\.$/, '.');
      return 'Bad request.';
  }
}

function notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (request.url.startsWith('/auth/')) {
    const nonce = opaque(16);
    return reply
      .code(404)
      .headers({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': `default-src 'none'; style-src 'nonce-${nonce}'; frame-ancestors 'none'` })
      .send(errorPage(nonce, 'not_found', 'No hosted UI page here. Check the domain prefix and the path (login, oauth2/authorize, oauth2/token, oauth2/userInfo, oauth2/revoke, logout).'));
  }
  return reply.code(404).headers({ 'content-type': 'application/json' }).send(JSON.stringify({ message: `No twin endpoint at ${request.method} ${request.url.split('?')[0].slice(0, 200)}.` }));
}

/** Instances per function unless configured: one per core and one more (a CPU-bound handler keeps each busy), at most 8. */
function defaultLambdaInstances(): number {
  return Math.min(8, availableParallelism() + 1);
}
