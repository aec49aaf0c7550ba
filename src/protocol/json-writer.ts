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
import { invalid } from './binary-writer.js';
import { describe } from './describe.js';
import { CLOSED, COLON, COMMA, FRESH, JSON_TYPE_NAME, LIST, MAP, MESSAGE, OPEN, QUOTE, STRUCT, TOP } from './json-common.js';
import { JsonTextWriter, utf8Of } from './json-text-writer.js';
import type { ProtocolWriter } from './types.js';
import { isUuid } from './uuid.js';

/** `"name"` for each TType, ready to copy. */
const QUOTED_NAME: readonly Uint8Array[] = JSON_TYPE_NAME.map((n) => Uint8Array.from(`"${n}"`, (c) => c.charCodeAt(0)));

const TWO_63 = 2n ** 63n;

/** Writes Thrift values in Apache's TJSONProtocol. */
export class JsonWriter extends JsonTextWriter implements ProtocolWriter {
  private kind: number[] = [TOP];
  /** Values still to come in a LIST (elements), MAP (keys and values) or MESSAGE (the body). */
  private left: number[] = [0];
  /** STRUCT: FRESH/OPEN/CLOSED. MAP: 1 before the first key. */
  private state: number[] = [0];
  private sp = 0;

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
    if (typeof value === 'string') value = utf8Of(value);
    else if (!(value instanceof Uint8Array)) throw invalid('binary', value);
    this.before();
    this.base64(value);
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
}

function checkSize(size: number): void {
  if ((size | 0) !== size || size < 0) throw invalid('container size (non-negative i32)', size);
}

