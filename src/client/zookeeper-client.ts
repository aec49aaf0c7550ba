/**
 * Service discovery through ZooKeeper: a balanced client whose address list
 * follows the live members under a service path (a child watch, re-armed on
 * every change). A member that leaves takes no new calls and its calls in
 * flight finish on their connection, so none is lost.
 */
import { assertService, type ServiceDesc } from '../protocol/index.js';
import type { ClientOf } from '../protocol/schema.js';
import { ZooKeeperSession, type Member, type ZooKeeperOptions } from '../discovery/zookeeper.js';
import { BalancedClient, balancedOptionShapes, type BalancedOptions } from './balanced.js';
import { checkOptions, libraryHints, type OptionShape } from '../options.js';
import type { HostAddress } from './hosts.js';
import { withServiceMethods } from './service-methods.js';

/** Options for {@link createDiscoveryClient}: balancing options, with ZooKeeper in place of `hosts`. */
export interface DiscoveryOptions extends Omit<BalancedOptions, 'hosts'> {
  /** The ensemble and the service path servers register under. */
  zookeeper: ZooKeeperOptions & { path: string };
  /** Called with the address list each time it changes (also the first time). */
  onMembers?: (hosts: HostAddress[]) => void;
  /** Errors while re-reading the members (the last known list stays in use). */
  onError?: (error: unknown) => void;
}

/** The shapes of {@link DiscoveryOptions}. */
const discoveryOptionShapes = (({ hosts: _h, ...rest }) => ({ ...rest, zookeeper: 'object', onMembers: 'function', onError: 'function' }))(
  balancedOptionShapes,
) satisfies Record<keyof DiscoveryOptions, OptionShape>;

/** How long to wait before following again after a failed attempt (ZooKeeper unreachable), in ms. */
const REFOLLOW_DELAY = 1000;

/** A balanced client fed by ZooKeeper; one method per service function (see {@link createDiscoveryClient}). */
export class DiscoveryClient extends BalancedClient {
  private session: ZooKeeperSession | undefined;
  private unwatch: (() => void) | undefined;
  private discovery: Pick<DiscoveryOptions, 'zookeeper' | 'onMembers' | 'onError'> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * @internal Opens a session and follows the members; when the session expires
   * (its watches die with it) a new one is opened and followed again.
   */
  async follow(discovery: Pick<DiscoveryOptions, 'zookeeper' | 'onMembers' | 'onError'>): Promise<void> {
    this.discovery = discovery;
    const session = await ZooKeeperSession.open(discovery.zookeeper);
    if (this.state !== 'open') {
      session.close();
      return;
    }
    this.session = session;
    session.onExpired(() => this.refollow());
    this.unwatch = await session.watchMembers(
      discovery.zookeeper.path,
      (members) => {
        if (this.state !== 'open' || this.session !== session) return;
        const hosts = members.map(toHost);
        this.setHosts(hosts);
        discovery.onMembers?.(hosts);
      },
      discovery.onError,
    );
  }

  private refollow(): void {
    this.retryTimer = undefined;
    if (this.state !== 'open' || this.discovery === undefined) return;
    this.unwatch?.();
    this.session?.close();
    this.session = undefined;
    const discovery = this.discovery;
    this.follow(discovery).catch((e: unknown) => {
      discovery.onError?.(e);
      if (this.state === 'open') this.retryTimer = setTimeout(() => this.refollow(), REFOLLOW_DELAY);
    });
  }

  /** Stops following ZooKeeper, lets calls in flight finish, closes every connection. */
  override async close(): Promise<void> {
    this.stopFollowing();
    await super.close();
  }

  /** Stops following ZooKeeper and closes every connection now. */
  override destroy(error?: Error): void {
    this.stopFollowing();
    super.destroy(error);
  }

  private stopFollowing(): void {
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.discovery = undefined;
    this.unwatch?.();
    this.unwatch = undefined;
    this.session?.close();
    this.session = undefined;
  }
}

/** A discovery client with one method per service function; `Methods` types them (see ServiceClient). */
export type DiscoveryServiceClient<Methods extends object = { [method: string]: any }> = DiscoveryClient & Omit<Methods, keyof DiscoveryClient>;

function toHost(m: Member): HostAddress {
  return 'path' in m ? { path: m.path } : { host: m.host, port: m.port };
}

/** Connects to ZooKeeper, reads the current members (resolving then), and follows them from there on. */
export async function createDiscoveryClient<S extends ServiceDesc>(service: S, options: DiscoveryOptions): Promise<DiscoveryServiceClient<ClientOf<S>>> {
  assertService('createDiscoveryClient', service);
  checkOptions('createDiscoveryClient', options, discoveryOptionShapes, libraryHints());
  const { zookeeper, onMembers, onError, ...balanced } = options;
  if (typeof zookeeper?.path !== 'string' || !zookeeper.path.startsWith('/')) throw new TypeError('zookeeper.path must be an absolute node path such as /services/echo');
  const Cls = withServiceMethods(DiscoveryClient, service);
  const client = new Cls(service, { ...balanced, hosts: [] }) as DiscoveryServiceClient<ClientOf<S>>;
  try {
    await client.follow({ zookeeper, onMembers, onError });
  } catch (e) {
    client.destroy();
    throw e;
  }
  return client;
}
