/**
 * TBinaryProtocol writer (apache/thrift doc/specs/thrift-binary-protocol.md):
 * big-endian fixed-width integers, i32-length-prefixed strings, strict message headers.
 */
import { ProtocolError, ProtocolErrorType } from '../errors.js';
import { describe } from './describe.js';
import type { ProtocolWriter } from './types.js';
import { utf8Bytes, writeUtf8 } from './utf8.js';
import { writeUuidBytes } from './uuid.js';

/** Strict header: version 1 in the high 16 bits, message type in the low byte. */
export const VERSION_1 = 0x80010000 | 0;
/** The bits of a strict header's first word that hold the version. */
export const VERSION_MASK = 0xffff0000 | 0;

const SLAB = 64 * 1024;
const TWO_32 = 4294967296;

/**
 * A new byte array of `size`. Node's Buffer.allocUnsafe skips the zero-fill, which
 * for a megabyte message costs as much as the copy into it; elsewhere a Uint8Array.
 */
const allocate: (size: number) => Uint8Array =
  typeof Buffer === 'function' && typeof Buffer.allocUnsafe === 'function'
    ? (size) => {
        const b = Buffer.allocUnsafe(size);
        // A plain Uint8Array view keeps Buffer's methods and pool semantics out of user values.
        return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      }
    : (size) => new Uint8Array(size);

/**
 * Messages are written one after another into a slab and handed out as views;
 * a finished region is never written again, so no copy is needed to hand it to a socket.
 */
export class SlabWriter {
  protected buf: Uint8Array;
  protected view: DataView;
  protected pos = 0;
  protected start = 0;

  constructor(size = SLAB) {
    this.buf = allocate(size);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  begin(): void {
    this.pos = this.start;
  }

  finish(): Uint8Array {
    const out = this.buf.subarray(this.start, this.pos);
    this.start = this.pos;
    // A nearly full slab would force a copy on the next message's first write: start afresh.
    if (this.buf.length - this.pos < 512) this.replace(SLAB, 0);
    return out;
  }

  abort(): void {
    this.pos = this.start;
  }

  /** Makes room for n more bytes; moves the message in progress to a new slab when full. */
  protected ensure(n: number): void {
    if (this.pos + n > this.buf.length) {
      const keep = this.pos - this.start;
      // Small messages grow by doubling; one large value gets room for itself plus a slab, not twice its size.
      this.replace(Math.max(SLAB, 2 * keep, keep + n + SLAB), keep);
    }
  }

  private replace(size: number, keep: number): void {
    const next = allocate(size);
    if (keep > 0) next.set(this.buf.subarray(this.start, this.start + keep));
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
    this.start = 0;
    this.pos = keep;
  }
}

/** Writes Thrift values in the binary protocol. */
export class BinaryWriter extends SlabWriter implements ProtocolWriter {
  /** Write old-style (non-strict) message headers, for peers that need them. */
  strict = true;

  writeMessageBegin(name: string, type: number, seqid: number): void {
    if (this.strict) {
      this.writeI32(VERSION_1 | type);
      this.writeString(name);
    } else {
      this.writeString(name);
      this.writeByte(type);
    }
    this.writeI32(seqid);
  }

  writeStructBegin(): void {}
  writeStructEnd(): void {}

  writeFieldBegin(ttype: number, id: number): void {
    this.ensure(3);
    this.buf[this.pos] = ttype;
    this.view.setInt16(this.pos + 1, id);
    this.pos += 3;
  }

  writeFieldStop(): void {
    this.ensure(1);
    this.buf[this.pos++] = 0;
  }

  writeBool(value: boolean): void {
    if (typeof value !== 'boolean') throw invalid('bool', value);
    this.ensure(1);
    this.buf[this.pos++] = value ? 1 : 0;
  }

  writeByte(value: number): void {
    if (typeof value !== 'number' || (value << 24) >> 24 !== value) throw invalid('byte', value);
    this.ensure(1);
    this.buf[this.pos++] = value & 0xff;
  }

  writeI16(value: number): void {
    if (typeof value !== 'number' || (value << 16) >> 16 !== value) throw invalid('i16', value);
    this.ensure(2);
    this.view.setInt16(this.pos, value);
    this.pos += 2;
  }

  writeI32(value: number): void {
    if (typeof value !== 'number' || (value | 0) !== value) throw invalid('i32', value);
    this.ensure(4);
    this.view.setInt32(this.pos, value);
    this.pos += 4;
  }

  writeI64(value: bigint | number): void {
    this.ensure(8);
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) throw invalid('i64', value);
      this.view.setInt32(this.pos, Math.floor(value / TWO_32));
      this.view.setUint32(this.pos + 4, value >>> 0);
    } else if (typeof value === 'bigint' && BigInt.asIntN(64, value) === value) {
      this.view.setBigInt64(this.pos, value);
    } else {
      throw invalid('i64', value);
    }
    this.pos += 8;
  }

  writeDouble(value: number): void {
    if (typeof value !== 'number') throw invalid('double', value);
    this.ensure(8);
    this.view.setFloat64(this.pos, value);
    this.pos += 8;
  }

  writeString(value: string): void {
    if (typeof value !== 'string') throw invalid('string', value);
    // Worst case 3 bytes per UTF-16 unit, reserved once.
    this.ensure(4 + value.length * 3);
    const n = writeUtf8(value, this.buf, this.pos + 4);
    this.view.setInt32(this.pos, n);
    this.pos += 4 + n;
  }

  writeBinary(value: Uint8Array | string): void {
    if (typeof value === 'string') value = utf8Bytes(value);
    else if (!(value instanceof Uint8Array)) throw invalid('binary', value);
    const n = value.length;
    this.ensure(4 + n);
    this.view.setInt32(this.pos, n);
    this.buf.set(value, this.pos + 4);
    this.pos += 4 + n;
  }

  writeUuid(value: string): void {
    this.ensure(16);
    writeUuidBytes(value, this.buf, this.pos);
    this.pos += 16;
  }

  writeListBegin(elemType: number, size: number): void {
    this.ensure(5);
    this.buf[this.pos] = elemType;
    this.view.setInt32(this.pos + 1, size);
    this.pos += 5;
  }

  writeSetBegin(elemType: number, size: number): void {
    this.writeListBegin(elemType, size);
  }

  writeMapBegin(keyType: number, valueType: number, size: number): void {
    this.ensure(6);
    this.buf[this.pos] = keyType;
    this.buf[this.pos + 1] = valueType;
    this.view.setInt32(this.pos + 2, size);
    this.pos += 6;
  }
}

/** A ProtocolError for a value that does not fit the declared type. */
export function invalid(type: string, value: unknown): ProtocolError {
  return new ProtocolError(`expected ${type}, got ${describe(value)}`, ProtocolErrorType.INVALID_DATA);
}
