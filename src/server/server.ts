/** createServer: a socket server that serves one service with a handler. */
import { ConnectionClosedError } from '../errors.js';
import { Lifecycle, type Closable, type LifecycleState, type Tracker } from '../lifecycle.js';
import type { Interceptor } from '../call/index.js';
import { defaultErrorLog, type Handler } from '../processor/index.js';
import type { HandlerOf } from '../protocol/schema.js';
import { listen, nodeZlibCodec, type Listener, type ListenOptions, type ServerAddress } from '../node/index.js';
import type { MessageProcessor } from '../processor/index.js';
import { binaryProtocol, type Protocol, type ProtocolName, type ServiceDesc } from '../protocol/index.js';
import { zlib, type DuplexStream, type HeaderOptions, type ZlibOptions } from '../transport/index.js';
import { processorFor, type ServiceMap } from './processor-for.js';
import type { OptionShape } from '../options.js';
import { closeTimeoutOf } from './defaults.js';
import { ServedConnection, type ServeConnectionOptions } from './serve-connection.js';
import { serveDetected, type ServerTransport, type WirePlan } from './serve-detected.js';
import { ServerRegistration, type RegistrationOptions } from '../discovery/registration.js';

export type { ServiceMap } from './processor-for.js';
export type { ServerAddress } from '../node/index.js';

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
  /**
   * Wire framing: 'auto' (default) recognises buffered, framed and THeader per
   * connection from its first bytes (docs/detection.md); a pinned value refuses the others.
   */
  transport?: ServerTransport;
  /** Wire protocol: 'auto' (default) recognises binary, compact and JSON per connection; a pinned value refuses the others. */
  protocol?: 'auto' | ProtocolName | Protocol;
  /** THeader limits (header size, header count) and the zlib codec (default node:zlib's). */
  header?: HeaderOptions;
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
  /** Errors no client can be told about (bad bytes on a connection, oneway handler failures). Default: written to stderr, rate-limited (at most 10 a minute, then a count). */
  onError?: (error: unknown) => void;
  /** Send an undeclared handler error's message to the client; default false (INTERNAL_ERROR, "Internal error"). */
  exposeErrors?: boolean;
  /** Wrapped around every handler call, first outermost: timing, logging, metrics, tracing. */
  interceptors?: readonly Interceptor[];
}

/** The shapes of {@link ServerOptions}. */
const serverOptionShapes = {
  host: 'string',
  port: 'number',
  path: 'string',
  tls: 'object',
  zlib: 'boolean|object',
  zookeeper: 'object',
  transport: 'string',
  protocol: 'string|object',
  header: 'object',
  idleTimeout: 'number',
  maxMessageSize: 'number',
  maxDepth: 'number',
  maxInflight: 'number',
  messageTimeout: 'number',
  maxConnections: 'number',
  closeTimeout: 'number',
  onError: 'function',
  interceptors: 'array',
  exposeErrors: 'boolean',
} as const satisfies Record<keyof ServerOptions, OptionShape>;

/** Lifecycle of a server. */
export type ServerState = LifecycleState;

/** A running Thrift server. */
export class ThriftServer implements Closable, Tracker {
  private readonly life = new Lifecycle();
  /** Resolves once the server has closed, with the error given to destroy() if any (never rejects). */
  get closed(): Promise<Error | undefined> {
    return this.life.closed;
  }
  private readonly listener: Listener;
  /** Served connections (and connections still being recognised), each with its own lifecycle. */
  private readonly served = new Set<Closable>();
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

  /** What the server is bound to: `{ host, port }` (the real port when 0 was asked for), or `{ path }` for a unix socket. */
  get address(): ServerAddress {
    return this.listener.address;
  }

  /** Open client connections. */
  get connections(): number {
    return this.served.size;
  }

  /** @internal Follows a connection until it reports its end through untrack(). */
  track(conn: Closable): void {
    // A connection that failed while it was being set up has already reported its end.
    if (conn.state !== 'closed') this.served.add(conn);
  }

