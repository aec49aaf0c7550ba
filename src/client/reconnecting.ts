/**
 * A connection that comes back: when its socket is lost it redials with bounded
 * exponential backoff and jitter. Calls in flight on the lost socket fail with
 * ConnectionClosedError and are never re-sent (the server may have run them);
 * calls made while redialing wait in a bounded queue, each still bounded by its
 * timeout and AbortSignal.
 */
import { abortReason, ConnectionClosedError } from '../errors.js';
import { armDeadline } from '../deadline.js';
import { Lifecycle, type Closable, type LifecycleState } from '../lifecycle.js';
import { assertService, type ServiceDesc } from '../protocol/index.js';
import type { ClientOf } from '../protocol/schema.js';
import type { CallOptions } from '../call/index.js';
import type { ServiceClient } from './client.js';
import { connectionOptionShapes, createConnection, type ConnectionOptions } from './connection.js';
import { checkOptions, libraryHints, type OptionShape } from '../options.js';
import { withServiceMethods } from './service-methods.js';

/** How a {@link ReconnectingClient} redials and how many calls it holds meanwhile. */
export interface RetryOptions {
  /** Delay before the first redial, in ms; default 100. */
  initialDelay?: number;
  /** Largest delay between redials, in ms; default 10_000. */
  maxDelay?: number;
  /** Growth of the delay per failed attempt; default 2. */
  factor?: number;
  /** Random spread of each delay, as a fraction (0.2: ±20%); default 0.2. */
  jitter?: number;
  /** Redials before giving up (the client then closes); default Infinity. */
  maxAttempts?: number;
  /** Calls held while redialing; beyond this they fail at once with ConnectionClosedError; default 1000. */
  maxQueue?: number;
}

/** Options for {@link createReconnectingConnection}: connection options plus `retry`. */
export interface ReconnectingOptions extends ConnectionOptions {
  /** Backoff and queue bounds. */
  retry?: RetryOptions;
  /** Called when the socket is lost (with its error), before redialing; never after close(). */
  onDisconnect?: (error: Error) => void;
  /** Called when a redial succeeded, with the number of attempts it took. */
  onReconnect?: (attempts: number) => void;
}

/** The shapes of {@link ReconnectingOptions}. */
const reconnectingOptionShapes = { ...connectionOptionShapes, retry: 'object', onReconnect: 'function' } as const satisfies Record<
  keyof ReconnectingOptions,
  OptionShape
>;

/** The shapes of {@link RetryOptions}. */
const retryShapes = {
  initialDelay: 'number',
  maxDelay: 'number',
  factor: 'number',
  jitter: 'number',
  maxAttempts: 'number',
  maxQueue: 'number',
} as const satisfies Record<keyof RetryOptions, OptionShape>;

/** Lifecycle of a reconnecting client. */
export type ReconnectingState = LifecycleState;

interface Queued {
  readonly name: string;
  readonly args: readonly unknown[];
  readonly options: CallOptions | undefined;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  /** When its own timeout runs out (ms since epoch), or 0. */
  readonly deadline: number;
  cleanup: (() => void) | undefined;
}

/** Validated retry settings. */
export interface Retry {
  initialDelay: number;
  maxDelay: number;
  factor: number;
  jitter: number;
  maxAttempts: number;
  maxQueue: number;
}

