/** What every listener (TCP/unix/TLS sockets, HTTP, WebSocket) offers the server above it. */

/** A bound listener that hands each accepted connection (or HTTP exchange) to a callback. */
export interface Listener {
  /** What was bound (for a unix socket: the path as host, port 0). */
  readonly address: { host: string; port: number };
  /** Connections (HTTP: requests) accepted and not yet closed. */
  readonly connections: number;
  /** Stops accepting; resolves once everything accepted has closed (it does not close them). */
  close(): Promise<void>;
  /** Closes everything accepted now and stops accepting. */
  destroy(): void;
}
