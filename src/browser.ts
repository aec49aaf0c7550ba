/**
 * thrift-streams for browsers (and workers, Deno, any runtime with fetch and web
 * streams): everything that needs no Node built-in. IDL comes in as text through
 * loadSource(); calls go out over HTTP (fetch) or WebSocket. scripts/bundle.mjs
 * builds it into one ESM file, and a test checks that file names no `node:` module.
 */
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
// The IDL files are named one by one: idl/index.ts also carries load(), which reads the file system.
export { loadSource, type LoadOptions, type LoadSourceOptions } from './idl/load-source.js';
export { schemaOf, type ThriftModule } from './idl/module.js';
// What code from `thrift-streams gen --runtime thrift-streams/browser` imports.
export { defineIdlModule, type IdlModuleSpec, type StructClass } from './idl/codegen-runtime.js';
export type { ClientOf, HandlerOf, TypedService } from './protocol/schema.js';
export { createClient, ThriftClient, type CallOptions, type ClientOptions, type ClientState, type ServiceClient } from './client/client.js';
export { createHttpConnection, type HttpConnectionOptions } from './client/http-connection.js';
export { createWebSocketConnection, type WebSocketConnectionOptions } from './client/websocket-connection.js';
export { serveConnection, ServedConnection, type ServeConnectionOptions } from './server/serve-connection.js';
export {
  CallMetrics,
  MultiplexedProcessor,
  Processor,
  timingInterceptor,
  type CallNext,
  type CallRecord,
  type Handler,
  type InterceptedCall,
  type Interceptor,
  type MessageProcessor,
  type MethodMetrics,
  type ProcessorOptions,
  type TimingOptions,
} from './processor/index.js';
export type { ClientCall, ClientInterceptor, ClientNext } from './client/interceptor.js';
export {
  binaryProtocol,
  compactProtocol,
  createBinaryProtocol,
  jsonProtocol,
  type Protocol,
  type ProtocolName,
  type ServiceDesc,
  type StructDesc,
} from './protocol/index.js';
export { createHttpTransport, type FetchLike, type HttpRequestOptions, type HttpTransport, type HttpTransportOptions } from './transport/http.js';
export { HttpStatusError } from './transport/http-status-error.js';
export {
  connectWebSocket,
  fromWebSocket,
  type WebSocketConnectOptions,
  type WebSocketConnection,
  type WebSocketConstructor,
  type WebSocketLike,
  type WebSocketStreamOptions,
} from './transport/websocket.js';
export { buffered, createMemoryPair, framed, MessageChannel, useStreams, type DuplexStream, type Framing, type StreamClasses } from './transport/index.js';
