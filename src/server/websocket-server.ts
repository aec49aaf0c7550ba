/** createWebSocketServer: serves one service (or several, multiplexed) over WebSocket, one Thrift message per WebSocket message. */
import type { Interceptor } from '../call/index.js';
import { defaultErrorLog, type Handler } from '../processor/index.js';
import type { Protocol, ProtocolName, ServiceDesc } from '../protocol/index.js';
import type { HandlerOf } from '../protocol/schema.js';
import { listenWebSocket, type WebSocketListenOptions } from '../node/index.js';
import { processorFor, type ServiceMap } from './processor-for.js';
import type { OptionShape } from '../options.js';
import { serveOn, serveWith, type ThriftServer } from './server.js';

/** Options for {@link createWebSocketServer}. */
export interface WebSocketServerOptions {
  /** Interface to bind; default '127.0.0.1'. */
  host?: string;
  /** Port to bind; default 80 (443 with TLS), 0 for an ephemeral port. */
  port?: number;
  /** URL path upgrades are accepted on; default '/'. */
  path?: string;
  /** Wire protocol; default 'binary'. */
  protocol?: ProtocolName | Protocol;
  /** Close a connection idle (no request, nothing in flight) this many ms. */
  idleTimeout?: number;
  /** Largest message accepted, in bytes; default 16_384_000. */
  maxMessageSize?: number;
  /** Deepest struct/container nesting accepted; default 64. */
  maxDepth?: number;
  /** WebSocket connections beyond this many are refused (503). */
  maxConnections?: number;
  /** Origins allowed to connect from a browser page ('*' for any); default any. */
  origins?: readonly string[];
  /** Serve wss: with these node:tls options. */
  tls?: WebSocketListenOptions['tls'];
  /** How long close() lets in-flight calls finish before destroying connections; default 10_000 ms. */
  closeTimeout?: number;
  /** Errors no client can be told about (bad messages, oneway handler failures). Default: written to stderr, rate-limited (at most 10 a minute, then a count). */
  onError?: (error: unknown) => void;
  /** Send an undeclared handler error's message to the client; default false (INTERNAL_ERROR, "Internal error"). */
  exposeErrors?: boolean;
  /** Wrapped around every handler call, first outermost: timing, logging, metrics, tracing. */
  interceptors?: readonly Interceptor[];
}

/** The shapes of {@link WebSocketServerOptions}. */
const webSocketServerOptionShapes = {
  host: 'string',
  port: 'number',
  path: 'string',
  protocol: 'string|object',
  idleTimeout: 'number',
  maxMessageSize: 'number',
  maxDepth: 'number',
  maxConnections: 'number',
  origins: 'array',
  tls: 'object',
  closeTimeout: 'number',
  onError: 'function',
  interceptors: 'array',
  exposeErrors: 'boolean',
} as const satisfies Record<keyof WebSocketServerOptions, OptionShape>;

/** Options of a multiplexed WebSocket server. */
export interface MultiplexedWebSocketServerOptions extends WebSocketServerOptions {
  /** The service that answers calls whose names carry no `Service:` prefix (plain clients). */
  defaultService?: string;
}

/** Starts a WebSocket server for `service` answered by `handler`; resolves once it listens. Needs the `ws` package. */
export function createWebSocketServer<S extends ServiceDesc>(service: S, handler: HandlerOf<S>, options?: WebSocketServerOptions): Promise<ThriftServer>;
/** Starts a multiplexed WebSocket server: several services on one path, as Apache's TMultiplexedProcessor. */
export function createWebSocketServer<M extends Readonly<Record<string, ServiceDesc>>>(
  services: { readonly [K in keyof M]: readonly [M[K], HandlerOf<M[K]>] },
  options?: MultiplexedWebSocketServerOptions,
): Promise<ThriftServer>;
export async function createWebSocketServer(
  first: ServiceDesc | ServiceMap,
  second?: Handler | MultiplexedWebSocketServerOptions,
  third?: WebSocketServerOptions,
): Promise<ThriftServer> {
  const built = processorFor('createWebSocketServer', first, second, third, webSocketServerOptionShapes);
  const processor = built.processor;
  const options = built.options as MultiplexedWebSocketServerOptions;
  const { host, port, path, maxMessageSize, maxConnections, origins, tls } = options;
  return serveOn(
    (accept) => listenWebSocket({ host, port, path, maxMessageSize, maxConnections, origins, tls, onRefused: options.onError ?? defaultErrorLog }, accept),
    serveWith(processor, { transport: 'message', maxMessageSize, idleTimeout: options.idleTimeout, onError: options.onError ?? defaultErrorLog }),
    options.closeTimeout,
  );
}
