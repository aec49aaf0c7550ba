/**
 * Node-only code, reached only from the Node entry (src/index.ts): TCP/unix/TLS
 * sockets, the HTTP and WebSocket listeners, `load` from the file system, and
 * node:zlib as THeader's zlib codec.
 * The browser entry's module graph never reaches this folder (test/layers.test.ts).
 */
export type { Listener, ServerAddress } from './listener.js';
export { connect, fromSocket, listen, type ConnectOptions, type ListenOptions, type SocketConnection, type SocketServer } from './socket.js';
export { listenHttp, THRIFT_CONTENT_TYPE, type HttpExchange, type HttpListener, type HttpListenOptions, type HttpRoutes } from './http-listener.js';
export { listenWebSocket, type WebSocketListener, type WebSocketListenOptions } from './websocket-listener.js';
export { nodeRequester, type NodeRequesterOptions } from './http-requester.js';
export { load } from './load.js';
export { nodeZlibCodec } from './zlib-codec.js';
