/**
 * Finds where an unframed binary-protocol message ends, without decoding it:
 * unframed (buffered) transports have no length prefix, so the reader walks the
 * message's structure and waits for more bytes when it runs out.
 */
import { FrameTooLargeError, ProtocolError, ProtocolErrorType } from '../errors.js';
import { TType } from './schema.js';
import { VERSION_1, VERSION_MASK } from './binary-writer.js';

/** Thrown inside the walk when the bytes run out; caught at the top, never escapes. */
const INCOMPLETE = -1;

class Walker {
  bytes: Uint8Array = new Uint8Array(0);
  pos = 0;
  end = 0;
  depth = 0;
  maxDepth = 64;
  start = 0;
  maxSize = Infinity;

  i32(): number {
    const p = this.pos;
    if (p + 4 > this.end) throw INCOMPLETE;
    const b = this.bytes;
    this.pos = p + 4;
    return (b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
  }

  advance(n: number): void {
    if (n < 0) throw new ProtocolError(`negative length ${n}`, ProtocolErrorType.NEGATIVE_SIZE);
    if (this.pos + n > this.end) {
      // A length already announced past the limit fails now, not after the bytes arrive.
      const need = this.pos + n - this.start;
      if (need > this.maxSize) throw new FrameTooLargeError(need, this.maxSize, 'message');
      throw INCOMPLETE;
    }
    this.pos += n;
  }

  byte(): number {
    if (this.pos >= this.end) throw INCOMPLETE;
    return this.bytes[this.pos++];
  }

  value(t: number): void {
    switch (t) {
      case TType.BOOL:
      case TType.BYTE: this.advance(1); return;
      case TType.I16: this.advance(2); return;
      case TType.I32: this.advance(4); return;
      case TType.I64:
      case TType.DOUBLE: this.advance(8); return;
      case TType.UUID: this.advance(16); return;
      case TType.STRING: this.advance(this.i32()); return;
      case TType.STRUCT: this.struct(); return;
      case TType.LIST:
      case TType.SET: {
        const et = this.byte();
        const n = this.i32();
        this.enter();
        const fixed = FIXED[et];
        if (fixed > 0 && n >= 0) this.advance(n * fixed);
        else {
          if (n < 0) throw new ProtocolError(`negative container size ${n}`, ProtocolErrorType.NEGATIVE_SIZE);
          for (let i = 0; i < n; i++) this.value(et);
        }
        this.depth--;
        return;
      }
      case TType.MAP: {
        const kt = this.byte();
        const vt = this.byte();
        const n = this.i32();
        if (n < 0) throw new ProtocolError(`negative container size ${n}`, ProtocolErrorType.NEGATIVE_SIZE);
        this.enter();
        const fk = FIXED[kt];
        const fv = FIXED[vt];
        if (fk > 0 && fv > 0) this.advance(n * (fk + fv));
        else {
          for (let i = 0; i < n; i++) {
            this.value(kt);
            this.value(vt);
          }
        }
        this.depth--;
        return;
      }
      default:
        throw new ProtocolError(`unknown wire type ${t}`, ProtocolErrorType.INVALID_DATA);
    }
  }

  struct(): void {
    this.enter();
    for (;;) {
      const t = this.byte();
      if (t === TType.STOP) break;
      this.advance(2);
      this.value(t);
    }
    this.depth--;
  }

  enter(): void {
    if (++this.depth > this.maxDepth) throw new ProtocolError(`nesting deeper than ${this.maxDepth}`, ProtocolErrorType.DEPTH_LIMIT);
  }
}

/** Encoded size of fixed-width wire types (0 = variable). */
const FIXED: readonly number[] = [0, 0, 1, 1, 8, 0, 2, 0, 4, 0, 8, 0, 0, 0, 0, 0, 16];

const walker = new Walker();

/**
 * Length of the binary-protocol message starting at bytes[start], or -1 when
 * bytes[start..end) does not yet hold all of it. Throws ProtocolError on bytes
 * that cannot be a message, FrameTooLargeError once it must exceed `limits.maxSize`.
 */
export function measureBinary(bytes: Uint8Array, start: number, end: number, limits?: { maxSize?: number; maxDepth?: number }): number {
  const w = walker;
  w.bytes = bytes;
  w.pos = start;
  w.start = start;
  w.end = end;
  w.depth = 0;
  w.maxDepth = limits?.maxDepth ?? 64;
  w.maxSize = limits?.maxSize ?? Infinity;
  try {
    const first = w.i32();
    if (first < 0) {
      if ((first & VERSION_MASK) !== VERSION_1) {
        throw new ProtocolError(`bad binary protocol version 0x${(first >>> 0).toString(16)}`, ProtocolErrorType.BAD_VERSION);
      }
      w.advance(w.i32());
      w.advance(4);
    } else {
      w.advance(first);
      w.advance(5);
    }
    w.struct();
    return w.pos - start;
  } catch (e) {
    if (e === INCOMPLETE) return -1;
    throw e;
  } finally {
    w.bytes = EMPTY;
  }
}

const EMPTY = new Uint8Array(0);
