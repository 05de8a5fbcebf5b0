import type { JsonWebKey } from 'node:crypto';
import type { PoolDirectory, TwinPoolView } from '../contracts';
import type { TwinStore } from '../store/store';
import { generateSigningKey, generateSigningKeyAsync, loadSigningKey, SigningKey } from './keys';
import {
  clientSettings, KIND, poolSettings, resourceServerSettings, STANDARD_SCOPES,
  type ClientSettings, type DomainDoc, type PoolSettings, type ResourceServerDoc, type ResourceServerSettings, type UserPoolClientDoc, type UserPoolDoc,
} from './model';

export { STANDARD_SCOPES } from './model';
export type { ClientSettings, OAuthFlow, PoolSettings, ResourceServerSettings } from './model';

/** An app client of a pool. */
export interface AppClient {
  readonly id: string;
  readonly secret?: string;
  readonly settings: ClientSettings;
  readonly pool: UserPool;
  readonly doc: UserPoolClientDoc;
}

/** A hosted UI domain: a prefix (`<prefix>.auth.<region>.amazoncognito.com`) or a custom domain. */
export interface HostedDomain {
  readonly domain: string;
  readonly custom: boolean;
  readonly pool: UserPool;
}

/**
 * A user pool as the twin runs it: its settings, clients, resource servers and domains, read from the store. The
 * object stays the same while the pool exists (token verification remembers which pool a key belongs to); what it
 * holds is replaced when the pool or its parts change.
 */
export class UserPool implements TwinPoolView {
  clients: AppClient[] = [];
  resourceServers: ResourceServerSettings[] = [];
  domains: HostedDomain[] = [];
  settings: PoolSettings;
  readonly arn: string;
  readonly region: string;

  constructor(
    readonly id: string,
    public doc: UserPoolDoc,
    private readonly loadKey: (use: 'id' | 'access') => SigningKey,
    private readonly base: () => string,
  ) {
    this.arn = doc.Arn;
    this.region = id.split('_')[0];
    this.settings = poolSettings(doc);
  }

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

/** What the directory needs to read pools from the store. */
export interface DirectoryOptions {
  readonly baseUrl: () => string;
  readonly now: () => number;
  /** Makes a new signing key. @default generateSigningKey (a fresh RSA 2048 key) */
  readonly generateKey?: () => { kid: string; privateJwk: string };
}

/**
 * Every pool, client and domain the store holds, found by the keys requests carry. Read again from the store
 * whenever it changed since the last read, so that what the control plane creates is served at once.
 */
export class CognitoDirectory implements PoolDirectory {
  private readonly byIdMap = new Map<string, UserPool>();
  private pools: UserPool[] = [];
  private clientsById = new Map<string, AppClient>();
  private domainsByName = new Map<string, HostedDomain>();
  private readAt = -1;

  constructor(private readonly store: TwinStore, private readonly options: DirectoryOptions) {}

  /** Changes whenever the pools, their clients, domains or resource servers may have changed. */
  version(): number {
    this.refresh();
    return this.readAt;
  }

  byArn(arn: string): UserPool | undefined {
    this.refresh();
    return this.pools.find((p) => p.arn === arn);
  }

  byId(id: string): UserPool | undefined {
    this.refresh();
    return this.byIdMap.get(id);
  }

  all(): UserPool[] {
    this.refresh();
    return [...this.pools];
  }

  client(clientId: string): AppClient | undefined {
    this.refresh();
    return this.clientsById.get(clientId);
  }

  domain(name: string): HostedDomain | undefined {
    this.refresh();
    return this.domainsByName.get(name);
  }

  domains(): HostedDomain[] {
    this.refresh();
    return [...this.domainsByName.values()];
  }

  private refresh(): void {
    const generation = this.store.generation;
    if (generation === this.readAt) return;
    this.readAt = generation;
    const seen = new Set<string>();
    const pools: UserPool[] = [];
    for (const { doc } of this.store.resources<UserPoolDoc>(KIND.pool)) {
      seen.add(doc.Id);
      let pool = this.byIdMap.get(doc.Id);
      if (pool) {
        pool.doc = doc;
        pool.settings = poolSettings(doc);
      } else {
        pool = new UserPool(doc.Id, doc, (use) => this.key(doc.Id, use), this.options.baseUrl);
        this.byIdMap.set(doc.Id, pool);
      }
      pool.clients = [];
      pool.domains = [];
      pool.resourceServers = [];
      pools.push(pool);
    }
    for (const id of [...this.byIdMap.keys()]) if (!seen.has(id)) this.byIdMap.delete(id);
    for (const { doc } of this.store.resources<ResourceServerDoc>(KIND.resourceServer)) this.byIdMap.get(doc.UserPoolId)?.resourceServers.push(resourceServerSettings(doc));
    this.clientsById = new Map();
    for (const { doc } of this.store.resources<UserPoolClientDoc>(KIND.client)) {
      const pool = this.byIdMap.get(doc.UserPoolId);
      if (!pool) continue;
      const client: AppClient = { id: doc.ClientId, secret: doc.ClientSecret, settings: clientSettings(doc), pool, doc };
      pool.clients.push(client);
      this.clientsById.set(client.id, client);
    }
    this.domainsByName = new Map();
    for (const { doc } of this.store.resources<DomainDoc>(KIND.domain)) {
      const pool = this.byIdMap.get(doc.UserPoolId);
      if (!pool) continue;
      const domain: HostedDomain = { domain: doc.Domain, custom: doc.CustomDomainConfig !== undefined, pool };
      pool.domains.push(domain);
      this.domainsByName.set(domain.domain, domain);
    }
    this.pools = pools;
  }

  /**
   * Makes a new pool's two signing keys in the background (RSA key generation takes a few hundred milliseconds, which
   * CreateUserPool does not wait for). A key asked for before it is ready is made there and then, and kept: the
   * background one is then dropped, so a pool never has two keys for one use.
   */
  prepareKeys(poolId: string): void {
    if (this.options.generateKey) {
      this.byId(poolId)?.jwks();
      return;
    }
    for (const use of ['id', 'access'] as const) {
      generateSigningKeyAsync().then(
        (made) => {
          if (this.store.isOpen && this.store.resource(KIND.pool, poolId)) this.store.signingKey(poolId, use, () => made, this.options.now());
        },
        () => undefined,
      );
    }
  }

  private key(poolId: string, use: 'id' | 'access'): SigningKey {
    const rec = this.store.signingKey(poolId, use, this.options.generateKey ?? generateSigningKey, this.options.now());
    return loadSigningKey(rec.kid, rec.privateJwk);
  }
}
