/**
 * A WebSocket as a duplex pair of message streams: each chunk written is sent as
 * one binary WebSocket message, each message received is one chunk read, as
 * Apache's WebSocket transports do (one Thrift message per WebSocket message).
 * Only the WHATWG WebSocket API is used, so the same code runs on the browser's
 * WebSocket and on the `ws` package's (which implements that API in Node).
 */
import { abortReason, ConnectionClosedError, FrameTooLargeError, TransportError } from '../errors.js';
import { armDeadline } from '../deadline.js';
import { DuplexEnds } from './duplex-ends.js';
import { streams } from './streams.js';
import type { DuplexStream } from './types.js';

/** The part of the WHATWG WebSocket API this transport uses (browsers' WebSocket, `ws`'s WebSocket). */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: string, listener: (event: any) => void): void;
  removeEventListener(type: string, listener: (event: any) => void): void;
}

/** A WebSocket constructor of the WHATWG shape: `globalThis.WebSocket`, or `ws`'s in Node 20. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** A WebSocket seen as a duplex of whole messages, with graceful and forceful shutdown. */
export interface WebSocketConnection extends DuplexStream {
  /** The underlying WebSocket. */
  readonly socket: WebSocketLike;
  /** Starts the closing handshake once the messages already written are sent; idempotent. */
  close(): void;
  /** Errors both streams with `error` (default ConnectionClosedError) and closes the socket now; idempotent. */
  destroy(error?: Error): void;
}

/** Options of {@link fromWebSocket}. */
export interface WebSocketStreamOptions {
  /** Largest message accepted, in bytes; a larger one fails the connection. Default 16_384_000. */
  maxMessageSize?: number;
  /**
   * Flow control a server-side socket offers (the `ws` package's pause/resume and
   * send callback); browsers have none, so without it reads are not paused and
   * writes do not wait.
   * @internal
   */
  flow?: WebSocketFlow;
}

/** @internal Node-side flow control, see {@link WebSocketStreamOptions.flow}. */
export interface WebSocketFlow {
  pause(): void;
  resume(): void;
  /** Sends one message; `done` runs once the bytes are handed to the socket. */
  send(data: Uint8Array, done: (error?: Error) => void): void;
  /** Closes without the handshake. */
  terminate(): void;
}

/** Options of {@link connectWebSocket}. */
export interface WebSocketConnectOptions extends WebSocketStreamOptions {
  /** `ws:` or `wss:` URL of the server. */
  url: string | URL;
  /** WebSocket subprotocols to offer. */
  protocols?: string | string[];
  /** The WebSocket class; default `globalThis.WebSocket` (pass `ws`'s WebSocket on Node 20). */
  WebSocket?: WebSocketConstructor;
  /** Milliseconds allowed for the opening handshake. */
  connectTimeout?: number;
  /** Aborts the attempt; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

// readyState values (WHATWG WebSockets §3: CONNECTING 0, OPEN 1, CLOSING 2, CLOSED 3).
const OPEN = 1;
// Close codes (RFC 6455 §7.4.1): normal closure, and "going away" which a closing server sends.
const NORMAL_CLOSURE = 1000;
const GOING_AWAY = 1001;
const DEFAULT_MAX_MESSAGE_SIZE = 16_384_000;
// Bytes queued in the readable before a socket that can pause is paused.
const READ_HIGH_WATER_MARK = 64 * 1024;
// Bytes a socket may hold unsent before writes wait for it (only where a send callback exists).
const WRITE_HIGH_WATER_MARK = 1024 * 1024;

const encoder = /* @__PURE__ */ new TextEncoder();

function byteLength(chunk: Uint8Array): number {
  return chunk.byteLength;
}

function ignore(): void {}

class WebSocketDuplex extends DuplexEnds implements WebSocketConnection {
  readonly socket: WebSocketLike;
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  private paused = false;
  private closing = false;
  private readonly maxMessageSize: number;
  private readonly flow: WebSocketFlow | undefined;
  private readonly listeners: [string, (event: any) => void][];

