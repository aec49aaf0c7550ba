// Kept in the .d.ts (preserve): TypeScript 7 defaults `types` to [], and these declarations name node: modules.
/// <reference types="node" preserve="true" />
/**
 * node:net and node:tls sockets as duplex pairs of web streams. Node modules are
 * imported only inside connect() and listen(), so the rest of the transport layer
 * stays loadable in runtimes without them.
 */
import type { Server, Socket } from 'node:net';
import type { ConnectionOptions, TlsOptions } from 'node:tls';
import { ConnectionClosedError, TransportError } from '../errors.js';
import { armDeadline, throwIfAborted } from '../deadline.js';
import { LinkStreams, type ByteLink, type LinkOwner, type LinkReceiver, type LinkSource } from '../transport/link.js';
import type { CallPeer, DuplexStream } from '../transport/types.js';
import { peerOfSocket, reportRefusals, type Listener, type ServerAddress } from './listener.js';

/** A socket seen as a duplex pair, with graceful and forceful shutdown. */
export interface SocketConnection extends DuplexStream {
  /** The underlying socket (a tls.TLSSocket when TLS is used). */
  readonly socket: Socket;
  /** Ends the socket once the writes it has accepted are flushed; idempotent. */
  close(): void;
  /** Destroys the socket now, erroring both streams with `error` (default ConnectionClosedError); idempotent. */
  destroy(error?: Error): void;
}

/** Where and how {@link connect} dials. */
export interface ConnectOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 6000. */
  port?: number;
  /** A unix socket path, used instead of host and port. */
  path?: string;
  /** Milliseconds until the connection (and TLS handshake) must be up. */
  connectTimeout?: number;
  /** Aborts the attempt; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Dial with TLS using these options. */
  tls?: ConnectionOptions;
}

/** Where and how {@link listen} accepts. */
export interface ListenOptions {
  /** Default '127.0.0.1': loopback unless another interface is asked for. */
  host?: string;
  /** Default 6000; 0 picks an ephemeral port. */
  port?: number;
  /** A unix socket path, used instead of host and port. */
  path?: string;
  /** Connections beyond this many are refused by closing them. */
  maxConnections?: number;
  /** Told of each connection refused at maxConnections (the client only sees it closed). */
  onRefused?: (error: TransportError) => void;
  /** Accept TLS with these options. */
  tls?: TlsOptions;
}

/** A listening server; see {@link listen}. */
export interface SocketServer extends Listener {
  /** What was bound: host and port, or a unix socket's path. */
  readonly address: ServerAddress;
  /** Accepted connections not yet closed. */
  readonly connections: number;
  /** Stops accepting; resolves once every accepted connection has closed (does not close them). */
  close(): Promise<void>;
  /** Destroys all connections now and stops accepting. */
  destroy(): void;
}

const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_PORT = 6000;

function ignore(): void {}

// The connection rides on its socket under this key: the socket's listeners are
// shared functions that find it there, so a connection costs no closure per event.
const kConn = Symbol('thrift-streams.connection');
type LinkedSocket = Socket & { [kConn]: NodeSocketConnection };

let linksOffered = true;

/**
 * @internal For tests: with `false`, sockets refuse to hand over their link while it
 * stays so, and servers and clients drive them through their web streams, as they
 * drive a custom chain; `true` restores the direct path. Both paths run the same tests.
 */
export function offerSocketLinks(offer: boolean): void {
  linksOffered = offer;
}

function onSocketData(this: LinkedSocket, chunk: Uint8Array): void {
  this[kConn].receiver?.onData(chunk);
}
function onSocketEnd(this: LinkedSocket): void {
  this[kConn].receiver?.onEnd();
}
function onSocketDrain(this: LinkedSocket): void {
  // Listened to only while a write waits for room.
  this.removeListener('drain', onSocketDrain);
  const conn = this[kConn];
  conn.flags &= ~AWAITING_DRAIN;
  conn.receiver?.onDrain();
}
function onSocketError(this: LinkedSocket, error: Error): void {
  this[kConn].fail(new TransportError(`socket error: ${error.message}`, 'TRANSPORT', { cause: error }));
}
function onSocketClose(this: LinkedSocket): void {
  const conn = this[kConn];
  // Without allowHalfOpen the peer's end of input is told here rather than from an
  // 'end' listener: the socket listens to 'end' itself, and a second listener costs
  // an array per connection. Such a socket closes once the peer has ended and its
  // own end is flushed, so only that write-out lies between the two. (A second
  // onEnd after an 'end' listener's is ignored by every receiver.)
  if (this.readableEnded) conn.receiver?.onEnd();
  conn.fail(new ConnectionClosedError('socket closed'));
  conn.server?.forget(conn);
}
function uncork(conn: NodeSocketConnection): void {
  conn.flags &= ~CORKED;
  conn.socket.uncork();
}

