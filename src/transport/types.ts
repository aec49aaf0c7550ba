/**
 * The one shape every transport speaks. A chunk written to `writable` is owned by
 * the stream from then on: sockets may hold it (corked, or queued behind a full
 * kernel buffer) after the write promise resolved, so writers must not reuse it.
 */

/** A pair of byte streams: the shape of a TransformStream or a WebTransport stream. */
export interface DuplexStream<R = Uint8Array, W = Uint8Array> {
  readonly readable: ReadableStream<R>;
  readonly writable: WritableStream<W>;
}
