/**
 * Byte links: a byte connection driven by calls and callbacks instead of a pair of
 * web streams. Channels (channel.ts) and the server's detection speak to a link. A
 * socket is one by itself (node/socket.ts) and builds its web streams only when
 * someone asks for them ({@link LinkStreams}); any other duplex (a zlib chain, a
 * memory pair, a user's own streams) is driven through {@link StreamLink}.
 *
 * Why: an idle socket served through a ReadableStream/WritableStream pair with a
 * pending read cost ~8 KiB of heap in Node's stream implementation before any
 * Thrift state (docs/performance.md, case 3); fed from the socket's own events it
 * costs a few hundred bytes.
 */
import { ConnectionClosedError } from '../errors.js';
import { DuplexEnds } from './duplex-ends.js';
import { streams } from './streams.js';
import type { DuplexStream } from './types.js';

/** What a link tells the one receiver attached to it. */
export interface LinkReceiver {
  /** A chunk arrived; the receiver owns it from now on. */
  onData(chunk: Uint8Array): void;
  /** The peer ended its side: no more data. */
  onEnd(): void;
  /** The link failed or was torn down: no more data, and writes fail. May follow onEnd (a write failing after the peer ended). */
  onFail(error: Error): void;
  /** There is room again after write() returned false. */
  onDrain(): void;
}

/** A byte connection driven by calls: what channels read and write through. */
export interface ByteLink {
  /** Directs the link's events to `receiver` (replacing an earlier one); data flows once resume() is called. */
  attach(receiver: LinkReceiver): void;
  /** Stops delivering data until resume() (backpressure: the peer's bytes wait in its buffers). */
  pause(): void;
  /** Delivers data again; the first call starts the flow. */
  resume(): void;
  /**
   * Sends a chunk, owned by the link from now on. Returns false when the receiver
   * should hold further writes until onDrain(); throws a ConnectionClosedError when
   * the link can no longer be written.
   */
  write(chunk: Uint8Array): boolean;
  /** Ends the write side once what was written has gone out (the peer sees end of input). */
  end(): Promise<void>;
  /** Tears the connection down now; the receiver is told through onFail. */
  destroy(error?: Error): void;
}

/** A duplex that can hand its bytes over as a {@link ByteLink}, such as a socket. */
export interface LinkSource {
  /**
   * The duplex as a link, when its web streams were never asked for; from then on
   * they cannot be. Undefined once the streams exist. Asking again gives the same link.
   */
  takeLink(): ByteLink | undefined;
}

/** The link to drive `conn` through: its own when it offers one, else a {@link StreamLink} over its streams. */
export function linkOf(conn: DuplexStream): ByteLink {
  const take = (conn as Partial<LinkSource>).takeLink;
  return (typeof take === 'function' ? take.call(conn) : undefined) ?? new StreamLink(conn);
}

/** A duplex whose bytes go through `link` (its streams cannot be asked for): hands a link to the framings, which take a duplex. */
export function linkedDuplex(link: ByteLink): DuplexStream & LinkSource {
  return new LinkedDuplex(link);
}

class LinkedDuplex implements DuplexStream, LinkSource {
  constructor(private readonly link: ByteLink) {}
  takeLink(): ByteLink {
    return this.link;
  }
  get readable(): ReadableStream<Uint8Array> {
    return refuseStreams();
  }
  get writable(): WritableStream<Uint8Array> {
    return refuseStreams();
  }
}

