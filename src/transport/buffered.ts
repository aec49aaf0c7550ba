/**
 * TBufferedTransport: messages go on the wire back to back with no framing, so
 * only the protocol can tell where one ends; it does so through a {@link MeasureFn}.
 */
import { FrameTooLargeError, TransportError } from '../errors.js';
import type { FrameSink } from './framed.js';
import { streams } from './streams.js';
import type { DuplexStream } from './types.js';
import type { MessageFraming } from './channel.js';
import { StreamChannel } from './stream-channel.js';

/** Limits a {@link MeasureFn} applies while it walks a message. */
export interface MeasureLimits {
  /** Largest message accepted: a message whose structure already needs more bytes fails at once. */
  maxSize?: number;
  /** Deepest struct/container nesting accepted (the readers' limit; default 64). */
  maxDepth?: number;
}

/**
 * Returns the byte length of the complete message starting at `start` in bytes[start..end),
 * or -1 when more bytes are needed; throws ProtocolError on malformed input, and
 * FrameTooLargeError as soon as the message is known to exceed `limits.maxSize`.
 */
export type MeasureFn = (bytes: Uint8Array, start: number, end: number, limits?: MeasureLimits) => number;

/** Options of the buffered (unframed) transport. */
export interface BufferedOptions {
  /** Finds message boundaries; supplied by the protocol. */
  measure: MeasureFn;
  /** Largest message accepted, in bytes; default 16_384_000, the framed transport's default. */
  maxMessageSize?: number;
  /** Deepest nesting the measure walk accepts; give the readers' limit (default 64). */
  maxDepth?: number;
}

/** Default cap on one unframed message, in bytes. */
export const DEFAULT_MAX_MESSAGE_SIZE = 16_384_000;

// Copying the next chunk into the partial message starts at this many bytes and
// doubles while measure() keeps asking for more: an RPC-sized tail costs a small
// copy, not the whole 64 KiB socket read it arrived with.
const MIN_APPEND = 1024;

