/** createHttpConnection of the Node entry: the same client on node:http / node:http2 instead of fetch. */
import type { ServiceDesc } from '../protocol/index.js';
import type { ClientOf } from '../protocol/schema.js';
import { nodeRequester, type NodeRequesterOptions } from '../node/index.js';
import { libraryHints, type OptionShape } from '../options.js';
import type { ServiceClient } from './client.js';
import { EXAMPLE_URL, httpConnection, httpConnectionOptionShapes, type HttpConnectionOptions } from './http-connection.js';
import { assertUrlOptions, urlRenamed } from './message-connection.js';

/** Options of the Node entry's createHttpConnection: the universal ones, plus HTTP/2 and TLS. */
export interface NodeHttpConnectionOptions extends HttpConnectionOptions, NodeRequesterOptions {}

/** The shapes of {@link NodeHttpConnectionOptions}. */
const nodeHttpConnectionOptionShapes = {
  ...httpConnectionOptionShapes,
  http2: 'boolean',
  tls: 'object',
} as const satisfies Record<keyof NodeHttpConnectionOptions, OptionShape>;

/**
 * Creates a client that POSTs each call to `options.url` (see the universal
 * createHttpConnection: each call independent, failures typed). In Node it talks
 * HTTP through node:http with kept-alive connections, or node:http2 with every call
 * a stream on one connection when `http2` is set; passing `fetch` uses that instead.
 */
export async function createHttpConnection<S extends ServiceDesc>(service: S, options: NodeHttpConnectionOptions): Promise<ServiceClient<ClientOf<S>>> {
  // Checked before anything is loaded, so a wrong option fails the same way as in the browser.
  const protocol = assertUrlOptions('createHttpConnection', service, options, EXAMPLE_URL, nodeHttpConnectionOptionShapes, libraryHints(urlRenamed(EXAMPLE_URL)));
  const requester = options.fetch === undefined ? await nodeRequester({ http2: options.http2, tls: options.tls }) : undefined;
  return httpConnection(service, options, protocol, requester);
}
