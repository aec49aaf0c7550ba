/**
 * One client over several servers: each call goes to one live address, picked
 * round-robin or by fewest calls in flight. An address whose connection fails
 * `failureThreshold` times in a row is marked down and probed back every
 * `probeInterval`. A call is moved to another address only when its connection
 * could not be opened (so it was never sent); a call lost with its connection
 * fails with ConnectionClosedError and is never re-sent.
 */
import { ConnectionClosedError } from '../errors.js';
import { Lifecycle, type Closable, type LifecycleState } from '../lifecycle.js';
import { assertService, type ServiceDesc } from '../protocol/index.js';
import type { ClientOf } from '../protocol/schema.js';
import type { CallOptions } from '../call/index.js';
import type { ServiceClient } from './client.js';
import { connectionOptionShapes, createConnection, type ConnectionOptions } from './connection.js';
import { checkOptions, libraryHints, type OptionShape } from '../options.js';
import { parseHost, type HostAddress, type HostTarget } from './hosts.js';
import { withServiceMethods } from './service-methods.js';

/** How calls are spread over the addresses. */
export type BalanceStrategy = 'round-robin' | 'least-inflight';

/** Options for {@link createBalancedClient}: connection options for every address plus the address list. */
export interface BalancedOptions extends Omit<ConnectionOptions, 'host' | 'port' | 'path' | 'signal'> {
  /** The servers; may be empty at first and changed with setHosts(). */
  hosts: readonly HostAddress[];
  /** Default 'round-robin'. */
  balance?: BalanceStrategy;
  /** Consecutive connection failures that mark an address down; default 2. */
  failureThreshold?: number;
  /** How often a down address is probed (a connection attempt), in ms; default 1000. */
  probeInterval?: number;
  /** Called when an address goes down or comes back up. */
  onHostChange?: (status: HostStatus) => void;
}

/** The shapes of {@link BalancedOptions}. */
export const balancedOptionShapes = (({ host: _h, port: _p, path: _a, signal: _s, ...rest }) => ({
  ...rest,
  hosts: 'array',
  balance: 'string',
  failureThreshold: 'number',
  probeInterval: 'number',
  onHostChange: 'function',
}))(connectionOptionShapes) satisfies Record<keyof BalancedOptions, OptionShape>;

/** What the client knows of one address. */
export interface HostStatus {
  /** `host:port` or the path. */
  readonly address: string;
  /** 'up' while calls may go there; 'down' while it is only probed. */
  readonly state: 'up' | 'down';
  /** Calls in flight there. */
  readonly inflight: number;
  /** Consecutive connection failures. */
  readonly failures: number;
}

/** Lifecycle of a balanced client. */
export type BalancedState = LifecycleState;

/** @internal One address and its connection. */
class Slot {
  state: 'up' | 'down' = 'up';
  failures = 0;
  conn: ServiceClient | undefined;
  connecting: Promise<ServiceClient> | undefined;
  probe: ReturnType<typeof setInterval> | undefined;
  /** Calls given to this slot and not settled (also while it connects). */
  inflight = 0;
  removed = false;
  constructor(
    readonly key: string,
    readonly target: HostTarget,
  ) {}
}

/** A client over several addresses; one method per service function (see {@link createBalancedClient}). */
export class BalancedClient implements Closable {
  /** The service this client calls. */
  readonly service: ServiceDesc;
  private readonly life = new Lifecycle();
  /** Resolves once closed, with the error given to destroy() if any (never rejects). */
  get closed(): Promise<Error | undefined> {
    return this.life.closed;
  }
  private readonly options: BalancedOptions;
  private readonly balance: BalanceStrategy;
  private readonly threshold: number;
  private readonly probeInterval: number;
  private slots: Slot[] = [];
  private cursor = 0;

  /** @internal use {@link createBalancedClient} */
  constructor(service: ServiceDesc, options: BalancedOptions) {
    this.service = service;
    this.options = options;
    this.balance = options.balance ?? 'round-robin';
    if (this.balance !== 'round-robin' && this.balance !== 'least-inflight') throw new TypeError(`balance must be 'round-robin' or 'least-inflight', got ${JSON.stringify(this.balance)}`);
    this.threshold = options.failureThreshold ?? 2;
    if (!(Number.isInteger(this.threshold) && this.threshold >= 1)) throw new RangeError(`failureThreshold must be an integer >= 1, got ${this.threshold}`);
    this.probeInterval = options.probeInterval ?? 1000;
    if (!(this.probeInterval > 0)) throw new RangeError(`probeInterval must be > 0, got ${this.probeInterval}`);
    if (!Array.isArray(options.hosts)) throw new TypeError('hosts must be an array of addresses');
    this.setHosts(options.hosts);
  }

  /** Each address, its state and load. */
  get hosts(): HostStatus[] {
    return this.slots.map((s) => this.status(s));
  }

  /** Calls in flight over every address. */
  get inflight(): number {
    let n = 0;
    for (const s of this.slots) n += s.inflight;
    return n;
  }

  /**
   * Replaces the address list. New addresses start 'up' (connected on first use);
   * removed ones take no new calls, their calls in flight finish, then they close.
   */
  setHosts(hosts: readonly HostAddress[]): void {
    const next = new Map(hosts.map((h) => {
      const { key, target } = parseHost(h);
      return [key, target] as const;
    }));
    const kept: Slot[] = [];
    for (const slot of this.slots) {
      if (next.has(slot.key)) {
        kept.push(slot);
        next.delete(slot.key);
      } else {
        this.retire(slot);
      }
    }
    for (const [key, target] of next) kept.push(new Slot(key, target));
    this.slots = kept;
  }

