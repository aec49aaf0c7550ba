/**
 * TJSONProtocol reader over one complete message in memory. The format has no
 * spec document; it is what Apache's Java and Python implementations read
 * (lib/java/.../protocol/TJSONProtocol.java, lib/py/.../TJSONProtocol.py).
 *
 * Stricter than those peers where they are loose: numbers must follow the JSON
 * grammar and fit their type, type names must be exact, bools are 0 or 1, and
 * every container holds exactly the count it announces. More lenient where JSON
 * allows it or a peer writes it: whitespace between tokens, raw control
 * characters inside strings (Python writes them unescaped), and leading zeros
 * in integers (Apache's Node peer writes them for some negative i64 values).
 */
import { ProtocolError, ProtocolErrorType } from '../errors.js';
import { BACKSLASH, CLOSED, COLON, COMMA, FRESH, LIST, MAP, MESSAGE, OPEN, QUOTE, STRUCT, TOP, ttypeOfJsonName } from './json-common.js';
import { TType } from './schema.js';
import { INCOMPLETE, measureBySkipping } from './measure-by-skipping.js';
import { skipComposite } from './skip.js';
import type { MessageHeader, ProtocolReader, ReaderLimits } from './types.js';
import { readUtf8 } from './utf8.js';
import { isUuid } from './uuid.js';

const EMPTY = new Uint8Array(0);
const MAX_DEPTH_STACK = 1024;

// MAP states: before the first key, a value next, a later key next.
const FIRST_KEY = 0;
const VALUE_NEXT = 1;
const KEY_NEXT = 2;

const MINUS = 0x2d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

const I32_MIN = -2147483648;
const I32_MAX = 2147483647;
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
const E15 = 10n ** 15n;

/** Exact powers of ten for the fast double path (10^22 is the largest exact one). */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
/** Longest number token accepted: far beyond any peer's output, short enough to decode cheaply. */
const MAX_NUMBER_CHARS = 512;

/** Base64 value of each byte, 255 for bytes outside the standard alphabet. */
const B64_VALUE = new Uint8Array(256).fill(255);
for (let i = 0; i < 64; i++) B64_VALUE['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;

/** Value of each hex digit byte, 255 for others. */
const HEX_VALUE = new Uint8Array(256).fill(255);
for (let i = 0; i < 16; i++) {
  HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(i)] = i;
}

/** What each byte after a backslash stands for (Java's ESCAPE_CHARS), 255 when it is no escape; `u` is handled apart. */
const ESCAPED = new Uint8Array(256).fill(255);
ESCAPED[QUOTE] = QUOTE;
ESCAPED[BACKSLASH] = BACKSLASH;
ESCAPED[0x2f] = 0x2f; // '/'
ESCAPED[0x62] = 0x08; // b
ESCAPED[0x66] = 0x0c; // f
ESCAPED[0x6e] = 0x0a; // n
ESCAPED[0x72] = 0x0d; // r
ESCAPED[0x74] = 0x09; // t

const NAN = Uint8Array.from('NaN"', (c) => c.charCodeAt(0));
const INF = Uint8Array.from('Infinity"', (c) => c.charCodeAt(0));
const NEG_INF = Uint8Array.from('-Infinity"', (c) => c.charCodeAt(0));

/** Reads Thrift values in Apache's TJSONProtocol. */
export class JsonReader implements ProtocolReader {
  fieldId = 0;
  elemType = 0;
  keyType = 0;
  valueType = 0;
  /** Set on the reader measureJson uses: running out of bytes means "wait", not an error. */
  measuring = false;
  private bytes: Uint8Array = EMPTY;
  private pos = 0;
  private end = 0;
  private readonly kind: Uint8Array;
  private readonly state: Uint8Array;
  private sp = 0;
  private depth = 0;
  private readonly maxDepth: number;
  /** Unescaped string bytes, when a string has escapes. */
  private scratch = new Uint8Array(256);
  /** Where quoted() left the last string token's content: the input or scratch, from quotedFrom. */
  private quotedBytes: Uint8Array = EMPTY;
  private quotedFrom = 0;
  /** Digits of the integer token last scanned: [numStart, numEnd), with its sign. */
  private numStart = 0;
  private numEnd = 0;
  private numNeg = false;

