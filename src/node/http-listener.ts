// Kept in the .d.ts (preserve): TypeScript 7 defaults `types` to [], and these declarations name node: modules.
/// <reference types="node" preserve="true" />
/**
 * The server side of Thrift over HTTP, on node:http: every POST to the service's
 * path carries one request message in its body and gets the reply as the body of
 * a 200 response (Apache's THttpServer and TXHRTransport semantics). Each request
 * is handed on as a duplex that reads that one message and writes the reply, so
 * the same per-connection loop serves it as serves a socket. Node modules are
 * imported only inside listenHttp(), so the transport layer stays loadable in
 * runtimes without them.
 */
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { Http2SecureServer, Http2Server, IncomingHttpHeaders as Http2Headers, ServerHttp2Session, ServerHttp2Stream } from 'node:http2';
import type { Server as NetServer, Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { TlsOptions } from 'node:tls';
import { ConnectionClosedError, ProtocolError, TransportError } from '../errors.js';
import { DuplexEnds } from '../transport/duplex-ends.js';
import { streams } from '../transport/streams.js';
import type { CallPeer, DuplexStream } from '../transport/types.js';
import { peerOfSocket, reportRefusals, type Listener } from './listener.js';

/**
 * What an exchange tells of its request. On HTTP/1.1 it is node:http's IncomingMessage;
 * on HTTP/2 a plain object over the stream's headers (the server uses node:http2's core
 * API, without the compatibility layer's request and response objects).
 */
export interface HttpRequest {
  /** 'POST' for every exchange. */
  readonly method?: string;
  /** The request target: path and query. */
  readonly url?: string;
  /** Header names are lower case; on HTTP/2 the pseudo-headers (`:method`, `:path`...) are among them. */
  readonly headers: IncomingHttpHeaders;
  /** The TCP (or TLS) connection it came on, for the remote address. */
  readonly socket: Socket;
}
type AnyServer = Server | Http2Server | Http2SecureServer;
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
  /** Told of each connection refused at maxConnections (the client only sees it closed). */
  onRefused?: (error: TransportError) => void;
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
   * Answer HTTP/2 too: with `tls`, ALPN offers h2 and http/1.1 on the same port;
   * without, the port speaks cleartext h2c (prior knowledge) only, and HTTP/1.1 clients are refused.
   */
  http2?: boolean;
  /**
   * Answers POSTs to paths below `path` (`<path>/<route>`; the server's JSON calls),
   * with the same CORS, size limit and close() tracking; without it they get 404.
   */
  routes?: HttpRoutes;
}

/** Answers a POST to `<path>/<route>`: the route, the request's Content-Type, the body. */
export type HttpRoutes = (route: string, contentType: string | undefined, body: Uint8Array) => Promise<{ status: number; contentType: string; body: string }>;

/**
 * One POST: its body, and a reply to send. Also a duplex that reads the body once
 * and answers with what is written to it; its streams are made only when touched.
 */
export interface HttpExchange extends DuplexStream {
  /** The request, for its headers and remote address. */
  readonly request: HttpRequest;
  /** The request body: one Thrift message. */
  readonly body: Uint8Array;
  /** Answers 200 with `message` (an empty body for undefined: a oneway call), unless answered already. */
  reply(message: Uint8Array | undefined): void;
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

const EMPTY = new Uint8Array(0);
const TEXT = 'text/plain; charset=utf-8';

/**
 * One request's two ends as the listener uses them, the same on HTTP/1.1 (node:http's
 * request and response) and HTTP/2 (one stream of node:http2's core API: its headers,
 * its body, and respond() + end() for the answer, with no compatibility objects made).
 */
abstract class Wire {
  /** The request's method, target and headers. */
  abstract readonly method: string | undefined;
  abstract readonly url: string;
  abstract readonly headers: IncomingHttpHeaders;
  /** The request body. */
  abstract readonly source: Readable;
  /** For the exchange's `request`. */
  abstract readonly request: HttpRequest;
  /** Headers are out, or the answer can no longer go out. */
  abstract readonly started: boolean;
  /** The answer went out whole. */
  abstract readonly finished: boolean;
  /** Every answer carries CORS headers for this origin. */
  abstract allow(origin: string): void;
  /** HTTP/1 only: the connection closes after this answer (HTTP/2 forbids the Connection header, RFC 9113 section 8.2.2). */
  abstract closeAfter(): void;
  /**
   * Answers `status` with a body of `type` (empty for undefined: a 204), and `extra` headers;
   * the answer is dropped when the request is gone.
   */
  abstract send(status: number, type: string | undefined, body: Uint8Array | string, extra?: Readonly<Record<string, string>>): void;
  /** Ends the exchange without an answer (one already started, or the client is gone). */
  abstract abort(): void;
  /** `listener` runs once the exchange is over, answered or not. */
  abstract onClose(listener: () => void): void;
}

function byteLength(body: Uint8Array | string): number {
  return typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
}

class Http1Wire extends Wire {
  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {
    super();
  }

