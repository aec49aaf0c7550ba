/** The server layer: createServer, and the per-connection loop for hand-assembled chains. */
export { createServer, ThriftServer, type MultiplexedServerOptions, type ServerAddress, type ServerOptions, type ServerState, type ServiceMap } from './server.js';
export { serveConnection, ServedConnection, type ConnectionState, type ServeConnectionOptions } from './serve-connection.js';
export { createHttpServer, type HttpServerOptions, type MultiplexedHttpServerOptions } from './http-server.js';
export { createWebSocketServer, type MultiplexedWebSocketServerOptions, type WebSocketServerOptions } from './websocket-server.js';
export type { RegistrationOptions } from '../discovery/registration.js';
