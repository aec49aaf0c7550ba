/** createServer: a socket server that serves one service with a handler. */
import { ConnectionClosedError } from '../errors.js';
import { Lifecycle, type Closable, type LifecycleState } from '../lifecycle.js';
import type { Interceptor } from '../call/index.js';
import type { Handler } from '../processor/index.js';
import type { Protocol, ProtocolName, ServiceDesc } from '../protocol/index.js';
import type { HandlerOf } from '../protocol/schema.js';
import { listen, type Listener, type ListenOptions } from '../node/index.js';
import type { MessageProcessor } from '../processor/index.js';
import { zlib, type DuplexStream, type Framing, type ZlibOptions } from '../transport/index.js';
import { processorFor, type ServiceMap } from './processor-for.js';
import { ServedConnection, type ServeConnectionOptions } from './serve-connection.js';
import { ServerRegistration, type RegistrationOptions } from '../discovery/registration.js';

export type { ServiceMap } from './processor-for.js';

/** Options for {@link createServer}. */
export interface ServerOptions {
  /** Interface to bind; default '127.0.0.1'. */
  host?: string;
  /** Port to bind; default 6000, 0 for an ephemeral port. */
  port?: number;
  /** Unix socket path, instead of host and port. */
  path?: string;
  /** Accept TLS: node:tls server options (key, cert, ca, requestCert for mutual TLS...). */
  tls?: ListenOptions['tls'];
  /** A zlib stream under the protocol, as Apache's TZlibTransport (true, or options such as the level). */
  zlib?: boolean | ZlibOptions;
  /** Register in ZooKeeper (ephemeral node under `path`) once listening; close() leaves it before draining. */
  zookeeper?: RegistrationOptions;
  /** Wire framing; default 'buffered', as Apache Thrift's servers. */
  transport?: Exclude<Framing, 'message'>;
  /** Wire protocol; default 'binary'. */
  protocol?: ProtocolName | Protocol;
  /** Close a connection idle (no request, nothing in flight) this many ms. */
  idleTimeout?: number;
  /** Largest frame or unframed message accepted, in bytes; default 16_384_000. */
  maxMessageSize?: number;
  /** Deepest struct/container nesting accepted; default 64. */
  maxDepth?: number;
  /** Calls run at once per connection; further requests wait unread (backpressure). Default 256. */
  maxInflight?: number;
  /** A request must arrive whole within this many ms of its first byte (slow senders); default 30,000, 0 for none. */
  messageTimeout?: number;
  /** Connections beyond this many are refused. */
  maxConnections?: number;
  /** How long close() lets in-flight calls finish before destroying connections; default 10_000 ms. */
  closeTimeout?: number;
  /** Errors no client can be told about (bad bytes on a connection, oneway handler failures). */
  onError?: (error: unknown) => void;
  /** Wrapped around every handler call, first outermost: timing, logging, metrics, tracing. */
  interceptors?: readonly Interceptor[];
}

/** Lifecycle of a server. */
export type ServerState = LifecycleState;

/** A running Thrift server. */
export class ThriftServer implements Closable {
  private readonly life = new Lifecycle();
  /** Resolves once the server has closed, with the error given to destroy() if any (never rejects). */
  readonly closed: Promise<Error | undefined> = this.life.closed;
  private readonly listener: Listener;
  private readonly served = new Set<ServedConnection>();
  private readonly closeTimeout: number;
  /** @internal The ZooKeeper entry, when the server registered itself. */
  registration: ServerRegistration | undefined;

  /** @internal use {@link createServer} */
  constructor(listener: Listener, closeTimeout: number) {
    this.listener = listener;
    this.closeTimeout = closeTimeout;
  }

  /** 'open' while accepting; 'closing' while draining; 'closed' at the end. */
  get state(): ServerState {
    return this.life.state;
  }

  /** What the server is bound to (the real port when 0 was asked for). */
  get address(): { host: string; port: number } {
    return this.listener.address;
  }

  /** Open client connections. */
  get connections(): number {
    return this.served.size;
  }

  /** @internal */
  track(conn: ServedConnection): void {
    this.served.add(conn);
    void conn.closed.then(() => this.served.delete(conn));
  }

  /**
   * Stops accepting, lets in-flight calls finish and their replies go out, then
   * closes every connection. Connections still busy after `closeTimeout` are destroyed.
   */
  close(): Promise<void> {
    return this.life.close(() => {
      const registration = this.registration;
      // A registered server leaves the registry first and keeps serving while clients see it go.
      return registration === undefined ? this.stop() : registration.leave().then(() => this.stop(), () => this.stop());
    });
  }

