/**
 * TCompactProtocol writer (apache/thrift doc/specs/thrift-compact-protocol.md):
 * zigzag varints, field-id deltas, bools folded into field headers,
 * little-endian doubles, varint-prefixed strings.
 */
import { ProtocolError, ProtocolErrorType } from '../errors.js';
import { invalid, SlabWriter } from './binary-writer.js';
import { TType } from './schema.js';
import type { ProtocolWriter } from './types.js';
import { utf8Bytes, writeUtf8 } from './utf8.js';
import { writeUuidBytes } from './uuid.js';

/** Protocol id, from the spec's Message section. */
export const COMPACT_PROTOCOL_ID = 0x82;
/** Protocol version, in the low 5 bits of the message header's second byte. */
export const COMPACT_VERSION = 1;

/** Compact type ids (spec: Struct encoding). */
export const CType = {
  STOP: 0,
  BOOLEAN_TRUE: 1,
  BOOLEAN_FALSE: 2,
  BYTE: 3,
  I16: 4,
  I32: 5,
  I64: 6,
  DOUBLE: 7,
  BINARY: 8,
  LIST: 9,
  SET: 10,
  MAP: 11,
  STRUCT: 12,
  UUID: 13,
} as const;

/**
 * TType → compact type. Bool elements are typed 1 (BOOLEAN_TRUE), as Apache's Java,
 * C++ and Python libraries write them; readers accept 1 and 2.
 */
export const COMPACT_OF_TTYPE: readonly number[] = (() => {
  const t: number[] = new Array(17).fill(-1);
  t[TType.STOP] = CType.STOP;
  t[TType.BOOL] = CType.BOOLEAN_TRUE;
  t[TType.BYTE] = CType.BYTE;
  t[TType.I16] = CType.I16;
  t[TType.I32] = CType.I32;
  t[TType.I64] = CType.I64;
  t[TType.DOUBLE] = CType.DOUBLE;
  t[TType.STRING] = CType.BINARY;
  t[TType.LIST] = CType.LIST;
  t[TType.SET] = CType.SET;
  t[TType.MAP] = CType.MAP;
  t[TType.STRUCT] = CType.STRUCT;
  t[TType.UUID] = CType.UUID;
  return t;
})();

const TWO_32 = 4294967296;

// Zigzag doubles the magnitude: past 2^52 the odd result of a negative value (2|n| - 1)
// is no longer exact in a double, so larger magnitudes take the BigInt path.
const ZIGZAG_EXACT = 2 ** 52;
const ZIGZAG_EXACT_BIG = 2n ** 52n;

function zigzag64(value: bigint): bigint {
  return BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
}
const MAX_DEPTH = 1024;

/** Writes Thrift values in the compact protocol. */
export class CompactWriter extends SlabWriter implements ProtocolWriter {
  /** Field id of the last field written in each open struct. */
  private readonly lastIds = new Int16Array(MAX_DEPTH);
  private depth = 0;
  private lastId = 0;
  /** A bool field header waits for its value, which goes into the header's type nibble. */
  private boolPending = false;
  private boolId = 0;

  override begin(): void {
    super.begin();
    this.depth = 0;
    this.lastId = 0;
    this.boolPending = false;
  }

  writeMessageBegin(name: string, type: number, seqid: number): void {
    this.ensure(2);
    this.buf[this.pos++] = COMPACT_PROTOCOL_ID;
    this.buf[this.pos++] = (COMPACT_VERSION & 0x1f) | ((type << 5) & 0xe0);
    this.writeVarint32(seqid >>> 0);
    this.writeString(name);
  }

  writeStructBegin(): void {
    if (this.depth >= MAX_DEPTH) throw new ProtocolError(`nesting deeper than ${MAX_DEPTH}`, ProtocolErrorType.DEPTH_LIMIT);
    this.lastIds[this.depth++] = this.lastId;
    this.lastId = 0;
  }

  writeStructEnd(): void {
    this.lastId = this.lastIds[--this.depth];
  }

  writeFieldBegin(ttype: number, id: number): void {
    if (ttype === TType.BOOL) {
      // The value decides the header's type nibble: wait for writeBool.
      this.boolPending = true;
      this.boolId = id;
      return;
    }
    this.fieldHeader(COMPACT_OF_TTYPE[ttype], id);
  }

  private fieldHeader(ctype: number, id: number): void {
    const delta = id - this.lastId;
    this.ensure(4);
    if (delta > 0 && delta <= 15) {
      this.buf[this.pos++] = (delta << 4) | ctype;
    } else {
      this.buf[this.pos++] = ctype;
      this.writeVarint32(((id << 1) ^ (id >> 31)) >>> 0);
    }
    this.lastId = id;
  }

  writeFieldStop(): void {
    this.ensure(1);
    this.buf[this.pos++] = 0;
  }

  writeBool(value: boolean): void {
    if (typeof value !== 'boolean') throw invalid('bool', value);
    if (this.boolPending) {
      this.boolPending = false;
      this.fieldHeader(value ? CType.BOOLEAN_TRUE : CType.BOOLEAN_FALSE, this.boolId);
      return;
    }
    this.ensure(1);
    this.buf[this.pos++] = value ? CType.BOOLEAN_TRUE : CType.BOOLEAN_FALSE;
  }

