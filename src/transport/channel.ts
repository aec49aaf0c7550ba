/**
 * A message channel over a duplex: what clients and servers talk through. This one
 * carries one message per chunk (WebSocket messages, HTTP bodies); its subclass
 * StreamChannel (stream-channel.ts) finds messages in a byte stream. Framings open
 * their channel (MessageFraming.open), so a client that only ever gets whole
 * messages carries neither the splitters nor the write batching.
 */
import { TransportError } from '../errors.js';
import type { MeasureFn } from './buffered.js';
import { linkOf, type ByteLink, type LinkReceiver } from './link.js';
import type { DuplexStream } from './types.js';

/**
 * How messages map onto the byte stream: 'framed' (4-byte big-endian length
 * prefix, TFramedTransport), 'buffered' (back to back, TBufferedTransport; ends
 * found by the protocol's measure), or 'message' (each chunk is one message, for
 * message-oriented duplexes such as WebSocket or an already-framed stream).
 */
export type Framing = 'buffered' | 'framed' | 'message';

/** Options for a channel. */
export interface ChannelOptions {
  /** The protocol's message measure; needed for 'buffered'. */
  measure?: MeasureFn;
  /** Largest message accepted, in bytes; default 16_384_000. */
  maxMessageSize?: number;
  /** Deepest nesting the 'buffered' message walk accepts; give the protocol reader's limit (default 64). */
  maxDepth?: number;
  /**
   * Milliseconds a message may take from its first byte to its last (a slow or
   * stalled sender); past it, read() rejects with TimeoutError. Default: no limit.
   */
  messageTimeout?: number;
  /** Called once when a write fails (the reading side usually fails too). */
  onError?: (error: unknown) => void;
  /**
   * Shown the first bytes received (up to {@link HEAD_BYTES}, more with each chunk)
   * until it returns true; what it throws fails read(). A client checks there that
   * the peer answers in its framing and protocol. The bytes still go to the framing.
   */
  inspect?: (head: Uint8Array) => boolean;
}

/** Most bytes {@link ChannelOptions.inspect} is shown, and {@link MessageChannel.head} keeps. */
export const HEAD_BYTES = 64;

const NO_BYTES = new Uint8Array(0);

/**
 * A framing as an object (framedTransport, bufferedTransport, messageTransport): it
 * opens the channel, so only the framings a program passes are in its bundle.
 */
export interface MessageFraming {
  /** Its name, as the `transport` options spell it. */
  readonly name: Framing;
  /** A channel over `conn` with this framing. */
  open(conn: DuplexStream, options: ChannelOptions): MessageChannel;
}

/**
 * Who a channel hands its messages to: the push form of {@link MessageChannel.read},
 * which a served connection implements itself so that reading costs it no closure.
 */
export interface MessageReceiver {
  /** One whole message, in order. What it throws fails the reading (onError). */
  onMessage(message: Uint8Array): void;
  /** After each chunk's messages: a promise holds the next chunk back until it settles (backpressure). */
  afterChunk(): Promise<void> | undefined;
  /** The peer ended the stream (or the channel was closed): no more messages. */
  onEnd(): void;
  /** Reading failed: a transport or framing error, or what onMessage threw. No more messages. */
  onError(error: unknown): void;
  /** A write failed (told once); when absent, the channel's `onError` option is told instead. */
  onWriteError?(error: unknown): void;
}

function noPause(): undefined {
  return undefined;
}

/** A channel's options that only some channels have (clients'), kept out of the per-connection fields of the rest. */
interface Hooks {
  onError: ((error: unknown) => void) | undefined;
  /** Shown the first bytes until it decides; undefined once it has. */
  inspect: ((head: Uint8Array) => boolean) | undefined;
  head: Uint8Array;
}

// The channel's state bits, in one field: a channel exists per connection, and
// thousands of idle connections each pay for every field.
/** receive() was called. */
const READING = 1;
/** Reading ended (end of input, a failure, or this side stopped it). */
const DONE = 2;
/** This side tore the link down: the failure that follows is its own doing. */
const STOPPED = 4;
/** The receiver asked to hold the next chunk back. */
const HOLDING = 8;
/** The last write was refused room: ready() waits for the link's drain. */
const FULL = 16;
/** The link failed before reading started: receive() reports it. */
const LINK_FAILED = 32;
/** @internal For subclasses: the first bit they may use. */
export const CHANNEL_FREE_BIT = 64;

