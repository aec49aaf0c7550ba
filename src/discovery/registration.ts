/**
 * A server's entry in ZooKeeper: an ephemeral node under the service path that
 * clients watch. Leaving removes the node first and keeps serving for
 * `deregisterDelay`, so clients stop sending before the server drains and closes.
 */
import { ZooKeeperSession, type Member, type ZooKeeperOptions } from './zookeeper.js';

/** The `zookeeper` option of createServer. */
export interface RegistrationOptions extends ZooKeeperOptions {
  /** The service path members are created under, e.g. `/services/echo`. */
  path: string;
  /** The address clients should dial; default the bound address (host 0.0.0.0 or :: is published as 127.0.0.1). */
  advertise?: Member;
  /** How long to keep serving after the node is removed, before draining, in ms; default 500. */
  deregisterDelay?: number;
  /** Errors while re-registering after a session expiry. */
  onError?: (error: unknown) => void;
}

/** A live registration; see {@link RegistrationOptions}. */
export class ServerRegistration {
  /** The member node's path (it changes when the session expired and the node was made again). */
  node: string;
  private session: ZooKeeperSession;
  private readonly options: RegistrationOptions;
  private readonly member: Member;
  private left = false;

  private constructor(session: ZooKeeperSession, node: string, options: RegistrationOptions, member: Member) {
    this.session = session;
    this.node = node;
    this.options = options;
    this.member = member;
    this.watchExpiry();
  }

  /** Opens a session and creates the member node for `bound` (what the server listens on). */
  static async start(options: RegistrationOptions, bound: { readonly host?: string; readonly port?: number; readonly path?: string }): Promise<ServerRegistration> {
    if (typeof options.path !== 'string' || !options.path.startsWith('/')) throw new TypeError(`zookeeper.path must be an absolute node path such as /services/echo, got ${JSON.stringify(options.path)}`);
    const delay = options.deregisterDelay ?? 500;
    if (!(delay >= 0)) throw new RangeError(`zookeeper.deregisterDelay must be >= 0, got ${delay}`);
    const member: Member = options.advertise
      ?? (bound.path !== undefined ? { path: bound.path } : { host: bound.host === undefined || bound.host === '0.0.0.0' || bound.host === '::' ? '127.0.0.1' : bound.host, port: bound.port ?? 0 });
    const session = await ZooKeeperSession.open(options);
    try {
      const node = await session.register(options.path, member);
      return new ServerRegistration(session, node, options, member);
    } catch (e) {
      session.close();
      throw e;
    }
  }

  /** Removes the node, waits `deregisterDelay` (still serving), then ends the session. */
  async leave(): Promise<void> {
    if (this.left) return;
    this.left = true;
    try {
      // Bounded: with ZooKeeper unreachable the node goes when the session ends below anyway.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([this.session.unregister(this.node), new Promise((resolve) => (timer = setTimeout(resolve, 5000)))]).finally(() => clearTimeout(timer));
      const delay = this.options.deregisterDelay ?? 500;
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    } finally {
      this.session.close();
    }
  }

  /** Ends the session now (ZooKeeper deletes the node). */
  destroy(): void {
    this.left = true;
    this.session.close();
  }

  /** An expired session lost its ephemeral node: open a new one and register again (retrying while ZooKeeper is unreachable). */
  private watchExpiry(): void {
    this.session.onExpired(() => this.reregister());
  }

  private reregister(): void {
    if (this.left) return;
    this.session.close();
    ZooKeeperSession.open(this.options)
      .then(async (session) => {
        if (this.left) {
          session.close();
          return;
        }
        this.session = session;
        this.node = await session.register(this.options.path, this.member);
        if (this.left) session.close();
        else this.watchExpiry();
      })
      .catch((e: unknown) => {
        this.options.onError?.(e);
        if (!this.left) setTimeout(() => this.reregister(), 1000).unref?.();
      });
  }
}
