/**
 * TFramedTransport: every message travels as a 4-byte big-endian signed length
 * followed by that many payload bytes (apache/thrift doc/specs/thrift-rpc.md,
 * "Framed vs unframed transport").
 */
import { FrameTooLargeError, TransportError } from '../errors.js';
import { allocate } from './slab.js';
import { streams } from './streams.js';
import type { DuplexStream } from './types.js';
import type { MessageFraming } from './channel.js';
import { DEFAULT_CHANNEL_MAX, StreamChannel } from './stream-channel.js';

/** Options of the framed transport. */
export interface FramedOptions {
  /** Largest payload accepted, in bytes; default 16_384_000 (apache/thrift doc/specs/thrift-tconfiguration.md). */
  maxFrameSize?: number;
}

/** Apache Thrift's default MaxFrameSize (doc/specs/thrift-tconfiguration.md). */
export const DEFAULT_MAX_FRAME_SIZE = 16_384_000;

/** Bytes of the length prefix in front of every frame. */
export const FRAME_HEADER_SIZE = 4;

// The prefix is an i32: nothing larger can be announced.
const MAX_I32 = 0x7fff_ffff;

// Below this many bytes a loop beats creating a subarray to pass to set().
const SMALL_COPY = 32;

function maxFrameSizeOf(options: FramedOptions | undefined): number {
  const max = options?.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
  if (!Number.isInteger(max) || max < 0 || max > MAX_I32) {
    throw new RangeError(`maxFrameSize must be an integer in [0, ${MAX_I32}], got ${max}`);
  }
  return max;
}

// Never pushed to: a decoder holding bytes has an array of its own.
const NO_CHUNKS: Uint8Array[] = [];

/** Where decoded frames go: a TransformStream's controller, or any object with `enqueue`. */
export interface FrameSink {
  enqueue(frame: Uint8Array): void;
}

/**
 * Reassembles frames from arbitrarily split bytes; usable as a Transformer or,
 * without any stream in between, by calling transform() and flush() directly. Unconsumed input is kept as a
 * list of chunks plus a running byte count; a payload is copied only when it spans
 * chunks, otherwise it leaves as a subarray of the chunk it arrived in. It fits the
 * Transformer shape structurally: naming the DOM's Transformer here would leak it into
 * our .d.ts, where Node projects without lib dom lack it.
 */
export class FrameDecoder {
  private readonly maxFrameSize: number;
  /** Held chunks; the shared empty list while none is (an idle decoder holds no array). */
  private chunks: Uint8Array[] = NO_CHUNKS;
  /** Index of the first live chunk: a cursor, so consuming never shifts the array. */
  private head = 0;
  /** Bytes of chunks[head] already consumed. */
  private offset = 0;
  /** Unconsumed bytes across all chunks. */
  private buffered = 0;
  /** Payload length announced by the header already consumed, or -1 while the header is pending. */
  private frameLength = -1;

  constructor(options?: FramedOptions) {
    this.maxFrameSize = maxFrameSizeOf(options);
  }

  /** True while part of a frame has arrived and the rest has not. */
  hasPartial(): boolean {
    return this.buffered > 0 || this.frameLength >= 0;
  }

