/**
 * Reading natural JSON (TSimpleJSONProtocol output) back with the schema, which
 * Apache's peers cannot do: field names map to ids, map keys (JSON strings) back
 * to their key types, i64 comes from the token's digits (never through a double),
 * binary is base64 as Apache writes it. Unknown fields are skipped whatever JSON
 * they hold; a value of the wrong type is a ProtocolError naming its path
 * (`Insanity.userMap[2]: expected i64, got string`).
 *
 * This class is the tokenizer; simple-json-codec.ts walks the schema with it.
 * The input is decoded from UTF-8 once and scanned as a string: simple JSON serves
 * scripts, logs and curl, not the hot path. The ProtocolReader methods that read
 * without a schema refuse (NOT_IMPLEMENTED): simple JSON carries no field ids or types.
 */
import { ProtocolError, ProtocolErrorType } from '../errors.js';
import type { MessageHeader, ProtocolReader, ReaderLimits } from './types.js';

const decoder = new TextDecoder('utf-8', { fatal: true });
/** JSON number grammar (RFC 8259 section 6), matched at the cursor. */
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
/** An integer: the number grammar without fraction or exponent. */
const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;
/** Longest number token accepted, as the TJSONProtocol reader. */
const MAX_NUMBER_CHARS = 512;
const MAX_DEPTH_LIMIT = 1024;

/** What kind of JSON value starts at a character, for error messages. */
function kindOf(c: string): string {
  switch (c) {
    case '{': return 'object';
    case '[': return 'array';
    case '"': return 'string';
    case 't': case 'f': return 'boolean';
    case 'n': return 'null';
    case '': return 'end of input';
    default: return c === '-' || (c >= '0' && c <= '9') ? 'number' : `'${c}'`;
  }
}

function unsupported(): never {
  throw new ProtocolError('simple JSON has no field ids or wire types: decode structs with simpleJsonProtocol.codecs', ProtocolErrorType.NOT_IMPLEMENTED);
}

/** A JSON tokenizer for the simple JSON codecs, with the path of the value being read for errors. */
export class SimpleJsonReader implements ProtocolReader {
  fieldId = 0;
  elemType = 0;
  keyType = 0;
  valueType = 0;
  /** The JSON text being read. */
  text = '';
  /** Cursor into text. */
  pos = 0;
  /** Where the value being read sits: the root struct's name, then `.field`, `[index]`, `[key]`. */
  readonly path: string[] = [];
  private depth = 0;
  private readonly maxDepth: number;

  constructor(limits?: ReaderLimits) {
    this.maxDepth = Math.min(limits?.maxDepth ?? 64, MAX_DEPTH_LIMIT);
  }

  /** Points the reader at new input (UTF-8 bytes or text). */
  reset(input: Uint8Array | string): void {
    if (typeof input === 'string') {
      this.text = input;
    } else {
      try {
        this.text = decoder.decode(input);
      } catch (e) {
        throw new ProtocolError('simple JSON input is not valid UTF-8', ProtocolErrorType.INVALID_DATA, { cause: e });
      }
    }
    this.pos = 0;
    this.depth = 0;
    this.path.length = 0;
  }

  remaining(): number {
    return this.text.length - this.pos;
  }

  /** Skips whitespace; returns the next character ('' at the end) without consuming it. */
  peek(): string {
    const t = this.text;
    let p = this.pos;
    while (p < t.length) {
      const c = t.charCodeAt(p);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      p++;
    }
    this.pos = p;
    return p < t.length ? t[p] : '';
  }

  /** Consumes `c` (after whitespace) or fails naming what was there. */
  expect(c: string): void {
    if (this.peek() !== c) throw this.error(`expected '${c}' at offset ${this.pos}, got ${kindOf(this.text[this.pos] ?? '')}`);
    this.pos++;
  }

  /** Consumes `c` if it comes next. */
  accept(c: string): boolean {
    if (this.peek() !== c) return false;
    this.pos++;
    return true;
  }

  /** After a member or element: true when another follows (`,`), false at `close`. */
  more(close: string): boolean {
    const c = this.peek();
    if (c === ',') {
      this.pos++;
      return true;
    }
    if (c === close) {
      this.pos++;
      return false;
    }
    throw this.error(`expected ',' or '${close}' at offset ${this.pos}, got ${kindOf(c)}`);
  }

  /** Enters an object or array: fails past maxDepth. */
  enter(): void {
    if (++this.depth > this.maxDepth) throw new ProtocolError(`${this.where()}: nesting deeper than ${this.maxDepth}`, ProtocolErrorType.DEPTH_LIMIT);
  }

  /** A reader of `text` (a map key holding a struct or container) within the nesting left, at the same path. */
  nested(text: string): SimpleJsonReader {
    const sub = new SimpleJsonReader({ maxDepth: Math.max(0, this.maxDepth - this.depth) });
    sub.reset(text);
    sub.path.push(...this.path);
    return sub;
  }

  /** Leaves an object or array. */
  leave(): void {
    this.depth--;
  }

  /** The kind of the next value ('string', 'number', 'object'...), for errors. */
  nextKind(): string {
    return kindOf(this.peek());
  }

