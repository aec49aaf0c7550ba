/**
 * TJSONProtocol writer. The wire format is defined only by Apache's
 * implementations (lib/java/.../protocol/TJSONProtocol.java, lib/py/.../TJSONProtocol.py):
 * message `[1,"name",type,seqid,{struct}]`, struct `{"id":{"type":value},...}`,
 * list/set `["type",count,elem,...]`, map `["ktype","vtype",count,{"key":value,...}]`.
 *
 * ProtocolWriter has no end calls for fields, lists, maps or messages, so this
 * writer closes them itself: a field when the next field or the STOP comes, a
 * container (and the message) once its announced number of values is written.
 */
import { ProtocolError, ProtocolErrorType } from '../errors.js';
import { invalid, SlabWriter } from './binary-writer.js';
import { describe } from './describe.js';
import { BACKSLASH, CLOSED, COLON, COMMA, FRESH, JSON_TYPE_NAME, LIST, MAP, MESSAGE, OPEN, QUOTE, STRUCT, TOP } from './json-common.js';
import type { ProtocolWriter } from './types.js';
import { isUuid } from './uuid.js';

const HEX = '0123456789abcdef';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_CODES = Uint8Array.from(B64, (c) => c.charCodeAt(0));

/** Escape for each byte below 0x20 (Java's JSON_CHAR_TABLE): a letter, or 0 for \u00XX. */
const SHORT_ESCAPE = new Uint8Array(32);
SHORT_ESCAPE[0x08] = 0x62; // b
SHORT_ESCAPE[0x09] = 0x74; // t
SHORT_ESCAPE[0x0a] = 0x6e; // n
SHORT_ESCAPE[0x0c] = 0x66; // f
SHORT_ESCAPE[0x0d] = 0x72; // r

/** `"name"` for each TType, ready to copy. */
const QUOTED_NAME: readonly Uint8Array[] = JSON_TYPE_NAME.map((n) => Uint8Array.from(`"${n}"`, (c) => c.charCodeAt(0)));

const encoder = new TextEncoder();
const TWO_63 = 2n ** 63n;

/** Writes Thrift values in Apache's TJSONProtocol. */
export class JsonWriter extends SlabWriter implements ProtocolWriter {
  private kind: number[] = [TOP];
  /** Values still to come in a LIST (elements), MAP (keys and values) or MESSAGE (the body). */
  private left: number[] = [0];
  /** STRUCT: FRESH/OPEN/CLOSED. MAP: 1 before the first key. */
  private state: number[] = [0];
  private sp = 0;
  /** UTF-8 of a non-ASCII string, before escaping. */
  private scratch = new Uint8Array(256);

  override begin(): void {
    super.begin();
    this.sp = 0;
  }

  override abort(): void {
    super.abort();
    this.sp = 0;
  }

  writeMessageBegin(name: string, type: number, seqid: number): void {
    if (typeof name !== 'string') throw invalid('message name (string)', name);
    if ((type | 0) !== type || (seqid | 0) !== seqid) throw invalid('message type and seqid (i32)', [type, seqid]);
    // A new message starts from a clean slate whatever came before (Apache's THRIFT-3743).
    this.sp = 0;
    this.ensure(2);
    this.buf[this.pos++] = 0x5b;
    this.buf[this.pos++] = 0x31;
    this.byte(COMMA);
    this.string(name);
    this.byte(COMMA);
    this.integer(type, false);
    this.byte(COMMA);
    this.integer(seqid, false);
    this.push(MESSAGE, 1, 0);
  }

  writeStructBegin(): void {
    this.before();
    this.byte(0x7b);
    this.push(STRUCT, 0, FRESH);
  }

  writeStructEnd(): void {
    if (this.state[this.sp] === OPEN) this.byte(0x7d);
    this.byte(0x7d);
    this.sp--;
    this.after();
  }

  writeFieldBegin(ttype: number, id: number): void {
    if ((id << 16) >> 16 !== id) throw invalid('field id (i16)', id);
    const sp = this.sp;
    const s = this.state[sp];
    const name = this.typeName(ttype);
    this.ensure(12 + name.length);
    const buf = this.buf;
    if (s === OPEN) buf[this.pos++] = 0x7d;
    if (s !== FRESH) buf[this.pos++] = COMMA;
    buf[this.pos++] = QUOTE;
    this.digits(id);
    buf[this.pos++] = QUOTE;
    buf[this.pos++] = COLON;
    buf[this.pos++] = 0x7b;
    buf.set(name, this.pos);
    this.pos += name.length;
    buf[this.pos++] = COLON;
    this.state[sp] = OPEN;
  }

  writeFieldStop(): void {
    if (this.state[this.sp] === OPEN) {
      this.byte(0x7d);
      this.state[this.sp] = CLOSED;
    }
  }

