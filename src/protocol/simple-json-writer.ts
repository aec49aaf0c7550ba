/**
 * TSimpleJSONProtocol writer: plain JSON with field names, byte for byte what
 * python3-thrift writes (lib/py/src/protocol/TJSONProtocol.py TSimpleJSONProtocol;
 * there is no spec document). A struct is `{"name":value,...}`, a list or set
 * `[v,...]`, a map `{"key":value,...}` with numeric keys quoted, bools `1`/`0`,
 * binary base64, no message header and no whitespace.
 *
 * Deliberate differences, so the output is always JSON: NaN and ±Infinity are
 * written `"NaN"`, `"Infinity"`, `"-Infinity"` (Python writes bare `nan`/`inf`),
 * control characters other than \b \t \n \f \r are escaped `\u00XX` (Python
 * writes them raw), and a map key that is a struct or container is written as a
 * JSON string holding its simple JSON (Python writes the object itself as a key).
 *
 * Field names come from the schema: the simple JSON codecs call writeFieldName();
 * writeFieldBegin(ttype, id) has no name to write and refuses.
 */
import { ProtocolError, ProtocolErrorType } from '../errors.js';
import { invalid } from './binary-writer.js';
import { describe } from './describe.js';
import { COLON, COMMA } from './json-common.js';
import { JsonTextWriter, utf8Of } from './json-text-writer.js';
import type { ProtocolWriter } from './types.js';
import { isUuid } from './uuid.js';

/** Context: top level, one value and no separator. */
const TOP = 0;
/** Context: inside `[...]`, a comma before every value but the first. */
const LIST = 1;
/** Context: inside `{...}`, alternating key and value; keys that are numbers are quoted. */
const PAIR = 2;

const TWO_63 = 2n ** 63n;

/**
 * A double as Python's `str(float)` spells it (repr, "short" style): the shortest
 * round-trip digits, fixed notation with at least `.0` while the decimal point
 * falls within 16 digits (Python/pystrtod.c format_float_short: exponent when
 * decpt <= -4 or decpt > 16), otherwise `d.ddde+XX` with at least two exponent digits.
 * Finite values only.
 */
export function pythonFloat(v: number): string {
  if (v === 0) return 1 / v < 0 ? '-0.0' : '0.0';
  if (Number.isSafeInteger(v) && Math.abs(v) < 1e16) return `${v}.0`;
  const e = v.toExponential();
  const at = e.indexOf('e');
  const neg = v < 0;
  const digits = e.slice(neg ? 1 : 0, at).replace('.', '');
  const exp = Number(e.slice(at + 1));
  const decpt = exp + 1;
  let out: string;
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) out = `0.${'0'.repeat(-decpt)}${digits}`;
    else if (decpt >= digits.length) out = `${digits}${'0'.repeat(decpt - digits.length)}.0`;
    else out = `${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  } else {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    out = `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return neg ? `-${out}` : out;
}

/** Writes Thrift values as natural JSON (TSimpleJSONProtocol). */
export class SimpleJsonWriter extends JsonTextWriter implements ProtocolWriter {
  private kind: number[] = [TOP];
  /** LIST: 1 before the first value. PAIR: 1 before the first key, 2 when a value comes next, 0 when a key does. */
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

  /** Writes nothing: simple JSON has no message header (Python's writeMessageBegin only resets). */
  writeMessageBegin(_name: string, _type: number, _seqid: number): void {
    this.sp = 0;
  }

  writeStructBegin(): void {
    this.before();
    this.byte(0x7b);
    this.push(PAIR);
  }

  writeStructEnd(): void {
    this.sp--;
    this.byte(0x7d);
  }

  /** Writes a field's name (the key its value follows). */
  writeFieldName(name: string): void {
    this.before();
    this.string(name);
  }

  writeFieldBegin(_ttype: number, _id: number): void {
    throw new ProtocolError('simple JSON names its fields: encode structs with simpleJsonProtocol.codecs', ProtocolErrorType.NOT_IMPLEMENTED);
  }

  writeFieldStop(): void {}

  writeBool(value: boolean): void {
    if (typeof value !== 'boolean') throw invalid('bool', value);
    this.integer(value ? 1 : 0, this.before());
  }

  writeByte(value: number): void {
    if (typeof value !== 'number' || (value << 24) >> 24 !== value) throw invalid('byte', value);
    this.integer(value, this.before());
  }

  writeI16(value: number): void {
    if (typeof value !== 'number' || (value << 16) >> 16 !== value) throw invalid('i16', value);
    this.integer(value, this.before());
  }

  writeI32(value: number): void {
    if (typeof value !== 'number' || (value | 0) !== value) throw invalid('i32', value);
    this.integer(value, this.before());
  }

  writeI64(value: bigint | number): void {
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) throw invalid('i64', value);
      this.integer(value, this.before());
    } else if (typeof value === 'bigint' && value >= -TWO_63 && value < TWO_63) {
      this.ascii(value.toString(), this.before());
    } else {
      throw invalid('i64', value);
    }
  }

  writeDouble(value: number): void {
    if (typeof value !== 'number') throw invalid('double', value);
    const key = this.before();
    if (value !== value) this.ascii('NaN', true);
    else if (value === Infinity) this.ascii('Infinity', true);
    else if (value === -Infinity) this.ascii('-Infinity', true);
    else this.ascii(pythonFloat(value), key);
  }

  writeString(value: string): void {
    if (typeof value !== 'string') throw invalid('string', value);
    this.before();
    this.string(value);
  }

  writeBinary(value: Uint8Array | string): void {
    if (typeof value === 'string') value = utf8Of(value);
    else if (!(value instanceof Uint8Array)) throw invalid('binary', value);
    this.before();
    this.base64(value);
  }

  writeUuid(value: string): void {
    if (!isUuid(value)) throw new ProtocolError(`expected a UUID string (8-4-4-4-12 hex), got ${describe(value)}`);
    this.before();
    this.string(value.toLowerCase());
  }

  writeListBegin(_elemType: number, size: number): void {
    checkSize(size);
    this.before();
    this.byte(0x5b);
    this.push(LIST);
  }

  /** Closes the list begun last. */
  writeListEnd(): void {
    this.sp--;
    this.byte(0x5d);
  }

  writeSetBegin(elemType: number, size: number): void {
    this.writeListBegin(elemType, size);
  }

  /** Closes the set begun last. */
  writeSetEnd(): void {
    this.writeListEnd();
  }

  writeMapBegin(_keyType: number, _valueType: number, size: number): void {
    checkSize(size);
    this.before();
    this.byte(0x7b);
    this.push(PAIR);
  }

  /** Closes the map begun last. */
  writeMapEnd(): void {
    this.sp--;
    this.byte(0x7d);
  }

  private push(kind: number): void {
    const sp = ++this.sp;
    this.kind[sp] = kind;
    this.state[sp] = 1;
  }

  /** Writes the separator a value needs where it stands; true when it is a key (numbers get quoted). */
  private before(): boolean {
    const sp = this.sp;
    const kind = this.kind[sp];
    if (kind === TOP) return false;
    const s = this.state[sp];
    if (kind === LIST) {
      if (s === 1) this.state[sp] = 0;
      else this.byte(COMMA);
      return false;
    }
    if (s === 2) {
      this.byte(COLON);
      this.state[sp] = 0;
      return false;
    }
    if (s === 0) this.byte(COMMA);
    this.state[sp] = 2;
    return true;
  }
}

function checkSize(size: number): void {
  if ((size | 0) !== size || size < 0) throw invalid('container size (non-negative i32)', size);
}