  /** A string token, unescaped. */
  string(): string {
    if (this.peek() !== '"') throw this.error(`expected string, got ${this.nextKind()}`);
    const t = this.text;
    const start = this.pos;
    let p = start + 1;
    let escaped = false;
    let raw = false;
    for (;;) {
      if (p >= t.length) throw this.error(`unterminated string at offset ${start}`);
      const c = t.charCodeAt(p);
      if (c === 0x22) break;
      if (c === 0x5c) {
        escaped = true;
        p += 2;
        continue;
      }
      // Not JSON, but Python writes control characters other than \b \t \n \f \r raw: accepted, as the TJSONProtocol reader does.
      if (c < 0x20) raw = true;
      p++;
    }
    this.pos = p + 1;
    if (!escaped) return t.slice(start + 1, p);
    let token = t.slice(start, p + 1);
    if (raw) token = token.replace(/[\u0000-\u001f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    // The platform's JSON parser unescapes exactly as RFC 8259 section 7 says, surrogate pairs included.
    try {
      return JSON.parse(token) as string;
    } catch (e) {
      throw this.error(`bad escape in the string at offset ${start}`, e);
    }
  }

  /** A number token's text, or undefined (nothing consumed) when no number comes next. */
  numberText(): string | undefined {
    this.peek();
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (m === null) return undefined;
    const s = m[0];
    if (s.length > MAX_NUMBER_CHARS) throw this.error(`number of ${s.length} characters at offset ${this.pos}`);
    this.pos += s.length;
    return s;
  }

  /** Consumes `word` (a literal such as true, nan) if it comes next. */
  word(word: string): boolean {
    this.peek();
    if (!this.text.startsWith(word, this.pos)) return false;
    const after = this.text.charCodeAt(this.pos + word.length);
    // A literal ends where a letter or digit would continue it.
    if ((after >= 0x30 && after <= 0x39) || (after >= 0x41 && after <= 0x5a) || (after >= 0x61 && after <= 0x7a)) return false;
    this.pos += word.length;
    return true;
  }

  /** Skips one JSON value of any kind (an unknown field's), within the nesting limit. */
  skipValue(): void {
    const c = this.peek();
    if (c === '"') {
      this.string();
    } else if (c === '{') {
      this.pos++;
      this.enter();
      if (!this.accept('}')) {
        do {
          this.string();
          this.expect(':');
          this.skipValue();
        } while (this.more('}'));
      }
      this.leave();
    } else if (c === '[') {
      this.pos++;
      this.enter();
      if (!this.accept(']')) {
        do this.skipValue();
        while (this.more(']'));
      }
      this.leave();
    } else if (!(this.numberText() !== undefined || this.word('true') || this.word('false') || this.word('null') || this.word('nan') || this.word('inf') || this.word('-inf'))) {
      throw this.error(`expected a JSON value at offset ${this.pos}, got ${kindOf(c)}`);
    }
  }

  /** Fails unless only whitespace is left. */
  end(): void {
    if (this.peek() !== '') throw new ProtocolError(`unexpected ${kindOf(this.text[this.pos])} after the value at offset ${this.pos}`);
  }

  /** The path of the value being read, as errors show it. */
  where(): string {
    return this.path.join('');
  }

  /** A ProtocolError prefixed with the path of the value being read. */
  error(message: string, cause?: unknown): ProtocolError {
    const at = this.where();
    return new ProtocolError(at === '' ? message : `${at}: ${message}`, ProtocolErrorType.INVALID_DATA, cause === undefined ? undefined : { cause });
  }

  /** "expected <type>, got <what comes next>" at the current path. */
  mismatch(type: string): ProtocolError {
    return this.error(`expected ${type}, got ${this.nextKind()}`);
  }

  readMessageBegin(): MessageHeader { return unsupported(); }
  readStructBegin(): void { unsupported(); }
  readStructEnd(): void { unsupported(); }
  readFieldBegin(): number { return unsupported(); }
  readBool(): boolean { return unsupported(); }
  readByte(): number { return unsupported(); }
  readI16(): number { return unsupported(); }
  readI32(): number { return unsupported(); }
  readI64(): bigint { return unsupported(); }
  readDouble(): number { return unsupported(); }
  readString(): string { return unsupported(); }
  readBinary(): Uint8Array { return unsupported(); }
  readUuid(): string { return unsupported(); }
  readListBegin(): number { return unsupported(); }
  readListEnd(): void { unsupported(); }
  readSetBegin(): number { return unsupported(); }
  readSetEnd(): void { unsupported(); }
  readMapBegin(): number { return unsupported(); }
  readMapEnd(): void { unsupported(); }
  skip(_ttype: number): void { unsupported(); }
}

/**
 * Length of the simple JSON value (an object) starting at bytes[start], leading
 * whitespace included, or -1 when bytes[start..end) does not hold all of it yet:
 * how a stream of simple JSON values is split. Throws ProtocolError past
 * `limits.maxDepth` (default 64) or when the value is not an object.
 */
export function measureSimpleJson(bytes: Uint8Array, start: number, end: number, limits?: { maxSize?: number; maxDepth?: number }): number {
  // JSON announces no lengths: an oversized message is caught by the splitter's byte count.
  const maxDepth = limits?.maxDepth ?? 64;
  let p = start;
  while (p < end && (bytes[p] === 0x20 || bytes[p] === 0x0a || bytes[p] === 0x0d || bytes[p] === 0x09)) p++;
  if (p >= end) return -1;
  if (bytes[p] !== 0x7b) throw new ProtocolError(`a simple JSON message is an object, got byte 0x${bytes[p].toString(16)} at offset ${p - start}`);
  let depth = 0;
  for (; p < end; p++) {
    const c = bytes[p];
    if (c === 0x22) {
      // Inside a string only the closing quote matters; an escape hides the byte after it.
      for (p++; p < end && bytes[p] !== 0x22; p++) if (bytes[p] === 0x5c) p++;
      if (p >= end) return -1;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) throw new ProtocolError(`nesting deeper than ${maxDepth}`, ProtocolErrorType.DEPTH_LIMIT);
    } else if (c === 0x7d || c === 0x5d) {
      if (--depth === 0) return p + 1 - start;
    }
  }
  return -1;
}
