/**
 * A small promise API over ZooKeeper for service discovery, on the optional
 * peer dependency `node-zookeeper-client` (loaded only when used). A server's
 * address is an ephemeral sequential node `member_…` under the service path,
 * holding JSON in the serverset layout (`{"serviceEndpoint":{"host","port"},
 * "additionalEndpoints":{},"status":"ALIVE"}`) that Finagle and Aurora use too;
 * ZooKeeper deletes it when the server's session ends.
 */
import type { Client, Event as ZkEvent } from 'node-zookeeper-client';
import { MissingDependencyError, TimeoutError, TransportError } from '../errors.js';

/** Where the ZooKeeper ensemble is and how the session behaves. */
export interface ZooKeeperOptions {
  /** Connection string: `host:port[,host:port...][/chroot]`. */
  connect: string;
  /** Session timeout in ms: how long after a crash the server's node disappears; default 10_000. */
  sessionTimeout?: number;
  /** How long to wait for the first connection, in ms; default 10_000. */
  connectTimeout?: number;
}

/** One server as discovered: host and port, or a unix socket path. */
export type Member = { host: string; port: number } | { path: string };

type ZkModule = typeof import('node-zookeeper-client');

async function loadClient(): Promise<ZkModule> {
  try {
    const mod = (await import('node-zookeeper-client')) as ZkModule & { default?: ZkModule };
    return mod.default ?? mod;
  } catch (e) {
    throw new MissingDependencyError('node-zookeeper-client', 'ZooKeeper discovery', { cause: e });
  }
}

function fail(what: string, error: unknown): TransportError {
  return new TransportError(`zookeeper ${what} failed: ${error instanceof Error ? error.message : String(error)}`, 'TRANSPORT', { cause: error });
}

/** Parses a member node's data; undefined for data that names no address. */
export function parseMember(data: Uint8Array | undefined): Member | undefined {
  if (data === undefined || data.length === 0) return undefined;
  try {
    const v = JSON.parse(new TextDecoder().decode(data)) as Record<string, any>;
    if (v.status !== undefined && v.status !== 'ALIVE') return undefined;
    const ep = v.serviceEndpoint ?? v;
    if (typeof ep.path === 'string') return { path: ep.path };
    if (typeof ep.host === 'string' && Number.isInteger(ep.port)) return { host: ep.host, port: ep.port };
  } catch {
    // Not ours: skip it.
  }
  return undefined;
}

/** The JSON a member node holds. */
export function encodeMember(member: Member): Uint8Array {
  const endpoint = 'path' in member ? { path: member.path } : { host: member.host, port: member.port };
  return new TextEncoder().encode(JSON.stringify({ serviceEndpoint: endpoint, additionalEndpoints: {}, status: 'ALIVE' }));
}

/**
 * Gives up on a client that never connected. close() alone is not enough: the library
 * then writes a close-session packet into the half-done handshake and keeps the socket
 * (and this process) alive while the server stays silent; destroying the socket ends it.
 */
function abandon(client: Client): void {
  client.close();
  (client as unknown as { connectionManager?: { socket?: { destroy(): void } } }).connectionManager?.socket?.destroy();
}

/** An open ZooKeeper session. */
export class ZooKeeperSession {
  private readonly zk: ZkModule;
  private readonly client: Client;
  private closedFlag = false;
  private lost = false;
  /** Whether the client holds a live connection (it is connected when the session opens). */
  private connected = true;
  private readonly lostListeners: (() => void)[] = [];
  private lostTimer: ReturnType<typeof setTimeout> | undefined;

  private constructor(zk: ZkModule, client: Client, sessionTimeout: number) {
    this.zk = zk;
    this.client = client;
    client.once('expired', () => this.markLost());
    // Disconnected for a whole session timeout, the session is gone for the ensemble too (or soon
    // will be); waiting longer for the server to say so can take forever when a reconnect stalls.
    client.on('disconnected', () => {
      this.connected = false;
      if (this.lostTimer === undefined && !this.closedFlag) this.lostTimer = setTimeout(() => this.markLost(), sessionTimeout);
    });
    client.on('connected', () => {
      this.connected = true;
      if (this.lostTimer !== undefined) clearTimeout(this.lostTimer);
      this.lostTimer = undefined;
    });
  }

  private markLost(): void {
    if (this.lostTimer !== undefined) clearTimeout(this.lostTimer);
    this.lostTimer = undefined;
    if (this.lost || this.closedFlag) return;
    this.lost = true;
    for (const listener of this.lostListeners.splice(0)) listener();
  }

