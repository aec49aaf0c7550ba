/** createWebSocketConnection: open a WebSocket and put a client on it, one Thrift message per WebSocket message. */
import type { ServiceDesc } from '../protocol/index.js';
import type { ClientOf } from '../protocol/schema.js';
import { connectWebSocket, messageTransport, type WebSocketConstructor } from '../transport/index.js';
import { clientOn, type ServiceClient } from './client.js';
import { callWiring } from './thrift-client.js';
import { assertUrlOptions, peerOf, urlOptionShapes, urlRenamed, type UrlConnectionOptions } from './message-connection.js';
import type { OptionHints, OptionShape } from '../options.js';

/** Options for {@link createWebSocketConnection}. */
export interface WebSocketConnectionOptions extends UrlConnectionOptions {
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
}

/** The shapes of {@link WebSocketConnectionOptions}. */
const webSocketConnectionOptionShapes = {
  ...urlOptionShapes,
  connectTimeout: 'number',
  signal: 'object',
  WebSocket: 'function',
  protocols: 'string|array',
} as const satisfies Record<keyof WebSocketConnectionOptions, OptionShape>;

/** @internal The example URL the factory's errors show. */
export const WEBSOCKET_EXAMPLE_URL = 'ws://127.0.0.1:8080/';

/** Connects to a Thrift WebSocket server and returns a client with one method per service function. */
export async function createWebSocketConnection<S extends ServiceDesc>(service: S, options: WebSocketConnectionOptions): Promise<ServiceClient<ClientOf<S>>> {
  return webSocketConnection(service, options, { renamed: urlRenamed(WEBSOCKET_EXAMPLE_URL) });
}

/** @internal createWebSocketConnection with the option hints of the caller's entry (see urlRenamed). */
export async function webSocketConnection<S extends ServiceDesc>(service: S, options: WebSocketConnectionOptions, hints: OptionHints): Promise<ServiceClient<ClientOf<S>>> {
  const protocol = assertUrlOptions('createWebSocketConnection', service, options, WEBSOCKET_EXAMPLE_URL, webSocketConnectionOptionShapes, hints);
  const socket = await connectWebSocket({
    url: options.url,
    protocols: options.protocols,
    WebSocket: options.WebSocket,
    connectTimeout: options.connectTimeout ?? options.timeout,
    signal: options.signal,
    maxMessageSize: options.maxMessageSize,
  });
  return clientOn(service, socket, {
    protocol,
    framing: messageTransport,
    maxMessageSize: options.maxMessageSize,
    ...callWiring(options),
    peer: peerOf(options.url),
    // The socket's end is the client's: a failure tears it down, a close lets the last writes out.
    onClose: (error) => void (error ? socket.destroy(error) : socket.close()),
  });
}
