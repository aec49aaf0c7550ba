/**
 * What the binary and compact readers share: a cursor over one message held in
 * memory, bounds checked per value, nesting counted, payloads returned as views.
 */
import { ProtocolError, ProtocolErrorType } from '../errors.js';
import type { ReaderLimits } from './types.js';
import { readUtf8 } from './utf8.js';
import { readUuidBytes } from './uuid.js';

const EMPTY = new Uint8Array(0);

/** The cursor and the base values both byte protocols encode the same way. */
export abstract class ByteReader {
  fieldId = 0;
  elemType = 0;
  keyType = 0;
  valueType = 0;
  /** Deepest struct/container nesting accepted. */
  maxDepth: number;
  protected buffer: ArrayBufferLike = EMPTY.buffer;
  /** A view of the whole buffer; positions are absolute in it. */
  protected bytes: Uint8Array = EMPTY;
  protected view: DataView = new DataView(EMPTY.buffer);
  /** Where the current message starts in `bytes`. */
  protected base = 0;
  protected pos = 0;
  protected end = 0;
  protected depth = 0;

  constructor(limits?: ReaderLimits, maxDepthCap = Infinity) {
    this.maxDepth = Math.min(limits?.maxDepth ?? 64, maxDepthCap);
  }

  reset(bytes: Uint8Array): void {
    // Messages cut from the same socket chunk or slab share one ArrayBuffer: keep its
    // views and move the cursor, instead of allocating a DataView per message.
    if (bytes.buffer !== this.buffer) {
      this.buffer = bytes.buffer;
      this.bytes = new Uint8Array(bytes.buffer);
      this.view = new DataView(bytes.buffer);
    }
    this.base = bytes.byteOffset;
    this.pos = bytes.byteOffset;
    this.end = bytes.byteOffset + bytes.length;
    this.depth = 0;
  }

  remaining(): number {
    return this.end - this.pos;
  }

  /** Bytes of the current message consumed so far. */
  consumed(): number {
    return this.pos - this.base;
  }

  readString(): string {
    const n = this.readLength();
    const s = readUtf8(this.bytes, this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  readBinary(): Uint8Array {
    const n = this.readLength();
    const b = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  readUuid(): string {
    this.need(16);
    const s = readUuidBytes(this.bytes, this.pos);
    this.pos += 16;
    return s;
  }

  readListEnd(): void {
    this.depth--;
  }

  readSetEnd(): void {
    this.depth--;
  }

  readMapEnd(): void {
    this.depth--;
  }

  /** A string or binary length, checked against the bytes present. */
  protected abstract readLength(): number;

  protected enter(): void {
    if (++this.depth > this.maxDepth) throw new ProtocolError(`nesting deeper than ${this.maxDepth}`, ProtocolErrorType.DEPTH_LIMIT);
  }

  /** Rejects an element count the bytes left cannot hold, before anything is allocated for it. */
  protected checkCount(n: number, minSize: number): void {
    if (n * minSize > this.end - this.pos) this.tooMany(n);
  }

  protected tooMany(n: number): never {
    throw new ProtocolError(`container of ${n} elements exceeds the ${this.end - this.pos} bytes left`, ProtocolErrorType.SIZE_LIMIT);
  }

  protected advance(n: number): void {
    this.need(n);
    this.pos += n;
  }

  protected need(n: number): void {
    if (this.pos + n > this.end) this.truncated(n);
  }

  protected truncated(n: number): never {
    throw new ProtocolError(`message truncated: need ${n} bytes at offset ${this.pos - this.base}, have ${this.end - this.pos}`, ProtocolErrorType.INVALID_DATA);
  }
}
