/**
 * thrift-streams for browsers (and workers, Deno, any runtime with fetch and web
 * streams): the universal subset of src/index.ts. Its module graph reaches no Node
 * built-in by construction (test/layers.test.ts walks it), so bundlers need no
 * flags; `import 'thrift-streams'` resolves here under the `browser` condition.
 * IDL comes in as text through loadSource(); calls go out over HTTP (fetch) or WebSocket.
 */
// Type-only, so bundlers see no side-effect import; it also declares Symbol.asyncDispose for consumers whose lib lacks it.
export type { AsyncDisposableLike } from './disposable.js';
export {
  AbortError,
  AppErrorType,
  ConnectionClosedError,
  FrameTooLargeError,
  HttpStatusError,
  IdlError,
  MissingDependencyError,
  PoolClosedError,
  ProtocolError,
  ProtocolErrorType,
  ThriftAppError,
  ThriftError,
  TimeoutError,
  TransportError,
  WireMismatchError,
  type ErrorCode,
} from './errors.js';
export type { Closable, LifecycleState } from './lifecycle.js';
export {
  callContext,
  CallMetrics,
  timingInterceptor,
  type CallNext,
  type CallOptions,
  type CallRecord,
  type CallPeer,
  type InterceptedCall,
  type Interceptor,
  type MethodMetrics,
  type ServerCallContext,
  type TimingOptions,
} from './call/index.js';
export {
  binaryProtocol,
  compactProtocol,
  createBinaryProtocol,
  fromSimpleJson,
  jsonProtocol,
  simpleJsonProtocol,
  toSimpleJson,
  type ClientOf,
  type HandlerOf,
  type Protocol,
  type ProtocolName,
  type SchemaClass,
  type ServiceDesc,
  type StructDesc,
  type TypedService,
} from './protocol/index.js';
export {
  buffered,
  bufferedTransport,
  connectWebSocket,
  createHttpTransport,
  createMemoryPair,
  detectWire,
  framed,
  framedTransport,
  fromWebSocket,
  HeaderCodec,
  MessageChannel,
  messageTransport,
  useStreams,
  type DuplexStream,
  type FetchLike,
  type Framing,
  type MessageFraming,
  type HeaderOptions,
  type HttpRequestOptions,
  type HttpTransport,
  type HttpTransportOptions,
  type StreamClasses,
  type WebSocketConnection,
  type WebSocketConnectOptions,
  type WebSocketConstructor,
  type WebSocketLike,
  type WebSocketStreamOptions,
  type WireKind,
  type ZlibCodec,
} from './transport/index.js';
// What code from `thrift-streams gen --runtime thrift-streams/browser` imports, and loadSource for IDL text.
export { defineIdlModule, loadSource, schemaOf, type IdlModuleSpec, type LoadOptions, type LoadSourceOptions, type StructClass, type ThriftModule } from './idl/index.js';
export { MultiplexedProcessor, Processor, type Handler, type MessageProcessor, type ProcessorOptions } from './processor/index.js';
// server/ and client/ also hold Node-only factories (sockets, listeners), so their universal files are named one by one.
export { serveConnection, ServedConnection, type ServeConnectionOptions } from './server/serve-connection.js';
export { createClient, ThriftClient, type ClientOptions, type ClientState, type ServiceClient } from './client/client.js';
export type { ClientHeaderOptions } from './client/header-wire.js';
export { createHttpConnection, type HttpConnectionOptions } from './client/http-connection.js';
export { createWebSocketConnection, type WebSocketConnectionOptions } from './client/websocket-connection.js';