// State bits of a socket connection, in one field (one per connection, thousands idle).
/** Writes of this turn are corked, to leave as one writev. */
const CORKED = 1;
/** Driven as a link: its web streams cannot be asked for. */
const LINKED = 2;
/** Its web streams were asked for: it is driven through them. */
const STREAMS = 4;
/** The socket is reading (resume() was called and no pause() since). */
const FLOWING = 8;
/** close() was called. */
const ENDED = 16;
/** destroy() was called. */
const DESTROYED = 32;
/** A write was refused room: 'drain' is listened to. */
const AWAITING_DRAIN = 64;

/**
 * A socket as a {@link ByteLink} (how the server and the clients' channels drive
 * it: socket events in, socket.write out, no web stream) and as a duplex pair of web
 * streams, built on that link only when `readable` or `writable` is first asked for.
 */
class NodeSocketConnection implements SocketConnection, ByteLink, LinkSource, LinkOwner {
  readonly socket: Socket;
  /** @internal Who hears the socket's events: a channel, a detector, or the web streams. */
  receiver: LinkReceiver | undefined = undefined;
  /** @internal The accepting server, told when the socket closes. */
  server: NodeSocketServer | undefined;
  /** @internal State bits (CORKED, LINKED...). */
  flags = 0;
  /** The web streams once asked for; until then, why the socket failed before anyone attached (told to the first receiver). */
  private extra: LinkStreams | Error | undefined = undefined;

  constructor(socket: Socket, server?: NodeSocketServer) {
    if ((socket as Partial<LinkedSocket>)[kConn] !== undefined) {
      // Its listeners would hand every chunk to both wrappers' reader: one socket, one reader.
      throw new TypeError('this socket is already wrapped by fromSocket(); use that connection');
    }
    this.socket = socket;
    this.server = server;
    (socket as LinkedSocket)[kConn] = this;
    // Paused until a receiver resumes it: adding the 'data' listener below must not start the flow.
    socket.pause();
    socket.on('data', onSocketData);
    // A half-open socket stays open after the peer's end: only 'end' tells of it.
    if (socket.allowHalfOpen) socket.on('end', onSocketEnd);
    socket.on('error', onSocketError);
    socket.on('close', onSocketClose);
    // An RPC is one small write awaiting a reply: Nagle would hold it back.
    socket.setNoDelay(true);
    if (socket.destroyed) this.fail(new ConnectionClosedError('socket already destroyed'));
  }

  get readable(): ReadableStream<Uint8Array> {
    return this.streams().readable;
  }

  /** The far end: the client on an accepted socket, the server on a dialled one. */
  get peer(): CallPeer | undefined {
    return peerOfSocket(this.socket);
  }

  get writable(): WritableStream<Uint8Array> {
    return this.streams().writable;
  }

  takeLink(): ByteLink | undefined {
    if ((this.flags & STREAMS) !== 0 || !linksOffered) return undefined;
    this.flags |= LINKED;
    return this;
  }

  attach(receiver: LinkReceiver): void {
    this.receiver = receiver;
    const failure = this.extra;
    if (failure instanceof Error) {
      this.extra = undefined;
      this.fail(failure);
    }
  }

  pause(): void {
    if ((this.flags & FLOWING) === 0) return;
    this.flags &= ~FLOWING;
    this.socket.pause();
  }

  resume(): void {
    if ((this.flags & (FLOWING | DESTROYED)) !== 0) return;
    this.flags |= FLOWING;
    this.socket.resume();
  }

  write(chunk: Uint8Array): boolean {
    const socket = this.socket;
    if (!socket.writable) throw new ConnectionClosedError('socket is no longer writable');
    // Writes issued in one turn of the event loop leave as one writev on uncork.
    if ((this.flags & CORKED) === 0) {
      this.flags |= CORKED;
      socket.cork();
      process.nextTick(uncork, this);
    }
    if (socket.write(chunk)) return true;
    if ((this.flags & AWAITING_DRAIN) === 0) {
      this.flags |= AWAITING_DRAIN;
      socket.on('drain', onSocketDrain);
    }
    return false;
  }

