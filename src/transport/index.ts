/**
 * The transport layer: byte streams, framing, HTTP (fetch) and WebSocket clients.
 * Universal (no Node built-in): sockets and the HTTP/WebSocket listeners are in src/node/.
 */
export type { DuplexStream } from './types.js';
export type { StreamClasses } from './streams.js';
export { useStreams, streams } from './streams.js';
export type { FramedOptions, FrameSink } from './framed.js';
export { createFrameDecoder, createFrameEncoder, framed, framedTransport, FrameDecoder, DEFAULT_MAX_FRAME_SIZE, FRAME_HEADER_SIZE } from './framed.js';
export type { MeasureFn, MeasureLimits, BufferedOptions } from './buffered.js';
export { createMessageSplitter, buffered, bufferedTransport, MessageSplitter, DEFAULT_MAX_MESSAGE_SIZE } from './buffered.js';
export { createMemoryPair } from './memory.js';
export { MessageChannel, messageTransport, type ChannelOptions, type Framing, type MessageFraming, type MessageReceiver } from './channel.js';
export { linkOf, linkedDuplex, LinkStreams, StreamLink, type ByteLink, type LinkOwner, type LinkReceiver, type LinkSource } from './link.js';
export { StreamChannel, type Splitter } from './stream-channel.js';
export { framingOf } from './framings.js';
export { createHttpTransport, HttpRequests, type FetchLike, type HttpRequestOptions, type HttpTransport, type HttpTransportOptions } from './http.js';
export {
  fetchRequester,
  HTTP_CONTENT_TYPE,
  errorText,
  ERROR_TEXT_BYTES,
  isErrorText,
  joinChunks,
  requestFailed,
  rootMessage,
  type HttpRequester,
  type HttpRequesterFactory,
  type HttpRequesterOptions,
} from './http-requester.js';
export { HttpStatusError } from '../errors.js';
export { connectWebSocket, fromWebSocket, type WebSocketConnectOptions, type WebSocketConnection, type WebSocketConstructor, type WebSocketLike, type WebSocketStreamOptions } from './websocket.js';
export { zlib, zlibTransforms, type ZlibOptions, type ZlibTransforms } from './zlib.js';
export { HeaderCodec, HeaderProtocolId, HeaderTransformId, HEADER_MAGIC, INFO_KEYVALUE, MAX_HEADER_FRAME_SIZE, type HeaderFrame, type HeaderMeta, type HeaderOptions, type ZlibCodec } from './header.js';
export { detectWire, showBytes, unknownBytes, DETECT_WINDOW, type Detection, type WireFraming, type WireKind, type WireProtocol } from './detect.js';
export { peekStream, type Peeked, type PeekOptions } from './peek.js';
