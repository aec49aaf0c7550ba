/**
 * UTF-8 helpers shared by the protocols. Short ASCII strings take a plain loop:
 * TextEncoder/TextDecoder have a fixed cost per call that dominates small fields.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Strings up to this many UTF-16 units try the ASCII loop first. */
const SHORT = 64;

/**
 * Writes `s` as UTF-8 into `buf` at `pos` (the caller reserved 3 bytes per UTF-16 unit)
 * and returns the number of bytes written.
 */
export function writeUtf8(s: string, buf: Uint8Array, pos: number): number {
  const n = s.length;
  if (n <= SHORT) {
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      buf[pos + i] = c;
    }
    if (i === n) return n;
  }
  return encoder.encodeInto(s, buf.subarray(pos)).written;
}

/** Decodes bytes[start..end) as UTF-8 (invalid sequences become U+FFFD, as TextDecoder does). */
export function readUtf8(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= SHORT) {
    let high = 0;
    for (let i = start; i < end; i++) high |= bytes[i]!;
    if (high < 0x80) {
      // Eight characters per String.fromCharCode call: appending one character at a
      // time allocates a new string per byte, which made short strings cost more than the rest of a struct.
      let s = '';
      let i = start;
      for (; end - i >= 8; i += 8) s += ascii8(bytes, i);
      return i === end ? s : s + asciiTail(bytes, i, end - i);
    }
  }
  return decoder.decode(bytes.subarray(start, end));
}

function ascii8(b: Uint8Array, i: number): string {
  return String.fromCharCode(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!);
}

/** 1 to 7 ASCII bytes as a string. */
function asciiTail(b: Uint8Array, i: number, n: number): string {
  switch (n) {
    case 1: return String.fromCharCode(b[i]!);
    case 2: return String.fromCharCode(b[i]!, b[i + 1]!);
    case 3: return String.fromCharCode(b[i]!, b[i + 1]!, b[i + 2]!);
    case 4: return String.fromCharCode(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!);
    case 5: return String.fromCharCode(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!);
    case 6: return String.fromCharCode(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!);
    default: return String.fromCharCode(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!);
  }
}

/** UTF-8 bytes of a string (for binary fields given as strings). */
export function utf8Bytes(s: string): Uint8Array {
  return encoder.encode(s);
}
