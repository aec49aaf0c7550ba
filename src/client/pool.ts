/**
 * createPool: a pool of client connections with aiothrift's semantics. acquire()
 * hands out a free connection, opens one while size < maxsize, or waits in line;
 * release() returns it (or drops it when closed); close() closes them all.
 */
import { abortReason, PoolClosedError, TransportError } from '../errors.js';
import { armDeadline } from '../deadline.js';
import { Lifecycle, type Closable, type LifecycleState } from '../lifecycle.js';
import { assertService, type ServiceDesc } from '../protocol/index.js';
import type { ClientOf } from '../protocol/schema.js';
import type { CallOptions } from '../call/index.js';
import type { ServiceClient } from './client.js';
import { connectionOptionShapes, createConnection, type ConnectionOptions } from './connection.js';
import { checkOptions, libraryHints, type OptionShape } from '../options.js';
import { parseHost, type HostAddress, type HostTarget } from './hosts.js';
import { backoffDelay, validateRetry, type Retry, type RetryOptions } from './reconnecting.js';

/** Options for {@link createPool}: connection options plus sizes. */
export interface PoolOptions extends ConnectionOptions {
  /** Connections opened up front and kept; default 1. */
  minsize?: number;
  /** Most connections open at once (free and in use); default 10. */
  maxsize?: number;
  /**
   * Several servers instead of host/port/path: connections are opened across them in
   * turn, and an address that refuses a connection is passed over for the next one.
   */
  hosts?: readonly HostAddress[];
  /**
   * Keeps `minsize` connections open: when connections are lost and fewer than `minsize`
   * remain, the pool redials in the background with these backoff settings (`maxQueue`
   * does not apply) until it is back to `minsize` or `maxAttempts` dials in a row failed.
   * Without it, lost connections are replaced only when acquired.
   */
  retry?: RetryOptions;
  /**
   * Called when a connection is opened again after one was lost (see onDisconnect, which
   * the pool calls once per lost connection), with the dials it took.
   */
  onReconnect?: (attempts: number) => void;
}

/** The shapes of {@link PoolOptions}. */
const poolOptionShapes = {
  ...connectionOptionShapes,
  minsize: 'number',
  maxsize: 'number',
  hosts: 'array',
  retry: 'object',
  onReconnect: 'function',
} as const satisfies Record<keyof PoolOptions, OptionShape>;

/** Options for {@link ThriftPool.acquire}. */
export interface AcquireOptions {
  /** Gives up waiting for a connection: the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Lifecycle of a pool. */
export type PoolState = LifecycleState;

interface Waiter<Methods extends object> {
  resolve(conn: ServiceClient<Methods>): void;
  reject(error: unknown): void;
}

/** A pool of connections to one server; `Methods` types its clients (see ServiceClient). */
export class ThriftPool<Methods extends object = { [method: string]: any }> implements Closable {
  /** Fewest connections kept open. */
  readonly minsize: number;
  /** Most connections open at once. */
  readonly maxsize: number;
  private readonly life = new Lifecycle();
  /** Resolves once the pool has closed, with the error given to destroy() if any (never rejects). */
  get closed(): Promise<Error | undefined> {
    return this.life.closed;
  }
  private readonly service: ServiceDesc;
  private readonly options: ConnectionOptions;
  private readonly free: ServiceClient<Methods>[] = [];
  private readonly used = new Set<ServiceClient<Methods>>();
  private readonly waiters: Waiter<Methods>[] = [];
  /** Connections that were checked out when the pool stopped: giving them back is no error. */
  private readonly handedOut = new Set<ServiceClient<Methods>>();
  private creating = 0;
  private readonly targets: readonly HostTarget[];
  private cursor = 0;
  private readonly retry: Retry | undefined;
  /** The background refill's pending redial, while one is scheduled. */
  private refillTimer: ReturnType<typeof setTimeout> | undefined;
  private refillFailures = 0;
  /** Dials since a connection was lost, counted until one succeeds (then onReconnect), or 0. */
  private lostDials = 0;
  private readonly onDisconnect: PoolOptions['onDisconnect'];
  private readonly onReconnect: PoolOptions['onReconnect'];