/** Checks retry options and fills in the defaults; RangeError on a bad value. */
export function validateRetry(retry: RetryOptions = {}): Retry {
  checkOptions(
    'retry',
    retry,
    retryShapes,
    libraryHints({
      max_attempts: "Apache's max_attempts: use maxAttempts",
      retry_max_delay: "Apache's retry_max_delay: use maxDelay (ms)",
    }),
  );
  const r: Retry = {
    initialDelay: retry.initialDelay ?? 100,
    maxDelay: retry.maxDelay ?? 10_000,
    factor: retry.factor ?? 2,
    jitter: retry.jitter ?? 0.2,
    maxAttempts: retry.maxAttempts ?? Infinity,
    maxQueue: retry.maxQueue ?? 1000,
  };
  if (!(r.initialDelay >= 0)) throw new RangeError(`retry.initialDelay must be >= 0, got ${r.initialDelay}`);
  if (!(r.maxDelay >= r.initialDelay)) throw new RangeError(`retry.maxDelay must be >= initialDelay, got ${r.maxDelay}`);
  if (!(r.factor >= 1)) throw new RangeError(`retry.factor must be >= 1, got ${r.factor}`);
  if (!(r.jitter >= 0 && r.jitter <= 1)) throw new RangeError(`retry.jitter must be within 0..1, got ${r.jitter}`);
  if (!(r.maxAttempts >= 1)) throw new RangeError(`retry.maxAttempts must be >= 1, got ${r.maxAttempts}`);
  if (!(Number.isInteger(r.maxQueue) && r.maxQueue >= 0)) throw new RangeError(`retry.maxQueue must be an integer >= 0, got ${r.maxQueue}`);
  return r;
}

/** The delay before redial number `attempt` (1-based): exponential, capped, spread by jitter. */
export function backoffDelay(retry: Required<Pick<RetryOptions, 'initialDelay' | 'maxDelay' | 'factor' | 'jitter'>>, attempt: number, random = Math.random): number {
  const base = Math.min(retry.maxDelay, retry.initialDelay * retry.factor ** (attempt - 1));
  return Math.min(retry.maxDelay, Math.max(0, base * (1 + retry.jitter * (2 * random() - 1))));
}

/** A client over a connection that is redialed when lost; one method per service function (see {@link createReconnectingConnection}). */
export class ReconnectingClient implements Closable {
  /** The service this client calls. */
  readonly service: ServiceDesc;
  private readonly life = new Lifecycle();
  /** Resolves when the client has closed for good, with the error if it failed (never rejects). */
  get closed(): Promise<Error | undefined> {
    return this.life.closed;
  }
  /** Redials made since the client was created. */
  reconnects = 0;
  private readonly options: ReconnectingOptions;
  private readonly retry: Retry;
  private current: ServiceClient | undefined;
  private readonly queue: Queued[] = [];
  private attempts = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private dialing: AbortController | undefined;

  /** @internal use {@link createReconnectingConnection} */
  constructor(service: ServiceDesc, options: ReconnectingOptions, first: ServiceClient) {
    this.service = service;
    this.options = options;
    this.retry = validateRetry(options.retry);
    this.adopt(first);
  }

  /** 'open' (connected or redialing), 'closing', 'closed'. */
  get state(): ReconnectingState {
    return this.life.state;
  }

  /** True while a socket is up. */
  get connected(): boolean {
    return this.current !== undefined && this.current.state === 'open';
  }

  /** Calls in flight on the current socket plus calls waiting for a redial. */
  get inflight(): number {
    return (this.current?.inflight ?? 0) + this.queue.length;
  }

  /** Calls waiting for a redial. */
  get queued(): number {
    return this.queue.length;
  }

  /** Calls `name` with positional arguments. */
  execute(name: string, ...args: unknown[]): Promise<any> {
    return this.call(name, args);
  }

  /** Calls `name`: on the socket when up, else queued (bounded) until the redial. */
  call(name: string, args: readonly unknown[], options?: CallOptions): Promise<any> {
    const conn = this.current;
    if (conn !== undefined && conn.state === 'open') return conn.call(name, args, options);
    if (this.state !== 'open') return Promise.reject(new ConnectionClosedError(`client is ${this.state}`));
    if (this.queue.length >= this.retry.maxQueue) {
      return Promise.reject(new ConnectionClosedError(`reconnecting: ${this.queue.length} calls already wait, the queue is full`));
    }
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(abortReason(signal, 'call aborted'));
    return new Promise((resolve, reject) => {
      const timeout = options?.timeout ?? this.options.timeout ?? 0;
      const q: Queued = { name, args, options, resolve, reject, deadline: timeout > 0 ? Date.now() + timeout : 0, cleanup: undefined };
      const fail = (error: unknown): void => {
        const i = this.queue.indexOf(q);
        if (i < 0) return;
        this.queue.splice(i, 1);
        q.cleanup?.();
        reject(error);
      };
      q.cleanup = armDeadline({ timeout, signal, timeoutMessage: `${name} timed out after ${timeout} ms waiting for a reconnect`, abortMessage: 'call aborted' }, fail);
      this.queue.push(q);
    });
  }

