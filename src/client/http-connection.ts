/** createHttpConnection: a client whose calls are HTTP POSTs to one service URL. */
import { ConnectionClosedError } from '../errors.js';
import {
  encodeMessage,
  MessageType,
  resolveProtocol,
  serviceFunctions,
  type Protocol,
  type ProtocolName,
  type ServiceDesc,
  type StructEncoder,
} from '../protocol/index.js';
import { createHttpTransport, type FetchLike, type HttpTransport } from '../transport/index.js';
import type { ClientOf } from '../protocol/schema.js';
import { createClient, type CallOptions, type ServiceClient } from './client.js';

/** Options for {@link createHttpConnection}. */
export interface HttpConnectionOptions {
  /** The service URL, e.g. 'http://127.0.0.1:8080/thrift'. */
  url: string | URL;
  /** Wire protocol; default 'binary'. */
  protocol?: ProtocolName | Protocol;
  /** Per-call timeout in ms (TimeoutError). */
  timeout?: number;
  /** Extra request headers (authorization, tracing...). */
  headers?: Record<string, string>;
  /** Credentials mode for browsers ('same-origin' by default, as fetch has it). */
  credentials?: RequestCredentials;
  /** The fetch to use; default `globalThis.fetch`. */
  fetch?: FetchLike;
  /** Largest reply accepted, in bytes; default 16_384_000. */
  maxMessageSize?: number;
  /** Deepest struct/container nesting accepted in replies; default 64. */
  maxDepth?: number;
  /** The service's name on a multiplexed server (calls go out as `service:method`). */
  service?: string;
}

/**
 * Creates a client that POSTs each call to `options.url` and reads the reply from
 * the response body (Apache's THttpClient semantics). Calls run concurrently. A
 * oneway call settles once the server has answered its POST (an empty 200 or 204),
 * so a failed delivery rejects it. An HTTP error status or a network failure
 * fails the connection as a socket error would: calls in flight reject with
 * ConnectionClosedError whose cause is the TransportError (HttpStatusError for a status).
 * Resolves at once (nothing is dialled); async to match createConnection.
 */
export async function createHttpConnection<S extends ServiceDesc>(service: S, options: HttpConnectionOptions): Promise<ServiceClient<ClientOf<S>>> {
  if (service === null || typeof service !== 'object' || service.kind !== 'service') {
    throw new TypeError('createHttpConnection: the first argument must be a service from load(), e.g. load(file).MyService');
  }
  if (options === null || typeof options !== 'object' || options.url === undefined) {
    throw new TypeError("createHttpConnection: options.url is required, e.g. { url: 'http://127.0.0.1:8080/' }");
  }
  const protocol = resolveProtocol(options.protocol);
  const transport = createHttpTransport({
    url: options.url,
    headers: options.headers,
    credentials: options.credentials,
    fetch: options.fetch,
    maxMessageSize: options.maxMessageSize,
  });
  const client = createClient(service, transport, {
    protocol,
    framing: 'message',
    maxMessageSize: options.maxMessageSize,
    timeout: options.timeout,
    maxDepth: options.maxDepth,
    service: options.service,
    onClose: (error) => (error ? transport.destroy(error) : transport.close()),
  });
  settleOnewayOnAnswer(client, service, protocol, transport, options);
  return client;
}

/**
 * A oneway call through the duplex would settle as soon as it is handed to the
 * transport; over HTTP the server's answer to the POST says it was accepted, so
 * oneway calls are sent with transport.request() and settle on that answer.
 */
function settleOnewayOnAnswer(client: ServiceClient, service: ServiceDesc, protocol: Protocol, transport: HttpTransport, options: HttpConnectionOptions): void {
  const oneway = new Map<string, StructEncoder>();
  for (const fn of serviceFunctions(service).values()) {
    if (fn.oneway) oneway.set(fn.name, protocol.codecs.argsCodec(fn.args).encode);
  }
  if (oneway.size === 0) return;
  const writer = protocol.createWriter();
  const prefix = options.service === undefined ? '' : `${options.service}:`;
  const call = client.call.bind(client);
  // Oneway sequence ids are never matched against replies; they only label the messages.
  let seqid = 0;
  Object.defineProperty(client, 'call', {
    value(name: string, args: readonly unknown[], callOptions?: CallOptions): Promise<any> {
      const encode = oneway.get(name);
      if (encode === undefined) return call(name, args, callOptions);
      if (client.state !== 'open') return Promise.reject(new ConnectionClosedError(`connection is ${client.state}`));
      let bytes: Uint8Array;
      try {
        seqid = seqid >= 0x7fffffff ? 1 : seqid + 1;
        bytes = encodeMessage(writer, prefix + name, MessageType.ONEWAY, seqid, encode, args);
      } catch (e) {
        return Promise.reject(e);
      }
      return transport.request(bytes, { timeout: callOptions?.timeout ?? options.timeout, signal: callOptions?.signal }).then(() => undefined);
    },
    writable: true,
    configurable: true,
  });
}
