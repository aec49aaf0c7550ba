/**
 * The per-connection loop: reads request messages, hands them to the processor,
 * sends replies as they complete (pipelined: replies may leave out of order,
 * clients match them by sequence id).
 */
import type { MessageProcessor } from '../processor/index.js';
import { MessageChannel, type DuplexStream, type Framing } from '../transport/index.js';

/** Options for {@link serveConnection}. */
export interface ServeConnectionOptions {
  /** How messages sit on the byte stream; default 'buffered'. */
  framing?: Framing;
  /** Largest request accepted, in bytes; default 16_384_000. */
  maxMessageSize?: number;
  /** Close the connection after this many ms with no request and nothing in flight. */
  idleTimeout?: number;
  /** Called when the connection fails (bad bytes, socket error); the connection is then closed. */
  onError?: (error: unknown) => void;
  /** Forceful teardown of the underlying socket, used by destroy(). */
  destroy?: (error?: Error) => void;
}

/** Lifecycle of a served connection. */
export type ConnectionState = 'open' | 'closing' | 'closed';

/** One client connection being served. */
export class ServedConnection {
  /** 'open' while serving; 'closing' while draining; 'closed' at the end. */
  state: ConnectionState = 'open';
  /** Calls received and not yet answered. */
  inflight = 0;
  /** Resolves when the connection has closed (never rejects). */
  readonly closed: Promise<void>;
  private readonly channel: MessageChannel;
  private readonly processor: MessageProcessor;
  private readonly options: ServeConnectionOptions;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private resolveClosed!: () => void;
  private drained: (() => void) | undefined;
  private readonly sendBound = this.send.bind(this);
  private readonly failBound = this.fail.bind(this);

  constructor(conn: DuplexStream, processor: MessageProcessor, options: ServeConnectionOptions = {}) {
    this.processor = processor;
    this.options = options;
    this.channel = new MessageChannel(conn, {
      framing: options.framing ?? 'buffered',
      measure: processor.protocol.measure,
      maxMessageSize: options.maxMessageSize,
      onError: this.failBound,
    });
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    if (options.idleTimeout !== undefined && options.idleTimeout > 0) {
      this.idleTimer = setTimeout(this.onIdle.bind(this), options.idleTimeout);
      this.idleTimer.unref?.();
    }
    this.channel.read(this.receive.bind(this), this.channel.ready.bind(this.channel)).then(this.peerEnded.bind(this), this.failBound);
  }

  /** Stops reading requests, waits for in-flight calls to be answered, then closes. */
  async close(): Promise<void> {
    if (this.state === 'open') {
      this.state = 'closing';
      await this.drain();
      await this.finish();
    }
    return this.closed;
  }

  /** Closes now; calls in flight get no reply (their clients see the connection close). */
  destroy(error?: Error): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.clearIdle();
    this.options.destroy?.(error);
    this.channel.abort(error);
    this.resolveClosed();
  }

  private receive(message: Uint8Array): void {
    // A request read while draining is not started: its client sees the close and settles it.
    if (this.state !== 'open') return;
    this.idleTimer?.refresh();
    this.inflight++;
    let out;
    try {
      out = this.processor.process(message);
    } catch (e) {
      // The message header is unreadable: the stream can no longer be trusted (read() rejects with it).
      this.inflight--;
      throw e;
    }
    if (out instanceof Promise) out.then(this.sendBound, this.failBound);
    else this.send(out);
  }

  private async peerEnded(): Promise<void> {
    if (this.state !== 'open') return;
    // The peer finished sending: answer what is in flight, then close.
    this.state = 'closing';
    await this.drain();
    await this.finish();
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
    if (this.inflight === 0 && this.drained !== undefined) {
      const drained = this.drained;
      this.drained = undefined;
      drained();
    }
  }

  private drain(): Promise<void> | void {
    if (this.inflight > 0) return new Promise<void>((resolve) => (this.drained = resolve));
  }

  private async finish(): Promise<void> {
    if (this.state === 'closed') return;
    this.clearIdle();
    await this.channel.close();
    this.state = 'closed';
    this.resolveClosed();
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
    void this.close();
  }

  private clearIdle(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }
}

/** Serves one byte duplex with a processor until it closes. */
export function serveConnection(conn: DuplexStream, processor: MessageProcessor, options?: ServeConnectionOptions): ServedConnection {
  return new ServedConnection(conn, processor, options);
}
