// Kept in the .d.ts (preserve): TypeScript 7 defaults `types` to [], and these declarations name node: modules.
/// <reference types="node" preserve="true" />
/**
 * The server side of Thrift over WebSocket in Node: a node:http server whose
 * upgrades on the service's path are accepted by the `ws` package (an optional
 * peer dependency, imported only here and only when a server starts), each
 * connection handed on as a duplex of whole messages (see websocket.ts).
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TlsOptions } from 'node:tls';
import { ConnectionClosedError, TransportError } from '../errors.js';
import { addressOf, bindHttpServer } from './http-listener.js';
import { fromWebSocket, type WebSocketConnection, type WebSocketFlow, type WebSocketLike } from '../transport/websocket.js';
import { peerOfSocket, refusal, type Listener } from './listener.js';
import type { CallPeer } from '../transport/types.js';
import type { Socket } from 'node:net';

/** Where and how {@link listenWebSocket} accepts. */
export interface WebSocketListenOptions {
  /** Default '127.0.0.1': loopback unless another interface is asked for. */
  host?: string;
  /** Default 80 (443 with TLS); 0 picks an ephemeral port. */
  port?: number;
  /** The URL path upgrades are accepted on; default '/'. Other paths get 404. */
  path?: string;
  /** Largest message accepted, in bytes; a larger one closes the connection (code 1009). Default 16_384_000. */
  maxMessageSize?: number;
  /** WebSocket connections beyond this many are refused with 503. */
  maxConnections?: number;
  /** Told of each connection refused at maxConnections. */
  onRefused?: (error: TransportError) => void;
  /** Origins allowed to connect from a browser page ('*' for any); an upgrade carrying another Origin gets 403. Default: any. */
  origins?: readonly string[];
  /** Serve wss: with these node:tls options. */
  tls?: TlsOptions;
}

/** A listening WebSocket server; see {@link listenWebSocket}. */
export interface WebSocketListener extends Listener {
  /** What was bound. */
  readonly address: { host: string; port: number };
  /** Open WebSocket connections. */
  readonly connections: number;
  /** Stops accepting; resolves once every accepted connection has closed (does not close them). */
  close(): Promise<void>;
  /** Closes every connection now and stops accepting. */
  destroy(): void;
}

/** The part of `ws`'s WebSocket used beyond the WHATWG API. */
interface NodeWebSocket extends WebSocketLike {
  pause(): void;
  resume(): void;
  send(data: Uint8Array, options: { binary: boolean }, done: (error?: Error) => void): void;
  send(data: Uint8Array): void;
  terminate(): void;
  once(event: 'close', listener: () => void): void;
}

/** The part of `ws`'s WebSocketServer used here. */
interface NodeWebSocketServer {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, done: (ws: NodeWebSocket) => void): void;
  close(): void;
}

const DEFAULT_MAX_MESSAGE_SIZE = 16_384_000;

function ignore(): void {}

/** A `ws` socket's flow control. */
class NodeWebSocketFlow implements WebSocketFlow {
  constructor(
    private readonly ws: NodeWebSocket,
    private readonly socket: Duplex,
  ) {}

  get peer(): CallPeer | undefined {
    return peerOfSocket(this.socket as Socket);
  }

  pause(): void {
    this.ws.pause();
  }

  resume(): void {
    this.ws.resume();
  }

  send(data: Uint8Array, done: (error?: Error) => void): void {
    this.ws.send(data, SEND_BINARY, done);
  }

  terminate(): void {
    this.ws.terminate();
  }
}

const SEND_BINARY = { binary: true };

/** Writes a plain HTTP answer on a socket that asked to upgrade, then closes it. */
function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
}

class NodeWebSocketListener implements WebSocketListener {
  private readonly server: Server;
  private readonly wss: NodeWebSocketServer;
  private readonly options: WebSocketListenOptions;
  private readonly onConnection: (conn: WebSocketConnection) => void;
  private readonly open = new Set<WebSocketConnection>();
  private readonly origins: ReadonlySet<string> | undefined;
  private bound: { host: string; port: number } | undefined;
  private closing: Promise<void> | undefined;
  private drained: (() => void) | undefined;

  constructor(server: Server, wss: NodeWebSocketServer, options: WebSocketListenOptions, onConnection: (conn: WebSocketConnection) => void) {
    this.server = server;
    this.wss = wss;
    this.options = options;
    this.onConnection = onConnection;
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
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', ignore);
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q < 0 ? url : url.slice(0, q);
    if (this.closing !== undefined) return refuseUpgrade(socket, 503, 'Service Unavailable');
    if (pathname !== (this.options.path ?? '/')) return refuseUpgrade(socket, 404, 'Not Found');
    const origin = req.headers.origin;
    if (origin !== undefined && this.origins !== undefined && !this.origins.has('*') && !this.origins.has(origin)) {
      return refuseUpgrade(socket, 403, 'Forbidden');
    }
    const max = this.options.maxConnections;
    if (max !== undefined && this.open.size >= max) {
      this.options.onRefused?.(refusal((socket as Socket).remoteAddress, (socket as Socket).remotePort, max));
      return refuseUpgrade(socket, 503, 'Service Unavailable');
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, socket));
  }

  private accept(ws: NodeWebSocket, socket: Duplex): void {
    const conn = fromWebSocket(ws, { maxMessageSize: this.options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE, flow: new NodeWebSocketFlow(ws, socket), corkable: socket });
    this.open.add(conn);
    ws.once('close', () => this.forget(conn));
    try {
      this.onConnection(conn);
    } catch (error) {
      conn.destroy(error instanceof Error ? error : new TransportError(`onConnection threw ${String(error)}`));
    }
  }

  private forget(conn: WebSocketConnection): void {
    this.open.delete(conn);
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
      // Upgraded sockets are no longer the HTTP server's: only the set above tracks them.
      const drained = this.open.size === 0 ? undefined : new Promise<void>((resolve) => (this.drained = resolve));
      this.closing = Promise.all([stopped, drained]).then(() => this.wss.close());
    }
    return this.closing;
  }

  destroy(): void {
    this.close().catch(ignore);
    for (const conn of this.open) conn.destroy(new ConnectionClosedError('server destroyed'));
    this.server.closeAllConnections();
  }
}

/** Listens for WebSocket upgrades and hands each connection to `onConnection` as a duplex of whole messages. Needs the `ws` package. */
export async function listenWebSocket(options: WebSocketListenOptions, onConnection: (conn: WebSocketConnection) => void): Promise<WebSocketListener> {
  const path = options.path ?? '/';
  if (!path.startsWith('/')) throw new TypeError(`listenWebSocket: path must start with '/', got ${JSON.stringify(path)}`);
  let WebSocketServer: new (options: object) => NodeWebSocketServer;
  try {
    ({ WebSocketServer } = (await import('ws')) as unknown as { WebSocketServer: typeof WebSocketServer });
  } catch (e) {
    throw new TransportError("listenWebSocket needs the 'ws' package: npm install ws", 'TRANSPORT', { cause: e });
  }
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
    // Thrift messages are small and latency-bound; compression would cost more than it saves.
    perMessageDeflate: false,
  });
  const server = await bindHttpServer(options);
  const listener = new NodeWebSocketListener(server, wss, options, onConnection);
  server.on('request', (_req, res) => {
    res.statusCode = 426;
    res.setHeader('Upgrade', 'websocket');
    res.setHeader('Connection', 'close');
    res.end('this endpoint speaks Thrift over WebSocket only');
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => listener.upgrade(req, socket, head));
  listener.address; // cache while bound
  return listener;
}