  get method(): string | undefined {
    return this.req.method;
  }

  get url(): string {
    return this.req.url ?? '/';
  }

  get headers(): IncomingHttpHeaders {
    return this.req.headers;
  }

  get source(): Readable {
    return this.req;
  }

  get request(): HttpRequest {
    return this.req as HttpRequest;
  }

  get started(): boolean {
    return this.res.headersSent || this.res.destroyed;
  }

  get finished(): boolean {
    return this.res.writableFinished;
  }

  allow(origin: string): void {
    this.res.setHeader('Access-Control-Allow-Origin', origin);
    this.res.setHeader('Vary', 'Origin');
  }

  closeAfter(): void {
    this.res.shouldKeepAlive = false;
    this.res.setHeader('Connection', 'close');
  }

  send(status: number, type: string | undefined, body: Uint8Array | string, extra?: Readonly<Record<string, string>>): void {
    const res = this.res;
    if (extra !== undefined) for (const name in extra) res.setHeader(name, extra[name]!);
    if (type === undefined) {
      res.writeHead(status);
      res.end();
      return;
    }
    // One writeHead with every header, one end with the body: one write.
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': byteLength(body) });
    res.end(body);
  }

  abort(): void {
    this.res.destroy();
  }

  onClose(listener: () => void): void {
    this.res.once('close', listener);
  }
}

class Http2Wire extends Wire {
  private origin: string | undefined;
  private head: HttpRequest | undefined;

  constructor(
    private readonly stream: ServerHttp2Stream,
    readonly headers: Http2Headers,
  ) {
    super();
    // A stream reset by its peer emits 'error'; the exchange hears of it through 'close'.
    stream.on('error', ignore);
  }

  get method(): string | undefined {
    return this.headers[':method'];
  }

  get url(): string {
    return this.headers[':path'] ?? '/';
  }

  get source(): Readable {
    return this.stream;
  }

  get request(): HttpRequest {
    const h = this.headers;
    return (this.head ??= { method: h[':method'], url: h[':path'], headers: h, socket: this.stream.session?.socket as Socket });
  }

  get started(): boolean {
    return this.stream.headersSent || this.stream.destroyed;
  }

  get finished(): boolean {
    // A reset stream's writable side is ended by node:http2 itself, so finished alone does not mean answered.
    return this.stream.writableFinished && !this.stream.aborted;
  }

  allow(origin: string): void {
    this.origin = origin;
  }

  closeAfter(): void {}

  send(status: number, type: string | undefined, body: Uint8Array | string, extra?: Readonly<Record<string, string>>): void {
    const stream = this.stream;
    // respond() throws on a stream that is gone: its client reset it or went away.
    if (stream.destroyed || stream.closed) return;
    const headers: OutgoingHttpHeaders =
      type === undefined ? { ':status': status } : { ':status': status, 'content-type': type, 'content-length': byteLength(body) };
    if (this.origin !== undefined) {
      headers['access-control-allow-origin'] = this.origin;
      headers.vary = 'Origin';
    }
    if (extra !== undefined) for (const name in extra) headers[name.toLowerCase()] = extra[name];
    if (type === undefined || byteLength(body) === 0) {
      stream.respond(headers, { endStream: true });
      return;
    }
    stream.respond(headers);
    stream.end(body);
  }

  abort(): void {
    this.stream.destroy();
  }

  onClose(listener: () => void): void {
    this.stream.once('close', listener);
  }
}

/** The duplex view of an exchange, made on first use. */
class ExchangeStreams extends DuplexEnds {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  readonly chunks: Uint8Array[] = [];

  constructor(private readonly exchange: NodeHttpExchange) {
    super();
    const { ReadableStream } = streams();
    this.readable = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.readController = controller;
        // The body is the whole request: one message, then end of input.
        controller.enqueue(exchange.body);
        controller.close();
        this.readOpen = false;
      },
    });
    this.writable = this.writableTo((chunk) => {
      this.chunks.push(chunk);
    });
  }

  close(): void {
    this.exchange.close();
  }

  destroy(error?: Error): void {
    this.exchange.destroy(error);
  }

  /** @internal */
  failWith(error: Error): void {
    this.fail(error);
  }
}