  constructor(limits?: ReaderLimits) {
    this.maxDepth = Math.min(limits?.maxDepth ?? 64, MAX_DEPTH_STACK);
    // The top level and the message take one frame each beyond the nesting limit.
    this.kind = new Uint8Array(this.maxDepth + 2);
    this.state = new Uint8Array(this.maxDepth + 2);
  }

  reset(bytes: Uint8Array): void {
    this.bytes = bytes;
    this.pos = 0;
    this.end = bytes.length;
    this.sp = 0;
    this.depth = 0;
    this.kind[0] = TOP;
  }

  remaining(): number {
    return this.end - this.pos;
  }

  /** Bytes consumed so far. */
  consumed(): number {
    return this.pos;
  }

  readMessageBegin(): MessageHeader {
    this.sp = 0;
    this.depth = 0;
    this.expect(LBRACKET);
    const version = this.int(false, I32_MIN, I32_MAX, 'version');
    if (version !== 1) throw new ProtocolError(`bad JSON protocol version ${version} (expected 1)`, ProtocolErrorType.BAD_VERSION);
    this.expect(COMMA);
    const name = this.str();
    this.expect(COMMA);
    const type = this.int(false, I32_MIN, I32_MAX, 'message type');
    this.expect(COMMA);
    const seqid = this.int(false, I32_MIN, I32_MAX, 'seqid');
    this.push(MESSAGE, 0);
    return { name, type, seqid };
  }

  readStructBegin(): void {
    this.pre();
    this.expect(LBRACE);
    this.enter();
    this.push(STRUCT, FRESH);
  }

  readStructEnd(): void {
    if (this.state[this.sp] === OPEN) this.expect(RBRACE);
    this.expect(RBRACE);
    this.sp--;
    this.depth--;
    // The message has no end call of its own: its body's end closes it.
    if (this.kind[this.sp] === MESSAGE) {
      this.expect(RBRACKET);
      this.sp--;
    }
  }

  readFieldBegin(): number {
    const sp = this.sp;
    const s = this.state[sp];
    // The previous field's `{"type":value` wrapper closes here, there being no readFieldEnd.
    if (s === OPEN) this.expect(RBRACE);
    if (this.peek() === RBRACE) {
      this.state[sp] = CLOSED;
      return TType.STOP;
    }
    if (s !== FRESH) this.expect(COMMA);
    this.state[sp] = OPEN;
    const fast = this.fieldHeader();
    if (fast >= 0) return fast;
    const id = this.int(true, -32768, 32767, 'field id');
    this.expect(COLON);
    this.expect(LBRACE);
    const t = this.typeName();
    this.expect(COLON);
    this.fieldId = id;
    return t;
  }

  /**
   * Reads `"<id>":{"<type>":` when it is written as every peer writes it (no
   * whitespace, a short id) and returns the type, or -1 without consuming
   * anything so that the general path reads it (and reports what is wrong).
   */
  private fieldHeader(): number {
    const b = this.bytes;
    const end = this.end;
    const p = this.pos;
    if (b[p] !== QUOTE) return -1;
    let q = p + 1;
    const neg = b[q] === MINUS;
    if (neg) q++;
    const digits = q;
    let id = 0;
    while (q < end && q - digits < 5) {
      const d = b[q] - 0x30;
      if (d < 0 || d > 9) break;
      id = id * 10 + d;
      q++;
    }
    if (q === digits || q + 4 >= end || b[q] !== QUOTE || b[q + 1] !== COLON || b[q + 2] !== LBRACE || b[q + 3] !== QUOTE) return -1;
    if (neg) id = 0 - id;
    if (id > 32767 || id < -32768) return -1;
    let r = q + 4;
    let code = 0;
    for (let i = 0; i < 3 && r < end && b[r] !== QUOTE; i++) code = code * 256 + b[r++];
    if (r + 1 >= end || b[r] !== QUOTE || b[r + 1] !== COLON) return -1;
    const t = ttypeOfJsonName(code);
    if (t < 0) return -1;
    this.pos = r + 2;
    this.fieldId = id;
    return t;
  }

  readBool(): boolean {
    return this.int(this.pre(), 0, 1, 'bool (0 or 1)') === 1;
  }

  readByte(): number {
    return this.int(this.pre(), -128, 127, 'byte');
  }

  readI16(): number {
    return this.int(this.pre(), -32768, 32767, 'i16');
  }

  readI32(): number {
    return this.int(this.pre(), I32_MIN, I32_MAX, 'i32');
  }

