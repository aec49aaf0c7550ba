/** createHttpServer: serves one service (or several, multiplexed) over HTTP POST, as Apache's THttpServer. */
import type { Interceptor } from '../call/index.js';
import { defaultErrorLog, type Handler } from '../processor/index.js';
import type { Protocol, ProtocolName, ServiceDesc } from '../protocol/index.js';
import type { HandlerOf } from '../protocol/schema.js';
import { listenHttp, type HttpListenOptions } from '../node/index.js';
import { processorFor, type ServiceMap } from './processor-for.js';
import { serveOn, serveWith, type ThriftServer } from './server.js';
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
  const { processor, options } = processorFor('createHttpServer', first, second, third);
  const { host, port, path, maxMessageSize, maxConnections, origins, tls } = options;
  const routes = options.json === false ? undefined : jsonRoutes(createJsonRoute(first, processor, options.maxDepth));
  // One request is one "connection" of one message: the same loop as a socket's answers it.
  return serveOn(
    (accept) => listenHttp({ host, port, path, maxMessageSize, maxConnections, origins, tls, routes }, accept),
    serveWith(processor, { transport: 'message', maxMessageSize, onError: options.onError ?? defaultErrorLog }),
    options.closeTimeout,
  );
}

