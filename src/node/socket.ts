/**
 * node:net and node:tls sockets as duplex pairs of web streams. Node modules are
 * imported only inside connect() and listen(), so the rest of the transport layer
 * stays loadable in runtimes without them.
 */
import type { Server, Socket } from 'node:net';
import type { ConnectionOptions, TlsOptions } from 'node:tls';
import { ConnectionClosedError, TransportError } from '../errors.js';
import { armDeadline, throwIfAborted } from '../deadline.js';
import { DuplexEnds } from '../transport/duplex-ends.js';
import { streams } from '../transport/streams.js';
import type { DuplexStream } from '../transport/types.js';
import type { Listener, ServerAddress } from './listener.js';

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

// Bytes queued in the readable before the socket is paused: one full socket read.
const READ_HIGH_WATER_MARK = 64 * 1024;

function byteLength(chunk: Uint8Array): number {
  return chunk.byteLength;
}

function ignore(): void {}

/**
 * State shared by the socket's readable and writable. Event handlers are bound
 * once per connection so no closure is created per chunk.
 */
class NodeSocketConnection extends DuplexEnds implements SocketConnection {
  readonly socket: Socket;
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  /** @internal */ paused = false;
  private corked = false;
  private ended = false;
  private destroyed = false;
  private drainResolve: (() => void) | null = null;
  private drainReject: ((error: unknown) => void) | null = null;
  private readonly uncorkBound: () => void;

  constructor(socket: Socket) {
    super();
    this.socket = socket;
    this.uncorkBound = this.uncork.bind(this);
    const { ReadableStream, WritableStream } = streams();
    this.readable = new ReadableStream<Uint8Array>(new SocketSource(this), {
      highWaterMark: READ_HIGH_WATER_MARK,
      size: byteLength,
    });
    this.writable = new WritableStream<Uint8Array>(new SocketSink(this));
    socket.on('data', this.onData.bind(this));
    socket.on('end', this.onEnd.bind(this));
    socket.on('error', this.onError.bind(this));
    socket.on('close', this.onClose.bind(this));
    socket.on('drain', this.onDrain.bind(this));
    // An RPC is one small write awaiting a reply: Nagle would hold it back.
    socket.setNoDelay(true);
    if (socket.destroyed) this.fail(new ConnectionClosedError('socket already destroyed'));
  }

  close(): void {
    if (this.ended || this.destroyed) return;
    this.ended = true;
    if (!this.writable.locked && this.writeOpen) {
      // Unlocked, the stream itself can drain its queue before ending the socket.
      this.writable.close().catch(ignore);
    } else {
      this.socket.end();
    }
  }

  destroy(error?: Error): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.fail(error ?? new ConnectionClosedError('connection destroyed'));
    this.socket.destroy();
  }

  /** @internal */
  write(chunk: Uint8Array): Promise<void> | undefined {
    const socket = this.socket;
    if (!socket.writable) throw new ConnectionClosedError('socket is no longer writable');
    // Writes issued in one turn of the event loop leave as one writev on uncork.
    if (!this.corked) {
      this.corked = true;
      socket.cork();
      process.nextTick(this.uncorkBound);
    }
    if (socket.write(chunk)) return undefined;
    return new Promise<void>((resolve, reject) => {
      this.drainResolve = resolve;
      this.drainReject = reject;
    });
  }

  /** @internal */
  end(): Promise<void> {
    this.writeOpen = false;
    const socket = this.socket;
    if (!socket.writable) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      socket.end((error?: Error | null) => {
        if (error) reject(new TransportError(`socket end failed: ${error.message}`, 'TRANSPORT', { cause: error }));
        else resolve();
      });
    });
  }

  /** Errors whichever streams are still open and fails a write waiting for drain. */
  /** @internal */
  override fail(error: unknown): void {
    super.fail(error);
    const reject = this.drainReject;
    if (reject !== null) {
      this.drainResolve = this.drainReject = null;
      reject(error);
    }
  }

  private uncork(): void {
    this.corked = false;
    this.socket.uncork();
  }

  private onData(chunk: Uint8Array): void {
    if (!this.readOpen) return;
    const controller = this.readController;
    controller.enqueue(chunk);
    if (controller.desiredSize! <= 0) {
      this.paused = true;
      this.socket.pause();
    }
  }

  private onEnd(): void {
    if (!this.readOpen) return;
    this.readOpen = false;
    this.readController.close();
  }

  private onError(error: Error): void {
    this.fail(new TransportError(`socket error: ${error.message}`, 'TRANSPORT', { cause: error }));
  }

  private onClose(): void {
    this.fail(new ConnectionClosedError('socket closed'));
  }

  private onDrain(): void {
    const resolve = this.drainResolve;
    if (resolve !== null) {
      this.drainResolve = this.drainReject = null;
      resolve();
    }
  }
}

/** The readable's source: pauses the socket when the queue is full, resumes on pull. */
class SocketSource implements UnderlyingDefaultSource<Uint8Array> {
  private readonly conn: NodeSocketConnection;
  constructor(conn: NodeSocketConnection) {
    this.conn = conn;
  }
  start(controller: ReadableStreamDefaultController<Uint8Array>): void {
    this.conn.readController = controller;
  }
  pull(): void {
    const conn = this.conn;
    if (conn.paused) {
      conn.paused = false;
      conn.socket.resume();
    }
  }
  cancel(): void {
    // Nobody will read the replies, so the connection is useless.
    this.conn.readOpen = false;
    this.conn.destroy();
  }
}

/** The writable's sink: a write settles once the socket has taken the bytes. */
class SocketSink implements UnderlyingSink<Uint8Array> {
  private readonly conn: NodeSocketConnection;
  constructor(conn: NodeSocketConnection) {
    this.conn = conn;
  }
  start(controller: WritableStreamDefaultController): void {
    this.conn.writeController = controller;
  }
  write(chunk: Uint8Array): Promise<void> | undefined {
    return this.conn.write(chunk);
  }
  close(): Promise<void> {
    return this.conn.end();
  }
  abort(reason: unknown): void {
    this.conn.writeOpen = false;
    this.conn.destroy(reason instanceof Error ? reason : undefined);
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
    const conn = fromSocket(socket);
    this.open.add(conn);
    socket.once('close', () => this.forget(conn));
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

  private forget(conn: SocketConnection): void {
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
  if (options.maxConnections !== undefined) server.maxConnections = options.maxConnections;
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
