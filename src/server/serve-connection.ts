/**
 * The per-connection loop: reads request messages, hands them to the processor,
 * writes replies as they complete (pipelined: replies may leave out of order,
 * clients match them by sequence id).
 */
import type { MessageProcessor } from '../processor/index.js';
import type { DuplexStream } from '../transport/index.js';

/** Options for {@link serveConnection}. */
export interface ServeConnectionOptions {
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
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private readonly processor: MessageProcessor;
  private readonly options: ServeConnectionOptions;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private resolveClosed!: () => void;
  private drained: (() => void) | undefined;
  private readonly sendBound: (reply: Uint8Array | undefined) => void;
  private readonly failBound: (e: unknown) => void;

  constructor(conn: DuplexStream, processor: MessageProcessor, options: ServeConnectionOptions = {}) {
    this.reader = conn.readable.getReader();
    this.writer = conn.writable.getWriter();
    this.processor = processor;
    this.options = options;
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.sendBound = this.send.bind(this);
    this.failBound = this.fail.bind(this);
    if (options.idleTimeout !== undefined && options.idleTimeout > 0) {
      this.idleTimer = setTimeout(this.onIdle.bind(this), options.idleTimeout);
      this.idleTimer.unref?.();
    }
    this.loop().catch(this.failBound);
  }

  /** Stops reading requests, waits for in-flight calls to be answered, then closes. */
  async close(): Promise<void> {
    if (this.state === 'open') {
      this.state = 'closing';
      if (this.inflight > 0) await new Promise<void>((resolve) => (this.drained = resolve));
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
    this.writer.abort(error).catch(ignore);
    this.reader.cancel(error).catch(ignore);
    this.resolveClosed();
  }

  private async loop(): Promise<void> {
    const reader = this.reader;
    const writer = this.writer;
    const processor = this.processor;
    while (this.state === 'open') {
      const { value, done } = await reader.read();
      if (done) break;
      // A request read while draining is not started: its client sees the close and settles it.
      if (this.state !== 'open') break;
      this.idleTimer?.refresh();
      this.inflight++;
      let out;
      try {
        out = processor.process(value);
      } catch (e) {
        // The message header is unreadable: the stream can no longer be trusted.
        this.inflight--;
        this.fail(e);
        return;
      }
      if (out instanceof Promise) out.then(this.sendBound, this.failBound);
      else this.send(out);
      // Backpressure: a client that does not read its replies stops being read.
      if (writer.desiredSize !== null && writer.desiredSize <= 0) await writer.ready;
    }
    if (this.state === 'open') {
      // The peer finished sending: answer what is in flight, then close.
      this.state = 'closing';
      if (this.inflight > 0) await new Promise<void>((resolve) => (this.drained = resolve));
      await this.finish();
    }
  }

  private send(reply: Uint8Array | undefined): void {
    this.inflight--;
    if (reply !== undefined && this.state !== 'closed') this.writer.write(reply).catch(this.failBound);
    if (this.inflight === 0 && this.drained !== undefined) {
      const drained = this.drained;
      this.drained = undefined;
      drained();
    }
  }

  private async finish(): Promise<void> {
    if (this.state === 'closed') return;
    this.clearIdle();
    try {
      await this.writer.close();
    } catch {
      // Already errored: nothing left to flush.
    }
    this.reader.cancel().catch(ignore);
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

function ignore(): void {}

/** Serves one message duplex (see transport `messages()`) with a processor until it closes. */
export function serveConnection(conn: DuplexStream, processor: MessageProcessor, options?: ServeConnectionOptions): ServedConnection {
  return new ServedConnection(conn, processor, options);
}
