import type { JsonWebKey } from 'node:crypto';
import type { PoolDirectory, TwinPoolView } from '../contracts';
import { StackError, StackModel, StackResource } from '../stack/stack-model';
import type { TwinStore } from '../store/store';
import {
  ClientSettings, DeclaredUser, PoolSettings, ResourceServerSettings, STANDARD_SCOPES,
  readClient, readDomain, readPool, readResourceServer, readUser, refused,
} from './config';
import { newClientId, newClientSecret, newPoolId } from './ids';
import { generateSigningKey, loadSigningKey, SigningKey } from './keys';

/** The Terraform resource types the Cognito part builds. */
export const COGNITO_TYPES = [
  'aws_cognito_user_pool',
  'aws_cognito_user_pool_domain',
  'aws_cognito_user_pool_client',
  'aws_cognito_resource_server',
  'aws_cognito_user',
] as const;

/** An app client of a pool. */
export interface AppClient {
  readonly id: string;
  readonly secret?: string;
  readonly address: string;
  readonly settings: ClientSettings;
  readonly pool: UserPool;
}

/** A hosted UI domain: a prefix (`<prefix>.auth.<region>.amazoncognito.com`) or a custom domain. */
export interface HostedDomain {
  readonly domain: string;
  readonly custom: boolean;
  readonly address: string;
  readonly pool: UserPool;
}

/** A user pool as the twin runs it. */
export class UserPool implements TwinPoolView {
  readonly clients: AppClient[] = [];
  readonly resourceServers: ResourceServerSettings[] = [];
  readonly domains: HostedDomain[] = [];

  constructor(
    readonly id: string,
    readonly arn: string,
    readonly region: string,
    readonly resource: StackResource,
    readonly settings: PoolSettings,
    private readonly loadKey: (use: 'id' | 'access') => SigningKey,
    private readonly base: () => string,
  ) {}

  private keys?: { id: SigningKey; access: SigningKey };

  /** The key that signs ID tokens (created in the data directory on first use). */
  get idKey(): SigningKey {
    this.keys ??= { id: this.loadKey('id'), access: this.loadKey('access') };
    return this.keys.id;
  }

  /** The key that signs access tokens: another kid than ID tokens, as in Cognito. */
  get accessKey(): SigningKey {
    this.keys ??= { id: this.loadKey('id'), access: this.loadKey('access') };
    return this.keys.access;
  }

  get issuer(): string {
    return `${this.base()}/${this.id}`;
  }

  jwks(): { keys: JsonWebKey[] } {
    return { keys: [this.idKey.publicJwk, this.accessKey.publicJwk] };
  }

  /** Standard scopes plus every resource-server scope of the pool. */
  knownScopes(): Set<string> {
    return new Set([...STANDARD_SCOPES, ...this.resourceServers.flatMap((r) => r.scopes)]);
  }

  /** Whether users sign in with their email instead of a user name (the user name is then the `sub`). */
  get emailIsUsername(): boolean {
    return this.settings.usernameAttributes.includes('email');
  }

  /** Whether an email finds a user: as the user name, or as an alias. */
  get emailSignIn(): boolean {
    return this.emailIsUsername || this.settings.aliasAttributes.includes('email');
  }

  /** The hosted UI base of the pool's first domain in twin form, if it has one. */
  hostedUiBase(): string | undefined {
    const d = this.domains.find((x) => !x.custom) ?? this.domains[0];
    return d ? `${this.base()}/auth/${d.domain}` : undefined;
  }
}

/** Every pool, client and domain of the stack, found by the keys requests carry. */
export class CognitoDirectory implements PoolDirectory {
  constructor(private readonly pools: UserPool[]) {}

  byArn(arn: string): UserPool | undefined {
    return this.pools.find((p) => p.arn === arn);
  }

  byId(id: string): UserPool | undefined {
    return this.pools.find((p) => p.id === id);
  }

  all(): UserPool[] {
    return [...this.pools];
  }

  client(clientId: string): AppClient | undefined {
    for (const p of this.pools) {
      const c = p.clients.find((x) => x.id === clientId);
      if (c) return c;
    }
    return undefined;
  }

  domain(name: string): HostedDomain | undefined {
    for (const p of this.pools) {
      const d = p.domains.find((x) => x.domain === name);
      if (d) return d;
    }
    return undefined;
  }

  domains(): HostedDomain[] {
    return this.pools.flatMap((p) => p.domains);
  }
}

/** What `buildCognito` needs besides the stack. */
export interface BuildOptions {
  readonly region: string;
  readonly accountId: string;
  readonly baseUrl: () => string;
  readonly now: number;
  readonly variables?: Record<string, unknown>;
  /** Makes a new signing key. @default generateSigningKey (a fresh RSA 2048 key) */
  readonly generateKey?: () => { kid: string; privateJwk: string };
}

/** A user the stack declares, still to be created in its pool. */
export interface DeclaredUserOf {
  readonly pool: UserPool;
  readonly resource: StackResource;
  readonly user: DeclaredUser;
}

/**
 * Builds the stack's pools, resource servers, domains and clients; ids come from the store so that a restart
 * keeps them. Registers each resource's attributes on the stack model. Refuses, with AWS's wording, what AWS
 * would refuse at apply time.
 */