  /** Connects; rejects with TimeoutError if no server answers within connectTimeout. */
  static async open(options: ZooKeeperOptions): Promise<ZooKeeperSession> {
    if (typeof options?.connect !== 'string' || options.connect === '') throw new TypeError('zookeeper.connect must be a connection string such as "127.0.0.1:2181"');
    const zk = await loadClient();
    const client = zk.createClient(options.connect, { sessionTimeout: options.sessionTimeout ?? 10_000, spinDelay: 200, retries: 1 });
    const timeout = options.connectTimeout ?? 10_000;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        abandon(client);
        reject(new TimeoutError(`zookeeper at ${options.connect} did not answer within ${timeout} ms`));
      }, timeout);
      client.once('connected', () => {
        clearTimeout(timer);
        resolve();
      });
      client.connect();
    });
    return new ZooKeeperSession(zk, client, options.sessionTimeout ?? 10_000);
  }

  /** Fires once when the session expires, or stays disconnected for a whole session timeout (its ephemeral nodes are gone). */
  onExpired(listener: () => void): void {
    if (this.lost) queueMicrotask(listener);
    else this.lostListeners.push(listener);
  }

  /** Creates `servicePath` if needed and an ephemeral sequential member node for `member`; resolves with its path. */
  async register(servicePath: string, member: Member): Promise<string> {
    await new Promise<void>((resolve, reject) => this.client.mkdirp(servicePath, (e) => (e ? reject(fail(`mkdirp ${servicePath}`, e)) : resolve())));
    return new Promise<string>((resolve, reject) => {
      this.client.create(`${servicePath}/member_`, Buffer.from(encodeMember(member)), this.zk.CreateMode.EPHEMERAL_SEQUENTIAL, (e, path) =>
        e ? reject(fail(`create under ${servicePath}`, e)) : resolve(path),
      );
    });
  }

  /** Deletes a node (a missing node is fine). */
  unregister(node: string): Promise<void> {
    // A closed session's ephemeral nodes are already gone (and its client would never call back).
    if (this.closedFlag) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.client.remove(node, (e) => {
        if (e && (e as { getCode?: () => number }).getCode?.() !== this.zk.Exception.NO_NODE) reject(fail(`remove ${node}`, e));
        else resolve();
      });
    });
  }

  /**
   * Follows the members under `servicePath`: calls `onChange` with the full list
   * now and after every change (a child watch, re-armed each time). Resolves once
   * the first list was delivered; returns a function that stops following.
   */
  async watchMembers(servicePath: string, onChange: (members: Member[]) => void, onError?: (error: unknown) => void): Promise<() => void> {
    let stopped = false;
    const load = async (): Promise<void> => {
      if (stopped || this.closedFlag) return;
      const watcher = (_event: ZkEvent): void => {
        load().catch((e: unknown) => onError?.(e));
      };
      const children = await new Promise<string[] | null>((resolve, reject) => {
        this.client.getChildren(servicePath, watcher, (e, names) => {
          if (e && (e as { getCode?: () => number }).getCode?.() === this.zk.Exception.NO_NODE) {
            // No server has registered yet: watch for the path to appear. If it appeared
            // in between, exists() set no creation watch: list the children again (null).
            this.client.exists(servicePath, watcher, (e2, stat) => {
              if (e2) reject(fail(`exists ${servicePath}`, e2));
              else resolve(stat ? null : []);
            });
          } else if (e) reject(fail(`getChildren ${servicePath}`, e));
          else resolve(names);
        });
      });
      if (children === null) return load();
      const found = await Promise.all(
        children.sort().map(
          (name) =>
            new Promise<Member | undefined>((resolve) => {
              // A member that left between the listing and this read is simply skipped.
              this.client.getData(`${servicePath}/${name}`, (e, data) => resolve(e ? undefined : parseMember(data ?? undefined)));
            }),
        ),
      );
      if (!stopped && !this.closedFlag) onChange(found.filter((m): m is Member => m !== undefined));
    };
    await load();
    return () => {
      stopped = true;
    };
  }

  /** Ends the session: its ephemeral nodes are deleted by the ensemble at once (or when it expires, if disconnected). */
  close(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    if (this.lostTimer !== undefined) clearTimeout(this.lostTimer);
    this.lostTimer = undefined;
    // Connected, the library ends the session properly; otherwise it may be waiting on a
    // handshake the server never answers, which only destroying the socket ends.
    if (this.connected) this.client.close();
    else abandon(this.client);
  }
}
