/** Picks the framing that turns a byte duplex into a message duplex. */
import { buffered, type MeasureFn } from './buffered.js';
import { framed } from './framed.js';
import type { DuplexStream } from './types.js';

/** The two wire framings Apache Thrift's socket servers and clients use. */
export type Framing = 'buffered' | 'framed';

/** Options for {@link messages}. */
export interface MessagesOptions {
  /** 'framed' (4-byte length prefix) or 'buffered' (no prefix; boundaries found by `measure`). */
  framing: Framing;
  /** The protocol's message measure, needed for 'buffered'. */
  measure: MeasureFn;
  /** Largest frame or unframed message accepted, in bytes (default 16_384_000). */
  maxMessageSize?: number;
}

/** Wraps a byte duplex so that each chunk read and written is one whole message. */
export function messages(conn: DuplexStream, options: MessagesOptions): DuplexStream {
  if (options.framing === 'framed') return framed(conn, { maxFrameSize: options.maxMessageSize });
  if (options.framing === 'buffered') return buffered(conn, { measure: options.measure, maxMessageSize: options.maxMessageSize });
  throw new TypeError(`unknown transport ${JSON.stringify(options.framing)}: use 'buffered' or 'framed'`);
}