  readI64(): bigint {
    return this.i64(this.scanInt(this.pre()));
  }

  /** The i64 whose digits scanInt() just scanned, `v` being their value as a double. */
  private i64(v: number): bigint {
    const n = this.numEnd - this.numStart;
    // Up to 15 digits are exact in a double; longer values are put together from two exact halves.
    if (n <= 15) return BigInt(this.numNeg ? -v : v);
    if (n > 19) throw this.range('i64');
    const b = this.bytes;
    const split = this.numEnd - 15;
    let high = 0;
    for (let p = this.numStart; p < split; p++) high = high * 10 + b[p] - 0x30;
    let low = 0;
    for (let p = split; p < this.numEnd; p++) low = low * 10 + b[p] - 0x30;
    let big = BigInt(high) * E15 + BigInt(low);
    if (this.numNeg) big = -big;
    if (big < I64_MIN || big > I64_MAX) throw this.range('i64');
    return big;
  }

  readDouble(): number {
    const key = this.pre();
    if (this.peek() === QUOTE) {
      this.pos++;
      // NaN and the infinities are strings wherever they stand; other numbers only as map keys.
      if (this.match(NAN)) return NaN;
      if (this.match(INF)) return Infinity;
      if (this.match(NEG_INF)) return -Infinity;
      if (!key) throw new ProtocolError(`quoted double at offset ${this.pos - 1} is not NaN, Infinity or -Infinity`);
      const v = this.number();
      this.closeQuote();
      return v;
    }
    if (key) this.unexpected(QUOTE);
    return this.number();
  }

  readString(): string {
    this.pre();
    return this.str();
  }

  readBinary(): Uint8Array {
    this.pre();
    // Some JSON writers escape '/' as '\/', which Java's reader (and so this one) unescapes first.
    const end = this.quoted();
    return decodeBase64(this.quotedBytes, this.quotedFrom, end);
  }

  readUuid(): string {
    this.pre();
    const at = this.pos;
    const s = this.str();
    if (!isUuid(s)) throw new ProtocolError(`expected a UUID string at offset ${at}, got ${JSON.stringify(s.slice(0, 40))}`);
    return s.toLowerCase();
  }

  readListBegin(): number {
    this.pre();
    this.expect(LBRACKET);
    const t = this.typeName();
    this.expect(COMMA);
    const n = this.count();
    // Each element takes at least two bytes: its comma and one character.
    this.checkCount(n, 2);
    this.enter();
    this.push(LIST, 0);
    this.elemType = t;
    return n;
  }

  readListEnd(): void {
    this.expect(RBRACKET);
    this.sp--;
    this.depth--;
  }

  readSetBegin(): number {
    return this.readListBegin();
  }

  readSetEnd(): void {
    this.readListEnd();
  }

  readMapBegin(): number {
    this.pre();
    this.expect(LBRACKET);
    const k = this.typeName();
    this.expect(COMMA);
    const v = this.typeName();
    this.expect(COMMA);
    const n = this.count();
    this.expect(COMMA);
    this.expect(LBRACE);
    // Each entry takes at least four bytes: `"":0`.
    this.checkCount(n, 4);
    this.enter();
    this.push(MAP, FIRST_KEY);
    this.keyType = k;
    this.valueType = v;
    return n;
  }

  readMapEnd(): void {
    this.expect(RBRACE);
    this.expect(RBRACKET);
    this.sp--;
    this.depth--;
  }

  skip(ttype: number): void {
    switch (ttype) {
      case TType.BOOL: this.readBool(); return;
      case TType.BYTE: this.readByte(); return;
      case TType.I16: this.readI16(); return;
      case TType.I32: this.readI32(); return;
      case TType.I64: {
        this.scanInt(this.pre());
        // Only a 19-digit value can be out of range without being too long: check those exactly.
        if (this.numEnd - this.numStart >= 19) this.i64(0);
        return;
      }
      case TType.DOUBLE: this.readDouble(); return;
      case TType.UUID: this.readUuid(); return;
      case TType.STRING: {
        this.pre();
        this.skipString();
        return;
      }
      default:
        skipComposite(this, ttype);
    }
  }

