/**
 * The main entry's createHttpConnection and createWebSocketConnection: the universal
 * factories, plus protocol names ('binary', 'compact', 'json'). The names need a table of
 * every protocol (protocol/registry.ts), so thrift-streams/browser exports the universal
 * factories, which take protocol objects, and a browser bundle carries only the
 * protocols its code imports. The HTTP one also runs on node:http (node-http-connection.ts).
 */
import { resolveProtocol, type ServiceDesc } from '../protocol/index.js';
import type { ClientOf } from '../protocol/schema.js';
import type { ServiceClient } from './client.js';
import type { HttpConnectionOptions } from './http-connection.js';
import { createHttpConnection as nodeHttpConnection, type NodeHttpConnectionOptions } from './node-http-connection.js';
import { webSocketConnection, WEBSOCKET_EXAMPLE_URL, type WebSocketConnectionOptions } from './websocket-connection.js';
import { urlRenamed } from './message-connection.js';
import { libraryHints } from '../options.js';

/**
 * Creates a client that POSTs each call to `options.url`, on node:http (or node:http2
 * with `http2`) unless given a `fetch` (see node-http-connection.ts and the universal
 * createHttpConnection in http-connection.ts); `protocol` may also be a name.
 */
export async function createHttpConnection<S extends ServiceDesc>(service: S, options: NodeHttpConnectionOptions): Promise<ServiceClient<ClientOf<S>>> {
  return nodeHttpConnection(service, named(options));
}

/** Connects to a Thrift WebSocket server (see websocket-connection.ts); `protocol` may also be a name, and option errors hint at Apache's and aiothrift's names. */
export async function createWebSocketConnection<S extends ServiceDesc>(service: S, options: WebSocketConnectionOptions): Promise<ServiceClient<ClientOf<S>>> {
  return webSocketConnection(service, named(options), libraryHints(urlRenamed(WEBSOCKET_EXAMPLE_URL)));
}

function named<O extends HttpConnectionOptions | WebSocketConnectionOptions>(options: O): O {
  // Anything but a name goes on unchanged, for the universal factory's own checks and errors.
  if (options === null || typeof options !== 'object' || typeof options.protocol !== 'string') return options;
  return { ...options, protocol: resolveProtocol(options.protocol) };
}
