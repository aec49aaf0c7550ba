/**
 * The one shape every transport speaks. A chunk written to `writable` is owned by
 * the stream from then on: sockets may hold it (corked, or queued behind a full
 * kernel buffer) after the write promise resolved, so writers must not reuse it.
 */

/** A pair of byte streams: the shape of a TransformStream or a WebTransport stream. */
export interface DuplexStream<R = Uint8Array, W = Uint8Array> {
  readonly readable: ReadableStream<R>;
  readonly writable: WritableStream<W>;
  /** The far end, where the transport knows it: an accepted socket's client, an HTTP request's or a WebSocket's remote address. */
  readonly peer?: CallPeer;
}

/** The far end of a connection: on a client, the server it dials; on a server, the client's address as its socket sees it (for tracing and logs). */
export interface CallPeer {
  /** Host name or IP address; for a Unix socket, its path. */
  readonly address: string;
  /** TCP port; absent for a Unix socket. */
  readonly port?: number;
  /** The network transport: 'tcp' (sockets, HTTP, WebSocket) or 'unix'. */
  readonly transport: 'tcp' | 'unix';
}