/** One request/response pair; answered once, by reply(), respond(), close() or destroy(). */
class NodeHttpExchange implements HttpExchange {
  readonly body: Uint8Array;
  private readonly wire: Wire;
  private readonly contentType: string;
  private answered = false;
  private duplex: ExchangeStreams | undefined;

  constructor(wire: Wire, body: Uint8Array, contentType: string) {
    this.wire = wire;
    this.body = body;
    this.contentType = contentType;
  }

  get request(): HttpRequest {
    return this.wire.request;
  }

  /** The client's address, as the TCP connection the request came on sees it. */
  get peer(): CallPeer | undefined {
    return peerOfSocket(this.wire.request.socket);
  }

  get readable(): ReadableStream<Uint8Array> {
    return (this.duplex ??= new ExchangeStreams(this)).readable;
  }

  get writable(): WritableStream<Uint8Array> {
    return (this.duplex ??= new ExchangeStreams(this)).writable;
  }

  /** @internal The exchange is over: a client gone before its answer is news to whoever writes the reply. */
  gone(): void {
    if (this.duplex !== undefined && !this.wire.finished) {
      this.duplex.failWith(new ConnectionClosedError('the HTTP client went away before the reply was sent'));
    }
    this.answered = true;
  }

  reply(message: Uint8Array | undefined): void {
    if (this.answered) return;
    this.answered = true;
    // Apache's Node HTTP client treats any status but 200 as an error, so a oneway call gets an empty 200 too.
    this.wire.send(200, this.contentType, message ?? EMPTY);
  }

  close(): void {
    const chunks = this.duplex?.chunks ?? [];
    if (chunks.length <= 1) {
      this.reply(chunks[0]);
      return;
    }
    let length = 0;
    for (const c of chunks) length += c.byteLength;
    const whole = new Uint8Array(length);
    let at = 0;
    for (const c of chunks) {
      whole.set(c, at);
      at += c.byteLength;
    }
    this.reply(whole);
  }

  /** Answers with a body of its own (a routed request's), unless answered already. */
  respond(status: number, contentType: string, body: string): void {
    if (this.answered) return;
    this.answered = true;
    this.wire.send(status, status === 204 ? undefined : contentType, body);
  }

  destroy(error?: Error): void {
    this.duplex?.failWith(error ?? new ConnectionClosedError('request destroyed'));
    if (this.answered) return;
    this.answered = true;
    const wire = this.wire;
    if (wire.started) {
      wire.abort();
      return;
    }
    const status = error instanceof ProtocolError ? 400 : 500;
    const text = error instanceof ProtocolError ? `bad Thrift request: ${error.message}` : 'the request could not be served';
    wire.closeAfter();
    wire.send(status, TEXT, text);
  }
}

/** Sends a short plain-text answer that is not a Thrift reply. */
function refuse(wire: Wire, status: number, text: string, headers?: Readonly<Record<string, string>>): void {
  wire.send(status, TEXT, text, headers);
}

/** Reads a request body of at most `limit` bytes and hands it to `then`; answers 413 (and never calls `then`) when it is larger. */
function readBody(wire: Wire, limit: number, then: (body: Uint8Array) => void): void {
  const source = wire.source;
  const chunks: Uint8Array[] = [];
  let length = 0;
  const tooLarge = (): void => {
    source.removeListener('data', onData);
    wire.closeAfter();
    refuse(wire, 413, `request body exceeds ${limit} bytes`);
    source.resume();
  };
  const onData = (chunk: Uint8Array): void => {
    length += chunk.byteLength;
    if (length > limit) tooLarge();
    else chunks.push(chunk);
  };
  const declared = Number(wire.headers['content-length']);
  if (declared > limit) {
    tooLarge();
    return;
  }
  source.on('data', onData);
  source.once('end', () => {
    if (length > limit) return;
    // One copy only when the body came in pieces.
    if (chunks.length === 1) {
      then(chunks[0]);
      return;
    }
    const body = new Uint8Array(length);
    let at = 0;
    for (const c of chunks) {
      body.set(c, at);
      at += c.byteLength;
    }
    then(body);
  });
  source.once('error', () => wire.abort());
}

/** Tracks the requests a server is answering, so close() can wait and destroy() can reach them. */
class NodeHttpListener implements HttpListener {
  readonly server: AnyServer;
  private readonly open = new Set<NodeHttpExchange>();
  private readonly options: HttpListenOptions;
  private readonly onExchange: (exchange: HttpExchange) => void;
  private readonly path: string;
  private readonly origins: ReadonlySet<string> | undefined;
  private readonly contentType: string;
  private readonly limit: number;
  /** HTTP/2 servers only: their sessions, and every TCP connection (node:http2 has no closeIdleConnections). */
  private readonly sessions: Set<ServerHttp2Session> | undefined;
  private readonly sockets: Set<Socket> | undefined;
  private bound: { host: string; port: number } | undefined;
  private closing: Promise<void> | undefined;
  private drained: (() => void) | undefined;