  end(): Promise<void> {
    const socket = this.socket;
    if (!socket.writable) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      socket.end((error?: Error | null) => {
        if (error) reject(new TransportError(`socket end failed: ${error.message}`, 'TRANSPORT', { cause: error }));
        else resolve();
      });
    });
  }

  close(): void {
    if ((this.flags & (ENDED | DESTROYED)) !== 0) return;
    this.flags |= ENDED;
    const pair = this.extra;
    if (pair instanceof LinkStreams && !pair.writable.locked && pair.writeOpen) {
      // Unlocked, the stream itself can drain its queue before ending the socket.
      pair.writable.close().catch(ignore);
    } else {
      this.socket.end();
    }
  }

  destroy(error?: Error): void {
    if ((this.flags & DESTROYED) !== 0) return;
    this.flags |= DESTROYED;
    this.fail(error ?? new ConnectionClosedError('connection destroyed'));
    this.socket.destroy();
  }

  /** @internal Tells the receiver (once) that the socket failed or closed. */
  fail(error: Error): void {
    const receiver = this.receiver;
    if (receiver === undefined) {
      if (this.extra === undefined) this.extra = error;
      return;
    }
    this.receiver = undefined;
    receiver.onFail(error);
  }

  private streams(): LinkStreams {
    const extra = this.extra;
    if (extra instanceof LinkStreams) return extra;
    if ((this.flags & LINKED) !== 0) throw new TypeError('this socket is read and written directly by a channel; its web streams are not available');
    this.flags |= STREAMS;
    // Built on this socket as a link; a failure already seen is told to it at once.
    const pair = new LinkStreams(this, this);
    if (!(this.extra instanceof Error)) this.extra = pair;
    return pair;
  }
}

/** Wraps a connected (or connecting) socket as a duplex pair. */
export function fromSocket(socket: Socket): SocketConnection {
  return new NodeSocketConnection(socket);
}

function describe(options: { host?: string; port?: number; path?: string }): string {
  return options.path ?? `${options.host ?? DEFAULT_HOST}:${options.port ?? DEFAULT_PORT}`;
}

/** Opens a TCP (or unix, or TLS) connection. */
export async function connect(options: ConnectOptions = {}): Promise<SocketConnection> {
  const { signal, connectTimeout } = options;
  const where = describe(options);
  const checkAborted = (): void => throwIfAborted(signal, `connect to ${where} aborted`);
  checkAborted();
  const target = options.path !== undefined
    ? { path: options.path }
    : { host: options.host ?? DEFAULT_HOST, port: options.port ?? DEFAULT_PORT };
  let socket: Socket;
  let readyEvent: string;
  if (options.tls !== undefined) {
    const tls = await import('node:tls');
    checkAborted();
    socket = tls.connect({ ...options.tls, ...target });
    readyEvent = 'secureConnect';
  } else {
    const net = await import('node:net');
    checkAborted();
    socket = net.connect({ ...target, noDelay: true });
    readyEvent = 'connect';
  }
  return new Promise<SocketConnection>((resolve, reject) => {
    const cleanup = (): void => {
      socket.removeListener(readyEvent, onReady);
      socket.removeListener('error', onError);
      disarm();
    };
    const onReady = (): void => {
      cleanup();
      resolve(fromSocket(socket));
    };
    const onError = (error: Error): void => {
      cleanup();
      socket.destroy();
      reject(new TransportError(`connect to ${where} failed: ${error.message}`, 'TRANSPORT', { cause: error }));
    };
    const giveUp = (error: unknown): void => {
      cleanup();
      // Keep a listener: destroying a connecting socket may still report an error.
      socket.on('error', ignore);
      socket.destroy();
      reject(error);
    };
    socket.once(readyEvent, onReady);
    socket.on('error', onError);
    const disarm = armDeadline(
      { timeout: connectTimeout, signal, timeoutMessage: `connect to ${where} timed out after ${connectTimeout} ms`, abortMessage: `connect to ${where} aborted` },
      giveUp,
    );
  });
}

/** Tracks the connections a server accepted, so close() can wait and destroy() can reach them. */
class NodeSocketServer implements SocketServer {
  readonly server: Server;
  private readonly open = new Set<SocketConnection>();
  private readonly onConnection: (conn: SocketConnection) => void;
  private bound: ServerAddress | undefined;
  private closing: Promise<void> | undefined;
  private drained: (() => void) | undefined;

