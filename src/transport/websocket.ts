/**
 * A WebSocket as a duplex pair of message streams: each chunk written is sent as
 * one binary WebSocket message, each message received is one chunk read, as
 * Apache's WebSocket transports do (one Thrift message per WebSocket message).
 * Only the WHATWG WebSocket API is used, so the same code runs on the browser's
 * WebSocket and on the `ws` package's (which implements that API in Node).
 */
import { abortReason, ConnectionClosedError, FrameTooLargeError, TransportError } from '../errors.js';
import { armDeadline } from '../deadline.js';
import { LinkStreams, type ByteLink, type LinkOwner, type LinkReceiver, type LinkSource } from './link.js';
import type { CallPeer, DuplexStream } from './types.js';

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
  /**
   * The byte stream the WebSocket writes its frames to (in Node, the socket under
   * `ws`): the sends of one turn of the event loop are corked on it and leave in one
   * write. Ignored where there is no process.nextTick.
   * @internal
   */
  corkable?: Corkable;
}

/** @internal A stream whose writes can be held and let go together (Node's net.Socket). */
export interface Corkable {
  cork(): void;
  uncork(): void;
}

/** @internal Node-side flow control, see {@link WebSocketStreamOptions.flow}. */
export interface WebSocketFlow {
  pause(): void;
  resume(): void;
  /** Sends one message; `done` runs once the bytes are handed to the socket. */
  send(data: Uint8Array, done: (error?: Error) => void): void;
  /** Closes without the handshake. */
  terminate(): void;
  /** The client's address, as the accepted socket sees it. */
  readonly peer?: CallPeer;
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
// Bytes a socket may hold unsent before writes wait for it (only where a send callback exists).
const WRITE_HIGH_WATER_MARK = 1024 * 1024;

const encoder = /* @__PURE__ */ new TextEncoder();

function ignore(): void {}

const NO_DEFLATE = { perMessageDeflate: false };

/**
 * Binary messages as bytes rather than Blobs (the WHATWG default). `ws` gives its
 * own default, 'nodebuffer', the received bytes without a copy, where
 * 'arraybuffer' copies each message out of the socket's read; a WHATWG WebSocket
 * has no such type, so 'nodebuffer' is kept where the socket has it, never set.
 */
function binaryAsBytes(socket: WebSocketLike): void {
  if (socket.binaryType !== 'nodebuffer') socket.binaryType = 'arraybuffer';
}

// State bits of a WebSocket duplex, in one field.
/** The receiver wants messages (resume() was called and no pause() since). */
const FLOWING = 1;
/** The socket was paused (flow.pause()) because a message arrived while not flowing. */
const SOCKET_PAUSED = 2;
/** close() or destroy() was called. */
const CLOSING = 4;
/** The connection failed or closed: later messages are dropped. */
const FAILED = 8;
/** The peer closed cleanly while messages were held: its end (then `failure`) is told once they are delivered. */
const END_HELD = 16;
/** Driven as a link: its web streams cannot be asked for. */
const LINKED = 32;
/** Sends of this turn are corked, to leave in one write when the turn ends. */
const CORKED = 64;

type NextTick = (callback: (conn: WebSocketDuplex) => void, conn: WebSocketDuplex) => void;
/**
 * Node's process.nextTick, looked up rather than imported (this module runs in
 * browsers too): it runs once the turn's microtasks are done, where the callers
 * awaiting replies make their next calls. A microtask would uncork between them.
 */
const nextTick = /* @__PURE__ */ (() => (globalThis as { process?: { nextTick?: NextTick } }).process?.nextTick)();

function uncork(conn: WebSocketDuplex): void {
  conn.flags &= ~CORKED;
  conn.corkable!.uncork();
}

/**
 * A WebSocket as a {@link ByteLink} (how channels drive it: its message events in,
 * send() out, no web stream) and as a duplex pair of web streams, built on that
 * link only when `readable` or `writable` is first asked for. A read through a
 * ReadableStream and a write through a WritableStream cost each message a few
 * promises, which showed in the WebSocket benchmark's profile; the socket's own
 * events cost none.
 */
class WebSocketDuplex implements WebSocketConnection, LinkSource, LinkOwner {
  readonly socket: WebSocketLike;
  /** @internal Who hears the messages: a channel, or the web streams. */
  receiver: LinkReceiver | undefined = undefined;
  /** @internal State bits (FLOWING, CLOSING...). */
  flags = 0;
  /** @internal Messages received while not flowing (or before anyone attached), from `head` on. */
  held: Uint8Array[] | undefined = undefined;
  /** @internal Index of the next held message. */
  head = 0;
  /** @internal Why the connection ended, until a receiver is told. */
  failure: Error | undefined = undefined;
  /** @internal See WebSocketStreamOptions.corkable; undefined without process.nextTick. */
  readonly corkable: Corkable | undefined;
  private readonly maxMessageSize: number;
  private readonly flow: WebSocketFlow | undefined;
  private readonly listeners: [string, (event: any) => void][];
  /** Sends handed to the socket while it held more than the high-water mark, whose callbacks are awaited. */
  private unsent = 0;
  private readonly onSent: (error?: Error) => void;
  private link: WebSocketLink | undefined = undefined;
  private pair: LinkStreams | undefined = undefined;

