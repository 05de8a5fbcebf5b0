import type { TerraformResource } from 'cdktf';

/** A resource server as the pool's clients see it. */
export interface RegisteredServer {
  readonly identifier: string;
  /** Full scope names, `identifier/scope`. */
  readonly scopes: readonly string[];
  readonly resource: TerraformResource;
}

/** A client that wants to hear about resource servers added to its pool after it. */
export interface ServerListener {
  onResourceServer(server: RegisteredServer): void;
}

interface PoolEntry {
  readonly servers: RegisteredServer[];
  readonly listeners: ServerListener[];
}

/**
 * Resource servers and clients per pool. Clients and resource servers can be added in any order (through the
 * pool's `add*` methods or by `new`), yet every client must learn every server of its pool: its default scopes
 * include all resource-server scopes, and Terraform must create a server before a client that names its scopes
 * (else Cognito answers "Invalid scope requested"). Keyed weakly by the pool object, so imported pools work too.
 */
const pools = new WeakMap<object, PoolEntry>();

function entry(pool: object): PoolEntry {
  let e = pools.get(pool);
  if (!e) {
    e = { servers: [], listeners: [] };
    pools.set(pool, e);
  }
  return e;
}

export function registerServer(pool: object, server: RegisteredServer): void {
  const e = entry(pool);
  e.servers.push(server);
  for (const l of e.listeners) l.onResourceServer(server);
}

/** Subscribes `listener` and replays the servers already registered. */
export function listenForServers(pool: object, listener: ServerListener): void {
  const e = entry(pool);
  e.listeners.push(listener);
  for (const s of e.servers) listener.onResourceServer(s);
}

export function serversOf(pool: object): readonly RegisteredServer[] {
  return pools.get(pool)?.servers ?? [];
}

const usernames = new WeakMap<object, Map<string, string>>();

/**
 * Records that the user at `path` holds `username` in `pool`; returns the path of the user that already holds it
 * (Cognito compares usernames without case in this library's pools), so that a second AdminCreateUser for the
 * same email fails at synth instead of at apply ("User account already exists").
 */
export function claimUsername(pool: object, username: string, path: string): string | undefined {
  let byName = usernames.get(pool);
  if (!byName) {
    byName = new Map();
    usernames.set(pool, byName);
  }
  const key = username.toLowerCase();
  const holder = byName.get(key);
  if (holder === undefined) byName.set(key, path);
  return holder;
}