  private stop(): Promise<void> {
    const stopped = this.listener.close();
    const drained = Promise.all([...this.served].map((c) => c.close()));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        for (const c of this.served) c.destroy(new ConnectionClosedError('server closed before the call finished'));
        resolve();
      }, this.closeTimeout);
    });
    return Promise.race([drained, deadline])
      .then(() => stopped)
      .finally(() => clearTimeout(timer));
  }

  /** Closes every connection now; in-flight calls get no reply. */
  destroy(error?: Error): void {
    if (!this.life.end(error)) return;
    this.registration?.destroy();
    for (const c of this.served) c.destroy();
    this.listener.destroy();
  }

  /** Alias of close(), for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}


/** Options of a multiplexed server. */
export interface MultiplexedServerOptions extends ServerOptions {
  /** The service that answers calls whose names carry no `Service:` prefix (plain clients). */
  defaultService?: string;
}

/** Starts a server for `service` answered by `handler`; resolves once it listens. */
export function createServer<S extends ServiceDesc>(service: S, handler: HandlerOf<S>, options?: ServerOptions): Promise<ThriftServer>;
/** Starts a multiplexed server: several services on one port, as Apache's TMultiplexedProcessor. */
export function createServer<M extends Readonly<Record<string, ServiceDesc>>>(
  services: { readonly [K in keyof M]: readonly [M[K], HandlerOf<M[K]>] },
  options?: MultiplexedServerOptions,
): Promise<ThriftServer>;
export async function createServer(
  first: ServiceDesc | ServiceMap,
  second?: Handler | MultiplexedServerOptions,
  third?: ServerOptions,
): Promise<ThriftServer> {
  const { processor, options } = processorFor<MultiplexedServerOptions>('createServer', first, second as Handler | MultiplexedServerOptions, third);
  const framing = options.transport ?? 'buffered';
  if (framing !== 'buffered' && framing !== 'framed') throw new TypeError(`unknown transport ${JSON.stringify(framing)}: use 'buffered' or 'framed'`);
  const zlibOptions = options.zlib;
  const server = await serveOn(
    (accept) => listen({ host: options.host, port: options.port, path: options.path, tls: options.tls, maxConnections: options.maxConnections }, accept),
    processor,
    {
      transport: framing,
      maxMessageSize: options.maxMessageSize,
      maxDepth: options.maxDepth,
      maxInflight: options.maxInflight,
      messageTimeout: options.messageTimeout,
      closeTimeout: options.closeTimeout,
      idleTimeout: options.idleTimeout,
      onError: options.onError,
      wrap: zlibOptions ? (socket) => zlib(socket, zlibOptions === true ? undefined : zlibOptions) : undefined,
    },
    options.closeTimeout,
  );
  if (options.zookeeper !== undefined) {
    try {
      server.registration = await ServerRegistration.start(options.zookeeper, server.address);
    } catch (e) {
      server.destroy();
      throw e;
    }
  }
  return server;
}

/** A connection a listener accepted: a duplex the server can also tear down. */
type Accepted = DuplexStream & { destroy(error?: Error): void };

/** Options of {@link serveOn}: the served connections' options, and an optional layer under them (zlib). */
export interface ServeOnOptions<C extends Accepted> extends Omit<ServeConnectionOptions, 'destroy'> {
  /** Wraps each accepted connection before it is served (e.g. in zlib). */
  wrap?: (conn: C) => DuplexStream;
}

/**
 * @internal The one accept loop of every server (socket, HTTP, WebSocket): starts
 * `listen`, serves each accepted connection with `processor` while the server is
 * open, refuses it once the server is closing, and returns the server tracking them;
 * `closeTimeout` bounds the server's close() (default 10_000 ms).
 */
export async function serveOn<C extends Accepted>(
  listen: (accept: (conn: C) => void) => Promise<Listener>,
  processor: MessageProcessor,
  options: ServeOnOptions<C>,
  closeTimeout = 10_000,
): Promise<ThriftServer> {
  const { wrap, ...served } = options;
  let server: ThriftServer | undefined;
  const listener = await listen((conn) => {
    if (server === undefined || server.state !== 'open') {
      conn.destroy(new ConnectionClosedError('the server is closing'));
      return;
    }
    server.track(new ServedConnection(wrap === undefined ? conn : wrap(conn), processor, { ...served, destroy: (e) => conn.destroy(e) }));
  });
  server = new ThriftServer(listener, closeTimeout);
  return server;
}
