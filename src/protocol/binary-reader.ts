/**
 * TBinaryProtocol reader over one complete message in memory. Never copies a
 * payload (binary values are views into the message) and checks every length
 * against the bytes actually present before using it.
 */
import { ProtocolError, ProtocolErrorType } from '../errors.js';
import { TType } from './schema.js';
import { skipComposite } from './skip.js';
import type { MessageHeader, ProtocolReader, ReaderLimits } from './types.js';
import { readUtf8 } from './utf8.js';
import { readUuidBytes } from './uuid.js';
import { VERSION_1, VERSION_MASK } from './binary-writer.js';

const EMPTY = new Uint8Array(0);

/** Smallest encoding of one value of each wire type, to reject impossible element counts before allocating. */
export const MIN_SIZE: readonly number[] = [0, 0, 1, 1, 8, 0, 2, 0, 4, 0, 8, 4, 1, 6, 5, 5, 16];

/** Reads Thrift values in the binary protocol; accepts strict and old non-strict message headers. */
export class BinaryReader implements ProtocolReader {
  fieldId = 0;
  elemType = 0;
  keyType = 0;
  valueType = 0;
  private buffer: ArrayBufferLike = EMPTY.buffer;
  private bytes: Uint8Array = EMPTY;
  /** Offset of the current message in `bytes` (which spans the whole buffer). */
  private base = 0;
  private view: DataView = new DataView(EMPTY.buffer);
  private pos = 0;
  private end = 0;
  private depth = 0;
  private readonly maxDepth: number;

  constructor(limits?: ReaderLimits) {
    this.maxDepth = limits?.maxDepth ?? 64;
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

  readMessageBegin(): MessageHeader {
    const first = this.readI32();
    if (first < 0) {
      if ((first & VERSION_MASK) !== VERSION_1) {
        throw new ProtocolError(`bad binary protocol version 0x${(first >>> 0).toString(16)}`, ProtocolErrorType.BAD_VERSION);
      }
      const name = this.readString();
      return { name, type: first & 0xff, seqid: this.readI32() };
    }
    // Old non-strict header: the i32 was the name's length.
    this.need(first);
    const name = readUtf8(this.bytes, this.pos, this.pos + first);
    this.pos += first;
    const type = this.readByte();
    return { name, type, seqid: this.readI32() };
  }

  readStructBegin(): void {
    this.enter();
  }

  readStructEnd(): void {
    this.depth--;
  }

  readFieldBegin(): number {
    this.need(1);
    const t = this.bytes[this.pos];
    if (t === 0) {
      this.pos++;
      return 0;
    }
    this.need(3);
    this.fieldId = this.view.getInt16(this.pos + 1);
    this.pos += 3;
    return t;
  }

  readBool(): boolean {
    this.need(1);
    return this.bytes[this.pos++] !== 0;
  }

  readByte(): number {
    this.need(1);
    return this.view.getInt8(this.pos++);
  }

  readI16(): number {
    this.need(2);
    const v = this.view.getInt16(this.pos);
    this.pos += 2;
    return v;
  }

  readI32(): number {
    this.need(4);
    const v = this.view.getInt32(this.pos);
    this.pos += 4;
    return v;
  }

  readI64(): bigint {
    this.need(8);
    const v = this.view.getBigInt64(this.pos);
    this.pos += 8;
    return v;
  }

  readDouble(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos);
    this.pos += 8;
    return v;
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

  readListBegin(): number {
    this.need(5);
    const t = this.bytes[this.pos];
    const n = this.view.getInt32(this.pos + 1);
    this.pos += 5;
    this.elemType = t;
    this.checkCount(n, MIN_SIZE[t] ?? 1);
    this.enter();
    return n;
  }

  readListEnd(): void {
    this.depth--;
  }

  readSetBegin(): number {
    return this.readListBegin();
  }

  readSetEnd(): void {
    this.depth--;
  }

  readMapBegin(): number {
    this.need(6);
    const k = this.bytes[this.pos];
    const v = this.bytes[this.pos + 1];
    const n = this.view.getInt32(this.pos + 2);
    this.pos += 6;
    this.keyType = k;
    this.valueType = v;
    this.checkCount(n, (MIN_SIZE[k] ?? 1) + (MIN_SIZE[v] ?? 1));
    this.enter();
    return n;
  }

  readMapEnd(): void {
    this.depth--;
  }

  skip(ttype: number): void {
    switch (ttype) {
      case TType.BOOL:
      case TType.BYTE: this.advance(1); return;
      case TType.I16: this.advance(2); return;
      case TType.I32: this.advance(4); return;
      case TType.I64:
      case TType.DOUBLE: this.advance(8); return;
      case TType.UUID: this.advance(16); return;
      case TType.STRING: this.advance(this.readLength()); return;
      default:
        skipComposite(this, ttype);
    }
  }

  private enter(): void {
    if (++this.depth > this.maxDepth) {
      throw new ProtocolError(`nesting deeper than ${this.maxDepth}`, ProtocolErrorType.DEPTH_LIMIT);
    }
  }

  private readLength(): number {
    const n = this.readI32();
    if (n < 0) throw new ProtocolError(`negative length ${n}`, ProtocolErrorType.NEGATIVE_SIZE);
    this.need(n);
    return n;
  }

  private checkCount(n: number, minSize: number): void {
    if (n < 0) throw new ProtocolError(`negative container size ${n}`, ProtocolErrorType.NEGATIVE_SIZE);
    // An element count the remaining bytes cannot hold is rejected before anything is allocated for it.
    if (n * minSize > this.end - this.pos) {
      throw new ProtocolError(`container of ${n} elements exceeds the ${this.end - this.pos} bytes left`, ProtocolErrorType.SIZE_LIMIT);
    }
  }

  private advance(n: number): void {
    this.need(n);
    this.pos += n;
  }

  private need(n: number): void {
    if (this.pos + n > this.end) {
      throw new ProtocolError(`message truncated: need ${n} bytes at offset ${this.pos - this.base}, have ${this.end - this.pos}`, ProtocolErrorType.INVALID_DATA);
    }
  }
}
