/**
 * The channel of the byte-stream framings ('framed', 'buffered'). Each stream
 * operation costs far more than the bytes it moves (a web-stream write or read is
 * ~1–2 µs in Node), so it does one per chunk, not one per message: frames are split
 * in-line as each chunk arrives, and messages sent in the same turn leave as one chunk.
 */
import { TimeoutError } from '../errors.js';
import { ignore, MessageChannel, type ChannelOptions, type Framing } from './channel.js';
import type { FrameSink } from './framed.js';
import type { DuplexStream } from './types.js';

/** Finds whole messages in the chunks of a byte stream, as FrameDecoder and MessageSplitter do. */
export interface Splitter {
  /** Hands every message completed by `chunk` to `sink`, in order. */
  transform(chunk: Uint8Array, sink: FrameSink): void;
  /** At the end of input: throws when a message was left incomplete. */
  flush(): void;
  /** Whether bytes of an incomplete message are held. */
  hasPartial(): boolean;
}

// Batches are gathered in slabs; a slab region is never rewritten once sent. The
// first slab is small and allocated on the first send, so an idle connection costs
// no buffer; later slabs are full size.
const FIRST_SLAB = 4 * 1024;
const SLAB = 64 * 1024;
const EMPTY = new Uint8Array(0);
// Messages at least this large skip the batch copy and are written as they are.
const LARGE = 16 * 1024;
// TFramedTransport's i32 length before each message (doc/specs/thrift-rpc.md).
const FRAME_PREFIX = 4;

/** Apache's default cap on one message (doc/specs/thrift-tconfiguration.md, MaxMessageSize). */
export const DEFAULT_CHANNEL_MAX = 16_384_000;

/** Sends and receives whole messages over a byte duplex, split by `splitter`; 'framed' writes get their length prefix. */
export class StreamChannel extends MessageChannel {
  override readonly framing: Framing;
  private readonly splitter: Splitter;
  private readonly messageTimeout: number;
  private partialTimer: ReturnType<typeof setTimeout> | undefined;
  /** Set when the message timer fired: what read() rejects with. */
  private stalled: TimeoutError | undefined;
  private slab = EMPTY;
  private start = 0;
  private pos = 0;
  private scheduled = false;
  private readonly flushBound = this.flush.bind(this);

  constructor(conn: DuplexStream, options: ChannelOptions, framing: 'framed' | 'buffered', splitter: Splitter) {
    super(conn, options);
    this.framing = framing;
    this.splitter = splitter;
    this.messageTimeout = options.messageTimeout ?? 0;
  }

  override async read(onMessage: (message: Uint8Array) => void, pause?: () => Promise<void> | undefined): Promise<void> {
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
          splitter.flush();
          return;
        }
        if (this.inspect !== undefined) this.inspectHead(value);
        completed = 0;
        splitter.transform(value, sink);
        if (timed) {
          if (completed > 0) this.watchPartial(false);
          this.watchPartial(splitter.hasPartial());
        }
        const wait = pause?.();
        if (wait !== undefined) await wait;
      }
    } finally {
      this.watchPartial(false);
    }
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
  override send(message: Uint8Array): void {
    this.assertWritable();
    const framed = this.framing === 'framed';
    const n = message.length;
    if (n >= LARGE) {
      // Large payloads are written as they are: a copy would cost more than the extra stream write.
      this.flush();
      if (framed) this.writer.write(new Uint8Array([n >>> 24, n >>> 16, n >>> 8, n])).catch(this.onWriteError);
      this.writer.write(message).catch(this.onWriteError);
      return;
    }
    const need = n + (framed ? FRAME_PREFIX : 0);
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

  override ready(): Promise<void> | undefined {
    // A batch grown past a slab is written now, so that the writable's backpressure can see it.
    if (this.pos - this.start >= SLAB) this.flush();
    return super.ready();
  }

  override close(): Promise<void> {
    this.flush();
    return super.close();
  }

  override abort(reason?: unknown): void {
    this.pos = this.start;
    super.abort(reason);
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