  constructor(socket: WebSocketLike, options: WebSocketStreamOptions) {
    super();
    this.socket = socket;
    this.maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    this.flow = options.flow;
    socket.binaryType = 'arraybuffer';
    const { ReadableStream } = streams();
    this.readable = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.readController = controller;
        },
        pull: () => {
          if (this.paused) {
            this.paused = false;
            this.flow?.resume();
          }
        },
        cancel: () => {
          // Nobody reads the replies any more: the connection is of no use.
          this.readOpen = false;
          this.close();
        },
      },
      { highWaterMark: READ_HIGH_WATER_MARK, size: byteLength },
    );
    this.writable = this.writableTo((chunk) => this.send(chunk));
    this.listeners = [
      ['message', this.onMessage.bind(this)],
      ['close', this.onClose.bind(this)],
      ['error', this.onError.bind(this)],
    ];
    for (const [type, listener] of this.listeners) socket.addEventListener(type, listener);
    if (socket.readyState > OPEN) this.fail(new ConnectionClosedError('WebSocket already closed'));
  }

  close(): void {
    if (this.closing) return;
    this.closing = true;
    // A close frame is queued behind the messages already sent (WHATWG WebSockets, close()).
    if (this.socket.readyState <= OPEN) this.socket.close(NORMAL_CLOSURE);
  }

  destroy(error?: Error): void {
    this.fail(error ?? new ConnectionClosedError('connection destroyed'));
    this.closing = true;
    if (this.flow !== undefined) this.flow.terminate();
    else if (this.socket.readyState <= OPEN) this.socket.close(NORMAL_CLOSURE);
  }

  private send(chunk: Uint8Array): Promise<void> | undefined {
    if (this.socket.readyState !== OPEN) throw new ConnectionClosedError('WebSocket is no longer open');
    const flow = this.flow;
    if (flow === undefined) {
      this.socket.send(chunk);
      return undefined;
    }
    if (this.socket.bufferedAmount < WRITE_HIGH_WATER_MARK) {
      flow.send(chunk, ignore);
      return undefined;
    }
    // The peer reads slower than we write: hold the writer until the socket has taken this message.
    return new Promise<void>((resolve, reject) => {
      flow.send(chunk, (error) => (error ? reject(new TransportError(`WebSocket send failed: ${error.message}`, 'TRANSPORT', { cause: error })) : resolve()));
    });
  }

  private onMessage(event: { data: unknown }): void {
    if (!this.readOpen) return;
    const data = event.data;
    let message: Uint8Array;
    if (data instanceof ArrayBuffer) message = new Uint8Array(data);
    else if (typeof data === 'string') message = encoder.encode(data); // Apache's browser client sends TJSONProtocol as text
    else if (ArrayBuffer.isView(data)) message = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    else {
      this.destroy(new TransportError(`unexpected WebSocket message of type ${Object.prototype.toString.call(data)}`));
      return;
    }
    if (message.byteLength > this.maxMessageSize) {
      this.destroy(new FrameTooLargeError(message.byteLength, this.maxMessageSize));
      return;
    }
    const controller = this.readController;
    controller.enqueue(message);
    if (this.flow !== undefined && !this.paused && controller.desiredSize! <= 0) {
      this.paused = true;
      this.flow.pause();
    }
  }

  private onClose(event: { code: number; reason: string }): void {
    for (const [type, listener] of this.listeners) this.socket.removeEventListener(type, listener);
    const clean = event.code === NORMAL_CLOSURE || event.code === GOING_AWAY;
    if (clean && this.readOpen) {
      this.readOpen = false;
      this.readController.close();
    }
    const why = event.reason ? `: ${event.reason}` : '';
    this.fail(new ConnectionClosedError(`WebSocket closed with code ${event.code}${why}`));
  }

  private onError(event: Event): void {
    // A browser's error event carries no detail (the close event that follows has the code);
    // ws's carries the cause, e.g. 'Max payload size exceeded', which the error should name.
    const cause = (event as { error?: unknown }).error;
    this.fail(new TransportError(cause instanceof Error ? `WebSocket error: ${cause.message}` : 'WebSocket error', 'TRANSPORT', { cause }));
  }

}

/** Wraps an open (or opening) WebSocket as a duplex of whole messages. */
export function fromWebSocket(socket: WebSocketLike, options: WebSocketStreamOptions = {}): WebSocketConnection {
  return new WebSocketDuplex(socket, options);
}

/** Opens a WebSocket and resolves once its handshake is done. */
export function connectWebSocket(options: WebSocketConnectOptions): Promise<WebSocketConnection> {
  const { signal, connectTimeout } = options;
  if (signal?.aborted) return Promise.reject(abortReason(signal, 'connect aborted'));
  const Ctor = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (typeof Ctor !== 'function') {
    return Promise.reject(new TypeError('connectWebSocket: this runtime has no WebSocket; pass one as options.WebSocket (e.g. the ws package)'));
  }
  const url = String(options.url);
  let socket: WebSocketLike;
  try {
    socket = options.protocols === undefined ? new Ctor(url) : new Ctor(url, options.protocols);
  } catch (e) {
    return Promise.reject(new TransportError(`WebSocket to ${url} failed: ${e instanceof Error ? e.message : String(e)}`, 'TRANSPORT', { cause: e }));
  }
  socket.binaryType = 'arraybuffer';
  return new Promise<WebSocketConnection>((resolve, reject) => {
    const cleanup = (): void => {
      socket.removeEventListener('open', onOpen);
      socket.removeEventListener('error', onError);
      socket.removeEventListener('close', onError);
      disarm();
    };
    const giveUp = (error: unknown): void => {
      cleanup();
      // Keep a listener: closing a connecting socket may still report an error.
      socket.addEventListener('error', ignore);
      if (socket.readyState <= OPEN) socket.close();
      reject(error);
    };
    const onOpen = (): void => {
      cleanup();
      resolve(fromWebSocket(socket, options));
    };
    const onError = (event: { code?: number }): void => {
      const detail = typeof event?.code === 'number' ? ` (close code ${event.code})` : '';
      giveUp(new TransportError(`WebSocket to ${url} failed to open${detail}`));
    };
    socket.addEventListener('open', onOpen);
    socket.addEventListener('error', onError);
    socket.addEventListener('close', onError);
    const disarm = armDeadline(
      { timeout: connectTimeout, signal, timeoutMessage: `WebSocket to ${url} did not open within ${connectTimeout} ms`, abortMessage: 'connect aborted' },
      giveUp,
    );
  });
}
