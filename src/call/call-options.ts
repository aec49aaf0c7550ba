/** Per-call options, shared by every client (connection, pool, reconnecting, balanced) and seen by interceptors. */

/** Per-call options. */
export interface CallOptions {
  /** Overrides the client's timeout for this call (ms). */
  timeout?: number;
  /** Cancels the call: it rejects with the signal's reason (an AbortError if none). */
  signal?: AbortSignal;
}