  /** Consumes `chunk`, passing every frame it completes to `controller`; throws on a bad length. */
  transform(chunk: Uint8Array, controller: FrameSink): void {
    if (this.buffered === 0) {
      this.scan(chunk, 0, controller);
      return;
    }
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.frameLength < 0) {
      if (this.buffered < FRAME_HEADER_SIZE) return;
      this.frameLength = this.checkLength(this.readHeader());
    }
    if (this.buffered < this.frameLength) return;
    // Everything buffered before this chunk fell short of one frame, so this frame
    // ends inside `chunk` and whatever follows it lies in `chunk` alone.
    const length = this.frameLength;
    this.frameLength = -1;
    controller.enqueue(this.take(length));
    const rest = this.buffered;
    this.reset();
    if (rest > 0) this.scan(chunk, chunk.length - rest, controller);
  }

  /** Throws if the input ended inside a frame. */
  flush(): void {
    if (this.buffered > 0 || this.frameLength >= 0) {
      const need = this.frameLength >= 0 ? `${this.frameLength}-byte frame` : 'frame header';
      const have = this.buffered;
      this.reset();
      throw new TransportError(`connection closed mid-frame: ${have} bytes of a ${need} received`);
    }
  }

  /** Emits every whole frame of chunk[start..] as a view and keeps the tail. */
  private scan(chunk: Uint8Array, start: number, controller: FrameSink): void {
    const end = chunk.length;
    let p = start;
    let length = this.frameLength;
    for (;;) {
      if (length < 0) {
        if (end - p < FRAME_HEADER_SIZE) break;
        length = this.checkLength((chunk[p] << 24) | (chunk[p + 1] << 16) | (chunk[p + 2] << 8) | chunk[p + 3]);
        p += FRAME_HEADER_SIZE;
      }
      if (end - p < length) break;
      controller.enqueue(chunk.subarray(p, p + length));
      p += length;
      length = -1;
    }
    this.frameLength = length;
    if (p < end) {
      // Keep the whole chunk with an offset: no view is allocated for the tail.
      this.chunks = [chunk];
      this.head = 0;
      this.offset = p;
      this.buffered = end - p;
    }
  }

  /** Validates an announced length before any of its body is buffered. */
  private checkLength(length: number): number {
    if (length < 0) {
      this.reset();
      throw new TransportError(`negative frame length ${length}`);
    }
    if (length > this.maxFrameSize) {
      this.reset();
      throw new FrameTooLargeError(length, this.maxFrameSize);
    }
    return length;
  }

  /** Consumes the 4 header bytes, which may straddle chunks; returns them as an i32. */
  private readHeader(): number {
    let value = 0;
    for (let i = 0; i < FRAME_HEADER_SIZE; i++) {
      const chunk = this.chunks[this.head];
      value = (value << 8) | chunk[this.offset++];
      if (this.offset === chunk.length) {
        this.head++;
        this.offset = 0;
      }
    }
    this.buffered -= FRAME_HEADER_SIZE;
    return value;
  }

  /** Consumes `length` buffered bytes: a view when they lie in one chunk, else one copy. */
  private take(length: number): Uint8Array {
    // The header may have used up every chunk: there is no chunks[head] to view.
    if (length === 0) return new Uint8Array(0);
    this.buffered -= length;
    let chunk = this.chunks[this.head];
    if (chunk.length - this.offset >= length) {
      const view = chunk.subarray(this.offset, this.offset + length);
      this.offset += length;
      return view;
    }
    const out = allocate(length);
    let filled = 0;
    while (filled < length) {
      chunk = this.chunks[this.head];
      const n = Math.min(chunk.length - this.offset, length - filled);
      if (n < SMALL_COPY) {
        // A view per tiny piece would cost more than copying its bytes one by one.
        for (let i = 0, from = this.offset; i < n; i++) out[filled + i] = chunk[from + i];
      } else {
        out.set(n === chunk.length ? chunk : chunk.subarray(this.offset, this.offset + n), filled);
      }
      filled += n;
      this.offset += n;
      if (this.offset === chunk.length) {
        this.head++;
        this.offset = 0;
      }
    }
    return out;
  }

  private reset(): void {
    this.chunks = NO_CHUNKS;
    this.head = 0;
    this.offset = 0;
    this.buffered = 0;
  }
}

/**
 * Prefixes each payload with its length as one chunk of 4 + n bytes, so the socket
 * sees one write and the caller may reuse its payload buffer at once. Emitting the
 * prefix and the payload as two chunks avoids the copy but doubles the per-chunk
 * stream work; on 100-byte echo it measured ~25% slower (Node 20, loopback).
 */
class FrameEncoder implements Transformer<Uint8Array, Uint8Array> {
  transform(payload: Uint8Array, controller: FrameSink): void {
    const n = payload.length;
    if (n > MAX_I32) throw new TransportError(`payload of ${n} bytes does not fit a frame's i32 length`);
    const frame = allocate(FRAME_HEADER_SIZE + n);
    frame[0] = n >>> 24;
    frame[1] = n >>> 16;
    frame[2] = n >>> 8;
    frame[3] = n;
    frame.set(payload, FRAME_HEADER_SIZE);
    controller.enqueue(frame);
  }
}

/** TFramedTransport for clients and servers (`transport: framedTransport`): a 4-byte length before each message. */
export const framedTransport: MessageFraming = {
  name: 'framed',
  open: (conn, options) => new StreamChannel(conn, options, 'framed', new FrameDecoder({ maxFrameSize: options.maxMessageSize ?? DEFAULT_CHANNEL_MAX })),
};

/** A stream that turns framed bytes into one chunk per frame payload (without the prefix). */
export function createFrameDecoder(options?: FramedOptions): TransformStream<Uint8Array, Uint8Array> {
  const { TransformStream } = streams();
  return new TransformStream<Uint8Array, Uint8Array>(new FrameDecoder(options));
}

/** A stream that turns each payload into its length-prefixed frame. */
export function createFrameEncoder(): TransformStream<Uint8Array, Uint8Array> {
  const { TransformStream } = streams();
  return new TransformStream<Uint8Array, Uint8Array>(new FrameEncoder());
}

/** Carries whole messages in and out over a byte duplex using TFramedTransport framing. */
export function framed(conn: DuplexStream, options?: FramedOptions): DuplexStream {
  const decoder = createFrameDecoder(options);
  const encoder = createFrameEncoder();
  // pipeTo's failure already reaches the writer through the encoder's errored writable.
  encoder.readable.pipeTo(conn.writable).catch(ignore);
  return { readable: conn.readable.pipeThrough(decoder), writable: encoder.writable };
}

function ignore(): void {}
