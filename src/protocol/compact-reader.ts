/**
 * TCompactProtocol reader over one complete message in memory
 * (apache/thrift doc/specs/thrift-compact-protocol.md). Wire types are mapped
 * back to TType so the compiled codecs read both protocols the same way.
 */
import { FrameTooLargeError, ProtocolError, ProtocolErrorType } from '../errors.js';
import { COMPACT_PROTOCOL_ID, COMPACT_VERSION, CType } from './compact-writer.js';
import { TType } from './schema.js';
import { skipComposite } from './skip.js';
import type { MessageHeader, ProtocolReader, ReaderLimits } from './types.js';
import { ByteReader } from './byte-reader.js';
import { INCOMPLETE, measureBySkipping } from './measure-by-skipping.js';

const MAX_DEPTH_STACK = 1024;

/** Compact type → TType (-1: not a type). */
export const TTYPE_OF_COMPACT: readonly number[] = [
  TType.STOP, TType.BOOL, TType.BOOL, TType.BYTE, TType.I16, TType.I32, TType.I64, TType.DOUBLE,
  TType.STRING, TType.LIST, TType.SET, TType.MAP, TType.STRUCT, TType.UUID, -1, -1,
];

/** Smallest encoding of one element of each TType in the compact protocol. */
const MIN_SIZE: readonly number[] = [0, 0, 1, 1, 8, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1, 16];

/** Reads Thrift values in the compact protocol. */
export class CompactReader extends ByteReader implements ProtocolReader {
  private lastId = 0;
  private readonly lastIds = new Int16Array(MAX_DEPTH_STACK);
  private structDepth = 0;
  /** The value of the bool field whose header was just read, or -1. */
  private boolValue = -1;
  /** Set on the reader measureCompact uses: running out of bytes means "wait", not an error. */
  measuring = false;
  /** While measuring: the message size limit. */
  maxSize = Infinity;

  constructor(limits?: ReaderLimits) {
    super(limits, MAX_DEPTH_STACK);
  }

  override reset(bytes: Uint8Array): void {
    super.reset(bytes);
    this.structDepth = 0;
    this.lastId = 0;
    this.boolValue = -1;
  }

  readMessageBegin(): MessageHeader {
    this.need(2);
    const id = this.bytes[this.pos];
    const vt = this.bytes[this.pos + 1];
    this.pos += 2;
    if (id !== COMPACT_PROTOCOL_ID) {
      throw new ProtocolError(`bad compact protocol id 0x${id.toString(16)} (expected 0x82)`, ProtocolErrorType.BAD_VERSION);
    }
    if ((vt & 0x1f) !== COMPACT_VERSION) {
      throw new ProtocolError(`bad compact protocol version ${vt & 0x1f}`, ProtocolErrorType.BAD_VERSION);
    }
    const seqid = this.readVarint32() | 0;
    const name = this.readString();
    return { name, type: (vt >> 5) & 0x07, seqid };
  }

  readStructBegin(): void {
    this.enter();
    this.lastIds[this.structDepth++] = this.lastId;
    this.lastId = 0;
  }

  readStructEnd(): void {
    this.depth--;
    this.lastId = this.lastIds[--this.structDepth];
  }

  readFieldBegin(): number {
    this.need(1);
    const b = this.bytes[this.pos++];
    if (b === 0) return TType.STOP;
    const ct = b & 0x0f;
    const delta = b >> 4;
    if (delta !== 0) this.fieldId = this.lastId + delta;
    else this.fieldId = this.readZigzag32();
    // Field ids are i16 on the wire; a long-form id outside that range is invalid data.
    if (this.fieldId > 32767 || this.fieldId < -32768) throw new ProtocolError(`field id ${this.fieldId} out of range`);
    this.lastId = this.fieldId;
    const t = TTYPE_OF_COMPACT[ct];
    if (t === undefined || t < 0) throw new ProtocolError(`unknown compact type ${ct}`, ProtocolErrorType.INVALID_DATA);
    if (t === TType.BOOL) this.boolValue = ct === CType.BOOLEAN_TRUE ? 1 : 0;
    return t;
  }

  readBool(): boolean {
    if (this.boolValue >= 0) {
      const v = this.boolValue === 1;
      this.boolValue = -1;
      return v;
    }
    this.need(1);
    // Apache's libraries write 1 for true and 2 for false in containers; 1 is the only true.
    return this.bytes[this.pos++] === CType.BOOLEAN_TRUE;
  }

  readByte(): number {
    this.need(1);
    return this.view.getInt8(this.pos++);
  }

  readI16(): number {
    const v = this.readZigzag32();
    if (v > 32767 || v < -32768) throw new ProtocolError(`i16 value ${v} out of range`);
    return v;
  }

  readI32(): number {
    return this.readZigzag32();
  }

