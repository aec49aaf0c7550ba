/**
 * The server side of Thrift over HTTP, on node:http: every POST to the service's
 * path carries one request message in its body and gets the reply as the body of
 * a 200 response (Apache's THttpServer and TXHRTransport semantics). Each request
 * is handed on as a duplex that reads that one message and writes the reply, so
 * the same per-connection loop serves it as serves a socket. Node modules are
 * imported only inside listenHttp(), so the transport layer stays loadable in
 * runtimes without them.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { TlsOptions } from 'node:tls';
import { ConnectionClosedError, ProtocolError, TransportError } from '../errors.js';
import { DuplexEnds } from '../transport/duplex-ends.js';
import { streams } from '../transport/streams.js';
import type { DuplexStream } from '../transport/types.js';
import type { Listener } from './listener.js';

/** Where and how {@link listenHttp} accepts. */
export interface HttpListenOptions {
  /** Default '127.0.0.1': loopback unless another interface is asked for. */
  host?: string;
  /** Default 80 (443 with TLS); 0 picks an ephemeral port. */
  port?: number;
  /** The URL path the service answers on; default '/'. Other paths get 404. */
  path?: string;
  /** Largest request body accepted, in bytes (413 beyond it); default 16_384_000. */
  maxMessageSize?: number;
  /** TCP connections beyond this many are refused. */
  maxConnections?: number;
  /**
   * Origins allowed to call from a browser page ('*' for any): their requests get
   * CORS headers and preflights are answered. Requests carrying another Origin are
   * refused with 403. Without it, no CORS headers are sent and Origin is not checked.
   */
  origins?: readonly string[];
  /** Content-Type of replies; default 'application/x-thrift'. */
  contentType?: string;
  /** Serve HTTPS with these node:tls options. */
  tls?: TlsOptions;
  /**
   * Answers POSTs to paths below `path` (`<path>/<route>`; the server's JSON calls),
   * with the same CORS, size limit and close() tracking; without it they get 404.
   */
  routes?: HttpRoutes;
}

/** Answers a POST to `<path>/<route>`: the route, the request's Content-Type, the body. */
export type HttpRoutes = (route: string, contentType: string | undefined, body: Uint8Array) => Promise<{ status: number; contentType: string; body: string }>;

/** One POST: a duplex that reads the request message once and answers with what is written to it. */
export interface HttpExchange extends DuplexStream {
  /** The request, for its headers and remote address. */
  readonly request: IncomingMessage;
  /** Answers 200 with what was written (an empty body when nothing was: a oneway call); idempotent. */
  close(): void;
  /**
   * Answers now, if no answer went out yet, with 400 when `error` is a ProtocolError
   * (the request does not decode) and 500 otherwise; the TCP connection is closed after it. Idempotent.
   */
  destroy(error?: Error): void;
}

/** A listening HTTP server; see {@link listenHttp}. */
export interface HttpListener extends Listener {
  /** What was bound. */
  readonly address: { host: string; port: number };
  /** Requests received and not yet answered. */
  readonly connections: number;
  /** Stops accepting; resolves once every request received is answered and every TCP connection closed. */
  close(): Promise<void>;
  /** Answers every open request with 500, closes every TCP connection now, and stops accepting. */
  destroy(): void;
}

const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_MAX_MESSAGE_SIZE = 16_384_000;
/** What Apache's THttpClient sends and expects (lib/java THttpClient, lib/py THttpClient). */
export const THRIFT_CONTENT_TYPE = 'application/x-thrift';

function ignore(): void {}

/** One request/response pair seen as a duplex. */
class NodeHttpExchange extends DuplexEnds implements HttpExchange {
  readonly request: IncomingMessage;
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  /** Resolves once the response is finished or the connection is gone. */
  readonly done: Promise<void>;
  private readonly response: ServerResponse;
  private readonly contentType: string;
  private readonly chunks: Uint8Array[] = [];
  private answered = false;

