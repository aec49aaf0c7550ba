/** createHttpConnection: a client whose calls are HTTP POSTs to one service URL. */
import type { ServiceDesc } from '../protocol/index.js';
import type { ClientOf } from '../protocol/schema.js';
import { createHttpTransport, type FetchLike } from '../transport/index.js';
import type { ServiceClient } from './client.js';
import { assertUrlOptions, createMessageClient, urlOptionShapes, type UrlConnectionOptions } from './message-connection.js';
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
const httpConnectionOptionShapes = {
  ...urlOptionShapes,
  headers: 'object',
  credentials: 'string',
  fetch: 'function',
} as const satisfies Record<keyof HttpConnectionOptions, OptionShape>;

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
  const protocol = assertUrlOptions('createHttpConnection', service, options, 'http://127.0.0.1:8080/', httpConnectionOptionShapes);
  const transport = createHttpTransport({
    url: options.url,
    headers: options.headers,
    credentials: options.credentials,
    fetch: options.fetch,
    maxMessageSize: options.maxMessageSize,
  });
  // The server's answer to the POST says a oneway call was delivered: settle on it.
  return createMessageClient(service, transport, protocol, options, {
    sendOneway: (bytes, call) =>
      transport.request(bytes, { timeout: call?.timeout ?? options.timeout, signal: call?.signal, headers: call?.headers }).then(() => undefined),
    // A call's own headers (CallOptions.headers: trace context...) go out as HTTP request headers.
    sendWithHeaders: (bytes, headers) => transport.post(bytes, headers),
  });
}