  constructor(socket: WebSocketLike, options: WebSocketStreamOptions) {
    this.socket = socket;
    this.maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    this.flow = options.flow;
    this.corkable = nextTick === undefined ? undefined : options.corkable;
    binaryAsBytes(socket);
    this.onSent = (error) => {
      if (error) this.fail(new TransportError(`WebSocket send failed: ${error.message}`, 'TRANSPORT', { cause: error }));
      else if (--this.unsent === 0) this.receiver?.onDrain();
    };
    this.listeners = [
      ['message', this.onMessage.bind(this)],
      ['close', this.onClose.bind(this)],
      ['error', this.onError.bind(this)],
    ];
    for (const [type, listener] of this.listeners) socket.addEventListener(type, listener);
    if (socket.readyState > OPEN) this.fail(new ConnectionClosedError('WebSocket already closed'));
  }

  /** The far end, where the server-side flow knows it (a browser's WebSocket does not say). */
  get peer(): CallPeer | undefined {
    return this.flow?.peer;
  }

  get readable(): ReadableStream<Uint8Array> {
    return this.streams().readable;
  }

  get writable(): WritableStream<Uint8Array> {
    return this.streams().writable;
  }

  takeLink(): ByteLink | undefined {
    if (this.pair !== undefined) return undefined;
    this.flags |= LINKED;
    return (this.link ??= new WebSocketLink(this));
  }

  close(): void {
    if ((this.flags & CLOSING) !== 0) return;
    this.flags |= CLOSING;
    // A close frame is queued behind the messages already sent (WHATWG WebSockets, close()).
    if (this.socket.readyState <= OPEN) this.socket.close(NORMAL_CLOSURE);
  }

  destroy(error?: Error): void {
    this.fail(error ?? new ConnectionClosedError('connection destroyed'));
    this.flags |= CLOSING;
    if (this.flow !== undefined) this.flow.terminate();
    else if (this.socket.readyState <= OPEN) this.socket.close(NORMAL_CLOSURE);
  }

  /** @internal See ByteLink.resume: held messages go first, then the socket reads again. */
  resume(): void {
    this.flags |= FLOWING;
    this.deliverHeld();
    if ((this.flags & (FLOWING | SOCKET_PAUSED)) === (FLOWING | SOCKET_PAUSED) && this.held === undefined) {
      this.flags &= ~SOCKET_PAUSED;
      this.flow!.resume();
    }
  }

  /** @internal See ByteLink.write. */
  write(chunk: Uint8Array): boolean {
    const socket = this.socket;
    if (socket.readyState !== OPEN) throw new ConnectionClosedError('WebSocket is no longer open');
    // The calls made after one read of replies (or the replies to one read of calls) leave in one
    // write rather than one each: a write was a third to a half of each side's CPU time at 64 in
    // flight in the WebSocket benchmark's profile. `ws` corks each frame itself; corks nest.
    if (this.corkable !== undefined && (this.flags & CORKED) === 0) {
      this.flags |= CORKED;
      this.corkable.cork();
      nextTick!(uncork, this);
    }
    const flow = this.flow;
    if (flow === undefined) {
      socket.send(chunk);
      return true;
    }
    if (socket.bufferedAmount < WRITE_HIGH_WATER_MARK) {
      flow.send(chunk, ignore);
      return true;
    }
    // The peer reads slower than we write: the writer holds until the socket has taken this message.
    this.unsent++;
    flow.send(chunk, this.onSent);
    return false;
  }

  /** @internal Tells the receiver (once) that the connection failed or closed; held messages are dropped. */
  fail(error: Error): void {
    this.flags = (this.flags | FAILED) & ~END_HELD;
    this.held = undefined;
    const receiver = this.receiver;
    if (receiver === undefined) {
      this.failure ??= error;
      return;
    }
    this.receiver = undefined;
    receiver.onFail(error);
  }

  /** Hands held messages over while the receiver wants them; then a clean close held behind them. */
  private deliverHeld(): void {
    for (;;) {
      const held = this.held;
      if (held === undefined) break;
      const receiver = this.receiver;
      if ((this.flags & FLOWING) === 0 || receiver === undefined) return;
      if (this.head === held.length) {
        this.held = undefined;
        this.head = 0;
        break;
      }
      const message = held[this.head]!;
      held[this.head++] = undefined!;
      receiver.onData(message);
    }
    if ((this.flags & END_HELD) !== 0 && (this.flags & FLOWING) !== 0) this.peerClosed();
  }

