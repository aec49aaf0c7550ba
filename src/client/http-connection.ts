/** createHttpConnection: a client whose calls are HTTP POSTs to one service URL. */
import type { ServiceDesc } from '../protocol/index.js';
import type { ClientOf } from '../protocol/schema.js';
import { createHttpTransport, type FetchLike, type HttpRequesterFactory } from '../transport/index.js';
import type { ServiceClient } from './client.js';
import { assertUrlOptions, createMessageClient, type UrlConnectionOptions } from './message-connection.js';

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
  return httpConnection('createHttpConnection', service, options, undefined);
}

/** @internal createHttpConnection on a given requester (the Node entry's); undefined: fetch. */
export function httpConnection<S extends ServiceDesc>(
  factory: string,
  service: S,
  options: HttpConnectionOptions,
  requester: HttpRequesterFactory | undefined,
): ServiceClient<ClientOf<S>> {
  const protocol = assertUrlOptions(factory, service, options, 'http://127.0.0.1:8080/');
  const transport = createHttpTransport({
    url: options.url,
    headers: options.headers,
    credentials: options.credentials,
    fetch: options.fetch,
    requester,
    maxMessageSize: options.maxMessageSize,
  });
  return createMessageClient(service, transport, protocol, options, (bytes, timeout, signal) => transport.request(bytes, { timeout, signal }));
}
