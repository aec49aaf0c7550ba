/** createHttpServer: serves one service (or several, multiplexed) over HTTP POST, as Apache's THttpServer. */
import type { Interceptor, ServerCallContext } from '../call/index.js';
import { ConnectionClosedError } from '../errors.js';
import { asError, Lifecycle, type Closable } from '../lifecycle.js';
import { defaultErrorLog, type Handler, type MessageProcessor, type ProcessResult } from '../processor/index.js';
import type { Protocol, ProtocolName, ServiceDesc } from '../protocol/index.js';
import type { HandlerOf } from '../protocol/schema.js';
import { listenHttp, type HttpExchange, type HttpListenOptions } from '../node/index.js';
import { processorFor, type ServiceMap } from './processor-for.js';
import type { OptionShape } from '../options.js';
import { ThriftServer } from './server.js';
import { closeTimeoutOf } from './defaults.js';
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
  /**
   * Answer HTTP/2 too: with `tls`, ALPN offers h2 and http/1.1 on the same port;
   * without, the port speaks cleartext h2c (prior knowledge) only.
   */
  http2?: boolean;
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
  http2: 'boolean',
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
  const { host, port, path, maxMessageSize, maxConnections, origins, tls, http2 } = options;
  const routes = options.json === false ? undefined : jsonRoutes(createJsonRoute(first, processor, options.maxDepth));
  const calls = new HttpCalls(processor, options.onError ?? defaultErrorLog);
  const listener = await listenHttp({ host, port, path, maxMessageSize, maxConnections, origins, tls, http2, routes, onRefused: options.onError ?? defaultErrorLog }, (exchange) => calls.serve(exchange));
  const server = new ThriftServer(listener, closeTimeoutOf(options));
  server.track(calls);
  void calls.closed.then(() => server.untrack(calls));
  return server;
}

/**
 * The calls of an HTTP server: each POST body goes straight to the processor and
 * its reply straight into the response, with no stream or channel per request
 * (a POST carries exactly one message, so there is nothing to frame or pipeline).
 * The POST's request headers are the call's context (see {@link requestContext}).
 * One Closable for the server: close() waits for the calls in flight, destroy()
 * answers them with 500.
 */
class HttpCalls implements Closable {
  private readonly life = new Lifecycle();
  get closed(): Promise<Error | undefined> {
    return this.life.closed;
  }
  private readonly inflight = new Set<HttpExchange>();
  private drained: (() => void) | undefined;

  constructor(
    private readonly processor: MessageProcessor,
    private readonly onError: (error: unknown) => void,
  ) {}

  get state(): Closable['state'] {
    return this.life.state;
  }

  serve(exchange: HttpExchange): void {
    if (this.life.state !== 'open') {
      exchange.destroy(new ConnectionClosedError('the server is closing'));
      return;
    }
    let out: ProcessResult | Promise<ProcessResult>;
    try {
      out = this.processor.process(exchange.body, new HttpCallContext(exchange), exchange);
    } catch (e) {
      // The message header does not read: 400, and onError hears of it.
      this.fail(exchange, e);
      return;
    }
    if (!(out instanceof Promise)) {
      exchange.reply(out);
      return;
    }
    this.inflight.add(exchange);
    out.then(
      (reply) => {
        if (this.done(exchange)) exchange.reply(reply);
      },
      (e: unknown) => {
        if (this.done(exchange)) this.fail(exchange, e);
      },
    );
  }

  close(): Promise<void> {
    return this.life.close(() => (this.inflight.size === 0 ? undefined : new Promise<void>((resolve) => (this.drained = resolve))));
  }

  destroy(error?: Error): void {
    if (!this.life.end(error)) return;
    const calls = [...this.inflight];
    this.inflight.clear();
    for (const exchange of calls) exchange.destroy(error ?? new ConnectionClosedError('server closed before the call finished'));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Removes a call from the set; false when destroy() already answered it. */
  private done(exchange: HttpExchange): boolean {
    if (!this.inflight.delete(exchange)) return false;
    if (this.inflight.size === 0 && this.drained !== undefined) this.drained();
    return true;
  }

  private fail(exchange: HttpExchange, e: unknown): void {
    this.onError(e);
    exchange.destroy(asError(e));
  }
}

/**
 * The POST's request headers as the call context (interceptors read trace context
 * there; handlers through callContext()), copied out of the request only when read:
 * most calls never look. Reply headers set in the context are not sent: HTTP replies
 * carry none of the call's.
 */
class HttpCallContext implements ServerCallContext {
  private read: Record<string, string> | undefined;
  private reply: Record<string, string> | undefined;

  constructor(private readonly exchange: HttpExchange) {}

  get headers(): Readonly<Record<string, string>> {
    return (this.read ??= requestHeaders(this.exchange));
  }

  get responseHeaders(): Record<string, string> {
    return (this.reply ??= {});
  }
}

function requestHeaders(exchange: HttpExchange): Record<string, string> {
  const raw = exchange.request.headers;
  const headers: Record<string, string> = {};
  // Node lower-cases names; a repeated header arrives as an array, joined as HTTP lists are.
  for (const name in raw) {
    // HTTP/2's pseudo-headers (:method, :path...) are the request line, not headers.
    if (name.charCodeAt(0) === 0x3a) continue;
    const value = raw[name];
    if (value !== undefined) headers[name] = typeof value === 'string' ? value : value.join(', ');
  }
  return headers;
}