  /** @internal use {@link createPool} */
  constructor(service: ServiceDesc, options: PoolOptions) {
    const minsize = options.minsize ?? 1;
    const maxsize = options.maxsize ?? 10;
    if (!Number.isInteger(minsize) || minsize < 0) throw new RangeError(`minsize must be an integer >= 0, got ${minsize}`);
    if (!Number.isInteger(maxsize) || maxsize < 1) throw new RangeError(`maxsize must be an integer >= 1, got ${maxsize}`);
    if (minsize > maxsize) throw new RangeError(`createPool: minsize (${minsize}) must not exceed maxsize (${maxsize})`);
    this.service = service;
    this.minsize = minsize;
    this.maxsize = maxsize;
    const { minsize: _min, maxsize: _max, hosts, retry, onDisconnect, onReconnect, ...connection } = options;
    this.onDisconnect = onDisconnect;
    this.onReconnect = onReconnect;
    this.retry = retry === undefined ? undefined : validateRetry(retry);
    if (hosts !== undefined) {
      if (!Array.isArray(hosts) || hosts.length === 0) throw new TypeError('hosts must be a non-empty array of addresses');
      if (connection.host !== undefined || connection.port !== undefined || connection.path !== undefined) {
        throw new TypeError('give either hosts or host/port/path, not both');
      }
    }
    this.targets = hosts === undefined ? [{}] : hosts.map((h) => parseHost(h).target);
    this.options = connection;
  }

  /** 'open'; 'closing' while close() runs; 'closed' after. */
  get state(): PoolState {
    return this.life.state;
  }

  /** Connections open or opening: free, in use, and being created. */
  get size(): number {
    return this.free.length + this.used.size + this.creating;
  }

  /** Connections ready to be acquired. */
  get freesize(): number {
    return this.free.length;
  }