  writeBool(value: boolean): void {
    if (typeof value !== 'boolean') throw invalid('bool', value);
    this.integer(value ? 1 : 0, this.before());
    this.after();
  }

  writeByte(value: number): void {
    if (typeof value !== 'number' || (value << 24) >> 24 !== value) throw invalid('byte', value);
    this.integer(value, this.before());
    this.after();
  }

  writeI16(value: number): void {
    if (typeof value !== 'number' || (value << 16) >> 16 !== value) throw invalid('i16', value);
    this.integer(value, this.before());
    this.after();
  }

  writeI32(value: number): void {
    if (typeof value !== 'number' || (value | 0) !== value) throw invalid('i32', value);
    this.integer(value, this.before());
    this.after();
  }

  writeI64(value: bigint | number): void {
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) throw invalid('i64', value);
      this.integer(value, this.before());
    } else if (typeof value === 'bigint' && value >= -TWO_63 && value < TWO_63) {
      const key = this.before();
      // Beyond 2^53 the digits come from BigInt itself: exact, and rare enough to allocate.
      if (value >= -9007199254740991n && value <= 9007199254740991n) this.integer(Number(value), key);
      else this.ascii(value.toString(), key);
    } else {
      throw invalid('i64', value);
    }
    this.after();
  }

  writeDouble(value: number): void {
    if (typeof value !== 'number') throw invalid('double', value);
    const key = this.before();
    if (value !== value) this.ascii('NaN', true);
    else if (value === Infinity) this.ascii('Infinity', true);
    else if (value === -Infinity) this.ascii('-Infinity', true);
    else if (value === 0 && 1 / value < 0) this.ascii('-0', key);
    else if (Number.isSafeInteger(value)) this.integer(value, key);
    // Shortest round-trip digits (what Node's peer writes too); always valid JSON.
    else this.ascii(String(value), key);
    this.after();
  }

  writeString(value: string): void {
    if (typeof value !== 'string') throw invalid('string', value);
    this.before();
    this.string(value);
    this.after();
  }

  writeBinary(value: Uint8Array | string): void {
    if (typeof value === 'string') value = encoder.encode(value);
    else if (!(value instanceof Uint8Array)) throw invalid('binary', value);
    this.before();
    const n = value.length;
    this.ensure(2 + Math.ceil(n / 3) * 4);
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = QUOTE;
    let i = 0;
    for (; i + 2 < n; i += 3) {
      const v = (value[i] << 16) | (value[i + 1] << 8) | value[i + 2];
      buf[p] = B64_CODES[v >> 18];
      buf[p + 1] = B64_CODES[(v >> 12) & 63];
      buf[p + 2] = B64_CODES[(v >> 6) & 63];
      buf[p + 3] = B64_CODES[v & 63];
      p += 4;
    }
    // Padded, as Python and Node write it; Java omits the padding and every reader accepts both.
    if (i < n) {
      const two = i + 1 < n;
      const v = (value[i] << 16) | (two ? value[i + 1] << 8 : 0);
      buf[p] = B64_CODES[v >> 18];
      buf[p + 1] = B64_CODES[(v >> 12) & 63];
      buf[p + 2] = two ? B64_CODES[(v >> 6) & 63] : 0x3d;
      buf[p + 3] = 0x3d;
      p += 4;
    }
    buf[p++] = QUOTE;
    this.pos = p;
    this.after();
  }

  writeUuid(value: string): void {
    if (!isUuid(value)) {
      throw new ProtocolError(`expected a UUID string (8-4-4-4-12 hex), got ${describe(value)}`);
    }
    this.before();
    this.string(value.toLowerCase());
    this.after();
  }

  writeListBegin(elemType: number, size: number): void {
    this.collection(elemType, size);
  }

  writeSetBegin(elemType: number, size: number): void {
    this.collection(elemType, size);
  }

  writeMapBegin(keyType: number, valueType: number, size: number): void {
    checkSize(size);
    const k = this.typeName(keyType);
    const v = this.typeName(valueType);
    this.before();
    this.ensure(4 + k.length + v.length);
    this.buf[this.pos++] = 0x5b;
    this.buf.set(k, this.pos);
    this.pos += k.length;
    this.buf[this.pos++] = COMMA;
    this.buf.set(v, this.pos);
    this.pos += v.length;
    this.buf[this.pos++] = COMMA;
    this.integer(size, false);
    this.ensure(3);
    this.buf[this.pos++] = COMMA;
    this.buf[this.pos++] = 0x7b;
    if (size === 0) {
      this.buf[this.pos++] = 0x7d;
      this.byte(0x5d);
      this.after();
    } else {
      this.push(MAP, 2 * size, 1);
    }
  }

  private collection(elemType: number, size: number): void {
    checkSize(size);
    const name = this.typeName(elemType);
    this.before();
    this.ensure(2 + name.length);
    this.buf[this.pos++] = 0x5b;
    this.buf.set(name, this.pos);
    this.pos += name.length;
    this.buf[this.pos++] = COMMA;
    this.integer(size, false);
    if (size === 0) {
      this.byte(0x5d);
      this.after();
    } else {
      this.push(LIST, size, 0);
    }
  }

  private typeName(ttype: number): Uint8Array {
    const name = QUOTED_NAME[ttype];
    if (name === undefined || name.length === 2) throw new ProtocolError(`no JSON type name for wire type ${ttype}`, ProtocolErrorType.NOT_IMPLEMENTED);
    return name;
  }

  private push(kind: number, left: number, state: number): void {
    const sp = ++this.sp;
    this.kind[sp] = kind;
    this.left[sp] = left;
    this.state[sp] = state;
  }

  /** Writes the separator a value needs where it stands; true when it is a map key (numbers get quoted). */
  private before(): boolean {
    const sp = this.sp;
    switch (this.kind[sp]) {
      case LIST:
      case MESSAGE:
        this.byte(COMMA);
        return false;
      case MAP: {
        // An even count left means a key comes next.
        if ((this.left[sp] & 1) === 1) {
          this.byte(COLON);
          return false;
        }
        if (this.state[sp] === 1) this.state[sp] = 0;
        else this.byte(COMMA);
        return true;
      }
      default:
        return false;
    }
  }

  /** Counts a finished value; closes each container (and the message) it completes. */
  private after(): void {
    for (;;) {
      const sp = this.sp;
      const kind = this.kind[sp];
      if (kind === TOP || kind === STRUCT) return;
      if (--this.left[sp] > 0) return;
      if (kind === MAP) this.byte(0x7d);
      this.byte(0x5d);
      this.sp--;
    }
  }

  private byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /** A safe integer in decimal, quoted when it is a map key. */
  private integer(v: number, quoted: boolean): void {
    this.ensure(22);
    if (quoted) this.buf[this.pos++] = QUOTE;
    this.digits(v);
    if (quoted) this.buf[this.pos++] = QUOTE;
  }

  /** Decimal digits of a safe integer, written in place (room reserved by the caller). */
  private digits(v: number): void {
    const buf = this.buf;
    if (v < 0) {
      buf[this.pos++] = 0x2d;
      v = -v;
    }
    let n = 1;
    for (let t = v; t >= 10; t = Math.floor(t / 10)) n++;
    let p = this.pos + n;
    this.pos = p;
    do {
      const q = Math.floor(v / 10);
      buf[--p] = 0x30 + (v - q * 10);
      v = q;
    } while (v > 0);
  }

  /** An ASCII token (a number's digits), quoted when asked. */
  private ascii(s: string, quoted: boolean): void {
    this.ensure(s.length + 2);
    const buf = this.buf;
    if (quoted) buf[this.pos++] = QUOTE;
    for (let i = 0; i < s.length; i++) buf[this.pos++] = s.charCodeAt(i);
    if (quoted) buf[this.pos++] = QUOTE;
  }

  /** A JSON string escaped as Java's TJSONProtocol does: \" \\ \b \t \n \f \r, other controls \u00XX. */
  private string(s: string): void {
    const n = s.length;
    // Worst case: every unit a control character, 6 bytes each.
    this.ensure(2 + 6 * n);
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = QUOTE;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      if (c >= 0x20 && c !== QUOTE && c !== BACKSLASH) buf[p++] = c;
      else p = escape(buf, p, c);
    }
    if (i < n) {
      // Everything before i was ASCII, so the UTF-8 of s has the same i bytes first.
      if (this.scratch.length < 3 * n) this.scratch = new Uint8Array(3 * n);
      const utf8 = this.scratch;
      const m = encoder.encodeInto(s, utf8).written;
      for (let j = i; j < m; j++) {
        const c = utf8[j];
        if (c >= 0x20 && c !== QUOTE && c !== BACKSLASH) buf[p++] = c;
        else p = escape(buf, p, c);
      }
    }
    buf[p++] = QUOTE;
    this.pos = p;
  }
}

/** Writes the escape of one byte (a control character, quote or backslash) at p; returns the new end. */
function escape(buf: Uint8Array, p: number, c: number): number {
  buf[p++] = BACKSLASH;
  if (c === QUOTE || c === BACKSLASH) {
    buf[p++] = c;
  } else if (SHORT_ESCAPE[c] !== 0) {
    buf[p++] = SHORT_ESCAPE[c];
  } else {
    buf[p] = 0x75;
    buf[p + 1] = 0x30;
    buf[p + 2] = 0x30;
    buf[p + 3] = HEX.charCodeAt(c >> 4);
    buf[p + 4] = HEX.charCodeAt(c & 15);
    p += 5;
  }
  return p;
}

function checkSize(size: number): void {
  if ((size | 0) !== size || size < 0) throw invalid('container size (non-negative i32)', size);
}