/**
 * Sends and receives whole messages over a duplex whose chunks are whole messages.
 * It drives the duplex through a {@link ByteLink}: a socket's own (no web stream is
 * ever built), or one over the duplex's streams.
 */
export class MessageChannel implements LinkReceiver {
  /** The connection's bytes, in and out. */
  protected readonly link: ByteLink;
  /** The onError and inspect options and the head shown to inspect; undefined when neither was given (a server's). */
  private readonly hooks: Hooks | undefined;
  protected failed: unknown = undefined;
  /** Who gets the messages, from receive() on (reading has ended once DONE is set). */
  protected receiver: MessageReceiver | undefined = undefined;
  /** State bits (READING, DONE...). */
  protected flags = 0;
  /** What ready() returned while FULL, settled by the link's drain. */
  private drain: { promise: Promise<void>; resolve: () => void } | undefined = undefined;

  constructor(conn: DuplexStream, options: ChannelOptions = {}) {
    const { onError, inspect } = options;
    this.hooks = onError === undefined && inspect === undefined ? undefined : { onError, inspect, head: NO_BYTES };
    this.link = linkOf(conn);
    this.link.attach(this);
  }

  /** The framing in use. */
  get framing(): Framing {
    return 'message';
  }

  /**
   * Reads until the peer ends the stream, calling `onMessage` synchronously for
   * each message, in order. Resolves at the end of input; rejects on a transport
   * or framing error, or with what `onMessage` throws. `pause`, when given, is
   * awaited between chunks while it returns a promise (backpressure).
   */
  read(onMessage: (message: Uint8Array) => void, pause?: () => Promise<void> | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.receive({ onMessage, afterChunk: pause ?? noPause, onEnd: resolve, onError: reject });
    });
  }

  /**
   * Starts reading into `receiver` (once). `first`, when given, is bytes already read
   * from the connection before this channel was opened (a server's detection): they
   * are taken before anything else.
   */
  receive(receiver: MessageReceiver, first?: Uint8Array): void {
    if ((this.flags & READING) !== 0) throw new TypeError('this channel is already being read');
    this.receiver = receiver;
    this.flags |= READING;
    if ((this.flags & STOPPED) !== 0) {
      // Stopped before anyone read: the reader sees the end, as a cancelled stream shows it.
      queueMicrotask(() => receiver.onEnd());
      return;
    }
    if ((this.flags & LINK_FAILED) !== 0) {
      this.endReading(this.failed);
      return;
    }
    if (first !== undefined && first.length > 0) this.onData(first);
    if ((this.flags & (DONE | HOLDING)) === 0) this.link.resume();
  }

  /** The first bytes received (up to {@link HEAD_BYTES}) when `inspect` was given; empty otherwise. */
  get head(): Uint8Array {
    return this.hooks?.head ?? NO_BYTES;
  }

  /** Whether messages are still being handed to a receiver. */
  protected get open(): boolean {
    return (this.flags & (READING | DONE)) === READING;
  }

  /** @internal A chunk from the link. */
  onData(chunk: Uint8Array): void {
    if (!this.open) return;
    const receiver = this.receiver!;
    let wait;
    try {
      if (this.hooks?.inspect !== undefined) this.inspectHead(chunk);
      this.deliver(chunk, receiver);
      if (!this.open) return;
      wait = receiver.afterChunk();
    } catch (e) {
      this.endReading(e);
      return;
    }
    if (wait !== undefined) this.hold(wait);
  }

  /** @internal The peer ended its side. */
  onEnd(): void {
    if (!this.open) return;
    try {
      this.endOfInput();
    } catch (e) {
      this.endReading(e);
      return;
    }
    this.flags |= DONE;
    this.stopTimers();
    this.receiver!.onEnd();
  }

  /** @internal The link failed or was torn down. */
  onFail(error: Error): void {
    this.flags &= ~FULL;
    this.releaseDrain();
    if ((this.flags & STOPPED) !== 0) return;
    if (this.failed === undefined) this.failed = error;
    if ((this.flags & READING) === 0) this.flags |= LINK_FAILED;
    else this.endReading(error);
  }

  /** @internal The link has room again. */
  onDrain(): void {
    this.flags &= ~FULL;
    this.releaseDrain();
  }

  /** Hands the messages of one chunk to the receiver: here the chunk is one message. */
  protected deliver(chunk: Uint8Array, receiver: MessageReceiver): void {
    receiver.onMessage(chunk);
  }

  /** At the end of input: throws when a message was left incomplete. */
  protected endOfInput(): void {}

  /** Stops what reading armed (timers). */
  protected stopTimers(): void {}

  /** Ends the reading with `error`: the receiver is told once, and the link delivers no more. */
  protected endReading(error: unknown): void {
    if (!this.open) return;
    this.flags |= DONE;
    this.stopTimers();
    this.link.pause();
    this.receiver!.onError(error);
  }

  private hold(wait: Promise<void>): void {
    this.flags |= HOLDING;
    this.link.pause();
    wait.then(
      () => {
        this.flags &= ~HOLDING;
        if (this.open) this.link.resume();
      },
      (e: unknown) => {
        this.flags &= ~HOLDING;
        this.endReading(e);
      },
    );
  }

  /** Adds a chunk to the head and shows it to `inspect`, until it has decided or the head is full. */
  private inspectHead(chunk: Uint8Array): void {
    const hooks = this.hooks!;
    const had = hooks.head.length;
    const take = Math.min(chunk.length, HEAD_BYTES - had);
    const head = new Uint8Array(had + take);
    head.set(hooks.head);
    head.set(chunk.subarray(0, take), had);
    hooks.head = head;
    if (hooks.inspect!(head) || head.length >= HEAD_BYTES) hooks.inspect = undefined;
  }

  /** Queues one message. Throws if an earlier write failed. */
  send(message: Uint8Array): void {
    this.assertWritable();
    this.write(message);
  }

  /** Hands a chunk to the link; a link that can no longer be written is reported (once), after the caller's turn. */
  protected write(chunk: Uint8Array): void {
    try {
      if (!this.link.write(chunk)) this.flags |= FULL;
    } catch (e) {
      queueMicrotask(() => this.writeFailed(e));
    }
  }

  /** Reports the first failed write (to the receiver's onWriteError, else the onError option); later sends throw. */
  protected writeFailed(e: unknown): void {
    if (this.failed !== undefined) return;
    this.failed = e;
    const receiver = this.receiver;
    if (receiver?.onWriteError !== undefined) receiver.onWriteError(e);
    else this.hooks?.onError?.(e);
  }

  /** Throws the TransportError of a failed earlier write. */
  protected assertWritable(): void {
    if (this.failed !== undefined) throw new TransportError('the connection can no longer be written', 'TRANSPORT', { cause: this.failed });
  }

  /** Resolves when the connection wants more data; undefined when it already does. */
  ready(): Promise<void> | undefined {
    if ((this.flags & FULL) === 0) return undefined;
    let drain = this.drain;
    if (drain === undefined) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.drain = drain = { promise, resolve };
    }
    return drain.promise;
  }

  private releaseDrain(): void {
    const drain = this.drain;
    if (drain === undefined) return;
    this.drain = undefined;
    drain.resolve();
  }

  /** Writes out what is queued, then ends the connection (the peer sees end of input). */
  async close(): Promise<void> {
    try {
      await this.link.end();
    } catch {
      // Already failed or closed: nothing left to flush.
    }
    this.stop();
  }

  /** Tears both directions down now. */
  abort(reason?: unknown): void {
    this.stop(reason instanceof Error ? reason : undefined);
  }

  /** Stops reading (the peer's further messages are discarded) and tears the connection down. */
  stopReading(): void {
    this.stop();
  }

  /** This side stops: the link is torn down and a receiver still reading sees the end, after the caller's turn. */
  private stop(error?: Error): void {
    if ((this.flags & STOPPED) !== 0) return;
    const reading = this.open;
    this.flags |= STOPPED | DONE;
    this.stopTimers();
    this.link.destroy(error);
    if (reading) {
      const receiver = this.receiver!;
      queueMicrotask(() => receiver.onEnd());
    }
  }
}

/** Each chunk is one message (WebSocket messages, HTTP bodies): no splitting, no prefix. */
export const messageTransport: MessageFraming = { name: 'message', open: (conn, options) => new MessageChannel(conn, options) };

/** Ignores a rejection nobody waits for. */
export function ignore(): void {}