  /** Calls `name` with positional arguments. */
  execute(name: string, ...args: unknown[]): Promise<any> {
    return this.call(name, args);
  }

  /** Calls `name` on one live address; moves to another only while no connection could be opened. */
  async call(name: string, args: readonly unknown[], options?: CallOptions): Promise<any> {
    if (this.state !== 'open') throw new ConnectionClosedError(`client is ${this.state}`);
    const tried = new Set<Slot>();
    let lastError: unknown;
    for (;;) {
      const slot = this.pick(tried);
      if (slot === undefined) {
        throw new ConnectionClosedError(lastError === undefined ? 'no server is up' : `no server could be reached: ${(lastError as Error).message}`, { cause: lastError });
      }
      tried.add(slot);
      slot.inflight++;
      let conn: ServiceClient;
      try {
        conn = slot.conn !== undefined && slot.conn.state === 'open' ? slot.conn : await this.connect(slot);
      } catch (e) {
        slot.inflight--;
        lastError = e;
        continue;
      }
      try {
        return await conn.call(name, args, options);
      } finally {
        slot.inflight--;
      }
    }
  }

  /** 'open', 'closing' while calls in flight finish, 'closed'. */
  get state(): BalancedState {
    return this.life.state;
  }

  /** Stops taking calls, lets calls in flight finish, closes every connection; the same promise on every call. */
  close(): Promise<void> {
    return this.life.close(() => {
      const slots = this.slots;
      this.slots = [];
      return Promise.all(slots.map((s) => this.retire(s)));
    });
  }

  /** Closes every connection now; calls in flight fail with ConnectionClosedError. */
  destroy(error?: Error): void {
    if (this.state === 'closed') return;
    for (const s of this.slots.splice(0)) {
      s.removed = true;
      if (s.probe !== undefined) clearInterval(s.probe);
      s.conn?.destroy(error);
    }
    this.life.end(error);
  }

  /** Alias of close(), for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private pick(tried: Set<Slot>): Slot | undefined {
    const slots = this.slots;
    const n = slots.length;
    if (this.balance === 'least-inflight') {
      let best: Slot | undefined;
      for (const s of slots) {
        if (s.state === 'up' && !tried.has(s) && (best === undefined || s.inflight < best.inflight)) best = s;
      }
      return best;
    }
    for (let i = 0; i < n; i++) {
      const s = slots[(this.cursor + i) % n];
      if (s.state === 'up' && !tried.has(s)) {
        this.cursor = (this.cursor + i + 1) % n;
        return s;
      }
    }
    return undefined;
  }

  /** One connection attempt per slot at a time; failures count towards marking it down. */
  private connect(slot: Slot): Promise<ServiceClient> {
    if (slot.connecting !== undefined) return slot.connecting;
    const { hosts: _h, balance: _b, failureThreshold: _f, probeInterval: _p, onHostChange: _o, ...plain } = this.options;
    const attempt = createConnection(this.service, { ...plain, ...slot.target }).then(
      (conn) => {
        slot.connecting = undefined;
        if (slot.removed || this.state !== 'open') {
          void conn.close();
          throw new ConnectionClosedError(`${slot.key} was removed`);
        }
        this.up(slot, conn);
        return conn;
      },
      (error: unknown) => {
        slot.connecting = undefined;
        this.failed(slot);
        throw error;
      },
    );
    slot.connecting = attempt;
    return attempt;
  }

  private status(slot: Slot): HostStatus {
    return { address: slot.key, state: slot.state, inflight: slot.inflight, failures: slot.failures };
  }

  private up(slot: Slot, conn: ServiceClient): void {
    slot.conn = conn;
    slot.failures = 0;
    const wasDown = slot.state === 'down';
    slot.state = 'up';
    if (wasDown) this.options.onHostChange?.(this.status(slot));
    if (slot.probe !== undefined) clearInterval(slot.probe);
    slot.probe = undefined;
    void conn.closed.then(() => {
      if (slot.conn !== conn) return;
      slot.conn = undefined;
      // Lost while we still wanted it: that counts as a failure of the address.
      if (!slot.removed && this.state === 'open') this.failed(slot);
    });
  }

  private failed(slot: Slot): void {
    slot.failures++;
    if (slot.failures < this.threshold || slot.state === 'down' || slot.removed) return;
    slot.state = 'down';
    slot.probe = setInterval(() => {
      if (slot.connecting === undefined) this.connect(slot).catch(() => {});
    }, this.probeInterval);
    slot.probe.unref?.();
    this.options.onHostChange?.(this.status(slot));
  }

  private async retire(slot: Slot): Promise<void> {
    slot.removed = true;
    if (slot.probe !== undefined) clearInterval(slot.probe);
    slot.probe = undefined;
    // Its calls in flight get their replies: close() drains before ending the socket.
    await slot.conn?.close();
  }
}

/** A balanced client with one method per service function; `Methods` types them (see ServiceClient). */
export type BalancedServiceClient<Methods extends object = { [method: string]: any }> = BalancedClient & Omit<Methods, keyof BalancedClient>;

/** Creates a client spreading calls over `hosts`; connections open on first use. */
export function createBalancedClient<S extends ServiceDesc>(service: S, options: BalancedOptions): BalancedServiceClient<ClientOf<S>> {
  assertService('createBalancedClient', service);
  checkOptions('createBalancedClient', options, balancedOptionShapes, libraryHints());
  const Cls = withServiceMethods(BalancedClient, service);
  return new Cls(service, options) as BalancedServiceClient<ClientOf<S>>;
}
