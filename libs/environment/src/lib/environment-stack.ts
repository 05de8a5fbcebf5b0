import { Duration, requireAwsProvider } from '@secure-api/core';
import { LocalBackend, S3Backend, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { NodejsFunction } from '@secure-api/function';
import { Integration, type RouteTable } from '@secure-api/rest-api';
import { SecureApi } from '@secure-api/secure-api';
import { FORBID_IMPLICIT_GRANT_CONTEXT, type UserPoolUserOptions } from '@secure-api/user-pool';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from './config';
import { AlarmTopic, ApiMonitoring, LogEncryptionKey } from '@secure-api/observability';
import { passwordMinLengthOf, threatProtectionOf, userKeyOf, validateConfig, wafOf } from './validate-config';

/** The routes every environment serves: the walk-through's public, protected and scoped calls. */
export const ROUTES = {
  public: '/health',
  protected: '/me',
  scoped: '/orders',
} as const;

/** The scope the `POST /orders` route requires (an access token holding it). */
export const ORDERS_WRITE_SCOPE = 'api/orders.write';

/**
 * The handlers behind the Lambda routes: business code in `libs/handlers`, bundled by path (relative to the
 * workspace root, where synth runs).
 */
export const HANDLER_ENTRIES = {
  me: 'libs/handlers/src/me.ts',
  orders: 'libs/handlers/src/orders.ts',
} as const;

/** The Lambda functions of an environment: `GET /me` and `POST /orders`. */
export interface EnvironmentFunctions {
  readonly me: NodejsFunction;
  readonly orders: NodejsFunction;
}

/**
 * The walk-through's routes: a public MOCK health check, `GET /me` (the caller's identity, ID token) and
 * `POST /orders` (scoped, access token) served by Lambda functions.
 */
export function demoRoutes(functions: EnvironmentFunctions): RouteTable {
  return {
    [`GET ${ROUTES.public}`]: { integration: Integration.mock({ body: { status: 'ok' } }), public: 'health check for monitors and the e2e suite' },
    [`GET ${ROUTES.protected}`]: { integration: Integration.lambdaProxy(functions.me) },
    [`POST ${ROUTES.scoped}`]: { integration: Integration.lambdaProxy(functions.orders), authorizationScopes: [ORDERS_WRITE_SCOPE] },
  } as RouteTable;
}

/**
 * Stable output names of every environment stack (`terraform output -json`, the twin's outputs file and the
 * e2e suite all use them). Renaming one breaks consumers.
 */
export const OUTPUT_NAMES = {
  apiInvokeUrl: 'api_invoke_url',
  apiRoutes: 'api_routes',
  hostedUiBaseUrl: 'hosted_ui_base_url',
  hostedUiLoginUrl: 'hosted_ui_login_url',
  userPoolId: 'user_pool_id',
  appClientId: 'app_client_id',
  callbackUrl: 'callback_url',
  issuerUrl: 'issuer_url',
  jwksUrl: 'jwks_url',
  region: 'region',
  implicitGrant: 'implicit_grant_enabled',
  demoUsers: 'demo_users',
  webAcl: 'web_acl',
} as const;

/**
 * One environment as one Terraform stack: AWS provider with default tags, state backend, the secure API and the
 * stable outputs. Validates the config at synth time.
 */
export class EnvironmentStack extends TerraformStack {
  readonly config: EnvironmentConfig;
  readonly secureApi: SecureApi;
  /** The Lambda functions behind `GET /me` and `POST /orders`. */
  readonly functions: EnvironmentFunctions;
  /** The customer-managed key of every log group of the stack. */
  readonly logKey: LogEncryptionKey;
  /** The topic every alarm notifies. */
  readonly alarmTopic: AlarmTopic;
  /** The API's and the functions' alarms and dashboard. */
  readonly monitoring: ApiMonitoring;
  /** The backend in use: `s3` with config, else `local`. */
  readonly backendKind: 's3' | 'local';

  constructor(scope: Construct, config: EnvironmentConfig) {
    super(scope, config.name);
    validateConfig(this, config);
    this.config = config;
    if (config.production) this.node.setContext(FORBID_IMPLICIT_GRANT_CONTEXT, true);

    new AwsProvider(this, 'aws', {
      region: config.region,
      defaultTags: [{ tags: { environment: config.name, 'managed-by': 'terraform-cdktf', project: 'secure-api', ...config.tags } }],
    });

    requireAwsProvider(this);

    if (config.backend) {
      const backend = new S3Backend(this, {
        bucket: config.backend.bucket,
        key: `${config.backend.keyPrefix ?? 'secure-api'}/${config.name}/terraform.tfstate`,
        region: config.backend.region ?? config.region,
        encrypt: true,
        kmsKeyId: config.backend.kmsKeyId,
      });
      // S3-native state locking (Terraform >= 1.10); the typed S3Backend does not know the option yet.
      backend.addOverride('use_lockfile', true);
      this.backendKind = 's3';
    } else {
      new LocalBackend(this, { path: 'terraform.tfstate' });
      this.backendKind = 'local';
    }

    const users: Record<string, UserPoolUserOptions> = {};
    for (const [i, user] of (config.users ?? []).entries()) {
      const key = userKeyOf(user, i);
      const variable = user.temporaryPasswordFromVariable
        ? new TerraformVariable(this, `${key.replace(/-/g, '_')}_temporary_password`, { type: 'string', sensitive: true, description: `Temporary password of ${user.email} (changed at first sign-in)` })
        : undefined;
      users[key] = { email: user.email, emailVerified: true, temporaryPassword: variable };
    }

    const retention = Duration.days(config.logRetentionDays ?? 365);
    this.logKey = new LogEncryptionKey(this, 'LogKey', { alias: `${config.namePrefix}-logs` });
    const logKmsKeyArn = this.logKey.keyArn;
    const fn = (id: string, entry: string, name: string, description: string) =>
      new NodejsFunction(this, id, { entry, functionName: `${config.namePrefix}-${name}`, description, timeout: Duration.seconds(10), logRetention: retention, logKmsKeyArn });
    this.functions = {
      me: fn('MeFunction', HANDLER_ENTRIES.me, 'me', 'GET /me: the caller\'s identity from the Cognito authorizer'),
      orders: fn('OrdersFunction', HANDLER_ENTRIES.orders, 'orders', 'POST /orders: checks and receives an order'),
    };

    this.secureApi = new SecureApi(this, 'SecureApi', {
      namePrefix: config.namePrefix,
      domainPrefix: config.domainPrefix,
      client: { callbackUrls: config.callbackUrls, logoutUrls: config.logoutUrls, implicitGrant: config.implicitGrant ?? false },
      routes: demoRoutes(this.functions),
      userPool: {
        mfa: config.mfa,
        deletionProtection: config.deletionProtection,
        passwordPolicy: { minLength: passwordMinLengthOf(config) },
        threatProtection: threatProtectionOf(config),
      },
      apiScopes: { identifier: 'api', scopes: [{ name: 'orders.write', description: 'Create orders' }] },
      users,
      api: {
        throttling: { rateLimit: config.throttling.rateLimit, burstLimit: config.throttling.burstLimit },
        logRetention: retention,
        cloudWatchRole: config.apiGatewayAccountRole ?? false,
      },
      webAcl: wafOf(config),
      logKmsKeyArn,
    });

    this.alarmTopic = new AlarmTopic(this, 'AlarmTopic', { name: `${config.namePrefix}-alarms`, emails: config.alarmEmails });
    this.monitoring = new ApiMonitoring(this, 'Monitoring', {
      namePrefix: config.namePrefix,
      topic: this.alarmTopic,
      api: this.secureApi.api,
      webAcl: this.secureApi.webAcl,
      functions: [this.functions.me, this.functions.orders],
      thresholds: config.alarmThresholds,
    });

    const s = this.secureApi;
    const output = (name: string, value: unknown, description: string, sensitive = false) => new TerraformOutput(this, name, { value, description, sensitive });
    output(OUTPUT_NAMES.apiInvokeUrl, s.api.invokeUrl, 'Invoke URL of the REST API stage (ends with the stage name).');
    output(OUTPUT_NAMES.apiRoutes, ROUTES, 'Paths of the public, protected (ID token) and scoped (access token) routes.');
    output(OUTPUT_NAMES.hostedUiBaseUrl, s.domain.baseUrl, 'Base URL of the hosted UI (managed login).');
    output(OUTPUT_NAMES.hostedUiLoginUrl, s.loginUrl, 'Hosted UI sign-in URL for the web client (code grant, first callback URL).');
    output(OUTPUT_NAMES.userPoolId, s.userPool.userPoolId, 'Id of the user pool.');
    output(OUTPUT_NAMES.appClientId, s.client.clientId, 'Id of the web app client.');
    output(OUTPUT_NAMES.callbackUrl, config.callbackUrls[0], 'The default callback URL of the web client.');
    output(OUTPUT_NAMES.issuerUrl, s.userPool.issuerUrl, 'Token issuer (iss claim) of the user pool.');
    output(OUTPUT_NAMES.jwksUrl, s.userPool.jwksUrl, 'JWKS URL with the public keys of the user pool.');
    output(OUTPUT_NAMES.region, config.region, 'AWS region of the stack.');
    output(OUTPUT_NAMES.implicitGrant, config.implicitGrant ?? false, 'Whether the web client allows the implicit grant.');
    output(OUTPUT_NAMES.demoUsers, (config.users ?? []).map((u) => u.email), 'Emails of the users the stack creates.');
    const acl = s.webAcl;
    output(
      OUTPUT_NAMES.webAcl,
      acl ? { enabled: true, name: acl.name, rate_limit: acl.rateLimit, rate_window_seconds: acl.rateLimitWindowSeconds, body_size_limit: acl.bodySizeLimit ?? 0 } : { enabled: false },
      'The WAF web ACL in front of the stage: its name, per-IP rate limit and window, and body size limit in bytes (0: none).',
    );
  }
}

/** Creates the environment stack in `app` and says, in one line, when state is local. */
export function defineEnvironment(app: Construct, config: EnvironmentConfig, log: (line: string) => void = (l) => console.log(l)): EnvironmentStack {
  const stack = new EnvironmentStack(app, config);
  if (stack.backendKind === 'local') {
    log(`${config.name}: no remote state configured (config.backend): using the local backend, state in cdktf.out/stacks/${config.name}/terraform.tfstate`);
  }
  return stack;
}