  /** Reads the separator before a value where it stands; true when the value is a map key (numbers quoted). */
  private pre(): boolean {
    const sp = this.sp;
    switch (this.kind[sp]) {
      case LIST:
      case MESSAGE:
        this.expect(COMMA);
        return false;
      case MAP: {
        const s = this.state[sp];
        if (s === VALUE_NEXT) {
          this.expect(COLON);
          this.state[sp] = KEY_NEXT;
          return false;
        }
        if (s === KEY_NEXT) this.expect(COMMA);
        this.state[sp] = VALUE_NEXT;
        return true;
      }
      default:
        return false;
    }
  }

  private push(kind: number, state: number): void {
    const sp = ++this.sp;
    this.kind[sp] = kind;
    this.state[sp] = state;
  }

  private enter(): void {
    if (++this.depth > this.maxDepth) throw new ProtocolError(`nesting deeper than ${this.maxDepth}`, ProtocolErrorType.DEPTH_LIMIT);
  }

  private count(): number {
    const n = this.int(false, I32_MIN, I32_MAX, 'container size');
    if (n < 0) throw new ProtocolError(`negative container size ${n}`, ProtocolErrorType.NEGATIVE_SIZE);
    return n;
  }

  private checkCount(n: number, minSize: number): void {
    // A count the bytes left cannot hold is rejected before anyone allocates for it.
    if (n * minSize > this.end - this.pos) {
      if (this.measuring) throw INCOMPLETE;
      throw new ProtocolError(`container of ${n} elements exceeds the ${this.end - this.pos} bytes left`, ProtocolErrorType.SIZE_LIMIT);
    }
  }