  /** @internal */
  untrack(conn: Closable): void {
    this.served.delete(conn);
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
  const { processor, options } = processorFor<MultiplexedServerOptions>('createServer', first, second as Handler | MultiplexedServerOptions, third, serverOptionShapes, binaryOr(third ?? second));
  const transport = options.transport ?? 'auto';
  if (!['auto', 'buffered', 'framed', 'header'].includes(transport)) {
    throw new TypeError(`unknown transport ${JSON.stringify(transport)}: use 'auto', 'buffered', 'framed' or 'header'`);
  }
  // One processor per protocol a connection may speak, built when first needed.
  const processors = new Map<Protocol, MessageProcessor>([[processor.protocol, processor]]);
  const processorForProtocol = (protocol: Protocol): MessageProcessor => {
    let p = processors.get(protocol);
    if (p === undefined) processors.set(protocol, (p = processorFor<MultiplexedServerOptions>('createServer', first, second as Handler | MultiplexedServerOptions, third, serverOptionShapes, protocol).processor));
    return p;
  };
  const zlibOptions = options.zlib;
  const header = { ...options.header, zlibCodec: options.header?.zlibCodec ?? nodeZlibCodec };
  // One plan for every connection: a connection costs its own state, not a copy of the options.
  const plan: WirePlan = {
    transport,
    protocol: options.protocol ?? 'auto',
    processorFor: processorForProtocol,
    header,
    serve: {
      maxMessageSize: options.maxMessageSize,
      maxDepth: options.maxDepth,
      maxInflight: options.maxInflight,
      messageTimeout: options.messageTimeout,
      closeTimeout: options.closeTimeout,
      idleTimeout: options.idleTimeout,
      onError: options.onError ?? defaultErrorLog,
    },
  };
  const server = await serveOn(
    (accept) => listen({ host: options.host, port: options.port, path: options.path, tls: options.tls, maxConnections: options.maxConnections, onRefused: plan.serve.onError }, accept),
    (socket, tracker) => serveDetected(zlibOptions ? zlib(socket, zlibOptions === true ? undefined : zlibOptions) : socket, plan, socket, tracker),
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
export type Accepted = DuplexStream & { destroy(error?: Error): void };

/**
 * Starts serving one accepted connection. Returns what the server tracks, which
 * tells `tracker` when it ends.
 */
export type ServeAccepted = (conn: Accepted, tracker: Tracker) => Closable;

/**
 * @internal The one accept loop of every server (socket, HTTP, WebSocket): starts
 * `listen`, hands each accepted connection to `serve` while the server is open,
 * refuses it once the server is closing, and returns the server tracking what
 * `serve` returned; `closeTimeout` bounds the server's close() (default: SERVER_DEFAULTS.closeTimeout in defaults.ts, 10,000 ms).
 */
export async function serveOn<C extends Accepted>(
  listen: (accept: (conn: C) => void) => Promise<Listener>,
  serve: ServeAccepted,
  closeTimeout?: number,
): Promise<ThriftServer> {
  let server: ThriftServer | undefined;
  const listener = await listen((conn) => {
    if (server === undefined || server.state !== 'open') {
      conn.destroy(new ConnectionClosedError('the server is closing'));
      return;
    }
    server.track(serve(conn, server));
  });
  server = new ThriftServer(listener, closeTimeoutOf({ closeTimeout }));
  return server;
}

/** The one-processor case of {@link ServeAccepted}: every connection is a {@link ServedConnection} with `options`. */
export function serveWith(processor: MessageProcessor, options: Omit<ServeConnectionOptions, 'destroy'>): ServeAccepted {
  return (conn, tracker) => new ServedConnection(conn, processor, options, conn, tracker);
}

/** The protocol to build the first processor with: binary under 'auto', else the option's own. */
function binaryOr(options: unknown): Protocol | undefined {
  const protocol = (options as { protocol?: unknown } | undefined)?.protocol;
  return protocol === undefined || protocol === 'auto' ? binaryProtocol : undefined;
}
