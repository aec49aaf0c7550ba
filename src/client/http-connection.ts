/** createHttpConnection: a client whose calls are HTTP POSTs to one service URL. */
import type { Protocol, ServiceDesc } from '../protocol/index.js';
import type { ClientOf } from '../protocol/schema.js';
import { HttpRequests, type FetchLike, type HttpRequesterFactory } from '../transport/index.js';
import { callWiring, ThriftClient, type ServiceClient } from './thrift-client.js';
import { assertUrlOptions, peerOf, urlOptionShapes, urlRenamed, type UrlConnectionOptions } from './message-connection.js';
import { withServiceMethods } from './service-methods.js';
import type { OptionShape } from '../options.js';

/** Options for {@link createHttpConnection}. */
export interface HttpConnectionOptions extends UrlConnectionOptions {
  /** Extra request headers (authorization, tracing...). */
  headers?: Record<string, string>;
  /**
   * Credentials mode for browsers ('same-origin' by default, as fetch has it). Spelled
   * out, not the DOM's RequestCredentials, so Node projects without lib dom compile our .d.ts.
   */
  credentials?: 'omit' | 'same-origin' | 'include';
  /** The fetch to use; default `globalThis.fetch`. */
  fetch?: FetchLike;
}

/** The shapes of {@link HttpConnectionOptions}. */
export const httpConnectionOptionShapes = {
  ...urlOptionShapes,
  headers: 'object',
  credentials: 'string',
  fetch: 'function',
} as const satisfies Record<keyof HttpConnectionOptions, OptionShape>;

/**
 * Creates a client that POSTs each call to `options.url` and reads the reply from
 * the response body (Apache's THttpClient semantics), on `fetch`. Calls run
 * concurrently and each is independent: a refused connection, a network error or
 * an HTTP error status rejects that call only (TransportError naming the cause,
 * HttpStatusError for a status), and the next call tries again. A oneway call
 * settles once the server has answered its POST (an empty 200 or 204), so a failed
 * delivery rejects it. Resolves at once (nothing is dialled); async to match createConnection.
 */
export async function createHttpConnection<S extends ServiceDesc>(service: S, options: HttpConnectionOptions): Promise<ServiceClient<ClientOf<S>>> {
  const protocol = assertUrlOptions('createHttpConnection', service, options, EXAMPLE_URL, httpConnectionOptionShapes, { renamed: urlRenamed(EXAMPLE_URL) });
  return httpConnection(service, options, protocol, undefined);
}

/** @internal The example URL the factories' errors show. */
export const EXAMPLE_URL = 'http://127.0.0.1:8080/';

/**
 * @internal createHttpConnection with its options checked, on a given requester
 * (the Node entry's); undefined: fetch. Each call is its own exchange, its
 * CallOptions.headers (trace context...) that exchange's request headers.
 */
export function httpConnection<S extends ServiceDesc>(
  service: S,
  options: HttpConnectionOptions,
  protocol: Protocol,
  requester: HttpRequesterFactory | undefined,
): ServiceClient<ClientOf<S>> {
  const requests = new HttpRequests({
    url: options.url,
    headers: options.headers,
    credentials: options.credentials,
    fetch: options.fetch,
    requester,
    maxMessageSize: options.maxMessageSize,
  });
  // No duplex and no channel: each call is a request, whose reply is that call's.
  const Cls = withServiceMethods(ThriftClient, service);
  return new Cls(service, {
    protocol,
    ...callWiring(options),
    peer: peerOf(options.url),
    exchange: (bytes, timeout, signal, headers) => requests.request(bytes, { timeout, signal, headers }),
    link: requests,
  }) as ServiceClient<ClientOf<S>>;
}