  readI64(): bigint {
    // Up to 7 bytes (49 bits) accumulate exactly in a double; longer varints take the BigInt path.
    const bytes = this.bytes;
    let pos = this.pos;
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 7; i++) {
      if (pos >= this.end) this.cutShort(pos);
      const b = bytes[pos++];
      result += (b & 0x7f) * mul;
      if (b < 0x80) {
        this.pos = pos;
        // Un-zigzag in doubles: even → n/2, odd → -(n+1)/2.
        return BigInt(result % 2 === 0 ? result / 2 : -(result + 1) / 2);
      }
      mul *= 128;
    }
    let big = BigInt(result);
    let shift = 49n;
    for (let i = 7; i < 10; i++) {
      if (pos >= this.end) this.cutShort(pos);
      const b = bytes[pos++];
      big |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        big = BigInt.asUintN(64, big);
        return BigInt.asIntN(64, (big >> 1n) ^ -(big & 1n));
      }
      shift += 7n;
    }
    throw new ProtocolError('varint longer than 10 bytes', ProtocolErrorType.INVALID_DATA);
  }

  readDouble(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  readListBegin(): number {
    this.need(1);
    const b = this.bytes[this.pos++];
    let n = b >> 4;
    if (n === 15) n = this.readSize();
    const t = TTYPE_OF_COMPACT[b & 0x0f];
    if (t < 0) throw new ProtocolError(`unknown compact element type ${b & 0x0f}`, ProtocolErrorType.INVALID_DATA);
    this.elemType = t;
    this.checkCount(n, MIN_SIZE[t]);
    this.enter();
    return n;
  }

  readSetBegin(): number {
    return this.readListBegin();
  }

  readMapBegin(): number {
    const n = this.readSize();
    if (n === 0) {
      this.keyType = 0;
      this.valueType = 0;
    } else {
      this.need(1);
      const kv = this.bytes[this.pos++];
      const k = TTYPE_OF_COMPACT[kv >> 4];
      const v = TTYPE_OF_COMPACT[kv & 0x0f];
      if (k < 0 || v < 0) throw new ProtocolError(`unknown compact map types 0x${kv.toString(16)}`, ProtocolErrorType.INVALID_DATA);
      this.keyType = k;
      this.valueType = v;
      this.checkCount(n, MIN_SIZE[k] + MIN_SIZE[v]);
    }
    this.enter();
    return n;
  }

  skip(ttype: number): void {
    switch (ttype) {
      case TType.BOOL: this.readBool(); return;
      case TType.BYTE: this.advance(1); return;
      case TType.I16:
      case TType.I32: this.readVarint32(); return;
      case TType.I64: this.skipVarint(); return;
      case TType.DOUBLE: this.advance(8); return;
      case TType.UUID: this.advance(16); return;
      case TType.STRING: this.advance(this.readLength()); return;
      default:
        skipComposite(this, ttype);
    }
  }

  /** A varint ran off the end at `pos`: the error names that offset, and measuring counts the bytes read so far. */
  private cutShort(pos: number): never {
    this.pos = pos;
    return this.truncated(1);
  }

  private readVarint32(): number {
    const bytes = this.bytes;
    let pos = this.pos;
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (pos >= this.end) this.cutShort(pos);
      const b = bytes[pos++];
      result |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        return result >>> 0;
      }
    }
    throw new ProtocolError('varint longer than 5 bytes', ProtocolErrorType.INVALID_DATA);
  }

  private readZigzag32(): number {
    const n = this.readVarint32();
    return (n >>> 1) ^ -(n & 1);
  }

  private skipVarint(): void {
    for (let i = 0; i < 10; i++) {
      this.need(1);
      if (this.bytes[this.pos++] < 0x80) return;
    }
    throw new ProtocolError('varint longer than 10 bytes', ProtocolErrorType.INVALID_DATA);
  }

  private readSize(): number {
    const n = this.readVarint32();
    if (n > 0x7fffffff) throw new ProtocolError(`negative size ${n | 0}`, ProtocolErrorType.NEGATIVE_SIZE);
    return n;
  }

  protected readLength(): number {
    const n = this.readSize();
    this.need(n);
    return n;
  }

  protected override tooMany(n: number): never {
    // While measuring, the rest of the message may simply not have arrived yet.
    if (this.measuring) throw INCOMPLETE;
    return super.tooMany(n);
  }

  protected override truncated(n: number): never {
    if (this.measuring) {
      // A length already announced past the limit fails now, not after the bytes arrive.
      const need = this.pos + n - this.base;
      if (need > this.maxSize) throw new FrameTooLargeError(need, this.maxSize, 'message');
      throw INCOMPLETE;
    }
    return super.truncated(n);
  }
}

const measurer = new CompactReader();
measurer.measuring = true;

/**
 * Length of the compact-protocol message starting at bytes[start], or -1 when
 * bytes[start..end) does not yet hold all of it: the reader skips the message's
 * structure, and running out of bytes means "wait for more". Throws
 * ProtocolError on bytes that cannot be a message, FrameTooLargeError once it
 * must exceed `limits.maxSize`.
 */
export function measureCompact(bytes: Uint8Array, start: number, end: number, limits?: { maxSize?: number; maxDepth?: number }): number {
  measurer.maxSize = limits?.maxSize ?? Infinity;
  measurer.maxDepth = Math.min(limits?.maxDepth ?? 64, MAX_DEPTH_STACK);
  return measureBySkipping(measurer, bytes, start, end);
}
