/**
 * A message channel over a byte duplex: what clients and servers talk through.
 * Each stream operation costs far more than the bytes it moves (a web-stream
 * write or read is ~1–2 µs in Node), so the channel does one per chunk, not one
 * per message: frames are split in-line as each chunk arrives, and messages sent
 * in the same turn leave as one chunk.
 */
import { TimeoutError, TransportError } from '../errors.js';
import { MessageSplitter, DEFAULT_MAX_MESSAGE_SIZE, type MeasureFn } from './buffered.js';
import { FrameDecoder, FRAME_HEADER_SIZE, type FrameSink } from './framed.js';
import type { DuplexStream } from './types.js';

/**
 * How messages map onto the byte stream: 'framed' (4-byte big-endian length
 * prefix, TFramedTransport), 'buffered' (back to back, TBufferedTransport; ends
 * found by the protocol's measure), or 'message' (each chunk is one message, for
 * message-oriented duplexes such as WebSocket or an already-framed stream).
 */
export type Framing = 'buffered' | 'framed' | 'message';

/** Options for {@link MessageChannel}. */
export interface ChannelOptions {
  /** See {@link Framing}. */
  framing: Framing;
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

// Batches are gathered in slabs; a slab region is never rewritten once sent. The
// first slab is small and allocated on the first send, so an idle connection costs
// no buffer; later slabs are full size.
const FIRST_SLAB = 4 * 1024;
const SLAB = 64 * 1024;
const EMPTY = new Uint8Array(0);
// Messages at least this large skip the batch copy and are written as they are.
const LARGE = 16 * 1024;

/** Sends and receives whole messages over a byte duplex. */
export class MessageChannel {
  /** The framing in use. */
  readonly framing: Framing;
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly splitter: { transform(chunk: Uint8Array, sink: FrameSink): void; flush(): void; hasPartial(): boolean } | undefined;
  private readonly messageTimeout: number;
  private partialTimer: ReturnType<typeof setTimeout> | undefined;
  /** Set when the message timer fired: what read() rejects with. */
  private stalled: TimeoutError | undefined;
  private readonly onError: ((error: unknown) => void) | undefined;
  private slab = EMPTY;
  private start = 0;
  private pos = 0;
  private scheduled = false;
  private failed: unknown = undefined;
  private inspect: ((head: Uint8Array) => boolean) | undefined;
  private headBytes = EMPTY;
  private readonly flushBound = this.flush.bind(this);
  private readonly onWriteError = (e: unknown): void => {
    if (this.failed !== undefined) return;
    this.failed = e;
    this.onError?.(e);
  };

