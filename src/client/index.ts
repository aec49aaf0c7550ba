/** The client layer: connections, the pool, and clients over hand-assembled chains. */
export { ThriftClient, createClient, type ClientOptions, type ClientState, type ServiceClient } from './client.js';
export type { ClientWiring } from './thrift-client.js';
export { createConnection, type ConnectionOptions } from './connection.js';
export { type ClientHeaderOptions } from './header-wire.js';
export { ThriftPool, createPool, type AcquireOptions, type PoolOptions, type PoolState } from './pool.js';
export { type HttpConnectionOptions } from './http-connection.js';
export { type NodeHttpConnectionOptions } from './node-http-connection.js';
export { type WebSocketConnectionOptions } from './websocket-connection.js';
// The main entry's URL factories also take protocol names, and its HTTP client runs on node:http;
// the browser entry exports the universal ones.
export { createHttpConnection, createWebSocketConnection } from './protocol-names.js';
export { createReconnectingConnection, ReconnectingClient, backoffDelay, type ReconnectingOptions, type ReconnectingServiceClient, type ReconnectingState, type RetryOptions } from './reconnecting.js';
export { createBalancedClient, BalancedClient, type BalancedOptions, type BalancedServiceClient, type BalancedState, type BalanceStrategy, type HostStatus } from './balanced.js';
export { type HostAddress } from './hosts.js';
export { createDiscoveryClient, DiscoveryClient, type DiscoveryOptions, type DiscoveryServiceClient } from './zookeeper-client.js';
