/** The part the HTTP and WebSocket connections share: URL options, their checks, and a client on a message duplex. */
import { assertService, resolveProtocol, type Protocol, type ProtocolName, type ServiceDesc } from '../protocol/index.js';
import type { ClientOf } from '../protocol/schema.js';
import type { DuplexStream } from '../transport/index.js';
import { createClient, type ClientOptions, type ServiceClient } from './client.js';
import { checkOptions, type OptionsDictionary } from '../options.js';

/** Options every URL-addressed connection (HTTP, WebSocket) takes. */
export interface UrlConnectionOptions {
  /** The service URL, e.g. 'http://127.0.0.1:8080/thrift' or 'ws://127.0.0.1:8080/thrift'. */
  url: string | URL;
  /** Wire protocol; default 'binary'. */
  protocol?: ProtocolName | Protocol;
  /** Per-call timeout in ms (TimeoutError). */
  timeout?: number;
  /** Largest reply accepted, in bytes; default 16_384_000. */
  maxMessageSize?: number;
  /** Deepest struct/container nesting accepted in replies; default 64. */
  maxDepth?: number;
  /** The service's name on a multiplexed server (calls go out as `service:method`). */
  service?: string;
}

/** The shapes of {@link UrlConnectionOptions}, which the HTTP and WebSocket factories extend. */
export const urlOptionShapes = {
  url: 'string|object',
  protocol: 'string|object',
  timeout: 'number',
  maxMessageSize: 'number',
  maxDepth: 'number',
  service: 'string',
} as const;

/**
 * Fails fast, before anything is dialled, on a non-service, a missing `options.url`
 * (naming the factory and an example URL), an option not in `shapes` or of the
 * wrong shape, or an unknown protocol; returns the protocol.
 */
export function assertUrlOptions(factory: string, service: unknown, options: UrlConnectionOptions, example: string, shapes: OptionsDictionary): Protocol {
  assertService(factory, service);
  if (options === null || typeof options !== 'object' || Array.isArray(options) || options.url === undefined) {
    throw new TypeError(`${factory}: options.url is required, e.g. { url: '${example}' }`);
  }
  checkOptions(factory, options, shapes, {
    host: `give the whole address as url, e.g. { url: '${example}' }`,
    port: `give the whole address as url, e.g. { url: '${example}' }`,
  });
  return resolveProtocol(options.protocol);
}

/** A duplex carrying one Thrift message per chunk, which the client closes or destroys with itself. */
export interface MessageDuplex extends DuplexStream {
  /** Ends it gracefully. */
  close(): unknown;
  /** Tears it down with `error`. */
  destroy(error?: Error): void;
}

/** Puts a client on a message duplex: 'message' transport, the URL options, and the duplex's end tied to the client's. */
export function createMessageClient<S extends ServiceDesc>(
  service: S,
  duplex: MessageDuplex,
  protocol: Protocol,
  options: UrlConnectionOptions,
  sendOneway?: ClientOptions['sendOneway'],
): ServiceClient<ClientOf<S>> {
  return createClient(service, duplex, {
    protocol,
    transport: 'message',
    maxMessageSize: options.maxMessageSize,
    timeout: options.timeout,
    maxDepth: options.maxDepth,
    service: options.service,
    onClose: (error) => void (error ? duplex.destroy(error) : duplex.close()),
    sendOneway,
  });
}
