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
import { VERSION_1, VERSION_MASK } from './binary-writer.js';
import { ByteReader } from './byte-reader.js';

/** Smallest encoding of one value of each wire type, to reject impossible element counts before allocating. */
export const MIN_SIZE: readonly number[] = [0, 0, 1, 1, 8, 0, 2, 0, 4, 0, 8, 4, 1, 6, 5, 5, 16];

/** Reads Thrift values in the binary protocol; accepts strict and old non-strict message headers. */
export class BinaryReader extends ByteReader implements ProtocolReader {
  constructor(limits?: ReaderLimits) {
    super(limits);
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

  readSetBegin(): number {
    return this.readListBegin();
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

  protected readLength(): number {
    const n = this.readI32();
    if (n < 0) throw new ProtocolError(`negative length ${n}`, ProtocolErrorType.NEGATIVE_SIZE);
    this.need(n);
    return n;
  }

  protected override checkCount(n: number, minSize: number): void {
    if (n < 0) throw new ProtocolError(`negative container size ${n}`, ProtocolErrorType.NEGATIVE_SIZE);
    super.checkCount(n, minSize);
  }

}