  constructor(server: AnyServer, options: HttpListenOptions, onExchange: (exchange: HttpExchange) => void) {
    this.server = server;
    this.options = options;
    this.onExchange = onExchange;
    this.path = options.path ?? '/';
    this.origins = options.origins === undefined ? undefined : new Set(options.origins);
    this.contentType = options.contentType ?? THRIFT_CONTENT_TYPE;
    this.limit = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    if (options.http2) {
      const sessions = (this.sessions = new Set());
      const sockets = (this.sockets = new Set());
      server.on('session', (session: ServerHttp2Session) => {
        sessions.add(session);
        session.once('close', () => sessions.delete(session));
        // A session refused or reset by its peer must not throw on the server.
        session.on('error', ignore);
      });
      server.on('connection', (socket: Socket) => {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
      });
    }
  }

  get address(): { host: string; port: number } {
    this.bound ??= addressOf(this.server);
    return this.bound;
  }

  get connections(): number {
    return this.open.size;
  }

  /** @internal */
  handle(wire: Wire): void {
    if (this.closing !== undefined) wire.closeAfter();
    const url = wire.url;
    const q = url.indexOf('?');
    const pathname = q < 0 ? url : url.slice(0, q);
    const route = pathname === this.path || this.options.routes === undefined ? undefined : routeBelow(this.path, pathname);
    if (pathname !== this.path && route === undefined) {
      refuse(wire, 404, `no Thrift service at ${pathname}`);
      return;
    }
    const origin = wire.headers.origin;
    if (origin !== undefined && this.origins !== undefined) {
      if (!this.origins.has('*') && !this.origins.has(origin)) {
        refuse(wire, 403, `origin ${origin} is not allowed`);
        return;
      }
      wire.allow(origin);
    }
    if (wire.method !== 'POST') {
      this.notPost(wire, origin);
      return;
    }
    readBody(wire, this.limit, (body) => {
      if (route !== undefined) {
        this.routed(route, wire, body);
        return;
      }
      if (body.byteLength === 0) {
        refuse(wire, 400, 'empty request body: expected one Thrift message');
        return;
      }
      this.accept(wire, body);
    });
  }

  /** A preflight (the browser asks before a POST whose Content-Type is not form-like), or a method not served. */
  private notPost(wire: Wire, origin: string | undefined): void {
    if (wire.method !== 'OPTIONS') {
      refuse(wire, 405, 'Thrift over HTTP takes POST', { Allow: 'POST, OPTIONS' });
      return;
    }
    if (origin !== undefined && this.origins !== undefined) {
      const asked = wire.headers['access-control-request-headers'] ?? 'content-type, accept';
      wire.send(204, undefined, EMPTY, { 'Access-Control-Allow-Methods': 'POST, OPTIONS', 'Access-Control-Allow-Headers': asked, 'Access-Control-Max-Age': '600', Allow: 'POST, OPTIONS' });
      return;
    }
    wire.send(204, undefined, EMPTY, { Allow: 'POST, OPTIONS' });
  }

  private track(wire: Wire, body: Uint8Array, contentType: string): NodeHttpExchange {
    const exchange = new NodeHttpExchange(wire, body, contentType);
    this.open.add(exchange);
    wire.onClose(() => {
      exchange.gone();
      this.forget(exchange);
    });
    return exchange;
  }

  private accept(wire: Wire, body: Uint8Array): void {
    const exchange = this.track(wire, body, this.contentType);
    try {
      this.onExchange(exchange);
    } catch (error) {
      exchange.destroy(error instanceof Error ? error : new TransportError(`onExchange threw ${String(error)}`));
    }
  }

  private routed(route: string, wire: Wire, body: Uint8Array): void {
    // Tracked as an exchange, so close() waits for it and destroy() answers it.
    const exchange = this.track(wire, body, '');
    this.options.routes!(route, wire.headers['content-type'], body).then(
      (answer) => exchange.respond(answer.status, answer.contentType, answer.body),
      (error: unknown) => exchange.destroy(error instanceof Error ? error : new TransportError(String(error))),
    );
  }

  private forget(exchange: NodeHttpExchange): void {
    this.open.delete(exchange);
    if (this.closing !== undefined) this.closeIdle();
    if (this.open.size === 0 && this.drained !== undefined) {
      const resolve = this.drained;
      this.drained = undefined;
      resolve();
    }
  }

