/**
 * Finding where an unframed message ends by skipping it with the protocol's own
 * reader (compact, JSON): a reader in measuring mode throws {@link INCOMPLETE}
 * where it would report truncation, which means "wait for more bytes".
 */
import { TType } from './schema.js';
import type { ProtocolReader } from './types.js';

/** Thrown by a measuring reader that ran out of bytes; never escapes measureBySkipping. */
export const INCOMPLETE = Symbol('incomplete');

const EMPTY = new Uint8Array(0);

/** A reader that can skip a whole message and say how many bytes that took. */
export interface MeasuringReader extends ProtocolReader {
  /** Bytes of the current message consumed so far. */
  consumed(): number;
}

/** Length of the message at bytes[start..end) as `reader` skips it, or -1 when it is not all there yet. */
export function measureBySkipping(reader: MeasuringReader, bytes: Uint8Array, start: number, end: number): number {
  reader.reset(bytes.subarray(start, end));
  try {
    reader.readMessageBegin();
    reader.skip(TType.STRUCT);
    return reader.consumed();
  } catch (e) {
    if (e === INCOMPLETE) return -1;
    throw e;
  } finally {
    // Do not keep the caller's buffer alive through the shared reader.
    reader.reset(EMPTY);
  }
}