function refuseStreams(): never {
  throw new TypeError('this connection is read and written through its link; it has no web streams');
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

function ignore(): void {}

/** A link over a duplex of web streams: one read loop, writes through the writer. */
export class StreamLink implements ByteLink {
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private receiver: LinkReceiver | undefined;
  private started = false;
  private paused = false;
  private resumed: (() => void) | undefined;
  private waitingDrain = false;
  private failed = false;
  private readonly onWriteError = (e: unknown): void => this.fail(asError(e));

  constructor(conn: DuplexStream) {
    this.writer = conn.writable.getWriter();
    this.reader = conn.readable.getReader();
  }

  attach(receiver: LinkReceiver): void {
    this.receiver = receiver;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    if (!this.started) {
      this.started = true;
      void this.pump();
      return;
    }
    const resumed = this.resumed;
    if (resumed !== undefined) {
      this.resumed = undefined;
      resumed();
    }
  }

  write(chunk: Uint8Array): boolean {
    const writer = this.writer;
    writer.write(chunk).catch(this.onWriteError);
    const size = writer.desiredSize;
    if (size === null || size > 0) return true;
    if (!this.waitingDrain) {
      this.waitingDrain = true;
      writer.ready.then(
        () => {
          this.waitingDrain = false;
          this.receiver?.onDrain();
        },
        ignore,
      );
    }
    return false;
  }

  end(): Promise<void> {
    return this.writer.close();
  }

  destroy(error?: Error): void {
    this.writer.abort(error).catch(ignore);
    this.reader.cancel(error).catch(ignore);
    this.fail(error ?? new ConnectionClosedError('connection destroyed'));
  }

  private fail(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.receiver?.onFail(error);
  }

  private async pump(): Promise<void> {
    const reader = this.reader;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          if (!this.failed) this.receiver?.onEnd();
          return;
        }
        this.receiver?.onData(value);
        if (this.paused) await new Promise<void>((resolve) => (this.resumed = resolve));
      }
    } catch (e) {
      this.fail(asError(e));
    }
  }
}

// Bytes queued in the readable before the link is paused: one full socket read.
const READ_HIGH_WATER_MARK = 64 * 1024;

function byteLength(chunk: Uint8Array): number {
  return chunk.byteLength;
}

/** The connection a {@link LinkStreams} belongs to: what closing or aborting its streams does. */
export interface LinkOwner {
  /** Ends the connection once what was written has gone out. */
  close(): void;
  /** Tears the connection down now. */
  destroy(error?: Error): void;
}

/**
 * A readable and writable built over a link, for a duplex whose streams were asked
 * for: the readable pauses the link when a full socket read is queued unread and
 * resumes it on pull; a write settles once the link has taken the bytes.
 */
export class LinkStreams extends DuplexEnds implements LinkReceiver {
  /** Bytes received. */
  readonly readable: ReadableStream<Uint8Array>;
  /** Bytes to send. */
  readonly writable: WritableStream<Uint8Array>;
  private readonly link: ByteLink;
  private readonly owner: LinkOwner;
  private paused = false;
  private drainResolve: (() => void) | null = null;
  private drainReject: ((error: unknown) => void) | null = null;

  constructor(link: ByteLink, owner: LinkOwner) {
    super();
    this.link = link;
    this.owner = owner;
    const { ReadableStream, WritableStream } = streams();
    this.readable = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.readController = controller;
        },
        pull: () => {
          if (this.paused) {
            this.paused = false;
            this.link.resume();
          }
        },
        cancel: () => {
          // Nobody will read the replies, so the connection is useless.
          this.readOpen = false;
          this.owner.destroy();
        },
      },
      { highWaterMark: READ_HIGH_WATER_MARK, size: byteLength },
    );
    this.writable = new WritableStream<Uint8Array>({
      start: (controller) => {
        this.writeController = controller;
      },
      write: (chunk) => this.write(chunk),
      close: () => {
        this.writeOpen = false;
        return this.link.end();
      },
      abort: (reason) => {
        this.writeOpen = false;
        this.owner.destroy(reason instanceof Error ? reason : undefined);
      },
    });
    link.attach(this);
    link.resume();
  }

  /** Ends the connection once written bytes are out. */
  close(): void {
    this.owner.close();
  }

  /** Tears the connection down. */
  destroy(error?: Error): void {
    this.owner.destroy(error);
  }

  /** @internal */
  onData(chunk: Uint8Array): void {
    if (!this.readOpen) return;
    const controller = this.readController;
    controller.enqueue(chunk);
    if (controller.desiredSize! <= 0) {
      this.paused = true;
      this.link.pause();
    }
  }

  /** @internal */
  onEnd(): void {
    if (!this.readOpen) return;
    this.readOpen = false;
    this.readController.close();
  }

  /** @internal */
  onFail(error: Error): void {
    this.fail(error);
    const reject = this.drainReject;
    if (reject !== null) {
      this.drainResolve = this.drainReject = null;
      reject(error);
    }
  }

  /** @internal */
  onDrain(): void {
    const resolve = this.drainResolve;
    if (resolve !== null) {
      this.drainResolve = this.drainReject = null;
      resolve();
    }
  }

  private write(chunk: Uint8Array): Promise<void> | undefined {
    if (this.link.write(chunk)) return undefined;
    return new Promise<void>((resolve, reject) => {
      this.drainResolve = resolve;
      this.drainReject = reject;
    });
  }
}
