/** Per-call options, shared by every client (connection, pool, reconnecting, balanced) and seen by interceptors. */

/** Per-call options. */
export interface CallOptions {
  /** Overrides the client's timeout for this call (ms). */
  timeout?: number;
  /** Cancels the call: it rejects with the signal's reason (an AbortError if none). */
  signal?: AbortSignal;
  /**
   * Headers sent with this call (added to the client's own): THeader info headers,
   * or HTTP request headers over HTTP. Plain buffered/framed and WebSocket have no place for them.
   */
  headers?: Readonly<Record<string, string>>;
  /** Called with the reply's THeader info headers before the call settles. */
  onHeaders?: (headers: Readonly<Record<string, string>>) => void;
}
