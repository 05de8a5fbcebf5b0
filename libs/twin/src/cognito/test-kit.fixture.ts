// Shared by the Cognito part's specs: a fixture stack in the shape cdktf synthesizes, a movable clock, and a twin
// listening on 127.0.0.1 port 0.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { generateSigningKey } from './keys';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, TwinApp, TwinConfig } from '../app';
import type { TwinClock } from '../contracts';
import { StackModel } from '../stack/stack-model';
import type { DeliveredMessage } from './service';

/**
 * Signing keys handed out in turn: every test builds twins, and RSA key generation dominated their run time.
 * Jest's global setup makes them once per run (`TWIN_TEST_KEYS_FILE`); without it they are made once per test
 * file. Sixteen keys keep the kids of one data directory unique for up to eight pools.
 */
const reusableKeys: { kid: string; privateJwk: string }[] = sharedKeys();
let nextKey = 0;
export function reusableKey(): { kid: string; privateJwk: string } {
  const i = nextKey++ % 16;
  reusableKeys[i] ??= generateSigningKey();
  return reusableKeys[i];
}

function sharedKeys(): { kid: string; privateJwk: string }[] {
  const file = process.env['TWIN_TEST_KEYS_FILE'];
  if (!file) return [];
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { kid: string; privateJwk: string }[]).slice(0, 16);
  } catch {
    return [];
  }
}

/** Cheap scrypt for tests that do not measure hashing itself. */
export const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };

export class TestClock implements TwinClock {
  constructor(public ms = Date.now()) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

const ref = (type: string, name: string, attr: string) => `\${${type}.${name}.${attr}}`;
const POOL = ref('aws_cognito_user_pool', 'Pool', 'id');
const OTHER = ref('aws_cognito_user_pool', 'Other', 'id');

export const CALLBACK = 'http://localhost:3000/callback';
export const LOGOUT = 'http://localhost:3000/';
export const DEMO_EMAIL = 'demo@example.com';

type Json = Record<string, unknown>;

/** A two-pool stack: the walk-through's pool (email sign-in, hosted UI) and a self-sign-up pool. */
export function fixtureStack(overrides: { pool?: Json; clients?: Record<string, Json>; resources?: Record<string, Record<string, Json>>; users?: Record<string, Json> } = {}): Json {
  const meta = (path: string) => ({ '//': { metadata: { path } } });
  return {
    '//': { metadata: { backend: 'local', stackName: 'fixture', version: '0.21.0' } },
    terraform: { required_providers: { aws: { source: 'aws', version: '~> 6.0' } } },
    provider: { aws: [{ region: 'eu-west-1' }] },
    variable: { demo_password: { type: 'string', sensitive: true } },
    resource: {
      aws_cognito_user_pool: {
        Pool: {
          ...meta('fixture/SecureApi/UserPool/Resource'),
          name: 'fixture-users',
          username_attributes: ['email'],
          auto_verified_attributes: ['email'],
          password_policy: { minimum_length: 12, require_lowercase: true, require_uppercase: true, require_numbers: true, require_symbols: true, temporary_password_validity_days: 7 },
          admin_create_user_config: { allow_admin_create_user_only: true },
          mfa_configuration: 'OFF',
          deletion_protection: 'ACTIVE',
          account_recovery_setting: { recovery_mechanism: [{ name: 'verified_email', priority: 1 }] },
          lifecycle: { ignore_changes: ['schema'] },
          ...overrides.pool,
        },
        Other: {
          name: 'fixture-self-service',
          auto_verified_attributes: ['email'],
          username_configuration: { case_sensitive: false },
          admin_create_user_config: { allow_admin_create_user_only: false },
        },
      },
      aws_cognito_user_pool_domain: {
        Domain: { ...meta('fixture/SecureApi/UserPool/Domain'), domain: 'twin-test', user_pool_id: POOL },
        OtherDomain: { domain: 'twin-other', user_pool_id: OTHER },
      },
      aws_cognito_resource_server: {
        Api: { identifier: 'https://api.example.com', name: 'api', user_pool_id: POOL, scope: [{ scope_name: 'read', scope_description: 'Read' }, { scope_name: 'write', scope_description: 'Write' }] },
      },
      aws_cognito_user_pool_client: {
        Web: {
          ...meta('fixture/SecureApi/UserPool/WebClient/Resource'),
          name: 'web',
          user_pool_id: POOL,
          allowed_oauth_flows: ['code', 'implicit'],
          allowed_oauth_flows_user_pool_client: true,
          allowed_oauth_scopes: ['openid', 'email', 'profile', 'https://api.example.com/read'],
          callback_urls: [CALLBACK, 'https://app.example.com/cb'],
          logout_urls: [LOGOUT],
          supported_identity_providers: ['COGNITO'],
          explicit_auth_flows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH'],
          generate_secret: false,
          prevent_user_existence_errors: 'ENABLED',
          enable_token_revocation: true,
          access_token_validity: 60,
          id_token_validity: 60,
          refresh_token_validity: 30,
          token_validity_units: { access_token: 'minutes', id_token: 'minutes', refresh_token: 'days' },
        },
        CodeOnly: {
          name: 'code-only',
          user_pool_id: POOL,
          allowed_oauth_flows: ['code'],
          allowed_oauth_flows_user_pool_client: true,
          allowed_oauth_scopes: ['openid', 'email'],
          callback_urls: [CALLBACK],
          supported_identity_providers: ['COGNITO'],
          explicit_auth_flows: ['ALLOW_REFRESH_TOKEN_AUTH'],
          prevent_user_existence_errors: 'ENABLED',
        },
        Legacy: {
          name: 'legacy',
          user_pool_id: POOL,
          explicit_auth_flows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
          prevent_user_existence_errors: 'LEGACY',
          enable_token_revocation: false,
        },
        Confidential: {
          name: 'confidential',
          user_pool_id: POOL,
          generate_secret: true,
          allowed_oauth_flows: ['code'],
          allowed_oauth_flows_user_pool_client: true,
          allowed_oauth_scopes: ['openid', 'email'],
          callback_urls: ['https://app.example.com/cb'],
          supported_identity_providers: ['COGNITO'],
          explicit_auth_flows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
          prevent_user_existence_errors: 'ENABLED',
        },
        Machine: {
          name: 'machine',
          user_pool_id: POOL,
          generate_secret: true,
          allowed_oauth_flows: ['client_credentials'],
          allowed_oauth_flows_user_pool_client: true,
          allowed_oauth_scopes: ['https://api.example.com/read'],
          supported_identity_providers: ['COGNITO'],
        },
        OtherWeb: {
          name: 'other-web',
          user_pool_id: OTHER,
          allowed_oauth_flows: ['code'],
          allowed_oauth_flows_user_pool_client: true,
          allowed_oauth_scopes: ['openid'],
          callback_urls: [CALLBACK],
          supported_identity_providers: ['COGNITO'],
          explicit_auth_flows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
          prevent_user_existence_errors: 'ENABLED',
        },
        ...overrides.clients,
      },
      aws_cognito_user: {
        Demo: { user_pool_id: POOL, username: DEMO_EMAIL, attributes: { email: DEMO_EMAIL, email_verified: 'true' }, temporary_password: '${var.demo_password}' },
        ...overrides.users,
      },
      aws_wafv2_web_acl_association: { Waf: { resource_arn: 'arn:aws:apigateway:eu-west-1::/restapis/x/stages/dev', web_acl_arn: 'arn:aws:wafv2:eu-west-1:1:regional/webacl/x/y' } },
      ...overrides.resources,
    },
    output: {
      user_pool_id: { value: POOL },
      web_client_id: { value: ref('aws_cognito_user_pool_client', 'Web', 'id') },
      machine_client_secret: { value: ref('aws_cognito_user_pool_client', 'Machine', 'client_secret'), sensitive: true },
      hosted_ui_url: { value: `https://${ref('aws_cognito_user_pool_domain', 'Domain', 'domain')}.auth.eu-west-1.amazoncognito.com` },
      login_url: { value: `https://${ref('aws_cognito_user_pool_domain', 'Domain', 'domain')}.auth.eu-west-1.amazoncognito.com/login?client_id=${ref('aws_cognito_user_pool_client', 'Web', 'id')}&response_type=code&redirect_uri=${CALLBACK}` },
      issuer: { value: `https://${ref('aws_cognito_user_pool', 'Pool', 'endpoint')}` },
      jwks_url: { value: `https://${ref('aws_cognito_user_pool', 'Pool', 'endpoint')}/.well-known/jwks.json` },
      scopes: { value: ref('aws_cognito_resource_server', 'Api', 'scope_identifiers') },
    },
  };
}

/** A running twin on 127.0.0.1, its base URL, the messages it "emailed", and a close that removes its data. */
export interface RunningTwin {
  readonly twin: TwinApp;
  readonly base: string;
  readonly dataDir: string;
  readonly messages: DeliveredMessage[];
  close(options?: { keepData?: boolean }): Promise<void>;
}

export async function startTwin(options: Partial<TwinConfig> & { json?: Json; listen?: boolean; port?: number } = {}): Promise<RunningTwin> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'twin-cognito-'));
  const messages: DeliveredMessage[] = [];
  const twin = await buildApp({
    scrypt: FAST_SCRYPT,
    generateKey: reusableKey,
    onMessage: (m) => messages.push(m),
    apiGateway: { accessLog: () => undefined },
    ...options,
    stack: options.stack ?? new StackModel(options.json ?? fixtureStack(), 'fixture'),
    dataDir,
  });
  let base = 'http://127.0.0.1';
  if (options.listen !== false) {
    await twin.app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
    const address = twin.app.server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    base = `http://127.0.0.1:${address.port}`;
    twin.setBaseUrl(base);
  }
  return {
    twin,
    base,
    dataDir,
    messages,
    async close({ keepData = false } = {}) {
      await twin.close();
      if (!keepData && !options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The ids the twin gave the fixture's resources. */
export function ids(twin: TwinApp): { pool: string; other: string; web: string; codeOnly: string; legacy: string; confidential: string; confidentialSecret: string; machine: string; machineSecret: string; otherWeb: string } {
  const attr = (address: string, name: string) => String(twin.ctx.stack.attributesOf(address)?.[name]);
  return {
    pool: attr('aws_cognito_user_pool.Pool', 'id'),
    other: attr('aws_cognito_user_pool.Other', 'id'),
    web: attr('aws_cognito_user_pool_client.Web', 'id'),
    codeOnly: attr('aws_cognito_user_pool_client.CodeOnly', 'id'),
    legacy: attr('aws_cognito_user_pool_client.Legacy', 'id'),
    confidential: attr('aws_cognito_user_pool_client.Confidential', 'id'),
    confidentialSecret: attr('aws_cognito_user_pool_client.Confidential', 'client_secret'),
    machine: attr('aws_cognito_user_pool_client.Machine', 'id'),
    machineSecret: attr('aws_cognito_user_pool_client.Machine', 'client_secret'),
    otherWeb: attr('aws_cognito_user_pool_client.OtherWeb', 'id'),
  };
}
