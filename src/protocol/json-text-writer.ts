/**
 * The JSON text both JSON writers put into their slab: escaped strings, decimal
 * integers, ASCII number tokens and base64. TJSONProtocol (json-writer.ts) and
 * TSimpleJSONProtocol (simple-json-writer.ts) differ only in the structure around
 * these tokens; Apache's writers escape strings and encode binary the same way in both
 * (lib/py/src/protocol/TJSONProtocol.py writeJSONString, writeJSONBase64).
 */
import { SlabWriter } from './binary-writer.js';
import { BACKSLASH, QUOTE } from './json-common.js';

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

const encoder = new TextEncoder();

/** The UTF-8 bytes of a string given where binary is expected. */
export function utf8Of(s: string): Uint8Array {
  return encoder.encode(s);
}

/** A slab writer with the JSON tokens both JSON protocols write. */
export class JsonTextWriter extends SlabWriter {
  /** UTF-8 of a non-ASCII string, before escaping. */
  private scratch = new Uint8Array(256);

  protected byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /** A safe integer in decimal, quoted when it is a map key. */
  protected integer(v: number, quoted: boolean): void {
    this.ensure(22);
    if (quoted) this.buf[this.pos++] = QUOTE;
    this.digits(v);
    if (quoted) this.buf[this.pos++] = QUOTE;
  }

  /** Decimal digits of a safe integer, written in place (room reserved by the caller). */
  protected digits(v: number): void {
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
  protected ascii(s: string, quoted: boolean): void {
    this.ensure(s.length + 2);
    const buf = this.buf;
    if (quoted) buf[this.pos++] = QUOTE;
    for (let i = 0; i < s.length; i++) buf[this.pos++] = s.charCodeAt(i);
    if (quoted) buf[this.pos++] = QUOTE;
  }

  /** A JSON string escaped as Java's TJSONProtocol does: \" \\ \b \t \n \f \r, other controls \u00XX. */
  protected string(s: string): void {
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

  /** Bytes as a quoted, padded standard base64 string. */
  protected base64(value: Uint8Array): void {
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