  constructor(conn: DuplexStream, options: ChannelOptions) {
    const framing = options.framing;
    this.framing = framing;
    this.onError = options.onError;
    const maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    if (framing === 'framed') this.splitter = new FrameDecoder({ maxFrameSize: maxMessageSize });
    else if (framing === 'buffered') {
      if (typeof options.measure !== 'function') throw new TypeError("framing 'buffered' needs the protocol's measure function");
      // The walk allows at least the default depth, so a request nested past a lower
      // reader limit still arrives whole and gets its PROTOCOL_ERROR reply.
      this.splitter = new MessageSplitter({ measure: options.measure, maxMessageSize, maxDepth: Math.max(options.maxDepth ?? 64, 64) });
    } else if (framing === 'message') this.splitter = undefined;
    else throw new TypeError(`unknown framing ${JSON.stringify(framing)}: use 'buffered', 'framed' or 'message'`);
    this.messageTimeout = options.messageTimeout ?? 0;
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
    const splitter = this.splitter;
    const timed = this.messageTimeout > 0;
    let completed = 0;
    // Counting completions lets the message timer restart whenever a message finishes.
    const sink: FrameSink = timed ? { enqueue: (m) => (completed++, onMessage(m)) } : { enqueue: onMessage };
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          if (this.stalled !== undefined) throw this.stalled;
          splitter?.flush();
          return;
        }
        if (this.inspect !== undefined) this.inspectHead(value);
        if (splitter !== undefined) {
          completed = 0;
          splitter.transform(value, sink);
          if (timed) {
            if (completed > 0) this.watchPartial(false);
            this.watchPartial(splitter.hasPartial());
          }
        } else {
          onMessage(value);
        }
        const wait = pause?.();
        if (wait !== undefined) await wait;
      }
    } finally {
      this.watchPartial(false);
    }
  }

  /** The first bytes received (up to {@link HEAD_BYTES}) when `inspect` was given; empty otherwise. */
  get head(): Uint8Array {
    return this.headBytes;
  }

  /** Adds a chunk to the head and shows it to `inspect`, until it has decided or the head is full. */
  private inspectHead(chunk: Uint8Array): void {
    const had = this.headBytes.length;
    const take = Math.min(chunk.length, HEAD_BYTES - had);
    const head = new Uint8Array(had + take);
    head.set(this.headBytes);
    head.set(chunk.subarray(0, take), had);
    this.headBytes = head;
    if (this.inspect!(head) || head.length >= HEAD_BYTES) this.inspect = undefined;
  }

  /** Starts the message timer when a message is left incomplete, stops it when none is. */
  private watchPartial(partial: boolean): void {
    if (!partial) {
      if (this.partialTimer !== undefined) clearTimeout(this.partialTimer);
      this.partialTimer = undefined;
    } else if (this.partialTimer === undefined) {
      const ms = this.messageTimeout;
      this.partialTimer = setTimeout(() => {
        this.stalled = new TimeoutError(`a message was not completed within ${ms} ms`);
        this.reader.cancel(this.stalled).catch(ignore);
      }, ms);
    }
  }

  /**
   * Queues one message. Everything queued in the same turn of the event loop is
   * written as one chunk. Throws if an earlier write failed.
   */
  send(message: Uint8Array): void {
    if (this.failed !== undefined) throw new TransportError('the connection can no longer be written', 'TRANSPORT', { cause: this.failed });
    const framed = this.framing === 'framed';
    const n = message.length;
    if (n >= LARGE) {
      // Large payloads are written as they are: a copy would cost more than the extra stream write.
      this.flush();
      if (framed) this.writer.write(header(n)).catch(this.onWriteError);
      this.writer.write(message).catch(this.onWriteError);
      return;
    }
    if (this.framing === 'message') {
      this.writer.write(message).catch(this.onWriteError);
      return;
    }
    const need = n + (framed ? FRAME_HEADER_SIZE : 0);
    if (this.pos + need > this.slab.length) this.newSlab(need);
    const slab = this.slab;
    let p = this.pos;
    if (framed) {
      slab[p] = n >>> 24;
      slab[p + 1] = n >>> 16;
      slab[p + 2] = n >>> 8;
      slab[p + 3] = n;
      p += 4;
    }
    slab.set(message, p);
    this.pos = p + n;
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(this.flushBound);
    }
  }

  /** Resolves when the writable wants more data; undefined when it already does. */
  ready(): Promise<void> | undefined {
    // A batch grown past a slab is written now, so that the writable's backpressure can see it.
    if (this.pos - this.start >= SLAB) this.flush();
    const size = this.writer.desiredSize;
    return size !== null && size <= 0 ? this.writer.ready : undefined;
  }

  /** Writes out what is queued, then closes the writable (the peer sees end of input). */
  async close(): Promise<void> {
    this.flush();
    try {
      await this.writer.close();
    } catch {
      // Already errored or closed: nothing left to flush.
    }
    this.reader.cancel().catch(ignore);
  }

  /** Tears both directions down now. */
  abort(reason?: unknown): void {
    this.pos = this.start;
    this.writer.abort(reason).catch(ignore);
    this.reader.cancel(reason).catch(ignore);
  }

  /** Stops reading (the peer's further messages are discarded). */
  stopReading(): void {
    this.reader.cancel().catch(ignore);
  }

  private flush(): void {
    this.scheduled = false;
    if (this.pos === this.start) return;
    const batch = this.slab.subarray(this.start, this.pos);
    this.start = this.pos;
    this.writer.write(batch).catch(this.onWriteError);
  }

  private newSlab(need: number): void {
    // The queued part moves along; what was already written stays untouched in the old slab.
    const queued = this.pos - this.start;
    const next = new Uint8Array(Math.max(this.slab === EMPTY ? FIRST_SLAB : SLAB, 2 * (queued + need)));
    next.set(this.slab.subarray(this.start, this.pos));
    this.slab = next;
    this.start = 0;
    this.pos = queued;
  }
}

function header(n: number): Uint8Array {
  return new Uint8Array([n >>> 24, n >>> 16, n >>> 8, n]);
}

function ignore(): void {}