function validate(options: BufferedOptions): { measure: MeasureFn; max: number } {
  if (typeof options?.measure !== 'function') throw new TypeError('buffered transport needs a measure function');
  const max = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxMessageSize must be a positive integer, got ${max}`);
  return { measure: options.measure, max };
}

/**
 * Splits a byte stream into messages; usable as a Transformer or directly. Whole messages inside a chunk leave as views
 * of it; only a message that crosses chunks is gathered into one contiguous buffer
 * that grows by doubling. It fits the Transformer shape structurally: naming the DOM's
 * Transformer here would leak it into our .d.ts, where Node projects without lib dom lack it.
 */
export class MessageSplitter {
  private readonly measure: MeasureFn;
  private readonly max: number;
  private readonly limits: MeasureLimits;
  /** Gathers the one message that crosses chunks; handed out when whole, never reused. */
  private pending: Uint8Array | null = null;
  private pendingLength = 0;

  constructor(options: BufferedOptions) {
    const { measure, max } = validate(options);
    this.measure = measure;
    this.max = max;
    this.limits = { maxSize: max, maxDepth: options.maxDepth };
  }

  /** True while part of a message has arrived and the rest has not. */
  hasPartial(): boolean {
    return this.pendingLength > 0;
  }

  /** Consumes `chunk`, passing every message it completes to `controller`; throws what measure() throws. */
  transform(chunk: Uint8Array, controller: FrameSink): void {
    let start = 0;
    if (this.pendingLength > 0) {
      start = this.complete(chunk, controller);
      if (start < 0) return;
    }
    const end = chunk.length;
    while (start < end) {
      const size = this.measureAt(chunk, start, end);
      if (size < 0) break;
      controller.enqueue(chunk.subarray(start, start + size));
      start += size;
    }
    if (start < end) {
      const rest = end - start;
      if (rest > this.max) throw new FrameTooLargeError(rest, this.max, 'message');
      this.pending = new Uint8Array(Math.max(rest * 2, MIN_APPEND));
      this.pending.set(chunk.subarray(start, end));
      this.pendingLength = rest;
    }
  }

  /** Throws if the input ended inside a message. */
  flush(): void {
    if (this.pendingLength > 0) {
      const have = this.pendingLength;
      this.pending = null;
      this.pendingLength = 0;
      throw new TransportError(`connection closed mid-message: ${have} bytes of an incomplete message received`);
    }
  }

  /**
   * Feeds `chunk` into the pending message until measure() finds its end. Returns
   * where the following bytes start in `chunk`, or -1 when all of it was absorbed.
   */
  private complete(chunk: Uint8Array, controller: FrameSink): number {
    const before = this.pendingLength;
    let taken = 0;
    let step = Math.max(before, MIN_APPEND);
    for (;;) {
      const n = Math.min(step, chunk.length - taken);
      this.append(chunk, taken, n);
      taken += n;
      const size = this.measureAt(this.pending!, 0, this.pendingLength);
      if (size >= 0) {
        if (size <= before) {
          throw new TransportError(`measure() found a ${size}-byte message in bytes it had called incomplete (${before})`);
        }
        controller.enqueue(this.pending!.subarray(0, size));
        this.pending = null;
        this.pendingLength = 0;
        return size - before;
      }
      if (this.pendingLength > this.max) throw new FrameTooLargeError(this.pendingLength, this.max, 'message');
      if (taken === chunk.length) return -1;
      step *= 2;
    }
  }

  private append(chunk: Uint8Array, from: number, n: number): void {
    let buffer = this.pending!;
    const need = this.pendingLength + n;
    if (need > buffer.length) {
      const grown = new Uint8Array(Math.max(buffer.length * 2, need));
      grown.set(buffer.subarray(0, this.pendingLength));
      this.pending = buffer = grown;
    }
    buffer.set(from === 0 && n === chunk.length ? chunk : chunk.subarray(from, from + n), this.pendingLength);
    this.pendingLength = need;
  }

  /** Calls measure() and holds it to its contract, so a bad answer cannot loop or overrun. */
  private measureAt(bytes: Uint8Array, start: number, end: number): number {
    const size = this.measure(bytes, start, end, this.limits);
    if (size === -1) return -1;
    if (!Number.isInteger(size) || size < 1 || size > end - start) {
      throw new TransportError(`measure() returned ${size} for ${end - start} available bytes`);
    }
    if (size > this.max) throw new FrameTooLargeError(size, this.max, 'message');
    return size;
  }
}

/** TBufferedTransport for clients and servers (`transport: bufferedTransport`): messages back to back, ends found by the protocol. */
export const bufferedTransport: MessageFraming = {
  name: 'buffered',
  open(conn, options) {
    if (typeof options.measure !== 'function') throw new TypeError("transport 'buffered' needs the protocol's measure function");
    // The walk allows at least the default depth, so a request nested past a lower
    // reader limit still arrives whole and gets its PROTOCOL_ERROR reply.
    const maxDepth = Math.max(options.maxDepth ?? 64, 64);
    return new StreamChannel(conn, options, 'buffered', new MessageSplitter({ measure: options.measure, maxMessageSize: options.maxMessageSize, maxDepth }));
  },
};

/** A stream that turns unframed bytes into one chunk per whole message. */
export function createMessageSplitter(options: BufferedOptions): TransformStream<Uint8Array, Uint8Array> {
  const splitter = new MessageSplitter(options);
  const { TransformStream } = streams();
  return new TransformStream<Uint8Array, Uint8Array>(splitter);
}

/** Carries whole messages over a byte duplex with no framing: writes pass through, reads are split by `measure`. */
export function buffered(conn: DuplexStream, options: BufferedOptions): DuplexStream {
  return { readable: conn.readable.pipeThrough(createMessageSplitter(options)), writable: conn.writable };
}