export function buildCognito(stack: StackModel, store: TwinStore, options: BuildOptions): { directory: CognitoDirectory; users: DeclaredUserOf[] } {
  const vars = options.variables ?? {};
  const pools: UserPool[] = [];
  const poolOf = (r: StackResource, config: Record<string, unknown>): UserPool => {
    const id = config['user_pool_id'];
    const pool = pools.find((p) => p.id === id);
    if (!pool) throw new StackError(`${r.address}: user_pool_id ${JSON.stringify(id)} names no user pool of the stack. Fix: reference an aws_cognito_user_pool of the same stack.`);
    return pool;
  };

  for (const r of stack.resources('aws_cognito_user_pool')) {
    const config = stack.resolveArguments(r, vars);
    const settings = readPool(r, config);
    const { id } = store.resourceId(r.address, () => ({ id: newPoolId(options.region) }));
    const arn = `arn:aws:cognito-idp:${options.region}:${options.accountId}:userpool/${id}`;
    const key = (use: 'id' | 'access') => {
      const rec = store.signingKey(id, use, options.generateKey ?? generateSigningKey, options.now);
      return loadSigningKey(rec.kid, rec.privateJwk);
    };
    const pool = new UserPool(id, arn, options.region, r, settings, key, options.baseUrl);
    pools.push(pool);
    stack.register(r.address, {
      ...config,
      id,
      arn,
      name: settings.name,
      endpoint: `cognito-idp.${options.region}.amazonaws.com/${id}`,
      creation_date: new Date(options.now).toISOString(),
      last_modified_date: new Date(options.now).toISOString(),
      estimated_number_of_users: store.countUsers(id),
      domain: '',
      custom_domain: '',
    });
  }

  for (const r of stack.resources('aws_cognito_resource_server')) {
    const config = stack.resolveArguments(r, vars);
    const pool = poolOf(r, config);
    const rs = readResourceServer(r, config);
    if (pool.resourceServers.some((x) => x.identifier === rs.identifier)) {
      throw refused(r, 'InvalidParameterException', `${rs.identifier} already exists in pool ${pool.id}.`);
    }
    pool.resourceServers.push(rs);
    stack.register(r.address, { ...config, id: `${pool.id}|${rs.identifier}`, scope_identifiers: rs.scopes });
  }

  const seenDomains = new Set<string>();
  for (const r of stack.resources('aws_cognito_user_pool_domain')) {
    const config = stack.resolveArguments(r, vars);
    const pool = poolOf(r, config);
    const { domain, custom } = readDomain(r, config);
    if (seenDomains.has(domain)) throw refused(r, 'InvalidParameterException', 'Domain already associated with another user pool.');
    if (pool.domains.some((d) => d.custom === custom)) {
      throw refused(r, 'InvalidParameterException', `User pool ${pool.id} already has a ${custom ? 'custom ' : ''}domain configured.`);
    }
    seenDomains.add(domain);
    pool.domains.push({ domain, custom, address: r.address, pool });
    stack.register(r.address, {
      ...config,
      id: domain,
      domain,
      user_pool_id: pool.id,
      aws_account_id: options.accountId,
      cloudfront_distribution: custom ? `d${domain.length}twin.cloudfront.net` : '',
      cloudfront_distribution_arn: custom ? `arn:aws:cloudfront::${options.accountId}:distribution/TWIN` : '',
      cloudfront_distribution_zone_id: 'Z2FDTNDATAQYW2',
      s3_bucket: '',
      version: '1',
    });
    stack.register(pool.resource.address, custom ? { custom_domain: domain } : { domain });
  }

  for (const r of stack.resources('aws_cognito_user_pool_client')) {
    const config = stack.resolveArguments(r, vars);
    const pool = poolOf(r, config);
    const settings = readClient(r, config, pool.knownScopes());
    const made = store.resourceId(r.address, () => ({ id: newClientId(), secret: settings.generateSecret ? newClientSecret() : undefined }));
    // A client that gained or lost its secret since the store recorded it is a new client on AWS too.
    const ids = Boolean(made.secret) === settings.generateSecret ? made : store.resourceId(`${r.address}#${settings.generateSecret ? 'secret' : 'public'}`, () => ({ id: newClientId(), secret: settings.generateSecret ? newClientSecret() : undefined }));
    const client: AppClient = { id: ids.id, secret: ids.secret, address: r.address, settings, pool };
    pool.clients.push(client);
    stack.register(r.address, { ...config, id: client.id, client_secret: client.secret ?? '', user_pool_id: pool.id, name: settings.name });
  }

  const users: DeclaredUserOf[] = [];
  for (const r of stack.resources('aws_cognito_user')) {
    const { temporary_password, password, ...rest } = r.config as Record<string, unknown>;
    const config = stack.resolveArguments({ ...r, config: rest }, vars);
    config['temporary_password'] = optionalSecret(stack, temporary_password, r.address, vars);
    config['password'] = optionalSecret(stack, password, r.address, vars);
    const pool = poolOf(r, config);
    users.push({ pool, resource: r, user: readUser(r, config) });
  }
  // Keys are made only once the whole stack passed AWS's checks: a refused stack costs no RSA key generation.
  for (const pool of pools) pool.jwks();
  return { directory: new CognitoDirectory(pools), users };
}

/**
 * A password from a sensitive variable that has no value yet is treated as absent, so that the twin generates
 * one, as Cognito does when Terraform sends none.
 */
function optionalSecret(stack: StackModel, value: unknown, where: string, vars: Record<string, unknown>): unknown {
  if (value === undefined) return undefined;
  try {
    return stack.resolve(value, where, vars);
  } catch (err) {
    if (err instanceof StackError && /has no value/.test(err.message)) return undefined;
    throw err;
  }
}
