/**
 * The channel of the byte-stream framings ('framed', 'buffered'). Each stream
 * operation costs far more than the bytes it moves (a web-stream write or read is
 * ~1–2 µs in Node), so it does one per chunk, not one per message: frames are split
 * in-line as each chunk arrives, and messages sent in the same turn leave as one chunk.
 */
import { TimeoutError } from '../errors.js';
import { CHANNEL_FREE_BIT, MessageChannel, type ChannelOptions, type Framing } from './channel.js';
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

// Batches are gathered in one slab shared by every channel of the process: a
// batch is a region at the slab's free end, growing in place while no other channel
// has taken space after it (else it moves, a rare copy). A region is never
// rewritten once sent, and a channel with nothing queued holds no buffer at all, so
// an idle connection costs none (one 4 KiB slab per connection used to stay after
// its first reply).
const SLAB = 64 * 1024;
const EMPTY = new Uint8Array(0);
let shared = EMPTY;
let sharedUsed = 0;
// Messages at least this large skip the batch copy and are written as they are.
const LARGE = 16 * 1024;
// TFramedTransport's i32 length before each message (doc/specs/thrift-rpc.md).
const FRAME_PREFIX = 4;

// Channels with a batch to write at the end of this turn: one microtask flushes them all.
let flushing: StreamChannel[] = [];
let spare: StreamChannel[] = [];
function flushAll(): void {
  const queue = flushing;
  flushing = spare;
  for (let i = 0; i < queue.length; i++) queue[i]!.flush();
  queue.length = 0;
  spare = queue;
}

// StreamChannel's own state bits, above MessageChannel's.
const FRAMED = CHANNEL_FREE_BIT;
const SCHEDULED = CHANNEL_FREE_BIT << 1;

/** Apache's default cap on one message (doc/specs/thrift-tconfiguration.md, MaxMessageSize). */
export const DEFAULT_CHANNEL_MAX = 16_384_000;

/** Sends and receives whole messages over a byte duplex, split by `splitter`; 'framed' writes get their length prefix. */
export class StreamChannel extends MessageChannel implements FrameSink {
  private readonly splitter: Splitter;
  private readonly messageTimeout: number;
  private partialTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** The queued batch: slab[start..pos), the shared slab's newest region while it grows. */
  private slab = EMPTY;
  private start = 0;
  private pos = 0;

  constructor(conn: DuplexStream, options: ChannelOptions, framing: 'framed' | 'buffered', splitter: Splitter) {
    super(conn, options);
    if (framing === 'framed') this.flags |= FRAMED;
    this.splitter = splitter;
    this.messageTimeout = options.messageTimeout ?? 0;
  }

  override get framing(): Framing {
    return (this.flags & FRAMED) !== 0 ? 'framed' : 'buffered';
  }

  protected override deliver(chunk: Uint8Array): void {
    this.splitter.transform(chunk, this);
    if (this.messageTimeout > 0) this.watchPartial(this.splitter.hasPartial());
  }

  /** @internal The splitter's sink: one whole message. */
  enqueue(message: Uint8Array): void {
    // A message finished: the timer of the next one starts afresh.
    if (this.partialTimer !== undefined) this.watchPartial(false);
    if (this.open) this.receiver!.onMessage(message);
  }

  protected override endOfInput(): void {
    this.splitter.flush();
  }

  protected override stopTimers(): void {
    this.watchPartial(false);
  }

  /** Starts the message timer when a message is left incomplete, stops it when none is. */
  private watchPartial(partial: boolean): void {
    if (!partial) {
      if (this.partialTimer !== undefined) clearTimeout(this.partialTimer);
      this.partialTimer = undefined;
    } else if (this.partialTimer === undefined) {
      const ms = this.messageTimeout;
      this.partialTimer = setTimeout(() => {
        this.partialTimer = undefined;
        // The connection is useless with a stalled message in it: the receiver hears this error.
        this.link.destroy(new TimeoutError(`a message was not completed within ${ms} ms`));
      }, ms);
    }
  }

  /**
   * Queues one message. Everything queued in the same turn of the event loop is
   * written as one chunk. Throws if an earlier write failed.
   */
  override send(message: Uint8Array): void {
    this.assertWritable();
    const framed = (this.flags & FRAMED) !== 0;
    const n = message.length;
    if (n >= LARGE) {
      // Large payloads are written as they are: a copy would cost more than the extra write.
      this.flush();
      if (framed) this.write(new Uint8Array([n >>> 24, n >>> 16, n >>> 8, n]));
      this.write(message);
      return;
    }
    const need = n + (framed ? FRAME_PREFIX : 0);
    if (this.slab !== shared || this.pos !== sharedUsed || shared.length - this.pos < need) this.reserve(need);
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
    this.pos = sharedUsed = p + n;
    if ((this.flags & SCHEDULED) === 0) {
      this.flags |= SCHEDULED;
      if (flushing.length === 0) queueMicrotask(flushAll);
      flushing.push(this);
    }
  }

  /** Puts the queued batch at the shared slab's free end with room for `need` more bytes. */
  private reserve(need: number): void {
    const queued = this.pos - this.start;
    let slab = shared;
    if (slab.length - sharedUsed < queued + need) {
      slab = shared = new Uint8Array(Math.max(SLAB, 2 * (queued + need)));
      sharedUsed = 0;
    }
    // Another channel took the space after our batch, or it outgrew the slab: it moves.
    if (queued > 0) slab.set(this.slab.subarray(this.start, this.pos), sharedUsed);
    this.slab = slab;
    this.start = sharedUsed;
    this.pos = sharedUsed = sharedUsed + queued;
  }

  override ready(): Promise<void> | undefined {
    // A batch grown past a slab is written now, so that the link's backpressure can see it.
    if (this.pos - this.start >= SLAB) this.flush();
    return super.ready();
  }

  override close(): Promise<void> {
    this.flush();
    return super.close();
  }

  override abort(reason?: unknown): void {
    this.drop();
    super.abort(reason);
  }

  /** @internal Writes the queued batch as one chunk. */
  flush(): void {
    this.flags &= ~SCHEDULED;
    if (this.pos === this.start) return;
    const batch = this.slab.subarray(this.start, this.pos);
    this.drop();
    this.write(batch);
  }

  private drop(): void {
    this.slab = EMPTY;
    this.start = this.pos = 0;
  }
}