  /** Ends connections with nothing in flight, so the server's close() can finish. */
  private closeIdle(): void {
    if (this.sessions === undefined) {
      (this.server as Server).closeIdleConnections();
      return;
    }
    // A session closes once its streams are done (GOAWAY, RFC 9113 section 6.8).
    for (const session of this.sessions) session.close();
    // HTTP/1.1 connections of an h2 server: idle once no request is open, since each answer closed its response.
    if (this.open.size === 0) for (const socket of this.sockets!) socket.end();
  }

  close(): Promise<void> {
    if (this.closing === undefined) {
      this.address; // remember it before the handle goes away
      const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
      // Keep-alive connections with no request in flight would hold close() open.
      this.closeIdle();
      const answered = this.open.size === 0 ? undefined : new Promise<void>((resolve) => (this.drained = resolve));
      this.closing = Promise.all([stopped, answered]).then(ignore);
    }
    return this.closing;
  }

  destroy(): void {
    this.close().catch(ignore);
    for (const exchange of this.open) exchange.destroy(new ConnectionClosedError('server destroyed'));
    if (this.sockets !== undefined) for (const socket of this.sockets) socket.destroy();
    else (this.server as Server).closeAllConnections();
  }
}

/** The part of `pathname` below `base` (`/rpc` + `/add` → `add`), or undefined when it is not below it. */
function routeBelow(base: string, pathname: string): string | undefined {
  const prefix = base.endsWith('/') ? base : `${base}/`;
  return pathname.length > prefix.length && pathname.startsWith(prefix) ? pathname.slice(prefix.length) : undefined;
}

/** @internal The bound address of a node:http server. */
export function addressOf(server: { address(): ReturnType<Server['address']> }): { host: string; port: number } {
  const address = server.address();
  return typeof address === 'string' || address === null ? { host: address ?? '', port: 0 } : { host: address.address, port: address.port };
}

/** Creates the server `options` ask for: HTTP/1.1, HTTPS, HTTP/2 over TLS with HTTP/1.1 fallback, or h2c. */
async function createAnyServer(options: { tls?: TlsOptions; http2?: boolean }): Promise<AnyServer> {
  if (options.http2) {
    const http2 = await import('node:http2');
    return options.tls !== undefined ? http2.createSecureServer({ ...options.tls, allowHTTP1: true }) : http2.createServer();
  }
  return options.tls !== undefined ? (await import('node:https')).createServer(options.tls) : (await import('node:http')).createServer();
}

/** @internal Creates a node:http (or node:https) server and binds it. */
export async function bindHttpServer(options: { host?: string; port?: number; tls?: TlsOptions; maxConnections?: number; onRefused?: (error: TransportError) => void }): Promise<Server> {
  return (await bindAnyServer(options)) as Server;
}

async function bindAnyServer(options: { host?: string; port?: number; tls?: TlsOptions; http2?: boolean; maxConnections?: number; onRefused?: (error: TransportError) => void }): Promise<AnyServer> {
  const server = await createAnyServer(options);
  if (options.maxConnections !== undefined) reportRefusals(server as unknown as NetServer, options.maxConnections, options.onRefused);
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

/** Listens for Thrift-over-HTTP POSTs (HTTP/1.1, and HTTP/2 when asked) and hands each request to `onExchange`. */
export async function listenHttp(options: HttpListenOptions, onExchange: (exchange: HttpExchange) => void): Promise<HttpListener> {
  const path = options.path ?? '/';
  if (!path.startsWith('/')) throw new TypeError(`listenHttp: path must start with '/', got ${JSON.stringify(path)}`);
  const server = await bindAnyServer(options);
  const listener = new NodeHttpListener(server, options, onExchange);
  if (options.http2) {
    if (options.tls !== undefined) {
      // HTTP/1.1 clients of the TLS port (ALPN fallback) come as 'request' events. node:http2
      // answers a 'request' listener by making compatibility objects for every HTTP/2 stream
      // too; that per-request cost is what the core API below avoids, so its listener goes.
      server.on('request', (req: IncomingMessage, res: ServerResponse) => listener.handle(new Http1Wire(req, res)));
      server.removeAllListeners('stream');
    }
    server.on('stream', (stream: ServerHttp2Stream, headers: Http2Headers) => listener.handle(new Http2Wire(stream, headers)));
  } else {
    server.on('request', (req: IncomingMessage, res: ServerResponse) => listener.handle(new Http1Wire(req, res)));
  }
  listener.address; // cache while bound
  return listener;
}
