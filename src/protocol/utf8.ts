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
  const n = end - start;
  if (n <= SHORT) {
    let s = '';
    for (let i = start; i < end; i++) {
      const c = bytes[i];
      if (c >= 0x80) return decoder.decode(bytes.subarray(start, end));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return decoder.decode(bytes.subarray(start, end));
}

/** UTF-8 bytes of a string (for binary fields given as strings). */
export function utf8Bytes(s: string): Uint8Array {
  return encoder.encode(s);
}
