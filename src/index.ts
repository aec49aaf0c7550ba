/** thrift-streams: Apache Thrift RPC on WHATWG streams. The public API, by name. */
// Type-only, so bundlers see no side-effect import; it also declares Symbol.asyncDispose for consumers whose lib lacks it.
export type { AsyncDisposableLike } from './disposable.js';
export {
  AbortError,
  AppErrorType,
  ConnectionClosedError,
  FrameTooLargeError,
  IdlError,
  PoolClosedError,
  ProtocolError,
  ProtocolErrorType,
  ThriftAppError,
  ThriftError,
  TimeoutError,
  TransportError,
  type ErrorCode,
} from './errors.js';
export { load, loadSource, schemaOf, type LoadOptions, type ThriftModule } from './idl/index.js';
export { defineIdlModule, type IdlModuleSpec, type StructClass } from './idl/codegen-runtime.js';
export type { ClientOf, HandlerOf, TypedService } from './protocol/schema.js';
export { createServer, serveConnection, ServedConnection, ThriftServer, type ServerOptions } from './server/index.js';
export {
  createClient,
  createConnection,
  createPool,
  ThriftClient,
  ThriftPool,
  type AcquireOptions,
  type CallOptions,
  type ClientOptions,
  type ConnectionOptions,
  type PoolOptions,
  type ServiceClient,
  type ClientCall,
  type ClientInterceptor,
  createReconnectingConnection,
  ReconnectingClient,
  type ReconnectingOptions,
  type RetryOptions,
  createBalancedClient,
  BalancedClient,
  type BalancedOptions,
  type HostAddress,
  type HostStatus,
  createDiscoveryClient,
  DiscoveryClient,
  type DiscoveryOptions,
} from './client/index.js';
export {
  CallMetrics,
  Processor,
  timingInterceptor,
  type CallNext,
  type CallRecord,
  type Handler,
  type InterceptedCall,
  type Interceptor,
  type MethodMetrics,
  type ProcessorOptions,
  type TimingOptions,
} from './processor/index.js';
export { binaryProtocol, createBinaryProtocol, type Protocol, type ServiceDesc, type StructDesc } from './protocol/index.js';
export { connect, framed, buffered, listen, MessageChannel, createMemoryPair, useStreams, type DuplexStream, type Framing } from './transport/index.js';
export { zlib, zlibTransforms, type ZlibOptions } from './transport/index.js';
export type { RegistrationOptions } from './server/index.js';
export { createHttpServer, createWebSocketServer, type HttpServerOptions, type WebSocketServerOptions } from './server/index.js';
export { createHttpConnection, createWebSocketConnection, type HttpConnectionOptions, type WebSocketConnectionOptions } from './client/index.js';
export { createHttpTransport, connectWebSocket, HttpStatusError, type HttpTransport, type WebSocketConnection } from './transport/index.js';
