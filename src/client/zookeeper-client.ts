/**
 * Service discovery through ZooKeeper: a balanced client whose address list
 * follows the live members under a service path (a child watch, re-armed on
 * every change). A member that leaves takes no new calls and its calls in
 * flight finish on their connection, so none is lost.
 */
import type { ServiceDesc } from '../protocol/index.js';
import { ZooKeeperSession, type Member, type ZooKeeperOptions } from '../transport/zookeeper.js';
import { BalancedClient, type BalancedOptions, type HostAddress } from './balanced.js';
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

/** A balanced client fed by ZooKeeper; one method per service function (see {@link createDiscoveryClient}). */
export class DiscoveryClient extends BalancedClient {
  /** @internal */ session: ZooKeeperSession | undefined;
  /** @internal */ unwatch: (() => void) | undefined;

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
    this.unwatch?.();
    this.unwatch = undefined;
    this.session?.close();
    this.session = undefined;
  }
}

/** A discovery client with one method per service function. */
export type DiscoveryServiceClient = DiscoveryClient & { [method: string]: any };

function toHost(m: Member): HostAddress {
  return 'path' in m ? { path: m.path } : { host: m.host, port: m.port };
}

/** Connects to ZooKeeper, reads the current members (resolving then), and follows them from there on. */
export async function createDiscoveryClient(service: ServiceDesc, options: DiscoveryOptions): Promise<DiscoveryServiceClient> {
  if (service === null || typeof service !== 'object' || service.kind !== 'service') {
    throw new TypeError('createDiscoveryClient: the first argument must be a service from load(), e.g. load(file).MyService');
  }
  const { zookeeper, onMembers, onError, ...balanced } = options;
  if (typeof zookeeper?.path !== 'string' || !zookeeper.path.startsWith('/')) throw new TypeError('zookeeper.path must be an absolute node path such as /services/echo');
  const Cls = withServiceMethods(DiscoveryClient, service);
  const client = new Cls(service, { ...balanced, hosts: [] }) as DiscoveryServiceClient;
  const session = await ZooKeeperSession.open(zookeeper);
  client.session = session;
  try {
    client.unwatch = await session.watchMembers(
      zookeeper.path,
      (members) => {
        const hosts = members.map(toHost);
        if (client.state !== 'open') return;
        client.setHosts(hosts);
        onMembers?.(hosts);
      },
      onError,
    );
  } catch (e) {
    client.destroy();
    throw e;
  }
  return client;
}