  constructor(server: Server, onConnection: (conn: SocketConnection) => void) {
    this.server = server;
    this.onConnection = onConnection;
  }

  get address(): ServerAddress {
    if (this.bound === undefined) {
      const address = this.server.address();
      this.bound = typeof address === 'string' ? { path: address } : address === null ? { host: '', port: 0 } : { host: address.address, port: address.port };
    }
    return this.bound;
  }

  get connections(): number {
    return this.open.size;
  }

  /** @internal */
  accept(socket: Socket): void {
    const conn = new NodeSocketConnection(socket, this);
    this.open.add(conn);
    try {
      this.onConnection(conn);
    } catch (error) {
      conn.destroy(error instanceof Error ? error : new TransportError(`onConnection threw ${String(error)}`));
    }
  }

  close(): Promise<void> {
    if (this.closing === undefined) {
      this.address; // remember it before the handle goes away
      // Node calls back when its own count reaches zero, which is before the last
      // socket's 'close' event: wait for our set as well, so `connections` reads 0.
      this.closing = new Promise<void>((resolve) => this.server.close(() => resolve())).then(() => {
        if (this.open.size === 0) return;
        return new Promise<void>((resolve) => {
          this.drained = resolve;
        });
      });
    }
    return this.closing;
  }

  /** @internal */
  forget(conn: SocketConnection): void {
    this.open.delete(conn);
    if (this.open.size === 0 && this.drained !== undefined) {
      const resolve = this.drained;
      this.drained = undefined;
      resolve();
    }
  }

  destroy(): void {
    this.close().catch(ignore);
    for (const conn of this.open) conn.destroy();
  }
}

/** Listens for TCP (or unix, or TLS) connections and hands each to `onConnection`. */
export async function listen(options: ListenOptions, onConnection: (conn: SocketConnection) => void): Promise<SocketServer> {
  let server: Server;
  let acceptEvent: string;
  if (options.tls !== undefined) {
    const tls = await import('node:tls');
    server = tls.createServer(options.tls);
    acceptEvent = 'secureConnection';
  } else {
    const net = await import('node:net');
    server = net.createServer({ noDelay: true });
    acceptEvent = 'connection';
  }
  if (options.maxConnections !== undefined) reportRefusals(server, options.maxConnections, options.onRefused);
  const wrapper = new NodeSocketServer(server, onConnection);
  server.on(acceptEvent, (socket: Socket) => wrapper.accept(socket));
  const bind = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => {
        server.removeListener('listening', onListening);
        reject(error);
      };
      const onListening = (): void => {
        server.removeListener('error', onError);
        // Accept failures (EMFILE, a peer resetting mid-accept) are per connection, not fatal to the server.
        server.on('error', ignore);
        resolve();
      };
      server.once('error', onError);
      server.once('listening', onListening);
      if (options.path !== undefined) server.listen({ path: options.path });
      else server.listen({ host: options.host ?? DEFAULT_HOST, port: options.port ?? DEFAULT_PORT });
    });
  try {
    try {
      await bind();
    } catch (error) {
      // A unix socket file left by a server that died is replaced; a live one is never taken over.
      if (options.path === undefined || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || !(await removeStaleSocket(options.path))) throw error;
      await bind();
    }
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const message = options.path !== undefined && e.code === 'EADDRINUSE'
      ? `listen on ${options.path} failed: a live server accepts on that unix socket (EADDRINUSE); stop it, or choose another path`
      : `listen on ${describe(options)} failed: ${e.message}`;
    throw new TransportError(message, 'TRANSPORT', { cause: error });
  }
  wrapper.address; // cache while bound
  return wrapper;
}

/**
 * Removes the unix socket at `path` when nothing accepts on it (a connect is
 * refused: its server died without unlinking it); true when it was removed (or is
 * gone). A live socket, or a file that is no socket, is left alone: false.
 */
async function removeStaleSocket(path: string): Promise<boolean> {
  const net = await import('node:net');
  const fs = await import('node:fs/promises');
  const refused = await new Promise<boolean | undefined>((resolve) => {
    const probe = net.connect({ path });
    probe.once('connect', () => {
      probe.destroy();
      resolve(false);
    });
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED' ? true : error.code === 'ENOENT' ? undefined : false));
  });
  if (refused === undefined) return true;
  if (!refused) return false;
  try {
    if (!(await fs.lstat(path)).isSocket()) return false;
    await fs.unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return false;
  }
  return true;
}
