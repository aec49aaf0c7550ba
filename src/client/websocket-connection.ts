/** createWebSocketConnection: open a WebSocket and put a client on it, one Thrift message per WebSocket message. */
import { assertService, resolveProtocol, type Protocol, type ProtocolName, type ServiceDesc } from '../protocol/index.js';
import { connectWebSocket, type WebSocketConstructor } from '../transport/index.js';
import type { ClientOf } from '../protocol/schema.js';
import { createClient, type ServiceClient } from './client.js';

/** Options for {@link createWebSocketConnection}. */
export interface WebSocketConnectionOptions {
  /** The server's `ws:` or `wss:` URL, path included. */
  url: string | URL;
  /** Wire protocol; default 'binary'. */
  protocol?: ProtocolName | Protocol;
  /** Per-call timeout in ms (TimeoutError); also bounds the opening handshake unless connectTimeout is given. */
  timeout?: number;
  /** Milliseconds allowed for the opening handshake. */
  connectTimeout?: number;
  /** Aborts connecting. */
  signal?: AbortSignal;
  /** The WebSocket class; default `globalThis.WebSocket` (pass the ws package's on Node 20). */
  WebSocket?: WebSocketConstructor;
  /** WebSocket subprotocols to offer. */
  protocols?: string | string[];
  /** Largest reply accepted, in bytes; default 16_384_000. */
  maxMessageSize?: number;
  /** Deepest struct/container nesting accepted in replies; default 64. */
  maxDepth?: number;
  /** The service's name on a multiplexed server (calls go out as `service:method`). */
  service?: string;
}

/** Connects to a Thrift WebSocket server and returns a client with one method per service function. */
export async function createWebSocketConnection<S extends ServiceDesc>(service: S, options: WebSocketConnectionOptions): Promise<ServiceClient<ClientOf<S>>> {
  assertService('createWebSocketConnection', service);
  if (options === null || typeof options !== 'object' || options.url === undefined) {
    throw new TypeError("createWebSocketConnection: options.url is required, e.g. { url: 'ws://127.0.0.1:8080/' }");
  }
  const protocol = resolveProtocol(options.protocol);
  const socket = await connectWebSocket({
    url: options.url,
    protocols: options.protocols,
    WebSocket: options.WebSocket,
    connectTimeout: options.connectTimeout ?? options.timeout,
    signal: options.signal,
    maxMessageSize: options.maxMessageSize,
  });
  return createClient(service, socket, {
    protocol,
    transport: 'message',
    maxMessageSize: options.maxMessageSize,
    timeout: options.timeout,
    maxDepth: options.maxDepth,
    service: options.service,
    onClose: (error) => (error ? socket.destroy(error) : socket.close()),
  });
}
