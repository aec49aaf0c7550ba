/**
 * The per-connection loop: reads request messages, hands them to the processor,
 * sends replies as they complete (pipelined: replies may leave out of order,
 * clients match them by sequence id).
 *
 * Memory stays bounded against a client that sends and never reads: requests are
 * started only while the reply stream is not backed up and fewer than
 * `maxInflight` calls run; the rest of the current chunk waits in a backlog (views
 * into the chunk, no copies) and the socket is not read again until it is drained.
 */
import { Lifecycle, type Closable, type LifecycleState, type Tracker } from '../lifecycle.js';
import { TimeoutError } from '../errors.js';
import { closeTimeoutOf, messageTimeoutOf } from './defaults.js';
import type { MessageProcessor } from '../processor/index.js';
import type { CallOrigin } from '../call/index.js';
import { checkOptions, libraryHints, type OptionShape } from '../options.js';
import type { Protocol } from '../protocol/index.js';
import { framingOf, MessageChannel, type ChannelOptions, type DuplexStream, type Framing, type MessageFraming, type MessageReceiver } from '../transport/index.js';

/** Options for {@link serveConnection}. */
export interface ServeConnectionOptions {
  /** How messages sit on the byte stream: a name or a framing object (framedTransport...); default 'buffered'. */
  transport?: Framing | MessageFraming;
  /** Largest request accepted, in bytes; default 16_384_000. */
  maxMessageSize?: number;
  /** Deepest nesting accepted while finding unframed message ends; give the processor's limit (default 64). */
  maxDepth?: number;
  /** Calls run at once on this connection; further requests wait unread. Default 256. */
  maxInflight?: number;
  /** Close the connection after this many ms with no request and nothing in flight. */
  idleTimeout?: number;
  /** A request must arrive whole within this many ms of its first byte; default 30,000 (0: no limit). */
  messageTimeout?: number;
  /** How long a graceful close may wait for replies to be written before the connection is destroyed; default 10,000 ms. */
  closeTimeout?: number;
  /** Called when the connection fails (bad bytes, socket error); the connection is then closed. */
  onError?: (error: unknown) => void;
  /** Forceful teardown of the underlying socket, used by destroy(). */
  destroy?: (error?: Error) => void;
}

/** The shapes of {@link ServeConnectionOptions}. */
const serveConnectionOptionShapes = {
  transport: 'string',
  maxMessageSize: 'number',
  maxDepth: 'number',
  maxInflight: 'number',
  idleTimeout: 'number',
  messageTimeout: 'number',
  closeTimeout: 'number',
  onError: 'function',
  destroy: 'function',
} as const satisfies Record<keyof ServeConnectionOptions, OptionShape>;

/** Lifecycle of a served connection. */
export type ConnectionState = LifecycleState;

/**
 * One client connection being served. It receives its channel's messages itself
 * (as the channel's {@link MessageReceiver}), so an idle connection holds no
 * closure, promise or buffer beyond its fields: it may be one of thousands.
 */
export class ServedConnection implements Closable, MessageReceiver {
  private readonly life = new Lifecycle();
  /** Calls received and not yet answered. */
  inflight = 0;
  private readonly channel: MessageChannel;
  private readonly processor: MessageProcessor;
  private readonly options: ServeConnectionOptions;
  private readonly accepted: { destroy(error?: Error): void } | undefined;
  /** What interceptors read the client's address from: the accepted connection. */
  private readonly from: CallOrigin;
  private idleTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** The backlog and the waiters, made when first needed and dropped once empty. */
  private queue: Queue | undefined = undefined;

  /**
   * Use serveConnection(). A server also gives `accepted`, the connection its listener
   * accepted under any layer it put on it (destroy() tears it down; else
   * `options.destroy`), the `tracker` told when this connection ends, and `first`,
   * bytes it already read from `conn` (to recognise its kind), which are served first.
   */
  constructor(
    conn: DuplexStream,
    processor: MessageProcessor,
    options: ServeConnectionOptions = {},
    accepted?: { destroy(error?: Error): void } & CallOrigin,
    tracker?: Tracker,
    first?: Uint8Array,
  ) {
    this.processor = processor;
    this.options = options;
    this.from = accepted ?? conn;
    this.accepted = accepted ?? (options.destroy === undefined ? undefined : { destroy: options.destroy });
    if (tracker !== undefined) this.life.watch(this, tracker);
    this.channel = framingOf(options.transport).open(conn, channelOptions(options, processor.protocol));
    if (options.idleTimeout !== undefined && options.idleTimeout > 0) {
      this.idleTimer = setTimeout(() => this.onIdle(), options.idleTimeout);
      this.idleTimer.unref?.();
    }
    this.channel.receive(this, first);
  }

  /** Resolves when the connection has closed, with the error if it failed (never rejects). */
  get closed(): Promise<Error | undefined> {
    return this.life.closed;
  }

  /** 'open' while serving; 'closing' while draining; 'closed' at the end. */
  get state(): ConnectionState {
    return this.life.state;
  }

  /**
   * Stops reading requests, waits for in-flight calls to be answered and the
   * replies written, then closes; past `closeTimeout` the connection is destroyed.
   */
  close(): Promise<void> {
    return this.closeWithin(closeTimeoutOf(this.options));
  }

  private closeWithin(limit: number): Promise<void> {
    return this.life.close(() => this.finish(limit));
  }

  /** Alias of close(), for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Closes now; calls in flight get no reply (their clients see the connection close). */
  destroy(error?: Error): void {
    if (!this.life.end(error)) return;
    this.clearIdle();
    const queue = this.queue;
    this.queue = undefined;
    this.accepted?.destroy(error);
    this.channel.abort(error);
    if (queue !== undefined) wake(queue.waiting);
  }