  /** The peer closed cleanly and every message is delivered: end of input, then the close as the failure of later writes. */
  private peerClosed(): void {
    this.flags &= ~END_HELD;
    const error = this.failure!;
    this.failure = undefined;
    this.receiver?.onEnd();
    this.fail(error);
  }

  private onMessage(event: { data: unknown }): void {
    if ((this.flags & FAILED) !== 0) return;
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
      this.destroy(new FrameTooLargeError(message.byteLength, this.maxMessageSize, 'message'));
      return;
    }
    const receiver = this.receiver;
    if ((this.flags & FLOWING) !== 0 && this.held === undefined && receiver !== undefined) {
      receiver.onData(message);
      return;
    }
    (this.held ??= []).push(message);
    // Paused only once a message waits: a receiver that holds briefly costs the socket nothing.
    if (this.flow !== undefined && (this.flags & SOCKET_PAUSED) === 0) {
      this.flags |= SOCKET_PAUSED;
      this.flow.pause();
    }
  }

  private onClose(event: { code: number; reason: string }): void {
    for (const [type, listener] of this.listeners) this.socket.removeEventListener(type, listener);
    if ((this.flags & FAILED) !== 0) return;
    const why = event.reason ? `: ${event.reason}` : '';
    const error = new ConnectionClosedError(`WebSocket closed with code ${event.code}${why}`);
    if (event.code !== NORMAL_CLOSURE && event.code !== GOING_AWAY) {
      this.fail(error);
      return;
    }
    // A clean close: what was received is delivered first, then the end of input.
    this.failure = error;
    this.flags |= END_HELD;
    if (this.held === undefined && (this.flags & FLOWING) !== 0) this.peerClosed();
  }

  private onError(event: Event): void {
    // A browser's error event carries no detail (the close event that follows has the code);
    // ws's carries the cause, e.g. 'Max payload size exceeded', which the error should name.
    const cause = (event as { error?: unknown }).error;
    this.fail(new TransportError(cause instanceof Error ? `WebSocket error: ${cause.message}` : 'WebSocket error', 'TRANSPORT', { cause }));
  }

  private streams(): LinkStreams {
    if (this.pair !== undefined) return this.pair;
    if ((this.flags & LINKED) !== 0) throw new TypeError('this WebSocket is read and written directly by a channel; its web streams are not available');
    return (this.pair = new LinkStreams(new WebSocketLink(this), this));
  }
}

/**
 * The duplex's link. Apart from it because the two destroys differ: a channel that
 * closes ends the link, then destroys it, and that must leave the closing handshake
 * (and the replies queued before it) alone, where the connection's destroy() cuts the socket.
 */
class WebSocketLink implements ByteLink {
  constructor(private readonly conn: WebSocketDuplex) {}

  attach(receiver: LinkReceiver): void {
    const conn = this.conn;
    conn.receiver = receiver;
    const failure = conn.failure;
    if (failure !== undefined && (conn.flags & FAILED) !== 0 && (conn.flags & END_HELD) === 0) {
      conn.failure = undefined;
      conn.fail(failure);
    }
  }

  pause(): void {
    this.conn.flags &= ~FLOWING;
  }

  resume(): void {
    this.conn.resume();
  }

  write(chunk: Uint8Array): boolean {
    return this.conn.write(chunk);
  }

  end(): Promise<void> {
    this.conn.close();
    return Promise.resolve();
  }

  destroy(error?: Error): void {
    const conn = this.conn;
    if (error === undefined && (conn.flags & CLOSING) !== 0) conn.fail(new ConnectionClosedError('connection closed'));
    else conn.destroy(error);
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
    // The third argument is `ws`'s options, which WHATWG WebSockets do not take: `ws` offers
    // permessage-deflate by default, and a server that accepts it would have every message over
    // 1 KiB compressed, where Thrift calls are latency-bound (the server's default is off too).
    // A WebSocket class that wants it can pass its own options to its super constructor.
    socket = new (Ctor as unknown as new (url: string, protocols: string | string[] | undefined, options: object) => WebSocketLike)(url, options.protocols, NO_DEFLATE);
  } catch (e) {
    return Promise.reject(new TransportError(`WebSocket to ${url} failed: ${e instanceof Error ? e.message : String(e)}`, 'TRANSPORT', { cause: e }));
  }
  binaryAsBytes(socket);
  let corkable: Corkable | undefined;
  // `ws` (Node) tells of its HTTP upgrade response, whose socket carries its frames; a WHATWG WebSocket has no such event.
  const emitter = socket as Partial<{ once(event: 'upgrade', listener: (response: { socket?: Corkable }) => void): void }>;
  if (typeof emitter.once === 'function') {
    emitter.once('upgrade', (response) => {
      const under = response?.socket;
      if (typeof under?.cork === 'function' && typeof under.uncork === 'function') corkable = under;
    });
  }
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
      resolve(fromWebSocket(socket, corkable === undefined ? options : { ...options, corkable }));
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
