// Kept in the .d.ts (preserve): TypeScript 7 defaults `types` to [], and these declarations name node: modules.
/// <reference types="node" preserve="true" />
/** What every listener (TCP/unix/TLS sockets, HTTP, WebSocket) offers the server above it. */
import type { Server, Socket } from 'node:net';
import { TransportError } from '../errors.js';
import type { CallPeer } from '../transport/types.js';

/**
 * Where a server listens: a host and port (the real port when 0 was asked for),
 * or a unix socket's path. Test `'path' in address` (or `address.path !== undefined`) to tell them apart.
 */
export type ServerAddress = { readonly host: string; readonly port: number; readonly path?: undefined } | { readonly path: string; readonly host?: undefined; readonly port?: undefined };

/** A bound listener that hands each accepted connection (or HTTP exchange) to a callback. */
export interface Listener {
  /** What was bound: host and port, or a unix socket's path. */
  readonly address: ServerAddress;
  /** Connections (HTTP: requests) accepted and not yet closed. */
  readonly connections: number;
  /** Stops accepting; resolves once everything accepted has closed (it does not close them). */
  close(): Promise<void>;
  /** Closes everything accepted now and stops accepting. */
  destroy(): void;
}

/** Tells `onRefused` of each connection `server` refuses at `max` (Node closes those before anyone sees them; 'drop' is all that tells). */
export function reportRefusals(server: Server, max: number, onRefused: ((error: TransportError) => void) | undefined): void {
  server.maxConnections = max;
  if (onRefused === undefined) return;
  server.on('drop', (d?: { remoteAddress?: string; remotePort?: number }) => onRefused(refusal(d?.remoteAddress, d?.remotePort, max)));
}

/** The error a connection refused at `max` is reported with. */
export function refusal(address: string | undefined, port: number | undefined, max: number): TransportError {
  return new TransportError(`refused a connection from ${address ?? 'a client'}${port === undefined ? '' : `:${port}`}: the server is at maxConnections (${max})`);
}

// One object per socket, made on first use: the tracing describer caches span attributes by
// peer object, and an idle connection nobody traces should not carry one.
const peers = new WeakMap<object, CallPeer>();

/** The far end of `socket` as it sees it (IP and port), or undefined when it has none (a Unix socket's client). */
export function peerOfSocket(socket: Socket | undefined): CallPeer | undefined {
  if (socket === undefined) return undefined;
  let peer = peers.get(socket);
  if (peer === undefined) {
    const address = socket.remoteAddress;
    if (address === undefined) return undefined;
    peer = { address, port: socket.remotePort, transport: 'tcp' };
    peers.set(socket, peer);
  }
  return peer;
}