  /** Takes a connection: a free one, a new one while size < maxsize, or the next one released. */
  acquire(options?: AcquireOptions): Promise<ServiceClient<Methods>> {
    if (this.state !== 'open') return Promise.reject(new PoolClosedError());
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(abortReason(signal, 'acquire aborted'));
    const conn = this.takeFree();
    if (conn !== undefined) return Promise.resolve(conn);
    if (this.size < this.maxsize) {
      return this.open().then(
        (c) => this.checkout(c),
        (e: unknown) => {
          this.failWaiters(e);
          throw e;
        },
      );
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter<Methods> = { resolve, reject };
      if (signal !== undefined) {
        const disarm = armDeadline({ signal, timeoutMessage: '', abortMessage: 'acquire aborted' }, (error) => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(error);
        });
        waiter.resolve = (c) => {
          disarm();
          resolve(c);
        };
        waiter.reject = (e) => {
          disarm();
          reject(e);
        };
      }
      this.waiters.push(waiter);
    });
  }

  /** Returns a connection taken with acquire(); a closed one is dropped. */
  release(conn: ServiceClient<Methods>): void {
    if (!this.used.delete(conn)) {
      // close() already closed what was handed out; giving one back afterwards is fine.
      if (this.state !== 'open' && this.handedOut.delete(conn)) return;
      throw new Error('release: this connection was not acquired from this pool');
    }
    if (conn.state !== 'open' || this.state !== 'open') {
      if (conn.state === 'open') void conn.close();
      this.replace();
      this.scheduleRefill();
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter !== undefined) {
      this.used.add(conn);
      waiter.resolve(conn);
    } else if (this.free.length >= this.maxsize) {
      void conn.close();
    } else {
      this.free.push(conn);
    }
  }

  /** Runs `fn` with an acquired connection and releases it afterwards, also when `fn` throws. */
  async use<T>(fn: (conn: ServiceClient<Methods>) => Promise<T> | T, options?: AcquireOptions): Promise<T> {
    const conn = await this.acquire(options);
    try {
      return await fn(conn);
    } finally {
      this.release(conn);
    }
  }

  /**
   * Calls `name` on the least busy free connection without checking it out, so many
   * callers share the pool's connections, their calls pipelined on each. A new
   * connection is opened while every free one is busy and size < maxsize; when all
   * connections are checked out, the call waits for one as acquire() does.
   */
  call(name: string, args: readonly unknown[], options?: CallOptions): Promise<any> {
    if (this.state !== 'open') return Promise.reject(new PoolClosedError());
    let best: ServiceClient<Methods> | undefined;
    for (const c of this.free) {
      if (c.state !== 'open') continue;
      if (best === undefined || c.inflight < best.inflight) best = c;
      if (best.inflight === 0) break;
    }
    if (best !== undefined && (best.inflight === 0 || this.size >= this.maxsize)) return best.call(name, args, options);
    if (this.size < this.maxsize) {
      return this.open().then((conn) => {
        this.checkin(conn);
        return conn.call(name, args, options);
      });
    }
    return this.use((conn) => conn.call(name, args, options));
  }

  /** Like {@link call}, with positional arguments: `pool.execute('add', 1, 2)`. */
  execute(name: string, ...args: unknown[]): Promise<any> {
    return this.call(name, args);
  }

  /** Opens connections until size reaches minsize. */
  async fillFree(): Promise<void> {
    const opening: Promise<ServiceClient<Methods>>[] = [];
    while (this.state === 'open' && this.size < this.minsize) opening.push(this.open());
    const conns = await Promise.all(opening);
    for (const c of conns) this.checkin(c);
  }

  /** Closes every free connection (connections in use are untouched). */
  clear(): void {
    for (const c of this.free.splice(0)) void c.close();
  }

  /**
   * Graceful close: refuses further acquires with PoolClosedError and closes free and
   * in-use connections, each after its calls in flight got their replies. A connection
   * still handed out may be released afterwards without error. Every call returns the
   * same promise, settled once every connection has closed.
   */
  close(): Promise<void> {
    return this.life.close(() => Promise.all(this.stop().map((c) => c.close())));
  }

  /** Hard stop: waiters reject with PoolClosedError, every connection is destroyed with `error`. */
  destroy(error?: Error): void {
    if (this.state === 'closed') return;
    for (const c of this.stop()) c.destroy(error);
    this.life.end(error);
  }

  /** Stops acquiring and refilling; returns every connection, which the caller closes or destroys. */
  private stop(): ServiceClient<Methods>[] {
    const error = new PoolClosedError();
    for (const w of this.waiters.splice(0)) w.reject(error);
    if (this.refillTimer !== undefined) clearTimeout(this.refillTimer);
    this.refillTimer = undefined;
    const all = [...this.free.splice(0), ...this.used];
    for (const c of this.used) this.handedOut.add(c);
    this.used.clear();
    return all;
  }

  /** Alias of close(), for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private takeFree(): ServiceClient<Methods> | undefined {
    for (let c = this.free.shift(); c !== undefined; c = this.free.shift()) {
      if (c.state === 'open') {
        this.used.add(c);
        return c;
      }
    }
    return undefined;
  }

  private checkout(conn: ServiceClient<Methods>): ServiceClient<Methods> {
    if (this.state !== 'open') {
      void conn.close();
      throw new PoolClosedError();
    }
    this.used.add(conn);
    return conn;
  }

  /** Puts a freshly opened connection where it is needed: a waiter, or the free list. */
  private checkin(conn: ServiceClient<Methods>): void {
    if (this.state !== 'open') {
      void conn.close();
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter !== undefined) {
      this.used.add(conn);
      waiter.resolve(conn);
    } else {
      this.free.push(conn);
    }
  }

  /** Opens one connection, counted in size while it is being created. */
  private async open(): Promise<ServiceClient<Methods>> {
    this.creating++;
    let conn: ServiceClient<Methods>;
    if (this.lostDials > 0) this.lostDials++;
    try {
      conn = await this.dial();
    } finally {
      this.creating--;
    }
    this.refillFailures = 0;
    // A free connection that dies is taken off the free list at once.
    void conn.closed.then((error) => {
      const i = this.free.indexOf(conn);
      if (i >= 0) this.free.splice(i, 1);
      // Lost while the pool is open (not closed by the pool or by its user): tell, and count redials.
      if (error !== undefined && this.state === 'open') {
        if (this.lostDials === 0) this.lostDials = 1;
        this.onDisconnect?.(error);
      }
      this.scheduleRefill();
    });
    // `await using c = await pool.acquire()` gives the connection back, as use() does.
    conn[Symbol.asyncDispose] = () => {
      if (this.used.has(conn) || this.handedOut.has(conn)) this.release(conn);
      return Promise.resolve();
    };
    if (this.lostDials > 0) {
      const attempts = this.lostDials - 1;
      this.lostDials = 0;
      this.onReconnect?.(attempts);
    }
    return conn;
  }

  /** Connections that count toward minsize: open ones, and those being opened. */
  private live(): number {
    let n = this.creating;
    for (const c of this.free) if (c.state === 'open') n++;
    for (const c of this.used) if (c.state === 'open') n++;
    return n;
  }

  /** With `retry`, schedules a background redial while fewer than minsize connections live. */
  private scheduleRefill(): void {
    const retry = this.retry;
    if (retry === undefined || this.state !== 'open' || this.refillTimer !== undefined || this.live() >= this.minsize) return;
    // Dead connections still checked out count in size until released; release() calls again.
    if (this.size >= this.maxsize) return;
    if (this.refillFailures >= retry.maxAttempts) return;
    this.refillTimer = setTimeout(() => {
      this.refillTimer = undefined;
      if (this.state !== 'open' || this.live() >= this.minsize || this.size >= this.maxsize) return;
      this.open().then(
        (c) => {
          this.checkin(c);
          this.scheduleRefill();
        },
        () => {
          this.refillFailures++;
          this.scheduleRefill();
        },
      );
    }, backoffDelay(retry, this.refillFailures + 1));
    // A pending redial alone must not keep the process alive.
    (this.refillTimer as { unref?: () => void }).unref?.();
  }

  /**
   * Dials the next address in turn. One that fails is passed over for the next; the
   * attempt fails only when every address has failed: with that error when there is
   * one address, else with a TransportError naming each address's failure (the last as cause).
   */
  private async dial(): Promise<ServiceClient<Methods>> {
    const failures: string[] = [];
    let error: unknown;
    const start = this.cursor++;
    const n = this.targets.length;
    for (let tried = 0; tried < n; tried++) {
      const target = this.targets[(start + tried) % n]!;
      try {
        return (await createConnection(this.service, { ...this.options, ...target })) as ServiceClient<Methods>;
      } catch (e) {
        error = e;
        failures.push(e instanceof Error ? e.message : String(e));
        if (this.state !== 'open' || this.options.signal?.aborted) break;
      }
    }
    if (failures.length < 2) throw error;
    throw new TransportError(`no address of the pool could be reached (${failures.length} of ${n} tried): ${failures.join('; ')}`, 'TRANSPORT', { cause: error });
  }

  /** A connection was dropped: if callers are waiting, open one for them. */
  private replace(): void {
    if (this.state !== 'open' || this.waiters.length === 0 || this.size >= this.maxsize) return;
    this.open().then(
      (c) => this.checkin(c),
      (e: unknown) => this.failWaiters(e),
    );
  }

  /**
   * A connection attempt failed. Callers queued behind it wait for a release or another
   * attempt; when neither can come they would wait forever, so they fail with its error
   * (the next acquire tries anew).
   */
  private failWaiters(error: unknown): void {
    if (this.used.size > 0 || this.creating > 0) return;
    for (const w of this.waiters.splice(0)) w.reject(error);
  }
}

/** Creates a pool and opens `minsize` connections; rejects if they cannot be opened. */
export async function createPool<S extends ServiceDesc>(service: S, options: PoolOptions = {}): Promise<ThriftPool<ClientOf<S>>> {
  assertService('createPool', service);
  checkOptions('createPool', options, poolOptionShapes, libraryHints());
  const pool = new ThriftPool<ClientOf<S>>(service, options);
  try {
    await pool.fillFree();
  } catch (e) {
    await pool.close();
    throw e;
  }
  return pool;
}