  /** @internal One request from the channel. */
  onMessage(message: Uint8Array): void {
    // A request read while draining is not started: its client sees the close and settles it.
    if (this.state !== 'open') return;
    this.idleTimer?.refresh();
    const queue = this.queue;
    if ((queue !== undefined && queue.head < queue.backlog.length) || this.inflight >= (this.options.maxInflight ?? 256) || this.channel.ready() !== undefined) {
      (this.queue ??= new Queue()).backlog.push(message);
      return;
    }
    this.start(message);
  }

  /** @internal Between chunks: starts the backlog as room allows; the next chunk waits until it is empty and writes flow. */
  afterChunk(): Promise<void> | undefined {
    const queue = this.queue;
    if (queue !== undefined && queue.head < queue.backlog.length) return this.drainBacklog(queue);
    return this.channel.ready();
  }

  /** @internal The peer finished sending: answer what is in flight, then close. */
  onEnd(): void {
    if (this.state === 'open') void this.close();
  }

  /** @internal Reading failed. */
  onError(error: unknown): void {
    this.fail(error);
  }

  /** @internal A reply could not be written. */
  onWriteError(error: unknown): void {
    this.fail(error);
  }

  /** Starts one call; a header that cannot be read throws (and reading fails with it). */
  private start(message: Uint8Array): void {
    this.inflight++;
    let out;
    try {
      out = this.processor.process(message, undefined, this.from);
    } catch (e) {
      this.inflight--;
      throw e;
    }
    if (out instanceof Promise) {
      out.then(
        (reply) => this.send(reply),
        (e: unknown) => this.fail(e),
      );
    } else this.send(out);
  }

  private async drainBacklog(queue: Queue): Promise<void> {
    const maxInflight = this.options.maxInflight ?? 256;
    const backlog = queue.backlog;
    while (queue.head < backlog.length) {
      if (this.state !== 'open') return;
      const writable = this.channel.ready();
      if (writable !== undefined) await writable;
      else if (this.inflight >= maxInflight) await this.changed();
      else this.start(backlog[queue.head++]);
    }
    // Dropped, not kept: an idle connection holds no array sized for its busiest moment.
    queue.backlog = [];
    queue.head = 0;
    if (this.queue === queue && queue.waiting.length === 0) this.queue = undefined;
    return this.channel.ready();
  }

  private send(reply: Uint8Array | undefined): void {
    this.inflight--;
    if (reply !== undefined && this.state !== 'closed') {
      try {
        this.channel.send(reply);
      } catch (e) {
        this.fail(e);
      }
    }
    const queue = this.queue;
    if (queue !== undefined && queue.waiting.length > 0) {
      const waiting = queue.waiting;
      queue.waiting = [];
      if (queue.head >= queue.backlog.length) this.queue = undefined;
      wake(waiting);
    }
  }

  private changed(): Promise<void> {
    return new Promise<void>((resolve) => (this.queue ??= new Queue()).waiting.push(resolve));
  }

  /** Waits for the calls in flight, writes out the replies, closes; destroys when that takes past closeTimeout. */
  private async finish(limit: number): Promise<void> {
    this.clearIdle();
    // Reported through onError: no client can be told that its replies were dropped.
    const timer = setTimeout(() => this.fail(new TimeoutError(`replies not written within ${limit} ms of closing`)), limit);
    try {
      while (this.inflight > 0 && this.state !== 'closed') await this.changed();
      if (this.state !== 'closed') await this.channel.close();
    } finally {
      clearTimeout(timer);
    }
    this.life.end();
  }

  private fail(error: unknown): void {
    if (this.state === 'closed') return;
    this.options.onError?.(error);
    this.destroy(error instanceof Error ? error : new Error(String(error)));
  }

  private onIdle(): void {
    if (this.state !== 'open') return;
    if (this.inflight > 0) {
      this.idleTimer?.refresh();
      return;
    }
    // A peer idle this long gets as long again to take its last replies, and no more.
    void this.closeWithin(Math.min(closeTimeoutOf(this.options), this.options.idleTimeout ?? Infinity));
  }

  private clearIdle(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }
}

// The channel options of a served connection follow from its options and protocol:
// made once for all the connections that share them, not once per connection.
const channelOptionsOf = new WeakMap<ServeConnectionOptions, Map<Protocol, ChannelOptions>>();

function channelOptions(options: ServeConnectionOptions, protocol: Protocol): ChannelOptions {
  let byProtocol = channelOptionsOf.get(options);
  if (byProtocol === undefined) channelOptionsOf.set(options, (byProtocol = new Map()));
  let made = byProtocol.get(protocol);
  if (made === undefined) {
    made = { measure: protocol.measure, maxMessageSize: options.maxMessageSize, maxDepth: options.maxDepth, messageTimeout: messageTimeoutOf(options) };
    byProtocol.set(protocol, made);
  }
  return made;
}

/** What a served connection holds back: requests not started yet, and callers waiting for in-flight calls to drop. */
class Queue {
  /** Requests read but not started; `head` is the cursor (no shift()). */
  backlog: Uint8Array[] = [];
  head = 0;
  /** Resolved when in-flight calls drop or the connection closes; each waiter re-checks its condition. */
  waiting: (() => void)[] = [];
}

function wake(waiting: (() => void)[]): void {
  for (const resolve of waiting) resolve();
}

/** Serves one byte duplex with a processor until it closes. */
export function serveConnection(conn: DuplexStream, processor: MessageProcessor, options?: ServeConnectionOptions): ServedConnection {
  checkOptions('serveConnection', options, serveConnectionOptionShapes, libraryHints({ timeout: 'use idleTimeout (ms) or messageTimeout (ms)' }));
  return new ServedConnection(conn, processor, options);
}
