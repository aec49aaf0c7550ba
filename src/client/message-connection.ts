/** The part the HTTP and WebSocket connections share: URL options, their checks, and the peer a URL names. */
import { assertService, binaryProtocol, type Protocol, type ProtocolName } from '../protocol/index.js';
import type { CallPeer, Interceptor } from '../call/index.js';
import { checkOptions, httpRenamed, type OptionHints, type OptionsDictionary } from '../options.js';

/** Options every URL-addressed connection (HTTP, WebSocket) takes. */
export interface UrlConnectionOptions {
  /** The service URL, e.g. 'http://127.0.0.1:8080/thrift' or 'ws://127.0.0.1:8080/thrift'. */
  url: string | URL;
  /**
   * Wire protocol, default binary: a protocol object (binaryProtocol, compactProtocol,
   * jsonProtocol). The main entry also takes the names 'binary', 'compact' and 'json';
   * thrift-streams/browser takes objects only, so a bundle carries the protocols it imports.
   */
  protocol?: ProtocolName | Protocol;
  /** Per-call timeout in ms (TimeoutError). */
  timeout?: number;
  /** How long close() waits for replies in flight, in ms, before destroying the connection; default 10,000. */
  closeTimeout?: number;
  /** Largest reply accepted, in bytes; default 16_384_000. */
  maxMessageSize?: number;
  /** Deepest struct/container nesting accepted in replies; default 64. */
  maxDepth?: number;
  /** The service's name on a multiplexed server (calls go out as `service:method`). */
  service?: string;
  /** Wrapped around every call, first outermost: timing, logging, metrics, tracing. */
  interceptors?: readonly Interceptor[];
}

/** The shapes of {@link UrlConnectionOptions}, which the HTTP and WebSocket factories extend. */
export const urlOptionShapes = {
  url: 'string|object',
  protocol: 'string|object',
  timeout: 'number',
  closeTimeout: 'number',
  maxMessageSize: 'number',
  maxDepth: 'number',
  service: 'string',
  interceptors: 'array',
} as const;

/**
 * What a URL factory whose example URL is `example` says of an unknown key: an address
 * given as host and port, and Apache's HTTP options. The main entry's factories add
 * every other library name and shape (libraryHints), for Node users coming from
 * Apache's and aiothrift's socket clients; a browser bundle carries only these.
 */
export function urlRenamed(example: string): Readonly<Record<string, string>> {
  const url = `give the whole address as url, e.g. { url: '${example}' }`;
  return { ...httpRenamed, host: url, port: url };
}

/**
 * Fails fast, before anything is dialled, on a non-service, a missing `options.url`
 * (naming the factory and an example URL), an option not in `shapes` or of the
 * wrong shape (with `hints`, see {@link urlRenamed}), or a protocol that is not an object; returns the protocol.
 */
export function assertUrlOptions(factory: string, service: unknown, options: UrlConnectionOptions, example: string, shapes: OptionsDictionary, hints: OptionHints): Protocol {
  assertService(factory, service);
  if (options === null || typeof options !== 'object' || Array.isArray(options) || options.url === undefined) {
    throw new TypeError(`${factory}: options.url is required, e.g. { url: '${example}' }`);
  }
  checkOptions(factory, options, shapes, hints);
  const protocol = options.protocol;
  if (protocol === undefined || protocol === 'binary') return binaryProtocol;
  if (protocol !== null && typeof protocol === 'object') return protocol;
  // Names would need a table of every protocol, which would put them all in every browser bundle.
  const known = protocol === 'compact' || protocol === 'json';
  throw new TypeError(
    known
      ? `${factory}: protocol '${protocol}' by name needs the main entry; from thrift-streams/browser, import { ${protocol}Protocol } and pass protocol: ${protocol}Protocol`
      : `${factory}: unknown protocol ${JSON.stringify(protocol)}: pass a protocol object (binaryProtocol, compactProtocol, jsonProtocol)`,
  );
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'http:': 80, 'ws:': 80, 'https:': 443, 'wss:': 443 };

/** The host and port a service URL reaches (the scheme's default port when it names none). */
export function peerOf(url: string | URL): CallPeer | undefined {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return undefined;
  }
  // URL keeps the brackets of an IPv6 literal; the address is what is inside them.
  const address = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
  const port = parsed.port === '' ? DEFAULT_PORTS[parsed.protocol] : Number(parsed.port);
  return { address, port, transport: 'tcp' };
}
