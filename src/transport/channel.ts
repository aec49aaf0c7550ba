/**
 * A message channel over a duplex: what clients and servers talk through. This one
 * carries one message per chunk (WebSocket messages, HTTP bodies); its subclass
 * StreamChannel (stream-channel.ts) finds messages in a byte stream. Framings open
 * their channel (MessageFraming.open), so a client that only ever gets whole
 * messages carries neither the splitters nor the write batching.
 */
import { TransportError } from '../errors.js';
import type { MeasureFn } from './buffered.js';
import type { DuplexStream } from './types.js';

/**
 * How messages map onto the byte stream: 'framed' (4-byte big-endian length
 * prefix, TFramedTransport), 'buffered' (back to back, TBufferedTransport; ends
 * found by the protocol's measure), or 'message' (each chunk is one message, for
 * message-oriented duplexes such as WebSocket or an already-framed stream).
 */
export type Framing = 'buffered' | 'framed' | 'message';

/** Options for a channel. */
export interface ChannelOptions {
  /** The protocol's message measure; needed for 'buffered'. */
  measure?: MeasureFn;
  /** Largest message accepted, in bytes; default 16_384_000. */
  maxMessageSize?: number;
  /** Deepest nesting the 'buffered' message walk accepts; give the protocol reader's limit (default 64). */
  maxDepth?: number;
  /**
   * Milliseconds a message may take from its first byte to its last (a slow or
   * stalled sender); past it, read() rejects with TimeoutError. Default: no limit.
   */
  messageTimeout?: number;
  /** Called once when a write fails (the reading side usually fails too). */
  onError?: (error: unknown) => void;
  /**
   * Shown the first bytes received (up to {@link HEAD_BYTES}, more with each chunk)
   * until it returns true; what it throws fails read(). A client checks there that
   * the peer answers in its framing and protocol. The bytes still go to the framing.
   */
  inspect?: (head: Uint8Array) => boolean;
}

/** Most bytes {@link ChannelOptions.inspect} is shown, and {@link MessageChannel.head} keeps. */
export const HEAD_BYTES = 64;

const NO_BYTES = new Uint8Array(0);

/**
 * A framing as an object (framedTransport, bufferedTransport, messageTransport): it
 * opens the channel, so only the framings a program passes are in its bundle.
 */
export interface MessageFraming {
  /** Its name, as the `transport` options spell it. */
  readonly name: Framing;
  /** A channel over `conn` with this framing. */
  open(conn: DuplexStream, options: ChannelOptions): MessageChannel;
}

/** Sends and receives whole messages over a duplex whose chunks are whole messages. */
export class MessageChannel {
  /** The framing in use. */
  readonly framing: Framing = 'message';
  protected readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  protected readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly onError: ((error: unknown) => void) | undefined;
  protected failed: unknown = undefined;
  /** Shown the first bytes until it decides; undefined once it has (or was never given). */
  protected inspect: ((head: Uint8Array) => boolean) | undefined;
  private headBytes = NO_BYTES;
  protected readonly onWriteError = (e: unknown): void => {
    if (this.failed !== undefined) return;
    this.failed = e;
    this.onError?.(e);
  };

  constructor(conn: DuplexStream, options: ChannelOptions = {}) {
    this.onError = options.onError;
    this.inspect = options.inspect;
    this.writer = conn.writable.getWriter();
    this.reader = conn.readable.getReader();
  }

  /**
   * Reads until the peer ends the stream, calling `onMessage` synchronously for
   * each message, in order. Resolves at the end of input; rejects on a transport
   * or framing error, or with what `onMessage` throws. `pause`, when given, is
   * awaited between chunks while it returns a promise (backpressure).
   */
  async read(onMessage: (message: Uint8Array) => void, pause?: () => Promise<void> | undefined): Promise<void> {
    const reader = this.reader;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      if (this.inspect !== undefined) this.inspectHead(value);
      onMessage(value);
      const wait = pause?.();
      if (wait !== undefined) await wait;
    }
  }

  /** The first bytes received (up to {@link HEAD_BYTES}) when `inspect` was given; empty otherwise. */
  get head(): Uint8Array {
    return this.headBytes;
  }

  /** Adds a chunk to the head and shows it to `inspect`, until it has decided or the head is full. */
  protected inspectHead(chunk: Uint8Array): void {
    const had = this.headBytes.length;
    const take = Math.min(chunk.length, HEAD_BYTES - had);
    const head = new Uint8Array(had + take);
    head.set(this.headBytes);
    head.set(chunk.subarray(0, take), had);
    this.headBytes = head;
    if (this.inspect!(head) || head.length >= HEAD_BYTES) this.inspect = undefined;
  }

  /** Queues one message. Throws if an earlier write failed. */
  send(message: Uint8Array): void {
    this.assertWritable();
    this.writer.write(message).catch(this.onWriteError);
  }

  /** Throws the TransportError of a failed earlier write. */
  protected assertWritable(): void {
    if (this.failed !== undefined) throw new TransportError('the connection can no longer be written', 'TRANSPORT', { cause: this.failed });
  }

  /** Resolves when the writable wants more data; undefined when it already does. */
  ready(): Promise<void> | undefined {
    const size = this.writer.desiredSize;
    return size !== null && size <= 0 ? this.writer.ready : undefined;
  }

  /** Writes out what is queued, then closes the writable (the peer sees end of input). */
  async close(): Promise<void> {
    try {
      await this.writer.close();
    } catch {
      // Already errored or closed: nothing left to flush.
    }
    this.reader.cancel().catch(ignore);
  }

  /** Tears both directions down now. */
  abort(reason?: unknown): void {
    this.writer.abort(reason).catch(ignore);
    this.reader.cancel(reason).catch(ignore);
  }

  /** Stops reading (the peer's further messages are discarded). */
  stopReading(): void {
    this.reader.cancel().catch(ignore);
  }
}

/** Each chunk is one message (WebSocket messages, HTTP bodies): no splitting, no prefix. */
export const messageTransport: MessageFraming = { name: 'message', open: (conn, options) => new MessageChannel(conn, options) };

/** Ignores a rejection nobody waits for. */
export function ignore(): void {}