  /** Graceful close: stops redialing, fails queued calls, lets calls in flight finish, closes the socket. */
  close(): Promise<void> {
    return this.life.close(() => {
      this.stopDialing();
      this.failQueue(new ConnectionClosedError('client closed while reconnecting'));
      return this.current?.close();
    });
  }

  /** Forceful close: everything in flight or queued fails now. */
  destroy(error?: Error): void {
    if (this.state === 'closed') return;
    this.stopDialing();
    this.failQueue(new ConnectionClosedError(error ? `client destroyed: ${error.message}` : 'client destroyed', { cause: error }));
    this.current?.destroy(error);
    this.life.end(error);
  }

  /** Alias of close(), for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private adopt(conn: ServiceClient): void {
    this.current = conn;
    // The client's own close reports the socket's error; closing on our side is not a loss.
    void conn.closed.then((error) => {
      if (this.current !== conn || this.state !== 'open') return;
      this.current = undefined;
      this.options.onDisconnect?.(error ?? new ConnectionClosedError('connection closed'));
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.state !== 'open') return;
    this.attempts++;
    if (this.attempts > this.retry.maxAttempts) {
      this.destroy(new ConnectionClosedError(`gave up reconnecting after ${this.retry.maxAttempts} attempts`));
      return;
    }
    this.timer = setTimeout(() => void this.redial(), backoffDelay(this.retry, this.attempts));
  }

  private async redial(): Promise<void> {
    this.timer = undefined;
    if (this.state !== 'open') return;
    const controller = new AbortController();
    this.dialing = controller;
    let conn: ServiceClient;
    try {
      const { retry: _r, onDisconnect: _d, onReconnect: _c, ...plain } = this.options;
      conn = await createConnection(this.service, { ...plain, signal: controller.signal });
    } catch {
      if (this.dialing === controller) this.dialing = undefined;
      this.schedule();
      return;
    }
    this.dialing = undefined;
    if (this.state !== 'open') {
      conn.destroy();
      return;
    }
    const attempts = this.attempts;
    this.attempts = 0;
    this.reconnects++;
    this.adopt(conn);
    this.options.onReconnect?.(attempts);
    this.flushQueue(conn);
  }

  /** Sends the waiting calls on the new socket, each with what is left of its timeout. */
  private flushQueue(conn: ServiceClient): void {
    const now = Date.now();
    for (const q of this.queue.splice(0)) {
      q.cleanup?.();
      const options: CallOptions | undefined = q.deadline === 0 ? q.options : { ...q.options, timeout: Math.max(1, q.deadline - now) };
      conn.call(q.name, q.args, options).then(q.resolve, q.reject);
    }
  }

  private failQueue(error: Error): void {
    for (const q of this.queue.splice(0)) {
      q.cleanup?.();
      q.reject(error);
    }
  }

  private stopDialing(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.dialing?.abort(new ConnectionClosedError('client closed'));
    this.dialing = undefined;
  }
}

/** A reconnecting client with one method per service function; `Methods` types them (see ServiceClient). */
export type ReconnectingServiceClient<Methods extends object = { [method: string]: any }> = ReconnectingClient & Omit<Methods, keyof ReconnectingClient>;

/**
 * Connects (the first dial must succeed, so a wrong address fails loudly) and
 * returns a client that redials whenever its socket is lost.
 */
export async function createReconnectingConnection<S extends ServiceDesc>(service: S, options: ReconnectingOptions = {}): Promise<ReconnectingServiceClient<ClientOf<S>>> {
  assertService('createReconnectingConnection', service);
  checkOptions('createReconnectingConnection', options, reconnectingOptionShapes, libraryHints());
  validateRetry(options.retry);
  const { retry: _r, onDisconnect: _d, onReconnect: _c, ...plain } = options;
  const first = await createConnection(service, plain);
  const Cls = withServiceMethods(ReconnectingClient, service);
  return new Cls(service, options, first) as ReconnectingServiceClient<ClientOf<S>>;
}
