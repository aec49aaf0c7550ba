/** createConnection: dial a socket, frame it, and put a client on it. */
import { assertService, resolveProtocol, type Protocol, type ProtocolName, type ServiceDesc } from '../protocol/index.js';
import type { ClientOf } from '../protocol/schema.js';
import { connect, nodeZlibCodec, type ConnectOptions } from '../node/index.js';
import { zlib, type Framing, type ZlibOptions } from '../transport/index.js';
import { createClient, type ServiceClient } from './client.js';
import { callWiring } from './thrift-client.js';
import type { ClientHeaderOptions } from './header-wire.js';
import type { Interceptor } from '../call/index.js';
import { checkOptions, libraryHints, type OptionShape } from '../options.js';

/** Options for {@link createConnection} (and, with pool sizes, createPool). */
export interface ConnectionOptions {
  /** Server host; default '127.0.0.1'. */
  host?: string;
  /** Server port; default 6000. */
  port?: number;
  /** Unix socket path, instead of host and port. */
  path?: string;
  /** Dial with TLS: node:tls connect options (ca, cert, key, servername...). */
  tls?: ConnectOptions['tls'];
  /** A zlib stream under the protocol, as Apache's TZlibTransport (true, or options such as the level). */
  zlib?: boolean | ZlibOptions;
  /** Wire framing; default 'buffered', as Apache Thrift. 'header' is THeader (HeaderFormat.md) around `protocol`. */
  transport?: Exclude<Framing, 'message'> | 'header';
  /** THeader settings (transport 'header'): the zlib transform, info headers sent with every call, limits. */
  header?: ClientHeaderOptions;
  /** Wire protocol; default 'binary'. */
  protocol?: ProtocolName | Protocol;
  /** Per-call timeout in ms (TimeoutError); also bounds connecting unless connectTimeout is given. */
  timeout?: number;
  /** Milliseconds allowed to establish the connection. */
  connectTimeout?: number;
  /** How long close() waits for replies in flight, in ms, before destroying the connection; default 10,000. */
  closeTimeout?: number;
  /** Aborts connecting. */
  signal?: AbortSignal;
  /** Largest reply accepted, in bytes; default 16_384_000. */
  maxMessageSize?: number;
  /** Deepest struct/container nesting accepted in replies; default 64. */
  maxDepth?: number;
  /** The service's name on a multiplexed server (calls go out as `service:method`). */
  service?: string;
  /** Wrapped around every call, first outermost: timing, logging, metrics, tracing. */
  interceptors?: readonly Interceptor[];
  /**
   * Called once when the connection is lost (the server went away, a socket or wire
   * error), with that error; never after close(). `closed` resolves with the same error.
   */
  onDisconnect?: (error: Error) => void;
}

/** The shapes of {@link ConnectionOptions}, which every socket client factory builds on. */
export const connectionOptionShapes = {
  host: 'string',
  port: 'number',
  path: 'string',
  tls: 'object',
  zlib: 'boolean|object',
  transport: 'string',
  header: 'object',
  protocol: 'string|object',
  timeout: 'number',
  connectTimeout: 'number',
  closeTimeout: 'number',
  signal: 'object',
  maxMessageSize: 'number',
  maxDepth: 'number',
  service: 'string',
  interceptors: 'array',
  onDisconnect: 'function',
} as const satisfies Record<keyof ConnectionOptions, OptionShape>;

/** Connects to a Thrift server and returns a client with one method per service function. */
export async function createConnection<S extends ServiceDesc>(service: S, options: ConnectionOptions = {}): Promise<ServiceClient<ClientOf<S>>> {
  assertService('createConnection', service);
  checkOptions('createConnection', options, connectionOptionShapes, libraryHints());
  const protocol = resolveProtocol(options.protocol);
  const framing = options.transport ?? 'buffered';
  if (framing !== 'buffered' && framing !== 'framed' && framing !== 'header') {
    throw new TypeError(`unknown transport ${JSON.stringify(framing)}: use 'buffered', 'framed' or 'header'`);
  }
  const socket = await connect({
    host: options.host,
    port: options.port,
    path: options.path,
    tls: options.tls,
    connectTimeout: options.connectTimeout ?? options.timeout,
    signal: options.signal,
  });
  const conn = options.zlib ? zlib(socket, options.zlib === true ? undefined : options.zlib) : socket;
  return createClient(service, conn, {
    protocol,
    transport: framing === 'header' ? 'framed' : framing,
    header: framing === 'header' ? { ...options.header, zlibCodec: options.header?.zlibCodec ?? nodeZlibCodec } : undefined,
    maxMessageSize: options.maxMessageSize,
    ...callWiring(options),
    peer: options.path !== undefined ? { address: options.path, transport: 'unix' } : { address: options.host ?? '127.0.0.1', port: options.port ?? 6000, transport: 'tcp' },
    onClose: (error) => {
      if (error === undefined) return void socket.close();
      socket.destroy(error);
      options.onDisconnect?.(error);
    },
  });
}
