/** createHttpServer: serves one service (or several, multiplexed) over HTTP POST, as Apache's THttpServer. */
import type { Interceptor, ServerCallContext } from '../call/index.js';
import { defaultErrorLog, type Handler, type MessageProcessor } from '../processor/index.js';
import type { Protocol, ProtocolName, ServiceDesc } from '../protocol/index.js';
import type { HandlerOf } from '../protocol/schema.js';
import { listenHttp, type HttpExchange, type HttpListenOptions } from '../node/index.js';
import { processorFor, type ServiceMap } from './processor-for.js';
import type { OptionShape } from '../options.js';
import { serveOn, type ThriftServer } from './server.js';
import { ServedConnection } from './serve-connection.js';
import { createJsonRoute, jsonRoutes } from './json-route.js';

/** Options for {@link createHttpServer}. */
export interface HttpServerOptions {
  /** Interface to bind; default '127.0.0.1'. */
  host?: string;
  /** Port to bind; default 80 (443 with TLS), 0 for an ephemeral port. */
  port?: number;
  /** URL path the service answers on; default '/'. */
  path?: string;
  /** Wire protocol; default 'binary'. */
  protocol?: ProtocolName | Protocol;
  /** Largest request accepted, in bytes (413 beyond it); default 16_384_000. */
  maxMessageSize?: number;
  /** Deepest struct/container nesting accepted; default 64. */
  maxDepth?: number;
  /** TCP connections beyond this many are refused. */
  maxConnections?: number;
  /** Origins allowed to call from a browser page ('*' for any), with CORS; see HttpListenOptions.origins. */
  origins?: readonly string[];
  /** Serve HTTPS with these node:tls options. */
  tls?: HttpListenOptions['tls'];
  /** How long close() lets in-flight calls finish before answering them with 500; default 10_000 ms. */
  closeTimeout?: number;
  /** Errors no client can be told about (undecodable requests, oneway handler failures). Default: written to stderr, rate-limited (at most 10 a minute, then a count). */
  onError?: (error: unknown) => void;
  /** Send an undeclared handler error's message to the client; default false (INTERNAL_ERROR, "Internal error"). */
  exposeErrors?: boolean;
  /** Wrapped around every handler call, first outermost: timing, logging, metrics, tracing. */
  interceptors?: readonly Interceptor[];
  /** Answer `POST <path>/<method>` with simple JSON (docs/simple-json.md); default true. */
  json?: boolean;
}

/** The shapes of {@link HttpServerOptions}. */
const httpServerOptionShapes = {
  host: 'string',
  port: 'number',
  path: 'string',
  protocol: 'string|object',
  maxMessageSize: 'number',
  maxDepth: 'number',
  maxConnections: 'number',
  origins: 'array',
  tls: 'object',
  closeTimeout: 'number',
  onError: 'function',
  interceptors: 'array',
  exposeErrors: 'boolean',
  json: 'boolean',
} as const satisfies Record<keyof HttpServerOptions, OptionShape>;

/** Options of a multiplexed HTTP server. */
export interface MultiplexedHttpServerOptions extends HttpServerOptions {
  /** The service that answers calls whose names carry no `Service:` prefix (plain clients). */
  defaultService?: string;
}


/** Starts an HTTP server for `service` answered by `handler`; resolves once it listens. */
export function createHttpServer<S extends ServiceDesc>(service: S, handler: HandlerOf<S>, options?: HttpServerOptions): Promise<ThriftServer>;
/** Starts a multiplexed HTTP server: several services on one path, as Apache's TMultiplexedProcessor. */
export function createHttpServer<M extends Readonly<Record<string, ServiceDesc>>>(
  services: { readonly [K in keyof M]: readonly [M[K], HandlerOf<M[K]>] },
  options?: MultiplexedHttpServerOptions,
): Promise<ThriftServer>;
export async function createHttpServer(
  first: ServiceDesc | ServiceMap,
  second?: Handler | MultiplexedHttpServerOptions,
  third?: HttpServerOptions,
): Promise<ThriftServer> {
  const { processor, options } = processorFor('createHttpServer', first, second, third, httpServerOptionShapes);
  const { host, port, path, maxMessageSize, maxConnections, origins, tls } = options;
  const routes = options.json === false ? undefined : jsonRoutes(createJsonRoute(first, processor, options.maxDepth));
  const serveOptions = { transport: 'message' as const, maxMessageSize, onError: options.onError ?? defaultErrorLog };
  // One request is one "connection" of one message: the same loop as a socket's answers it.
  return serveOn<HttpExchange>(
    (accept) => listenHttp({ host, port, path, maxMessageSize, maxConnections, origins, tls, routes }, accept),
    (conn, destroy) => new ServedConnection(conn, withRequestHeaders(processor, conn as HttpExchange), { ...serveOptions, destroy }),
    options.closeTimeout,
  );
}

/**
 * The processor with the POST's request headers as the call context (interceptors
 * read trace context there; handlers through callContext()). Reply headers set in
 * the context are not sent: HTTP replies carry none of the call's.
 */
function withRequestHeaders(processor: MessageProcessor, exchange: HttpExchange): MessageProcessor {
  const raw = exchange.request.headers;
  const headers: Record<string, string> = {};
  // Node lower-cases names; a repeated header arrives as an array, joined as HTTP lists are.
  for (const name in raw) {
    const value = raw[name];
    if (value !== undefined) headers[name] = typeof value === 'string' ? value : value.join(', ');
  }
  const context: ServerCallContext = { headers, responseHeaders: {} };
  return { protocol: processor.protocol, process: (message) => processor.process(message, context) };
}