  writeByte(value: number): void {
    if (typeof value !== 'number' || (value << 24) >> 24 !== value) throw invalid('byte', value);
    this.ensure(1);
    this.buf[this.pos++] = value & 0xff;
  }

  writeI16(value: number): void {
    if (typeof value !== 'number' || (value << 16) >> 16 !== value) throw invalid('i16', value);
    this.ensure(3);
    this.writeVarint32(((value << 1) ^ (value >> 31)) >>> 0);
  }

  writeI32(value: number): void {
    if (typeof value !== 'number' || (value | 0) !== value) throw invalid('i32', value);
    this.ensure(5);
    this.writeVarint32(((value << 1) ^ (value >> 31)) >>> 0);
  }

  writeI64(value: bigint | number): void {
    this.ensure(10);
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) throw invalid('i64', value);
      if (value >= -ZIGZAG_EXACT && value <= ZIGZAG_EXACT) this.writeZigzag53(value);
      else this.writeVarintBig(zigzag64(BigInt(value)));
    } else if (typeof value === 'bigint' && BigInt.asIntN(64, value) === value) {
      if (value >= -ZIGZAG_EXACT_BIG && value <= ZIGZAG_EXACT_BIG) this.writeZigzag53(Number(value));
      else this.writeVarintBig(zigzag64(value));
    } else {
      throw invalid('i64', value);
    }
  }

  writeDouble(value: number): void {
    if (typeof value !== 'number') throw invalid('double', value);
    this.ensure(8);
    this.view.setFloat64(this.pos, value, true);
    this.pos += 8;
  }

  writeString(value: string): void {
    if (typeof value !== 'string') throw invalid('string', value);
    const max = value.length * 3;
    this.ensure(5 + max);
    if (max < 128) {
      // One length byte is enough: write the bytes after it, then the length.
      const n = writeUtf8(value, this.buf, this.pos + 1);
      this.buf[this.pos] = n;
      this.pos += 1 + n;
      return;
    }
    const n = writeUtf8(value, this.buf, this.pos + 5);
    const lengthBytes = varintSize(n);
    // Shift the bytes left over the unused length slots (rare: long strings only).
    if (lengthBytes < 5) this.buf.copyWithin(this.pos + lengthBytes, this.pos + 5, this.pos + 5 + n);
    this.writeVarint32(n);
    this.pos += n;
  }

  writeBinary(value: Uint8Array | string): void {
    if (typeof value === 'string') value = utf8Bytes(value);
    else if (!(value instanceof Uint8Array)) throw invalid('binary', value);
    this.ensure(5 + value.length);
    this.writeVarint32(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  writeUuid(value: string): void {
    this.ensure(16);
    writeUuidBytes(value, this.buf, this.pos);
    this.pos += 16;
  }

  writeListBegin(elemType: number, size: number): void {
    this.ensure(6);
    const ct = COMPACT_OF_TTYPE[elemType];
    if (size < 15) {
      this.buf[this.pos++] = (size << 4) | ct;
    } else {
      this.buf[this.pos++] = 0xf0 | ct;
      this.writeVarint32(size);
    }
  }

  writeSetBegin(elemType: number, size: number): void {
    this.writeListBegin(elemType, size);
  }

  writeMapBegin(keyType: number, valueType: number, size: number): void {
    this.ensure(6);
    if (size === 0) {
      this.buf[this.pos++] = 0;
      return;
    }
    this.writeVarint32(size);
    this.buf[this.pos++] = (COMPACT_OF_TTYPE[keyType] << 4) | COMPACT_OF_TTYPE[valueType];
  }

  /** Unsigned LEB128 of a uint32; capacity reserved by the caller. */
  private writeVarint32(n: number): void {
    const buf = this.buf;
    let pos = this.pos;
    while (n > 0x7f) {
      buf[pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    buf[pos++] = n;
    this.pos = pos;
  }

  /** Zigzag varint of an integer of magnitude at most 2^52, in double arithmetic (no BigInt on the common path). */
  private writeZigzag53(n: number): void {
    let z = n >= 0 ? n * 2 : -n * 2 - 1;
    const buf = this.buf;
    let pos = this.pos;
    while (z >= TWO_32) {
      buf[pos++] = (z % 128) | 0x80;
      z = Math.floor(z / 128);
    }
    let lo = z >>> 0;
    while (lo > 0x7f) {
      buf[pos++] = (lo & 0x7f) | 0x80;
      lo >>>= 7;
    }
    buf[pos++] = lo;
    this.pos = pos;
  }

  private writeVarintBig(z: bigint): void {
    const buf = this.buf;
    let pos = this.pos;
    while (z > 0x7fn) {
      buf[pos++] = Number(z & 0x7fn) | 0x80;
      z >>= 7n;
    }
    buf[pos++] = Number(z);
    this.pos = pos;
  }
}

function varintSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}