  /** Skips whitespace; returns the next byte without consuming it. */
  private peek(): number {
    const b = this.bytes;
    const end = this.end;
    let p = this.pos;
    while (p < end) {
      const c = b[p];
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) {
        this.pos = p;
        return c;
      }
      p++;
    }
    return this.truncatedAt(p);
  }

  private expect(c: number): void {
    if (this.pos < this.end && this.bytes[this.pos] === c) {
      this.pos++;
      return;
    }
    if (this.peek() !== c) this.unexpected(c);
    this.pos++;
  }

  /** Consumes the closing quote of a quoted number: right after it, no whitespace. */
  private closeQuote(): void {
    if (this.pos >= this.end) this.truncatedAt(this.pos);
    if (this.bytes[this.pos] !== QUOTE) this.unexpected(QUOTE);
    this.pos++;
  }

  /** Consumes `pattern` if the bytes at pos spell it. */
  private match(pattern: Uint8Array): boolean {
    const b = this.bytes;
    const p = this.pos;
    for (let i = 0; i < pattern.length; i++) {
      if (p + i >= this.end) this.truncatedAt(p + i);
      if (b[p + i] !== pattern[i]) return false;
    }
    this.pos = p + pattern.length;
    return true;
  }

  /** An integer token (quoted when it is a map key or a field id) within [lo, hi]. */
  private int(quoted: boolean, lo: number, hi: number, what: string): number {
    const m = this.scanInt(quoted);
    const v = this.numNeg && m !== 0 ? -m : m;
    if (v < lo || v > hi || this.numEnd - this.numStart > 16) throw this.range(what);
    return v;
  }

  /**
   * Scans an integer token and returns its magnitude (exact up to 2^53); the digits'
   * place and sign are left in numStart/numEnd/numNeg. Range checks are the caller's.
   */
  private scanInt(quoted: boolean): number {
    if (quoted) {
      if (this.peek() !== QUOTE) this.unexpected(QUOTE);
      this.pos++;
    } else {
      this.peek();
    }
    const b = this.bytes;
    const end = this.end;
    let p = this.pos;
    const neg = p < end && b[p] === MINUS;
    if (neg) p++;
    const start = p;
    let v = 0;
    while (p < end) {
      const d = b[p] - 0x30;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
      p++;
    }
    // A number never ends a message, so running out here means more bytes are coming (or the input is cut).
    if (p >= end) this.truncatedAt(p);
    if (p === start) throw new ProtocolError(`expected an integer at offset ${this.pos}, got ${this.describeAt(p)}`);
    const next = b[p];
    if (next === 0x2e || next === 0x65 || next === 0x45) throw new ProtocolError(`expected an integer at offset ${this.pos}, got a fraction or exponent`);
    // Leading zeros are not JSON, but Apache's Node peer writes them (int64_util.js toDecimalString
    // gives "-000000000001" for -1) and Java and Python read them: accept, and count digits without them.
    let first = start;
    while (first < p - 1 && b[first] === 0x30) first++;
    this.numStart = first;
    this.numEnd = p;
    this.numNeg = neg;
    this.pos = p;
    if (quoted) this.closeQuote();
    return v;
  }

  /** A JSON number token (RFC 8259 grammar) as a double. */
  private number(): number {
    const b = this.bytes;
    const end = this.end;
    const begin = this.pos;
    let p = begin;
    const neg = p < end && b[p] === MINUS;
    if (neg) p++;
    // Digits are gathered into m while it stays exact; e10 is the decimal exponent applied to m.
    let m = 0;
    let digits = 0;
    let e10 = 0;
    const intStart = p;
    let inexact = false;
    while (p < end && b[p] >= 0x30 && b[p] <= 0x39) {
      const d = b[p] - 0x30;
      if (digits < 15) {
        m = m * 10 + d;
        if (m !== 0) digits++;
      } else {
        e10++;
        if (d !== 0) inexact = true;
      }
      p++;
    }
    if (p >= end) this.truncatedAt(p);
    if (p === intStart) throw new ProtocolError(`expected a number at offset ${begin}, got ${this.describeAt(p)}`);
    if (b[intStart] === 0x30 && p - intStart > 1) throw new ProtocolError(`number with a leading zero at offset ${begin}`);
    if (b[p] === 0x2e) {
      p++;
      const fracStart = p;
      while (p < end && b[p] >= 0x30 && b[p] <= 0x39) {
        const d = b[p] - 0x30;
        if (digits < 15) {
          m = m * 10 + d;
          e10--;
          if (m !== 0) digits++;
        } else if (d !== 0) {
          inexact = true;
        }
        p++;
      }
      if (p >= end) this.truncatedAt(p);
      if (p === fracStart) throw new ProtocolError(`expected digits after the decimal point at offset ${p}`);
    }
    if (b[p] === 0x65 || b[p] === 0x45) {
      p++;
      if (p >= end) this.truncatedAt(p);
      const expNeg = b[p] === MINUS;
      if (expNeg || b[p] === 0x2b) p++;
      const expStart = p;
      let exp = 0;
      while (p < end && b[p] >= 0x30 && b[p] <= 0x39) {
        if (exp < 100000) exp = exp * 10 + (b[p] - 0x30);
        p++;
      }
      if (p >= end) this.truncatedAt(p);
      if (p === expStart) throw new ProtocolError(`expected exponent digits at offset ${p}`);
      e10 += expNeg ? -exp : exp;
    }
    if (p - begin > MAX_NUMBER_CHARS) throw new ProtocolError(`number of ${p - begin} characters at offset ${begin}`);
    this.pos = p;
    let v: number;
    // Clinger's fast path: m and 10^|e10| are both exact, so one IEEE operation rounds correctly.
    if (!inexact && e10 >= -22 && e10 <= 22) v = e10 < 0 ? m / POW10[-e10] : m * POW10[e10];
    else return Number(String.fromCharCode.apply(null, b.subarray(begin, p) as unknown as number[]));
    return neg ? -v : v;
  }

  /** A JSON string token, unescaped and decoded from UTF-8. */
  private str(): string {
    const end = this.quoted();
    return readUtf8(this.quotedBytes, this.quotedFrom, end);
  }

  /**
   * Reads a JSON string token and returns where its content ends in `quotedBytes`,
   * from `quotedFrom`: the input itself when the token has no escape, else the
   * unescaped copy in scratch.
   */
  private quoted(): number {
    if (this.peek() !== QUOTE) this.unexpected(QUOTE);
    const b = this.bytes;
    const start = ++this.pos;
    for (let p = start; ; p++) {
      if (p >= this.end) this.truncatedAt(p);
      const c = b[p];
      if (c === QUOTE) {
        this.pos = p + 1;
        this.quotedBytes = b;
        this.quotedFrom = start;
        return p;
      }
      if (c === BACKSLASH) break;
    }
    // unescape() may replace scratch, so scratch is taken after it.
    const n = this.unescape(start);
    this.quotedBytes = this.scratch;
    this.quotedFrom = 0;
    return n;
  }

  /**
   * Unescapes the string whose content starts at `start` into scratch (as UTF-8),
   * consumes it with its closing quote, and returns the length written. Escapes
   * never grow, so scratch never needs more than the string's own bytes.
   */
  private unescape(start: number): number {
    const b = this.bytes;
    const end = this.end;
    let p = start;
    let out = 0;
    for (;;) {
      let q = p;
      while (q < end && b[q] !== QUOTE && b[q] !== BACKSLASH) q++;
      if (q >= end) this.truncatedAt(q);
      this.reserve(out + (q - p) + 4);
      const s = this.scratch;
      s.set(b.subarray(p, q), out);
      out += q - p;
      if (b[q] === QUOTE) {
        this.pos = q + 1;
        return out;
      }
      if (q + 1 >= end) this.truncatedAt(q + 1);
      const e = b[q + 1];
      if (e !== 0x75) {
        const c = ESCAPED[e];
        if (c === 255) throw new ProtocolError(`bad escape '\\${String.fromCharCode(e)}' at offset ${q}`);
        s[out++] = c;
        p = q + 2;
        continue;
      }
      let cp = this.hex4(q + 2);
      p = q + 6;
      if (cp >= 0xdc00 && cp <= 0xdfff) throw new ProtocolError(`unpaired low surrogate \\u${cp.toString(16)} at offset ${q}`);
      if (cp >= 0xd800 && cp <= 0xdbff) {
        if (p + 1 >= end) this.truncatedAt(p + 1);
        if (b[p] !== BACKSLASH || b[p + 1] !== 0x75) throw new ProtocolError(`high surrogate \\u${cp.toString(16)} at offset ${q} not followed by a low surrogate`);
        const low = this.hex4(p + 2);
        if (low < 0xdc00 || low > 0xdfff) throw new ProtocolError(`high surrogate \\u${cp.toString(16)} at offset ${q} not followed by a low surrogate`);
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        p += 6;
      }
      if (cp < 0x80) {
        s[out++] = cp;
      } else if (cp < 0x800) {
        s[out++] = 0xc0 | (cp >> 6);
        s[out++] = 0x80 | (cp & 63);
      } else if (cp < 0x10000) {
        s[out++] = 0xe0 | (cp >> 12);
        s[out++] = 0x80 | ((cp >> 6) & 63);
        s[out++] = 0x80 | (cp & 63);
      } else {
        s[out++] = 0xf0 | (cp >> 18);
        s[out++] = 0x80 | ((cp >> 12) & 63);
        s[out++] = 0x80 | ((cp >> 6) & 63);
        s[out++] = 0x80 | (cp & 63);
      }
    }
  }

  /** Four hex digits at p. */
  private hex4(p: number): number {
    if (p + 4 > this.end) this.truncatedAt(this.end);
    const b = this.bytes;
    const a = HEX_VALUE[b[p]], c = HEX_VALUE[b[p + 1]], d = HEX_VALUE[b[p + 2]], e = HEX_VALUE[b[p + 3]];
    if ((a | c | d | e) > 15) {
      throw new ProtocolError(`bad \\u escape at offset ${p - 2}`);
    }
    return (a << 12) | (c << 8) | (d << 4) | e;
  }

  /** Skips a string token, checking its escapes without decoding it. */
  private skipString(): void {
    if (this.peek() !== QUOTE) this.unexpected(QUOTE);
    const b = this.bytes;
    const end = this.end;
    let p = this.pos + 1;
    for (;;) {
      if (p >= end) this.truncatedAt(p);
      const c = b[p];
      if (c === QUOTE) break;
      if (c !== BACKSLASH) {
        p++;
        continue;
      }
      if (p + 1 >= end) this.truncatedAt(p + 1);
      const e = b[p + 1];
      if (e === 0x75) {
        this.hex4(p + 2);
        p += 6;
      } else if (ESCAPED[e] !== 255) {
        p += 2;
      } else {
        throw new ProtocolError(`bad escape '\\${String.fromCharCode(e)}' at offset ${p}`);
      }
    }
    this.pos = p + 1;
  }

  /** A type name string (`"i32"`, `"rec"`...) as its TType. */
  private typeName(): number {
    if (this.peek() !== QUOTE) this.unexpected(QUOTE);
    const b = this.bytes;
    const at = this.pos;
    let p = at + 1;
    let code = 0;
    for (let i = 0; ; i++) {
      if (p >= this.end) this.truncatedAt(p);
      const c = b[p++];
      if (c === QUOTE) break;
      if (i === 3) throw new ProtocolError(`unknown type name at offset ${at}`, ProtocolErrorType.INVALID_DATA);
      code = code * 256 + c;
    }
    const t = ttypeOfJsonName(code);
    if (t < 0) throw new ProtocolError(`unknown type name at offset ${at}`, ProtocolErrorType.INVALID_DATA);
    this.pos = p;
    return t;
  }

  private reserve(n: number): void {
    if (n > this.scratch.length) {
      const next = new Uint8Array(Math.max(n, 2 * this.scratch.length));
      next.set(this.scratch);
      this.scratch = next;
    }
  }

  private range(what: string): ProtocolError {
    const text = String.fromCharCode.apply(null, this.bytes.subarray(this.numStart, Math.min(this.numEnd, this.numStart + 40)) as unknown as number[]);
    return new ProtocolError(`${what} out of range: ${this.numNeg ? '-' : ''}${text}`, ProtocolErrorType.INVALID_DATA);
  }

  private describeAt(p: number): string {
    if (p >= this.end) return 'end of message';
    const c = this.bytes[p];
    return c >= 0x20 && c < 0x7f ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16)}`;
  }

  private unexpected(expected: number): never {
    throw new ProtocolError(`expected '${String.fromCharCode(expected)}' at offset ${this.pos}, got ${this.describeAt(this.pos)}`, ProtocolErrorType.INVALID_DATA);
  }

  private truncatedAt(p: number): never {
    if (this.measuring) throw INCOMPLETE;
    throw new ProtocolError(`message truncated at offset ${p}`, ProtocolErrorType.INVALID_DATA);
  }
}

/** Decodes standard base64 in b[start..end); padding is optional, as Java writes none. */
export function decodeBase64(b: Uint8Array, start: number, end: number): Uint8Array {
  let n = end - start;
  if (n > 0 && b[end - 1] === 0x3d) n--;
  if (n > 0 && b[start + n - 1] === 0x3d) n--;
  if (n % 4 === 1) throw new ProtocolError(`base64 of ${n} characters is not valid`);
  const out = new Uint8Array(Math.floor((n * 3) / 4));
  let o = 0;
  let i = start;
  const full = start + n - (n % 4);
  for (; i < full; i += 4) {
    const a = B64_VALUE[b[i]], c = B64_VALUE[b[i + 1]], d = B64_VALUE[b[i + 2]], e = B64_VALUE[b[i + 3]];
    if ((a | c | d | e) > 63) throw badBase64(b, i, i + 4);
    const v = (a << 18) | (c << 12) | (d << 6) | e;
    out[o] = v >> 16;
    out[o + 1] = (v >> 8) & 0xff;
    out[o + 2] = v & 0xff;
    o += 3;
  }
  const rest = start + n - i;
  if (rest > 0) {
    const a = B64_VALUE[b[i]], c = B64_VALUE[b[i + 1]], d = rest === 3 ? B64_VALUE[b[i + 2]] : 0;
    if ((a | c | d) > 63) throw badBase64(b, i, i + rest);
    const v = (a << 18) | (c << 12) | (d << 6);
    out[o++] = v >> 16;
    if (rest === 3) out[o++] = (v >> 8) & 0xff;
  }
  return out;
}

function badBase64(b: Uint8Array, from: number, to: number): ProtocolError {
  for (let i = from; i < to; i++) {
    if (B64_VALUE[b[i]] === 255) return new ProtocolError(`byte 0x${b[i].toString(16)} is not base64`);
  }
  return new ProtocolError('bad base64');
}

/** Measuring readers by nesting limit (the reader sizes its state stacks by it). */
const measurers = new Map<number, JsonReader>();

function measurerFor(maxDepth: number): JsonReader {
  let m = measurers.get(maxDepth);
  if (m === undefined) {
    m = new JsonReader({ maxDepth });
    m.measuring = true;
    measurers.set(maxDepth, m);
  }
  return m;
}

/**
 * Length of the TJSONProtocol message starting at bytes[start] (leading
 * whitespace included), or -1 when bytes[start..end) does not yet hold all of it:
 * the reader walks the message's structure, and running out of bytes means
 * "wait for more". Throws ProtocolError on bytes that cannot be a message.
 */
export function measureJson(bytes: Uint8Array, start: number, end: number, limits?: { maxSize?: number; maxDepth?: number }): number {
  // JSON announces no lengths: an oversized message is caught by the splitter's byte count.
  const measurer = measurerFor(limits?.maxDepth ?? 64);
  return measureBySkipping(measurer, bytes, start, end);
}