  constructor(request: IncomingMessage, response: ServerResponse, body: Uint8Array, contentType: string) {
    super();
    this.request = request;
    this.response = response;
    this.contentType = contentType;
    const { ReadableStream } = streams();
    this.readable = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.readController = controller;
        // The body is the whole request: one message, then end of input.
        controller.enqueue(body);
        controller.close();
        this.readOpen = false;
      },
    });
    this.writable = this.writableTo((chunk) => {
      this.chunks.push(chunk);
    });
    this.done = new Promise<void>((resolve) => response.once('close', resolve));
    // A client gone before its answer: whoever writes the reply learns it.
    response.once('close', () => {
      if (!response.writableFinished) this.fail(new ConnectionClosedError('the HTTP client went away before the reply was sent'));
    });
  }

  close(): void {
    if (this.answered) return;
    this.answered = true;
    const res = this.response;
    const chunks = this.chunks;
    let length = 0;
    for (const c of chunks) length += c.byteLength;
    // Apache's Node HTTP client treats any status but 200 as an error, so a oneway call gets an empty 200 too.
    res.statusCode = 200;
    res.setHeader('Content-Type', this.contentType);
    res.setHeader('Content-Length', length);
    for (const c of chunks) res.write(c);
    res.end();
    this.chunks.length = 0;
  }

  /** Answers with a body of its own (a routed request's), unless answered already. */
  respond(status: number, contentType: string, body: string): void {
    if (this.answered) return;
    this.answered = true;
    const res = this.response;
    res.statusCode = status;
    if (status !== 204) {
      res.setHeader('Content-Type', contentType);
      res.setHeader('Content-Length', Buffer.byteLength(body));
    }
    res.end(status === 204 ? undefined : body);
  }

  destroy(error?: Error): void {
    this.fail(error ?? new ConnectionClosedError('request destroyed'));
    if (this.answered) return;
    this.answered = true;
    const res = this.response;
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    const status = error instanceof ProtocolError ? 400 : 500;
    const text = error instanceof ProtocolError ? `bad Thrift request: ${error.message}` : 'the request could not be served';
    res.statusCode = status;
    res.shouldKeepAlive = false;
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('Connection', 'close');
    res.end(text);
  }

}

/** Sends a short plain-text answer that is not a Thrift reply. */
function refuse(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end(text);
}

/** CORS headers for an allowed origin (Fetch standard, CORS protocol). */
function allowOrigin(res: ServerResponse, origin: string): void {
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Vary', 'Origin');
}

/** Reads a request body of at most `limit` bytes; resolves undefined (after answering 413) when it is larger. */
function readBody(req: IncomingMessage, res: ServerResponse, limit: number): Promise<Uint8Array | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let length = 0;
    const tooLarge = (): void => {
      req.removeListener('data', onData);
      res.shouldKeepAlive = false;
      refuse(res, 413, `request body exceeds ${limit} bytes`, { Connection: 'close' });
      req.resume();
      resolve(undefined);
    };
    const onData = (chunk: Uint8Array): void => {
      length += chunk.byteLength;
      if (length > limit) tooLarge();
      else chunks.push(chunk);
    };
    const declared = Number(req.headers['content-length']);
    if (declared > limit) {
      tooLarge();
      return;
    }
    req.on('data', onData);
    req.once('end', () => {
      if (length > limit) return;
      // One copy only when the body came in pieces.
      if (chunks.length === 1) {
        resolve(chunks[0]);
        return;
      }
      const body = new Uint8Array(length);
      let at = 0;
      for (const c of chunks) {
        body.set(c, at);
        at += c.byteLength;
      }
      resolve(body);
    });
    req.once('error', (error) => reject(new TransportError(`HTTP request failed: ${error.message}`, 'TRANSPORT', { cause: error })));
  });
}

/** Tracks the requests a server is answering, so close() can wait and destroy() can reach them. */
class NodeHttpListener implements HttpListener {
  readonly server: Server;
  private readonly open = new Set<NodeHttpExchange>();
  private readonly options: HttpListenOptions;
  private readonly onExchange: (exchange: HttpExchange) => void;
  private readonly path: string;
  private readonly origins: ReadonlySet<string> | undefined;
  private bound: { host: string; port: number } | undefined;
  private closing: Promise<void> | undefined;
  private drained: (() => void) | undefined;

  constructor(server: Server, options: HttpListenOptions, onExchange: (exchange: HttpExchange) => void) {
    this.server = server;
    this.options = options;
    this.onExchange = onExchange;
    this.path = options.path ?? '/';
    this.origins = options.origins === undefined ? undefined : new Set(options.origins);
  }

  get address(): { host: string; port: number } {
    this.bound ??= addressOf(this.server);
    return this.bound;
  }

  get connections(): number {
    return this.open.size;
  }

  /** @internal */
  handle(req: IncomingMessage, res: ServerResponse): void {
    if (this.closing !== undefined) res.shouldKeepAlive = false;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q < 0 ? url : url.slice(0, q);
    const route = this.options.routes === undefined ? undefined : routeBelow(this.path, pathname);
    if (pathname !== this.path && route === undefined) {
      refuse(res, 404, `no Thrift service at ${pathname}`);
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && this.origins !== undefined) {
      if (!this.origins.has('*') && !this.origins.has(origin)) {
        refuse(res, 403, `origin ${origin} is not allowed`);
        return;
      }
      allowOrigin(res, origin);
    }
    if (req.method === 'OPTIONS') {
      // A preflight: the browser asks before a POST whose Content-Type is not form-like.
      res.statusCode = 204;
      if (origin !== undefined && this.origins !== undefined) {
        res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
        res.setHeader('Access-Control-Allow-Headers', req.headers['access-control-request-headers'] ?? 'content-type, accept');
        res.setHeader('Access-Control-Max-Age', '600');
      }
      res.setHeader('Allow', 'POST, OPTIONS');
      res.end();
      return;
    }
    if (req.method !== 'POST') {
      refuse(res, 405, 'Thrift over HTTP takes POST', { Allow: 'POST, OPTIONS' });
      return;
    }
    readBody(req, res, this.options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE).then(
      (body) => {
        if (body === undefined) return;
        if (route !== undefined) {
          this.routed(route, req, res, body);
          return;
        }
        if (body.byteLength === 0) {
          refuse(res, 400, 'empty request body: expected one Thrift message');
          return;
        }
        this.accept(req, res, body);
      },
      () => res.destroy(),
    );
  }

  private accept(req: IncomingMessage, res: ServerResponse, body: Uint8Array): void {
    const exchange = new NodeHttpExchange(req, res, body, this.options.contentType ?? THRIFT_CONTENT_TYPE);
    this.open.add(exchange);
    void exchange.done.then(() => this.forget(exchange));
    try {
      this.onExchange(exchange);
    } catch (error) {
      exchange.destroy(error instanceof Error ? error : new TransportError(`onExchange threw ${String(error)}`));
    }
  }

  private routed(route: string, req: IncomingMessage, res: ServerResponse, body: Uint8Array): void {
    // Tracked as an exchange, so close() waits for it and destroy() answers it.
    const exchange = new NodeHttpExchange(req, res, body, '');
    this.open.add(exchange);
    void exchange.done.then(() => this.forget(exchange));
    this.options.routes!(route, req.headers['content-type'], body).then(
      (answer) => exchange.respond(answer.status, answer.contentType, answer.body),
      (error: unknown) => exchange.destroy(error instanceof Error ? error : new TransportError(String(error))),
    );
  }

  private forget(exchange: NodeHttpExchange): void {
    this.open.delete(exchange);
    if (this.closing !== undefined) this.server.closeIdleConnections();
    if (this.open.size === 0 && this.drained !== undefined) {
      const resolve = this.drained;
      this.drained = undefined;
      resolve();
    }
  }

  close(): Promise<void> {
    if (this.closing === undefined) {
      this.address; // remember it before the handle goes away
      const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
      // Keep-alive connections with no request in flight would hold close() open.
      this.server.closeIdleConnections();
      const answered = this.open.size === 0 ? undefined : new Promise<void>((resolve) => (this.drained = resolve));
      this.closing = Promise.all([stopped, answered]).then(ignore);
    }
    return this.closing;
  }

  destroy(): void {
    this.close().catch(ignore);
    for (const exchange of this.open) exchange.destroy(new ConnectionClosedError('server destroyed'));
    this.server.closeAllConnections();
  }
}

/** The part of `pathname` below `base` (`/rpc` + `/add` → `add`), or undefined when it is not below it. */
function routeBelow(base: string, pathname: string): string | undefined {
  const prefix = base.endsWith('/') ? base : `${base}/`;
  return pathname.length > prefix.length && pathname.startsWith(prefix) ? pathname.slice(prefix.length) : undefined;
}

/** @internal The bound address of a node:http server. */
export function addressOf(server: Server): { host: string; port: number } {
  const address = server.address();
  return typeof address === 'string' || address === null ? { host: address ?? '', port: 0 } : { host: address.address, port: address.port };
}

/** @internal Creates a node:http (or node:https) server and binds it. */
export async function bindHttpServer(options: { host?: string; port?: number; tls?: TlsOptions; maxConnections?: number }): Promise<Server> {
  const server: Server = options.tls !== undefined
    ? (await import('node:https')).createServer(options.tls)
    : (await import('node:http')).createServer();
  if (options.maxConnections !== undefined) server.maxConnections = options.maxConnections;
  const host = options.host ?? DEFAULT_HOST;
  const port = options.port ?? (options.tls !== undefined ? 443 : 80);
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => {
      reject(new TransportError(`listen on ${host}:${port} failed: ${error.message}`, 'TRANSPORT', { cause: error }));
    };
    server.once('error', onError);
    server.once('listening', () => {
      server.removeListener('error', onError);
      // Accept failures are per connection, not fatal to the server.
      server.on('error', ignore);
      resolve();
    });
    server.listen({ host, port });
  });
  return server;
}

/** Listens for Thrift-over-HTTP POSTs and hands each request to `onExchange` as a duplex. */
export async function listenHttp(options: HttpListenOptions, onExchange: (exchange: HttpExchange) => void): Promise<HttpListener> {
  const path = options.path ?? '/';
  if (!path.startsWith('/')) throw new TypeError(`listenHttp: path must start with '/', got ${JSON.stringify(path)}`);
  const server = await bindHttpServer(options);
  const listener = new NodeHttpListener(server, options, onExchange);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => listener.handle(req, res));
  listener.address; // cache while bound
  return listener;
}
